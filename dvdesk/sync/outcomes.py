"""What an import did to each record, tallied in bounded memory.

A package may carry a million records. The summary keeps counts by outcome and by
record type, and names only the first :data:`LISTED` refused records and the first
:data:`LISTED` others: one kept line per record made an import's memory grow with the
package (about 400 bytes a record, beside SQLite's page cache). Every refused record
is also written to the corrections sent back, so none is lost from sight.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum

from dvdesk.i18n import N_, _

LISTED = 200  # records named in the summary: refused ones, then as many of the others


class Outcome(StrEnum):
    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    REFUSED = "refused"

    @property
    def label(self) -> str:
        """The word for the summary table's outcome column."""
        return _(_OUTCOME_LABELS[self])


_OUTCOME_LABELS = {
    Outcome.NEW: N_("new"),
    Outcome.UPDATED: N_("updated"),
    Outcome.UNCHANGED: N_("unchanged"),
    Outcome.REFUSED: N_("refused"),
}


class RecordReason(StrEnum):
    OWN_RECORD = "own_record"
    OWNER_CHANGED = "owner_changed"
    OLDER_REVISION = "older_revision"
    DUPLICATE = "duplicate"
    # Format 1 relayed other offices' records among the relay's own, with no proof.
    UNPROVEN_RELAY = "unproven_relay"


@dataclass(frozen=True, slots=True)
class RecordOutcome:
    """One named line of the import summary table."""

    record_id: str
    office_code: str
    record_type: str
    title: str
    revision: int
    deleted: bool
    outcome: Outcome
    reason: RecordReason | None = None
    message: str = ""


@dataclass
class Tally:
    """Counts by outcome and by (record type, outcome), and the first lines of each kind."""

    counts: Counter[Outcome] = field(default_factory=Counter)
    by_type: Counter[tuple[str, Outcome]] = field(default_factory=Counter)
    refused: list[RecordOutcome] = field(default_factory=list)
    others: list[RecordOutcome] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def add(self, line: RecordOutcome) -> None:
        self.counts[line.outcome] += 1
        self.by_type[(line.record_type, line.outcome)] += 1
        kept = self.refused if line.outcome is Outcome.REFUSED else self.others
        if len(kept) < LISTED:
            kept.append(line)

    def extend(self, other: Tally) -> None:
        self.counts += other.counts
        self.by_type += other.by_type
        self.refused += other.refused[: LISTED - len(self.refused)]
        self.others += other.others[: LISTED - len(self.others)]

    def lines(self) -> tuple[RecordOutcome, ...]:
        """The named lines: refused records first (what the clerk must act on)."""
        return (*self.refused, *self.others)

    def type_counts(self) -> dict[str, dict[str, int]]:
        """``{"inspection": {"new": 120, "updated": 3}, …}`` (outcomes with none left out)."""
        found: dict[str, dict[str, int]] = {}
        for (record_type, outcome), count in sorted(self.by_type.items()):
            found.setdefault(record_type, {})[outcome.value] = count
        return found
