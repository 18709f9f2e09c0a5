"""The people of an office: add, list, change a password, disable.

The first user must be an administrator; from then on only an administrator manages
users, and the office requires sign-in (see dvdesk.services.auth).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, select

from dvdesk.clock import now_iso
from dvdesk.db.schema import AppUser
from dvdesk.domain.people import Role
from dvdesk.errors import Conflict, NotFound, UserError
from dvdesk.i18n import _
from dvdesk.services.audit import audit
from dvdesk.services.auth import hash_password, office_has_users, require, sign_in
from dvdesk.services.store import Store

_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,31}$")


@dataclass(frozen=True)
class UserView:
    name: str
    full_name: str
    roles: tuple[Role, ...]
    disabled: bool
    blocked_until: float

    def as_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "full_name": self.full_name,
            "roles": [role.value for role in self.roles],
            "disabled": self.disabled,
        }


def _view(user: AppUser) -> UserView:
    return UserView(
        name=user.name,
        full_name=user.full_name,
        roles=tuple(Role(role) for role in user.roles),
        disabled=user.disabled,
        blocked_until=user.blocked_until,
    )


def parse_roles(values: Sequence[str]) -> tuple[Role, ...]:
    roles: list[Role] = []
    for value in values:
        try:
            role = Role(value)
        except ValueError:
            raise UserError(
                _("Unknown role {role}: use clerk, head or admin.").format(role=value)
            ) from None
        if role not in roles:
            roles.append(role)
    if not roles:
        raise UserError(_("Give the user at least one role: clerk, head or admin."))
    return tuple(roles)


def check_new_user(*, name: str, password: str) -> str:
    """Refuse a bad name or a short password before anything is written; returns the hash."""
    if not _NAME.match(name):
        raise UserError(
            _(
                "The user name {name} is not allowed: use 2–32 lower-case letters without "
                "accents, digits, '.', '-' or '_' (e.g. nguyenvana)."
            ).format(name=name)
        )
    return hash_password(password)


def add_user(
    store: Store, *, name: str, roles: Sequence[Role], password: str, full_name: str = ""
) -> UserView:
    """Add a user. The very first one must be an administrator (and needs no sign-in)."""
    password_hash = check_new_user(name=name, password=password)
    with store.session() as session:
        first = not office_has_users(session)
        if first and Role.ADMIN not in roles:
            raise UserError(
                _("The first user must be an administrator: add the role admin and try again.")
            )
        if not first:
            require(session, store, Role.ADMIN)
        if session.get(AppUser, name) is not None:
            raise Conflict(_("The user {name} already exists.").format(name=name))
        user = AppUser(
            name=name,
            full_name=full_name.strip() or name,
            password_hash=password_hash,
            roles=[role.value for role in roles],
            created_at=now_iso(),
            created_by=store.actor,
        )
        session.add(user)
        _audit(session, store, "create", name, {"roles": user.roles, "full_name": user.full_name})
        if first:
            # From now on this office requires sign-in; the creator is this administrator.
            store.actor = name
            store.signed_in = True
        return _view(user)


def list_users(store: Store) -> list[UserView]:
    with store.session() as session:
        if office_has_users(session):
            require(session, store, Role.ADMIN, Role.HEAD, Role.CLERK)
        return [_view(u) for u in session.exec(select(AppUser).order_by(col(AppUser.name)))]


def set_password(store: Store, *, name: str, password: str) -> None:
    """A user changes their own password; an administrator may reset anyone's (and the
    delay after wrong passwords)."""
    password_hash = hash_password(password)
    with store.session() as session:
        user = _get(session, name)
        if not (store.signed_in and store.actor == name):
            require(session, store, Role.ADMIN)
        user.password_hash = password_hash
        user.failed_count = 0
        user.blocked_until = 0.0
        session.add(user)
        _audit(session, store, "password", name, {})


def change_own_password(store: Store, *, current: str, password: str) -> None:
    """The signed-in user changes their password after typing the current one (a wrong
    one counts towards the growing delay, as at sign-in)."""
    if not store.signed_in:
        raise UserError(
            _(
                "Nobody is signed in (this office has no users yet), so there is no password "
                "to change. An administrator can add users under the user menu."
            )
        )
    hash_password(password)  # a short new password is refused before the current is tried
    sign_in(store, name=store.actor, password=current)
    set_password(store, name=store.actor, password=password)


def disable_user(store: Store, *, name: str) -> None:
    with store.session() as session:
        require(session, store, Role.ADMIN)
        user = _get(session, name)
        if Role.ADMIN.value in user.roles and _enabled_admins(session) == [name]:
            raise Conflict(
                _(
                    "{name} is the last administrator: add another administrator first, "
                    "then disable this one."
                ).format(name=name)
            )
        user.disabled = True
        session.add(user)
        _audit(session, store, "disable", name, {})


def enable_user(store: Store, *, name: str) -> None:
    """Let a disabled user sign in again (an administrator's decision)."""
    with store.session() as session:
        require(session, store, Role.ADMIN)
        user = _get(session, name)
        if not user.disabled:
            raise Conflict(_("{name} can already sign in; nothing was changed.").format(name=name))
        user.disabled = False
        session.add(user)
        _audit(session, store, "enable", name, {})


def set_roles(store: Store, *, name: str, roles: Sequence[Role]) -> UserView:
    """Replace a user's roles; the office always keeps one enabled administrator."""
    if not roles:
        raise UserError(_("Give the user at least one role: clerk, head or admin."))
    values = [role.value for role in dict.fromkeys(roles)]
    with store.session() as session:
        require(session, store, Role.ADMIN)
        user = _get(session, name)
        losing_admin = Role.ADMIN.value in user.roles and Role.ADMIN.value not in values
        if losing_admin and _enabled_admins(session) == [name]:
            raise Conflict(
                _(
                    "{name} is the last administrator: give another user the administrator "
                    "role first, then change this one."
                ).format(name=name)
            )
        _audit(session, store, "roles", name, {"from": list(user.roles), "to": values})
        user.roles = values
        session.add(user)
        return _view(user)


def _enabled_admins(session: Session) -> list[str]:
    users = session.exec(select(AppUser).where(col(AppUser.disabled).is_(False))).all()
    return [u.name for u in users if Role.ADMIN.value in u.roles]


def _get(session: Session, name: str) -> AppUser:
    user = session.get(AppUser, name)
    if user is None:
        raise NotFound(_("There is no user {name}. See 'dvdesk user list'.").format(name=name))
    return user


def _audit(
    session: Session, store: Store, action: str, name: str, changes: dict[str, object]
) -> None:
    audit(
        session,
        actor=store.actor,
        action=action,
        entity="user",
        entity_id=name,
        changes=changes,
    )
