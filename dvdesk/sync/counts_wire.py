"""Aggregate counts in packages: a ``counts.json`` member beside the records.

Counts are few (a unit, a period, a figure), so every package carries all the counts
its office entered; counts entered below travel in the children's own packages, nested
by the relay (end-to-end provenance). The receiver keeps, per count id, the highest revision.
A count entered by the receiving office itself, or one clashing with a stored count
of another id for the same unit, period and figure, is not taken (logged in the audit).
"""

from __future__ import annotations

import sqlite3
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Annotated

from pydantic import ConfigDict, Field, StringConstraints, TypeAdapter, ValidationError, with_config
from typing_extensions import TypedDict

from dvdesk.domain.counts import FIGURES
from dvdesk.i18n import _
from dvdesk.sync.bounded_json import UnsafeJson, refuse_duplicate_keys
from dvdesk.sync.refusals import Reason, Refused

MEMBER = "counts.json"
_COLUMNS = (
    "id",
    "office_code",
    "unit_code",
    "period_start",
    "period_end",
    "figure",
    "value",
    "figures_only",
    "note",
    "revision",
    "updated_by",
    "updated_at",
    "deleted",
)
_BOOLEANS = ("figures_only", "deleted")
Short = Annotated[str, StringConstraints(max_length=1_000)]
Code = Annotated[str, StringConstraints(min_length=1, max_length=20)]


@with_config(ConfigDict(extra="forbid", strict=True))
class WireCount(TypedDict):
    id: Annotated[str, StringConstraints(pattern=r"^[0-9a-f-]{36}$")]
    office_code: Code
    unit_code: Code
    period_start: date
    period_end: date
    figure: Annotated[str, StringConstraints(max_length=80)]
    value: Annotated[int, Field(ge=0, le=100_000_000)]
    figures_only: bool
    note: Short | None
    revision: Annotated[int, Field(ge=1)]
    updated_by: Short
    updated_at: Annotated[str, StringConstraints(max_length=40)]
    deleted: bool


_LIST = TypeAdapter(list[WireCount])


def _value(column: str) -> str:
    if column in _BOOLEANS:
        return f"json(CASE WHEN {column} THEN 'true' ELSE 'false' END)"
    return column


_SELECT = (
    "SELECT json_group_array(json_object("
    + ", ".join(f"'{c}', {_value(c)}" for c in _COLUMNS)
    + ")), count(*) FROM (SELECT * FROM aggregate_count WHERE office_code = ? ORDER BY id)"
)


def counts_member(connection: sqlite3.Connection, *, office: str) -> tuple[bytes, int]:
    """Every count entered by ``office`` (the exporting one), as the member's JSON bytes."""
    data, count = connection.execute(_SELECT, (office,)).fetchone()
    return str(data).encode("utf-8"), int(count)


def decode_counts(raw: bytes) -> list[WireCount]:
    try:
        text = unicodedata.normalize("NFC", raw.decode("utf-8"))
        counts = _LIST.validate_json(text)
        refuse_duplicate_keys(text)
    except (UnicodeDecodeError, ValidationError, UnsafeJson):
        raise Refused(
            Reason.BAD_PAYLOAD,
            _(
                "The counts in the package are not in the expected form, although the "
                "signature is valid. Nothing was imported; tell the sending office."
            ),
        ) from None
    known = set(FIGURES)
    return [count for count in counts if count["figure"] in known]


@dataclass(frozen=True)
class CountsApplied:
    taken: int
    skipped: list[str]  # ids not taken: own counts, clashes


def apply_counts(
    cursor: sqlite3.Cursor, counts: list[WireCount], *, own_code: str
) -> CountsApplied:
    """Insert or replace each count whose revision is newer than the stored one."""
    taken = 0
    skipped: list[str] = []
    for count in counts:
        if count["office_code"] == own_code:
            skipped.append(count["id"])
            continue
        stored = cursor.execute(
            "SELECT revision FROM aggregate_count WHERE id = ?", (count["id"],)
        ).fetchone()
        if stored is not None and stored[0] >= count["revision"]:
            continue
        clash = cursor.execute(
            "SELECT id FROM aggregate_count WHERE unit_code = ? AND period_start = ? "
            "AND period_end = ? AND figure = ? AND id != ?",
            (
                count["unit_code"],
                count["period_start"].isoformat(),
                count["period_end"].isoformat(),
                count["figure"],
                count["id"],
            ),
        ).fetchone()
        if clash is not None:
            skipped.append(count["id"])
            continue
        row = (
            count["id"],
            count["office_code"],
            count["unit_code"],
            count["period_start"].isoformat(),
            count["period_end"].isoformat(),
            count["figure"],
            count["value"],
            count["figures_only"],
            count["note"],
            count["revision"],
            count["updated_by"],
            count["updated_at"],
            count["deleted"],
        )
        cursor.execute(
            f"INSERT OR REPLACE INTO aggregate_count ({', '.join(_COLUMNS)}) "
            f"VALUES ({', '.join('?' * len(_COLUMNS))})",
            row,
        )
        taken += 1
    return CountsApplied(taken=taken, skipped=skipped)
