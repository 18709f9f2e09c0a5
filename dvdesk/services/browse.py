"""Big lists for the GUI: ordered row keys first, row contents only for what is visible.

A province holds millions of records. The list asks :func:`record_keys` for the
ordered keys of everything matching (an ``array('q')``: 8 bytes a row), then
:func:`record_rows` for the few dozen rows on screen. Sorting and filtering run
in SQL, on indexed columns where possible.
"""

from __future__ import annotations

import sqlite3
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from dvdesk.clock import today
from dvdesk.db.search_index import INDEX_TABLE, search_condition
from dvdesk.domain.enums import FollowUpStatus, RecordType
from dvdesk.domain.people import ApprovalStatus, ReviewState, review_state
from dvdesk.errors import Cancelled
from dvdesk.services.store import Store
from dvdesk.text import fold

PROGRESS_STEPS = 20_000  # SQLite virtual-machine steps between cancel checks
# A search with this many matches is common enough that a screenful of them is found
# by walking the sorted list (see _matches_at_least): at a million records, one row
# in fifty matches, so 200 matches are a few thousand rows away.
COMMON_MATCHES = 20_000
RECORD_ORDER: Final = {
    "date": "start_date",
    "title": "title_sort",
    "place": "place",
    "status": "status",
    "type": "type",
    "office": "office_code",
    "number": "directive_number",
    # Kept by triggers (migration 0012); then newest first within a state, as by date.
    "approval": "approval_rank",
}
# Columns after the sort column and before the rowid tie-break, each sort by its index.
_THEN: Final = {"approval_rank": ", start_date {direction}"}
FOLLOW_UP_ORDER: Final = {
    "deadline": "deadline",
    "content": "content",
    "addressee": "addressee",
    "status": "status",
    "record": "record_title",
}


def _as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


@dataclass(frozen=True)
class RecordSummary:
    """One line of a record list; ``key`` is the row's SQLite rowid, for lazy lists."""

    key: int
    id: str
    type: RecordType
    title: str
    start_date: date
    end_date: date | None
    place: str | None
    status: str
    office_code: str
    revision: int
    deleted: bool
    # Own records: nháp … đã duyệt; another office's: where its review stands. None when
    # the query did not ask (see _APPROVAL).
    approval: ApprovalStatus | ReviewState | None = None
    number: str | None = None  # a directive's number and symbol (số, ký hiệu)
    demo: bool = False  # made up for trying dvdesk: never sent, removed in one step

    @classmethod
    def from_row(cls, r: Sequence[Any]) -> RecordSummary:
        """From (rowid, id, type, title, start_date, end_date, place, status, office_code,
        revision, deleted, directive_number[, the _APPROVAL columns]): plain sqlite3 gives
        the dates as text, SQLAlchemy as dates."""
        return cls(
            key=r[0],
            id=r[1],
            type=RecordType(r[2]),
            title=r[3],
            start_date=_as_date(r[4]),
            end_date=_as_date(r[5]) if r[5] else None,
            place=r[6],
            status=r[7],
            office_code=r[8],
            revision=r[9],
            deleted=bool(r[10]),
            number=r[11],
            approval=_approval(r) if len(r) > len(_PLAIN) else None,
            demo=len(r) > len(_PLAIN) and bool(r[-1]),
        )

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "type": self.type.value,
            "title": self.title,
            "start_date": self.start_date.isoformat(),
            "end_date": self.end_date.isoformat() if self.end_date else None,
            "place": self.place,
            "status": self.status,
            "office_code": self.office_code,
            "revision": self.revision,
            "deleted": self.deleted,
        }


_PLAIN = ("rowid", "id", "type", "title", "start_date", "end_date", "place", "status",
          "office_code", "revision", "deleted", "directive_number")  # fmt: skip
# One page of rows at a time: primary-key and indexed lookups, never the whole table.
_APPROVAL = (
    "a.status, a.withdrawn_reason IS NOT NULL, a.resubmission, "
    "(SELECT c.status FROM correction c WHERE c.record_id = r.id AND c.direction = 'out' "
    "ORDER BY c.created_at DESC LIMIT 1), v.revision, "
    "coalesce(r.office_code = (SELECT code FROM office), 1), "
    "EXISTS (SELECT 1 FROM demo_record d WHERE d.record_id = r.id)"
)


def _approval(r: Sequence[Any]) -> ApprovalStatus | ReviewState:
    status, withdrawn, resubmission, latest_return, accepted, own = r[len(_PLAIN) : -1]
    if own:  # no approval row: made before approval existed, so approved
        return ApprovalStatus(status) if status else ApprovalStatus.APPROVED
    return review_state(
        withdrawn=bool(r[10]) or bool(withdrawn),
        return_open=latest_return in ("pending", "sent"),
        accepted_revision=accepted,
        revision=r[9],
        resubmission=bool(resubmission),
    )


