"""Moving an office that has exported to a new office above (docs/reparenting.md §2).

A move changes who the office is (its parent), so it makes a new key whose card names the
new parent, certified by the current key; the new parent enrols that card after reading
its fingerprint by phone. The old parent's keys stay known as ``former_parent``: what it
sends afterwards is refused with a clear message. The first package to the new parent
continues this office's sequence chain and carries everything (see ``export._plan``).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from dvdesk.db.schema import OrgUnit, PackageOut, UnitKey
from dvdesk.domain.enums import OfficeLevel
from dvdesk.domain.people import Role
from dvdesk.errors import Conflict, NotFound
from dvdesk.i18n import _
from dvdesk.services.audit import audit
from dvdesk.services.auth import check, require
from dvdesk.services.office import (
    OfficeView,
    get_office,
    has_exported,
    parent_input,
    point_at_parent,
    refuse_central,
    refuse_known_unit,
)
from dvdesk.services.store import Store
from dvdesk.sync import keys
from dvdesk.sync.keycard import parse_card

FORMER_PARENT = "former_parent"
# A child that moved to report to another office (set at its former parent by release_child).
MOVED_AWAY = "moved_away"


@dataclass(frozen=True)
class MoveResult:
    office: OfficeView
    old_code: str
    old_name: str
    fingerprint: str  # of the new key card, to read out by phone to the new parent
    continues_from: int  # the last package sent to an office above before the move


def former_parents(session: Session) -> set[str]:
    """Offices this office reported to before a move."""
    rows = session.exec(select(UnitKey.office_code).where(UnitKey.relation == FORMER_PARENT))
    return set(rows.all())


def upward_destinations(session: Session, parent_code: str) -> set[str]:
    """Where this office's one upward sequence chain went: the parent and former parents."""
    return former_parents(session) | {parent_code}


def _last_upward(session: Session, destinations: set[str]) -> PackageOut | None:
    return session.exec(
        select(PackageOut)
        .where(col(PackageOut.destination).in_(destinations))
        .order_by(col(PackageOut.sequence).desc())
    ).first()


def move_needed(store: Store) -> bool:
    """Whether changing the office above is a move (a package was exported) rather than a
    plain :func:`dvdesk.services.office.set_parent`."""
    office = get_office(store)
    if office.level is OfficeLevel.CENTRAL or office.parent_code is None:
        return False
    with store.session() as session:
        return has_exported(session)


def move_to_parent(store: Store, *, code: str, name: str, passphrase: str) -> MoveResult:
    """Report to office ``code`` from now on, after packages went to the current parent."""
    check(store, Role.ADMIN)
    office = get_office(store)
    refuse_central(office)
    data = parent_input(level=office.level, code=code, name=name)
    _check_movable(store, office, data.parent_code)
    old, new = keys.key_for_move(store, passphrase=passphrase, parent_code=data.parent_code)
    old_code, old_name = office.parent_code or "", office.parent_name or ""
    with store.session() as session:
        require(session, store, Role.ADMIN)
        point_at_parent(session, office=office, data=data)
        for row in session.exec(
            select(UnitKey).where(UnitKey.office_code == old_code, UnitKey.relation == "parent")
        ):
            row.relation = FORMER_PARENT
            session.add(row)
        last = _last_upward(session, upward_destinations(session, old_code))
        keys.retire_for_move(session, old=old, new=new)
        audit(
            session,
            actor=store.actor,
            action="move",
            entity="office",
            entity_id=office.code,
            changes={
                "parent_code": {"from": old_code, "to": data.parent_code},
                "parent_name": {"from": old_name, "to": data.parent_name},
                "key": {"from": old.key_id, "to": new.key_id},
                "chain": {
                    "sequence": last.sequence if last else 0,
                    "hash": last.package_hash if last else None,
                },
            },
        )
    # The old key may no longer sign anything (as after a rotation).
    keys.destroy_key_file(store, old.key_id)
    return MoveResult(
        office=get_office(store),
        old_code=old_code,
        old_name=old_name,
        fingerprint=parse_card(new.card).fingerprint,
        continues_from=last.sequence if last else 0,
    )


def _check_movable(store: Store, office: OfficeView, code: str) -> None:
    if not move_needed(store):
        raise Conflict(
            _(
                "This office has not sent any package to an office above yet, so there is "
                "nothing to move: set the office above directly. Nothing was changed."
            )
        )
    if code == office.parent_code:
        raise Conflict(
            _("{name} ({code}) is already the office above this one. Nothing was changed.").format(
                name=office.parent_name, code=code
            )
        )
    with store.session() as session:
        if code in former_parents(session):
            raise Conflict(
                _(
                    "This office reported to office {code} before and moved away from it; "
                    "moving back is not supported yet. Nothing was changed. Call the office "
                    "above you report to now."
                ).format(code=code)
            )
        refuse_known_unit(session, code, office.code_list)


def release_child(store: Store, *, code: str) -> str:
    """At the former parent: stop taking and vouching for office ``code``, which moved to
    report to another office (docs/reparenting.md §5). Its keys stay known, as
    ``moved_away``: its packages are refused here, the next package up neither nests
    them nor vouches for it, so the new parent no longer refuses this office's packages
    (``not_delegated``). Returns the office's name."""
    code = code.strip()
    with store.session() as session:
        require(session, store, Role.ADMIN)
        rows = list(
            session.exec(
                select(UnitKey).where(UnitKey.office_code == code, UnitKey.relation == "child")
            )
        )
        if not rows:
            raise NotFound(
                _(
                    "Office {code} is not enrolled here as an office below, so there is nothing "
                    "to release. See the list with 'dvdesk units list'. Nothing was changed."
                ).format(code=code[:40])
            )
        for row in rows:
            row.relation = MOVED_AWAY
            session.add(row)
        for unit in session.exec(
            select(OrgUnit).where(OrgUnit.code == code, OrgUnit.relation == "child")
        ):
            unit.relation = MOVED_AWAY
            session.add(unit)
        audit(
            session,
            actor=store.actor,
            action="release",
            entity="unit_key",
            entity_id=code,
            changes={"office": code, "keys": sorted(row.key_id for row in rows)},
        )
        return rows[0].office_name
