"""The audit chain across offices: sealed into each package, checked by the receiver.

The sender seals the recomputed head of its chain (so a hand edit shows as a head the
receiver has never seen) and the hashes at the lengths its earlier packages sealed. The
receiver compares them with the last package it took from that office: the history
must continue from there, unchanged.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import col, select

from dvdesk.db.schema import PackageIn
from dvdesk.i18n import _
from dvdesk.services.audit_chain import check_chain
from dvdesk.services.store import Store
from dvdesk.sync.format import AuditCheckpoint, AuditSeal

_EARLIER_SEALS = 32


def seal(connection: sqlite3.Connection, *, destinations: Sequence[str]) -> AuditSeal:
    """The seal for a package to the chain of ``destinations`` (one office, or after a move
    the new parent and the former ones: the new parent links to what the old relayed),
    read in the export's snapshot."""
    marks = ", ".join(["?"] * len(destinations))
    counts = frozenset(
        int(count)
        for (count,) in connection.execute(
            f"SELECT audit_count FROM package_out WHERE destination IN ({marks}) "
            "AND audit_count IS NOT NULL ORDER BY sequence DESC LIMIT ?",
            (*destinations, _EARLIER_SEALS),
        )
    )
    result = check_chain(connection, at_counts=counts)
    return AuditSeal(
        count=result.head.count,
        head=result.head.head,
        broken_at=result.broken_at,
        checkpoints=tuple(
            AuditCheckpoint(count=count, hash=value)
            for count, value in sorted(result.checkpoints.items())
        ),
    )


def finding(previous: AuditSeal | None, current: AuditSeal | None) -> str | None:
    """What is wrong with ``current`` given the seal of the package before (None: nothing)."""
    if current is None:
        return (
            _("The package carries no history seal although the one before did.")
            if previous is not None
            else None
        )
    if current.broken_at is not None:
        return _("The sender's history was edited by hand (from its entry {id} on).").format(
            id=current.broken_at
        )
    if previous is None:
        return None
    if current.count < previous.count:
        return _(
            "The sender's history is shorter than in its last package ({now} entries, was "
            "{before}): entries were removed or an old backup was restored."
        ).format(now=current.count, before=previous.count)
    if current.count == previous.count:
        same = current.head == previous.head
    else:
        marks = {mark.count: mark.hash for mark in current.checkpoints}
        if previous.count not in marks:
            return _(
                "The sender's history cannot be linked to its last package (a gap): ask the "
                "office whether its data was restored or moved to another computer."
            )
        same = marks[previous.count] == previous.head
    if not same:
        return _(
            "The sender's history was rewritten since its last package: entries that were "
            "already sent have changed."
        )
    return None


@dataclass(frozen=True)
class HistoryFinding:
    origin: str
    sequence: int
    message: str


def _seal_of(manifest: dict[str, object]) -> AuditSeal | None:
    raw = manifest.get("audit")
    return None if raw is None else AuditSeal.model_validate(raw, strict=False)


def history_findings(store: Store, *, origin: str | None = None) -> list[HistoryFinding]:
    """Every package received whose history does not continue from the one before."""
    with store.session() as session:
        query = select(PackageIn).order_by(col(PackageIn.origin), col(PackageIn.sequence))
        if origin is not None:
            query = query.where(PackageIn.origin == origin)
        rows = session.exec(query).all()
    findings: list[HistoryFinding] = []
    previous: dict[str, AuditSeal | None] = {}
    for row in rows:
        current = _seal_of(row.manifest)
        message = finding(previous.get(row.origin), current)
        if message is not None:
            findings.append(HistoryFinding(row.origin, row.sequence, message))
        previous[row.origin] = current
    return findings
