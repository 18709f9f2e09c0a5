"""The record list's approval column and filter on a large database, beside raw SQL.

    .venv/bin/python -m bench.approval_column --data-dir FOLDER [--waiting 2000]

FOLDER holds a database made by bench.gui_open (a million records). ``--waiting`` gives
that many records an approval row that is not "approved" (drafts, submitted, changed),
as an office at work has; it is written once. Printed: one page of list rows (what the
list fetches as the user scrolls) with the approval columns beside the same page
without them, the first screen and the full key list with the approval filter
beside the same query without it, and the list sorted by the approval column beside
a raw indexed query (the date order, straight from its index), with the query plan of
the sort. Best of five runs each. Give it a copy of a data folder: it writes to it.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from pathlib import Path

from dvdesk.domain.enums import RecordType
from dvdesk.domain.people import ApprovalStatus
from dvdesk.paths import DataPaths
from dvdesk.services.browse import RecordQuery, record_keys, record_keys_sql, record_rows
from dvdesk.services.store import Store, open_store

RUNS = 5
PAGE = 128
FIRST_SCREEN = 200
PLAIN_PAGE = (
    "SELECT rowid, id, type, title, start_date, end_date, place, status, office_code, "
    "revision, deleted FROM record WHERE rowid IN ({marks})"
)


def best(call: Callable[[], object]) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return min(times)


def add_waiting(store: Store, count: int) -> None:
    with store.raw() as connection:
        (present,) = connection.execute(
            "SELECT count(*) FROM record_approval WHERE status != 'approved'"
        ).fetchone()
        if present >= count:
            return
        ids = [row[0] for row in connection.execute("SELECT id FROM record")]
        chosen = random.Random(7).sample(ids, count - present)
        statuses = ("draft", "submitted", "changed")
        connection.executemany(
            "INSERT OR REPLACE INTO record_approval (record_id, status, resubmission) "
            "VALUES (?, ?, 0)",
            [(record_id, statuses[n % 3]) for n, record_id in enumerate(chosen)],
        )
        connection.commit()


def plain_page(store: Store, keys: list[int]) -> None:
    with store.raw() as connection:
        connection.execute(PLAIN_PAGE.format(marks=",".join("?" * len(keys))), keys).fetchall()


def raw_keys(store: Store, limit: int | None) -> None:
    """The baseline: keys in date order straight from the covering index, plain sqlite3."""
    sql = (
        "SELECT rowid FROM record WHERE type = ? AND deleted = 0 "
        "ORDER BY start_date DESC, rowid DESC"
    )
    if limit is not None:
        sql += f" LIMIT {limit}"
    with store.raw() as connection:
        connection.execute(sql, (RecordType.INSPECTION.value,)).fetchall()


def sort_plan(store: Store, query: RecordQuery) -> list[str]:
    sql, params = record_keys_sql(query, limit=FIRST_SCREEN)
    with store.raw() as connection:
        return [row[-1] for row in connection.execute(f"EXPLAIN QUERY PLAN {sql}", params)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--waiting", type=int, default=2000)
    args = parser.parse_args()
    store = open_store(DataPaths(args.data_dir), actor="bench")
    add_waiting(store, args.waiting)
    everything = RecordQuery(record_type=RecordType.INSPECTION)
    drafts = RecordQuery(record_type=RecordType.INSPECTION, approval=ApprovalStatus.DRAFT)
    approved = RecordQuery(record_type=RecordType.INSPECTION, approval=ApprovalStatus.APPROVED)
    keys = list(record_keys(store, query=everything))
    middle = keys[len(keys) // 2 : len(keys) // 2 + PAGE]
    print(f"{len(keys):,} inspection records; {args.waiting:,} waiting for approval")
    rows = [
        (
            "page of 128 rows",
            best(lambda: record_rows(store, keys=middle)),
            best(lambda: plain_page(store, middle)),
        ),
        (
            "first screen, filter nháp",
            best(lambda: record_keys(store, query=drafts, limit=FIRST_SCREEN)),
            best(lambda: record_keys(store, query=everything, limit=FIRST_SCREEN)),
        ),
        (
            "all keys, filter nháp",
            best(lambda: record_keys(store, query=drafts)),
            best(lambda: record_keys(store, query=everything)),
        ),
        (
            "all keys, filter đã duyệt",
            best(lambda: record_keys(store, query=approved)),
            best(lambda: record_keys(store, query=everything)),
        ),
    ]
    by_approval = RecordQuery(record_type=RecordType.INSPECTION, order="approval", descending=False)
    sorted_keys = record_keys(store, query=by_approval, limit=FIRST_SCREEN)
    waiting_first = record_rows(store, keys=list(sorted_keys[:3]))
    rows += [
        (
            "first screen, sort duyệt",
            best(lambda: record_keys(store, query=by_approval, limit=FIRST_SCREEN)),
            best(lambda: raw_keys(store, FIRST_SCREEN)),
        ),
        (
            "all keys, sort duyệt",
            best(lambda: record_keys(store, query=by_approval)),
            best(lambda: raw_keys(store, None)),
        ),
    ]
    print("plan of the approval sort:", "; ".join(sort_plan(store, by_approval)))
    print("first rows by approval:", ", ".join(str(row.approval) for row in waiting_first))
    print(f"{'':28} {'dvdesk':>10} {'baseline':>10}  (baseline: no approval column/filter;")
    print(f"{'':28} {'':>10} {'':>10}   for the sort: raw SQL by date from its index)")
    for name, ours, baseline in rows:
        print(f"{name:28} {ours * 1000:9.1f}ms {baseline * 1000:9.1f}ms")
    store.close()


if __name__ == "__main__":
    main()