@dataclass(frozen=True)
class RecordQuery:
    record_type: RecordType | None = None
    search: str = ""
    date_from: date | None = None
    date_to: date | None = None
    status: str | None = None
    order: str = "date"
    descending: bool = True
    include_deleted: bool = False
    approval: ApprovalStatus | None = None


def _like_words(search: str) -> list[str]:
    escaped = (
        w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        for w in fold(search).split()
    )
    return [f"%{word}%" for word in escaped]


def _record_where(query: RecordQuery, *, probe: bool = False) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if not query.include_deleted:
        clauses.append("deleted = 0")
    if query.record_type is not None:
        clauses.append("type = ?")
        params.append(query.record_type.value)
    if query.date_from is not None:
        clauses.append("start_date >= ?")
        params.append(query.date_from.isoformat())
    if query.date_to is not None:
        clauses.append("start_date <= ?")
        params.append(query.date_to.isoformat())
    if query.status:
        clauses.append("status = ?")
        params.append(query.status)
    if query.approval is not None:
        # By rowid, so the list's covering index still gives the order; the few records
        # not approved come from the status index. "Approved" is also having no row.
        approved = query.approval is ApprovalStatus.APPROVED
        clauses.append(
            f"rowid {'NOT IN' if approved else 'IN'} (SELECT r.rowid FROM record_approval a "
            "CROSS JOIN record r ON r.id = a.record_id WHERE a.status "
            f"{'!=' if approved else '='} ?)"
        )
        params.append(query.approval.value)
    found = search_condition(query.search, probe=probe)
    if found is not None:
        clauses.append(found.sql)
        params.extend(found.params)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def record_keys_sql(
    query: RecordQuery, *, limit: int | None = None, probe: bool = False
) -> tuple[str, list[Any]]:
    """The SQL behind :func:`record_keys` (also used as the benchmark's raw baseline)."""
    where, params = _record_where(query, probe=probe)
    column = RECORD_ORDER.get(query.order, "start_date")
    direction = "DESC" if query.descending else "ASC"
    # The rowid tie-break runs the same way as the column, so an index serves both.
    then = _THEN.get(column, "").format(direction=direction)
    sql = f"SELECT rowid FROM record{where} ORDER BY {column} {direction}{then}, rowid {direction}"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return sql, params


def _never() -> bool:
    return False


def _keys(store: Store, sql: str, params: Sequence[Any], cancel: Callable[[], bool]) -> array[int]:
    with store.raw() as connection:
        # SQLite polls this while the query runs, so a superseded search stops at once
        # instead of holding a worker thread for seconds.
        connection.set_progress_handler(lambda: int(cancel()), PROGRESS_STEPS)
        try:
            cursor = connection.execute(sql, params)
            keys = array("q")
            while chunk := cursor.fetchmany(50_000):
                keys.extend(row[0] for row in chunk)
        except sqlite3.OperationalError:
            if cancel():
                raise Cancelled from None
            raise
        return keys


def record_keys(
    store: Store,
    *,
    query: RecordQuery,
    limit: int | None = None,
    cancel: Callable[[], bool] = _never,
) -> array[int]:
    """Ordered keys of the records matching ``query`` (the first ``limit`` of them, if given).

    Raises :class:`Cancelled` if ``cancel`` turns true while the query runs.
    """
    probe = limit is not None and _matches_at_least(store, query.search, COMMON_MATCHES)
    sql, params = record_keys_sql(query, limit=limit, probe=probe)
    return _keys(store, sql, params, cancel)


def _matches_at_least(store: Store, search: str, count: int) -> bool:
    """Whether the index holds ``count`` matches of ``search`` (reads at most that many).

    The first screen of a common word comes fastest by walking the list in its order
    and testing each row's text; a rare word's few matches are best listed by the index
    first and then ordered.
    """
    found = search_condition(search)
    if found is None or not found.match:
        return False
    with store.raw() as connection:
        (matches,) = connection.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM {INDEX_TABLE} "
            f"WHERE {INDEX_TABLE} MATCH ? LIMIT ?)",
            (found.match, count),
        ).fetchone()
    return bool(matches >= count)


def holds_other_offices(store: Store) -> bool:
    """Whether any record came from another office (one below), so a list needs the
    office column. Two seeks in the office-code index, either side of this office's
    own code: no scan, whatever the number of records."""
    with store.raw() as connection:
        row = connection.execute("SELECT code FROM office WHERE id = 1").fetchone()
        if row is None:
            return False
        (found,) = connection.execute(
            "SELECT EXISTS (SELECT 1 FROM record WHERE office_code < ?) "
            "OR EXISTS (SELECT 1 FROM record WHERE office_code > ?)",
            (row[0], row[0]),
        ).fetchone()
    return bool(found)


def record_key(store: Store, *, record_id: str) -> int | None:
    """The list key (rowid) of a record, to select it in a list after it was saved."""
    with store.raw() as connection:
        row = connection.execute("SELECT rowid FROM record WHERE id = ?", (record_id,)).fetchone()
    return int(row[0]) if row else None


