"""The desktop app on a million records, beside a bare PySide6 window and raw SQL.

    .venv/bin/python -m bench.gui_open --data-dir FOLDER [--records 1000000]

Makes FOLDER with demo records if it has no database. Each start runs in a fresh
process (three times; the best is kept): time from launching the process to the
first painted list, and peak memory, beside the same for a bare QMainWindow with
an empty table. Search and sort are timed from the request to the repainted list,
beside the same SQL run with plain sqlite3 (fetching every key) in this process.
Targets: first paint within 2x the bare window, search and sort within 2x the raw
SQL, memory within 2x the bare window.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from dvdesk.domain.enums import RecordType
from dvdesk.paths import DataPaths
from dvdesk.services.browse import RecordQuery, record_keys_sql
from dvdesk.services.demo import add_demo_records, ensure_demo_office
from dvdesk.services.store import database_exists, open_store
from dvdesk.text import fold

RUNS = 3


def ensure_data(folder: Path, records: int) -> None:
    paths = DataPaths(folder)
    if database_exists(paths):
        return
    store = open_store(paths, actor="bench", create=True)
    ensure_demo_office(store)
    print(f"generating {records:,} records in {folder} …", flush=True)
    add_demo_records(store, count=records, seed=3, office_codes=["01"])
    store.close()


def child(kind: str, folder: Path) -> dict[str, Any]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    start = time.time()
    output = subprocess.run(
        [sys.executable, "-m", "bench.gui_child", kind, repr(start), str(folder)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout
    return dict(json.loads(output.strip().splitlines()[-1]))


def best(kind: str, folder: Path) -> dict[str, Any]:
    runs = [child(kind, folder) for _ in range(RUNS)]
    return min(runs, key=lambda figures: figures["first_paint_s"])


def raw_query(database: Path, query: RecordQuery) -> float:
    sql, params = record_keys_sql(query)
    connection = sqlite3.connect(database)
    connection.create_function("vi_fold", 1, fold, deterministic=True)
    try:
        times = []
        for _ in range(RUNS):
            started = time.perf_counter()
            connection.execute(sql, params).fetchall()
            times.append(time.perf_counter() - started)
        return min(times)
    finally:
        connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--records", type=int, default=1_000_000)
    args = parser.parse_args()
    ensure_data(args.data_dir, args.records)
    database = DataPaths(args.data_dir).database
    bare = best("bare", args.data_dir)
    ours = [child("dvdesk", args.data_dir) for _ in range(RUNS)]
    first = min(ours, key=lambda figures: figures["first_paint_s"])
    search = min(figures["search_s"] for figures in ours)
    sort = min(figures["sort_s"] for figures in ours)
    inspection = RecordType.INSPECTION
    raw_search = raw_query(database, RecordQuery(record_type=inspection, search="nguyen"))
    raw_sort = raw_query(
        database, RecordQuery(record_type=inspection, order="title", descending=False)
    )
    rows = sqlite3.connect(database).execute("SELECT count(*) FROM record").fetchone()[0]
    print(
        f"records in database: {rows:,}; inspections listed: {int(first['rows']):,}; "
        f"search matches: {int(first['search_rows']):,}"
    )
    report("first painted list", first["first_paint_s"], "bare window", bare["first_paint_s"], "s")
    report("search 'nguyen'", search, "raw SQL", raw_search, "s")
    report("sort by title", sort, "raw SQL", raw_sort, "s")
    report("peak memory", first["peak_mib"], "bare window", bare["peak_mib"], "MiB")


def report(what: str, ours: float, baseline_name: str, baseline: float, unit: str) -> None:
    print(
        f"{what:<20} {ours:>9.3f} {unit:<4} {baseline_name:<12} {baseline:>9.3f} {unit:<4} "
        f"ratio {ours / baseline:5.2f}  (target <= 2)"
    )


if __name__ == "__main__":
    main()
