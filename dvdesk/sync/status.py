"""Who is enrolled, what each office last sent, and who has not reported in a date range.

Dates here are this office's own clock at import time, never the sender's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import col, func, select

from dvdesk.db.schema import (
    Correction,
    DemoRecord,
    OrgUnit,
    PackageIn,
    PackageOut,
    Receipt,
    Record,
    UnitKey,
)
from dvdesk.services.store import Store


@dataclass(frozen=True)
class UnitStatus:
    """One line of the enrolled-offices table."""

    office_code: str
    office_name: str
    relation: str
    key_id: str | None
    fingerprint: str | None
    revoked: bool
    enrolled_at: str | None
    last_sequence: int | None
    last_imported_on: date | None
    last_records: int | None
    packages: int
    open_corrections: int
    # Package numbers never received (withheld on the way, or lost): the first 20 at most.
    missing: tuple[int, ...] = ()
    relay: str | None = None  # the office whose packages carry this one's


@dataclass(frozen=True)
class OutboxStatus:
    """What this office has sent to one destination and what was acknowledged."""

    destination: str
    last_sequence: int
    acknowledged_sequence: int
    unacknowledged_records: int
    returned_open: int


def _day(stamp: str | None) -> date | None:
    return date.fromisoformat(stamp[:10]) if stamp else None


def unit_statuses(store: Store) -> list[UnitStatus]:
    """Every office with an enrolled key (and every known child), with its last package."""
    with store.session() as session:
        keys = session.exec(select(UnitKey).order_by(col(UnitKey.enrolled_at))).all()
        children = session.exec(select(OrgUnit).where(OrgUnit.relation == "child")).all()
        packages = session.exec(select(PackageIn).order_by(col(PackageIn.sequence))).all()
        corrections = session.exec(
            select(Correction.office_code, func.count())
            .where(Correction.direction == "out", col(Correction.status).in_(("pending", "sent")))
            .group_by(col(Correction.office_code))
        ).all()
    current: dict[str, UnitKey] = {}
    for row in keys:  # the newest unreplaced key of each office wins
        if row.replaced_by is None or row.office_code not in current:
            current[row.office_code] = row
    names = {unit.code: unit.name for unit in children}
    for row in keys:
        names.setdefault(row.office_code, row.office_name)
    last: dict[str, PackageIn] = {}
    count: dict[str, int] = {}
    by_origin: dict[str, list[PackageIn]] = {}
    for imported in packages:
        last[imported.origin] = imported
        count[imported.origin] = count.get(imported.origin, 0) + 1
        by_origin.setdefault(imported.origin, []).append(imported)
    open_by_office = {code: int(n) for code, n in corrections}
    result = []
    for code, name in sorted(names.items()):
        key: UnitKey | None = current.get(code)
        package: PackageIn | None = last.get(code)
        result.append(
            UnitStatus(
                office_code=code,
                office_name=name,
                relation=key.relation if key else "child",
                key_id=key.key_id if key else None,
                fingerprint=key.fingerprint if key else None,
                revoked=key.revoked if key else False,
                enrolled_at=key.enrolled_at if key else None,
                last_sequence=package.sequence if package else None,
                last_imported_on=_day(package.imported_at) if package else None,
                last_records=(package.new + package.updated + package.unchanged)
                if package
                else None,
                packages=count.get(code, 0),
                open_corrections=open_by_office.get(code, 0),
                missing=missing_sequences(by_origin.get(code, [])),
                relay=key.parent_code if key else None,
            )
        )
    return result


def missing_sequences(packages: list[PackageIn], *, limit: int = 20) -> tuple[int, ...]:
    """Sequence numbers no imported package covers (each covers covers_from..sequence)."""
    missing: list[int] = []
    reached = 0
    for package in sorted(packages, key=lambda row: row.sequence):
        start = max(package.covers_from, 1)
        if start > reached + 1:
            missing += range(reached + 1, min(start, reached + 1 + limit - len(missing)))
        reached = max(reached, package.sequence)
        if len(missing) >= limit:
            break
    return tuple(missing[:limit])


def not_reported(store: Store, *, start: date, end: date) -> list[UnitStatus]:
    """Subordinate offices (direct, or reporting through a relay) from which no package was
    imported between ``start`` and ``end``, and those with packages withheld on the way."""
    with store.session() as session:
        stamps = session.exec(select(PackageIn.origin, PackageIn.imported_at)).all()
    reported = {origin for origin, stamp in stamps if (day := _day(stamp)) and start <= day <= end}
    return [
        unit
        for unit in unit_statuses(store)
        if unit.relation in ("child", "delegated")
        and not unit.revoked
        and (unit.office_code not in reported or unit.missing)
    ]


def outbox(store: Store, *, destination: str) -> OutboxStatus:
    with store.session() as session:
        last = session.exec(
            select(func.max(PackageOut.sequence)).where(PackageOut.destination == destination)
        ).one()
        acked = session.exec(
            select(func.max(Receipt.acknowledged_sequence)).where(
                Receipt.direction == "in", Receipt.office_code == destination
            )
        ).one()
        after = 0
        if acked:
            sent = session.exec(
                select(PackageOut).where(
                    PackageOut.destination == destination, PackageOut.sequence == acked
                )
            ).one()
            after = sent.upto_change_seq
        pending = session.exec(
            select(func.count())
            .select_from(Record)
            .where(col(Record.change_seq) > after, col(Record.office_code) != destination)
            .where(col(Record.id).not_in(select(DemoRecord.record_id)))  # never sent
        ).one()
        returned = session.exec(select(Correction).where(Correction.direction == "in")).all()
        open_returned = 0
        for item in returned:
            record = session.get(Record, item.record_id)
            if record is None or record.revision <= item.revision:
                open_returned += 1
    return OutboxStatus(
        destination=destination,
        last_sequence=int(last or 0),
        acknowledged_sequence=int(acked or 0),
        unacknowledged_records=int(pending),
        returned_open=open_returned,
    )