def _rows(store: Store, sql: str, keys: Sequence[int]) -> dict[int, tuple[Any, ...]]:
    if not keys:
        return {}
    with store.raw() as connection:
        cursor = connection.execute(sql.format(marks=",".join("?" * len(keys))), list(keys))
        return {row[0]: row for row in cursor}


def record_rows(store: Store, *, keys: Sequence[int]) -> list[RecordSummary]:
    """The rows for ``keys``, in that order (keys of rows gone meanwhile are skipped)."""
    columns = ", ".join(f"r.{name}" for name in _PLAIN)
    found = _rows(
        store,
        f"SELECT {columns}, {_APPROVAL} FROM record r "
        "LEFT JOIN record_approval a ON a.record_id = r.id "
        "LEFT JOIN review v ON v.record_id = r.id WHERE r.rowid IN ({marks})",
        keys,
    )
    return [RecordSummary.from_row(r) for key in keys if (r := found.get(key)) is not None]


# ---------------------------------------------------------------- follow-ups


@dataclass(frozen=True)
class FollowUpQuery:
    search: str = ""
    state: str = "all"  # all | open | overdue | resolved
    order: str = "deadline"
    descending: bool = False
    on: date | None = None


@dataclass(frozen=True)
class FollowUpRow:
    key: int
    id: str
    source: str  # "recommendation" | "issue"
    record_id: str
    record_type: RecordType
    record_title: str
    content: str
    addressee: str | None
    deadline: date | None
    status: FollowUpStatus
    overdue: bool
    result: str | None = None  # kết quả giải quyết: what was done
    result_date: date | None = None


# Recommendations get even keys, dialogue issues odd ones: one ordered list over both tables.
_FOLLOW_UPS = (
    "SELECT f.rowid * 2 AS key, f.id, 'recommendation' AS source, f.content, f.addressee, "
    "f.deadline, f.status, r.id AS record_id, r.type AS record_type, r.title AS record_title, "
    "r.title_sort AS record_sort, f.result, f.result_date "
    "FROM recommendation f JOIN record r ON r.id = f.record_id WHERE r.deleted = 0 "
    "UNION ALL "
    "SELECT f.rowid * 2 + 1, f.id, 'issue', f.content, f.assignee, f.deadline, f.status, "
    "r.id, r.type, r.title, r.title_sort, f.result, f.result_date "
    "FROM dialogue_issue f JOIN record r ON r.id = f.record_id "
    "WHERE r.deleted = 0 AND (f.assignee IS NOT NULL OR f.status != 'resolved')"
)


def follow_up_keys_sql(query: FollowUpQuery, *, limit: int | None = None) -> tuple[str, list[Any]]:
    on = (query.on or today()).isoformat()
    clauses: list[str] = []
    params: list[Any] = []
    if query.state == "open":
        clauses.append("status != 'resolved'")
    elif query.state == "overdue":
        clauses.append("status != 'resolved' AND deadline < ?")
        params.append(on)
    elif query.state == "resolved":
        clauses.append("status = 'resolved'")
    for pattern in _like_words(query.search):
        clauses.append(
            "vi_fold(content || ' ' || coalesce(addressee, '') || ' ' || "
            "record_title) LIKE ? ESCAPE '\\'"
        )
        params.append(pattern)
    where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    column = FOLLOW_UP_ORDER.get(query.order, "deadline")
    if column == "record_title":
        column = "record_sort"
    direction = "DESC" if query.descending else "ASC"
    nulls = "NULLS LAST" if not query.descending else "NULLS FIRST"
    sql = f"SELECT key FROM ({_FOLLOW_UPS}){where} ORDER BY {column} {direction} {nulls}, key"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return sql, params


def follow_up_keys(
    store: Store,
    *,
    query: FollowUpQuery,
    limit: int | None = None,
    cancel: Callable[[], bool] = _never,
) -> array[int]:
    sql, params = follow_up_keys_sql(query, limit=limit)
    return _keys(store, sql, params, cancel)


def follow_up_rows(
    store: Store, *, keys: Sequence[int], on: date | None = None
) -> list[FollowUpRow]:
    found = _rows(store, f"SELECT * FROM ({_FOLLOW_UPS}) WHERE key IN ({{marks}})", keys)
    day = on or today()
    rows = []
    for key in keys:
        r = found.get(key)
        if r is None:
            continue
        deadline = date.fromisoformat(r[5]) if r[5] else None
        status = FollowUpStatus(r[6])
        rows.append(
            FollowUpRow(
                key=r[0],
                id=r[1],
                source=r[2],
                content=r[3],
                addressee=r[4],
                deadline=deadline,
                status=status,
                record_id=r[7],
                record_type=RecordType(r[8]),
                record_title=r[9],
                overdue=status is not FollowUpStatus.RESOLVED
                and deadline is not None
                and deadline < day,
                result=r[11],
                result_date=date.fromisoformat(r[12]) if r[12] else None,
            )
        )
    return rows
