"""How fast ``dvdesk demo`` writes records, beside raw sqlite3 executemany of the same rows.

    .venv/bin/python -m bench.demo_rate --records 1000000

Both runs write into an empty database at the current schema (same indexes, WAL,
one transaction per batch of 20,000). The dvdesk figure includes generating the rows; the raw one is
only the inserts of rows generated beforehand — so the ratio is the whole cost
of the bulk path over the cheapest possible write. Target: ratio within 3.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import tempfile
import time
from pathlib import Path

from dvdesk.db import columns
from dvdesk.paths import DataPaths
from dvdesk.services import demo
from dvdesk.services.store import open_store


def _empty_database(folder: Path) -> DataPaths:
    paths = DataPaths(folder)
    store = open_store(paths, actor="bench", create=True)
    demo.ensure_demo_office(store)
    store.close()
    return paths


def time_dvdesk(paths: DataPaths, *, count: int, seed: int) -> float:
    store = open_store(paths, actor="bench")
    try:
        started = time.perf_counter()
        demo.add_demo_records(store, count=count, seed=seed, office_codes=["01"])
        return time.perf_counter() - started
    finally:
        store.close()


def time_raw(paths: DataPaths, *, count: int, seed: int) -> float:
    generator = demo.Generator(seed=seed, office_codes=["01"], first_change_seq=0)
    batches = list(demo.batches(generator, count))
    connection = sqlite3.connect(paths.database, isolation_level=None)
    try:
        connection.execute("PRAGMA synchronous = NORMAL")
        connection.execute(f"PRAGMA cache_size = -{columns.BULK_CACHE_KIB}")
        started = time.perf_counter()
        for rows in batches:
            connection.execute("BEGIN IMMEDIATE")
            connection.executemany(
                columns.insert_sql("record", columns.RECORD_COLUMNS), rows.records
            )
            connection.executemany(
                columns.insert_sql("record_subject", columns.SUBJECT_COLUMNS), rows.subjects
            )
            connection.executemany(
                columns.insert_sql("recommendation", columns.RECOMMENDATION_COLUMNS),
                rows.recommendations,
            )
            connection.executemany(
                columns.insert_sql("dialogue_issue", columns.ISSUE_COLUMNS), rows.issues
            )
            connection.execute("COMMIT")
        return time.perf_counter() - started
    finally:
        connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="dvdesk-bench-"))
    try:
        template = _empty_database(base / "template")
        for name in ("dvdesk", "raw"):
            shutil.copytree(template.root, base / name)
        raw = time_raw(DataPaths(base / "raw"), count=args.records, seed=args.seed)
        ours = time_dvdesk(DataPaths(base / "dvdesk"), count=args.records, seed=args.seed)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    print(f"records:                 {args.records:>12,}")
    print(f"raw executemany:         {raw:>10.2f} s  {args.records / raw:>12,.0f} records/s")
    print(f"dvdesk demo (bulk path): {ours:>10.2f} s  {args.records / ours:>12,.0f} records/s")
    print(f"ratio dvdesk / raw:      {ours / raw:>10.2f}  (target <= 3)")


if __name__ == "__main__":
    main()
