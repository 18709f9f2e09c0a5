"""Signing in and permission checks, done by the core so every front-end obeys them.

An office without users is a one-person office: nobody signs in and everything is
allowed. Once the first administrator exists, every change needs a signed-in user
holding the right role.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, func, select

from dvdesk.db.schema import AppUser
from dvdesk.domain.people import Role
from dvdesk.errors import UserError
from dvdesk.i18n import _
from dvdesk.services.store import Store

# Seconds since the epoch; tests replace it to step over a delay without sleeping.
clock: Callable[[], float] = time.time
FREE_ATTEMPTS = 2
MAX_DELAY = 300.0


class PermissionDenied(UserError):
    exit_code = 3


class SignInFailed(UserError):
    exit_code = 3


def hasher() -> PasswordHasher:
    return PasswordHasher()  # argon2id with the library's current recommended cost


def hash_password(password: str) -> str:
    if len(password) < 8:
        raise UserError(_("The password is too short: use at least 8 characters, then try again."))
    return hasher().hash(password)


def delay_after(failures: int) -> float:
    """How long to wait after ``failures`` wrong passwords in a row: 0, 0, 2, 4, 8 … 300 s."""
    if failures <= FREE_ATTEMPTS:
        return 0.0
    return min(MAX_DELAY, 2.0 ** (failures - FREE_ATTEMPTS))


def office_has_users(session: Session) -> bool:
    return bool(session.exec(select(func.count()).select_from(AppUser)).one())


def sign_in(store: Store, *, name: str, password: str) -> AppUser:
    """Check ``password``; on success ``store`` acts as ``name`` from now on."""
    with store.session() as session:
        user = session.get(AppUser, name)
        now = clock()
        if user is not None and user.blocked_until > now:
            wait = math.ceil(user.blocked_until - now)
            raise SignInFailed(
                _(
                    "Too many wrong passwords for {name}: wait {seconds} seconds, then try "
                    "again (or ask an administrator to set a new password)."
                ).format(name=name, seconds=wait)
            )
        if user is None or user.disabled or not _matches(user.password_hash, password):
            if user is not None:
                user.failed_count += 1
                user.blocked_until = now + delay_after(user.failed_count)
                session.add(user)
            failed = True
        else:
            user.failed_count = 0
            user.blocked_until = 0.0
            session.add(user)
            failed = False
    if failed:
        # Raised after the transaction committed, so the failure count is kept.
        raise SignInFailed(
            _("Wrong user name or password (or the user is disabled). Check them and try again.")
        )
    assert user is not None
    store.actor = user.name
    store.signed_in = True
    return user


def _matches(stored: str, password: str) -> bool:
    try:
        return hasher().verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def require(session: Session, store: Store, *roles: Role) -> None:
    """Refuse unless the signed-in user holds one of ``roles`` (any, in a one-person office)."""
    if not office_has_users(session):
        return
    user = session.get(AppUser, store.actor) if store.signed_in else None
    if user is None or user.disabled:
        raise PermissionDenied(
            _(
                "This office has users: sign in first (in the app, or with --user NAME and the "
                "password in DVDESK_PASSWORD). Nothing was changed."
            )
        )
    if not set(user.roles) & {role.value for role in roles}:
        needed = ", ".join(role.label for role in roles)
        raise PermissionDenied(
            _(
                "{name} may not do this: it needs the role {roles}. Ask an administrator to "
                "give you the role, or ask someone who has it. Nothing was changed."
            ).format(name=user.name, roles=needed)
        )


def check(store: Store, *roles: Role) -> None:
    """:func:`require` in its own transaction, for operations that do not open one first."""
    with store.session() as session:
        require(session, store, *roles)
