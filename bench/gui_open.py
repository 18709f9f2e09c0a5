"""The desktop app on a million records, beside a bare PySide6 window and raw SQL.

    .venv/bin/python -m bench.gui_open --data-dir FOLDER [--records 1000000] [--runs 5]

Makes FOLDER with demo records if it has no database. Each start runs in a fresh
process, dvdesk and the bare window taking turns (bare, dvdesk, bare, dvdesk, …, RUNS
of each), so a machine shared with other work slows both alike; the minimum of the
runs is the estimate (load only ever adds time), shown with the median. A start is
timed from launching the process (bytecode written beforehand) to the first painted
list with its rows' text, on the executable's own start path (ui.main.main: the
command line read, then Qt, with the app's imports in their order; database opened on the
worker, start-up check in the background), beside a bare QMainWindow with an empty
table; the marks along the way show where the time goes, and the process's CPU time
to its first paint (every thread) is shown too: load stretches wall time, much less
CPU time. Memory is each process's own peak resident size (VmHWM). Search and sort
are timed from the request to the repainted first screen and to the complete key
list, beside a bare FTS5 lookup of the same words and the same SQL run with plain
sqlite3 (fetching every key) in this process. The database size per record is shown
beside the same records (with their parts, without derived columns) as compact JSON.
Targets: first paint, search, sort and memory within 2x their baselines, search
under 0.2 s, size per record at most 1.5x the JSON.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dvdesk.db.search_index import INDEX_TABLE
from dvdesk.domain.enums import RecordType
from dvdesk.paths import DataPaths
from dvdesk.services.browse import RecordQuery, record_keys_sql
from dvdesk.services.demo import add_demo_records, ensure_demo_office
from dvdesk.services.store import database_exists, open_store
from dvdesk.text import fold

Figures = dict[str, Any]

RUNS = 5  # starts of each kind; min-of-N needs a few under load
RAW_RUNS = 3
CHILD_TIMEOUT_S = 900
SEARCH = "nguyen"
TIMED = ("search_repaint_s", "search_s", "sort_repaint_s", "sort_s")
LIST_COLUMNS = frozenset({"fields", "members", "co_chairs"})
DERIVED_COLUMNS = frozenset({"title_sort", "search_text"})


def ensure_data(folder: Path, records: int) -> None:
    paths = DataPaths(folder)
    if database_exists(paths):
        # Upgrade an older database here, so no measured start includes the upgrade.
        open_store(paths, actor="bench").close()
        return
    store = open_store(paths, actor="bench", create=True)
    ensure_demo_office(store)
    print(f"generating {records:,} records in {folder} …", flush=True)
    add_demo_records(store, count=records, seed=3, office_codes=["01"])
    store.close()


def child(kind: str, folder: Path) -> Figures:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    start = time.time()
    output = subprocess.run(
        [sys.executable, "-m", "bench.gui_child", kind, repr(start), str(folder)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        timeout=CHILD_TIMEOUT_S,
    ).stdout
    return dict(json.loads(output.strip().splitlines()[-1]))


def compile_sources() -> None:
    """Write the bytecode of dvdesk, ui and bench once, as an installed app ships it.

    With PYTHONDONTWRITEBYTECODE set (as on the shared build machine) every start would
    otherwise compile some forty modules from source, a cost no installed copy pays.
    """
    root = Path(__file__).resolve().parents[1]
    for package in ("dvdesk", "ui", "bench"):
        compileall.compile_dir(root / package, quiet=1)


def interleaved(folder: Path, runs: int) -> tuple[list[Figures], list[Figures]]:
    """``runs`` starts of each kind, taking turns, so load hits both alike."""
    bare: list[Figures] = []
    ours: list[Figures] = []
    for _ in range(runs):
        bare.append(child("bare", folder))
        ours.append(child("dvdesk", folder))
    return bare, ours


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f} (1, 5, 15 min; {os.cpu_count()} cores)"


def spread(runs: Sequence[Figures], name: str) -> tuple[float, float]:
    values = [figures[name] for figures in runs if name in figures]
    return min(values), statistics.median(values)


def raw_sql(database: Path, sql: str, params: Sequence[object]) -> float:
    """Best of RAW_RUNS: the query run with plain sqlite3, fetching every row."""
    connection = sqlite3.connect(database)
    connection.create_function("vi_fold", 1, fold, deterministic=True)
    try:
        times = []
        for _ in range(RAW_RUNS):
            started = time.perf_counter()
            connection.execute(sql, params).fetchall()
            times.append(time.perf_counter() - started)
        return min(times)
    finally:
        connection.close()


def raw_query(database: Path, query: RecordQuery) -> float:
    sql, params = record_keys_sql(query)
    return raw_sql(database, sql, params)


def raw_fts(database: Path, words: str) -> float:
    """The bare FTS5 lookup of the same words (every match): no type filter, no order."""
    match = " AND ".join(f'"{word}"' for word in fold(words).split())
    sql = f"SELECT rowid FROM {INDEX_TABLE} WHERE {INDEX_TABLE} MATCH ?"
    return raw_sql(database, sql, [match])


def json_bytes_per_record(database: Path, sample: int = 5_000) -> float:
    """Compact JSON of a sample of records with their parts, without the derived columns."""
    connection = sqlite3.connect(database)
    connection.row_factory = sqlite3.Row
    try:
        ids = [row[0] for row in connection.execute("SELECT id FROM record LIMIT ?", (sample,))]
        total = 0
        for record_id in ids:
            row = connection.execute("SELECT * FROM record WHERE id = ?", (record_id,)).fetchone()
            value: dict[str, object] = {
                key: json.loads(row[key]) if key in LIST_COLUMNS else row[key]
                for key in row.keys()  # noqa: SIM118 - sqlite3.Row is not a dict
                if key not in DERIVED_COLUMNS
            }
            for table in ("record_subject", "recommendation", "dialogue_issue"):
                parts = connection.execute(
                    f"SELECT * FROM {table} WHERE record_id = ?", (record_id,)
                )
                value[table] = [
                    {k: part[k] for k in part.keys() if k != "record_id"}  # noqa: SIM118
                    for part in parts
                ]
            total += len(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode())
        return total / max(len(ids), 1)
    finally:
        connection.close()


def uses_temp_sort(database: Path, query: RecordQuery) -> bool:
    sql, params = record_keys_sql(query)
    connection = sqlite3.connect(database)
    try:
        plan = connection.execute(f"EXPLAIN QUERY PLAN {sql}", params).fetchall()
        return any("TEMP B-TREE" in str(step[-1]) for step in plan)
    finally:
        connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=RUNS, help="starts of each kind (>= 5)")
    args = parser.parse_args()
    ensure_data(args.data_dir, args.records)
    database = DataPaths(args.data_dir).database
    compile_sources()
    print(f"load average at start: {load_average()}", flush=True)
    print("bytecode of dvdesk, ui and bench written beforehand (an installed app ships it)")
    bare, ours = interleaved(args.data_dir, max(args.runs, RUNS))
    fastest = {name: min(figures[name] for figures in ours) for name in TIMED}
    inspection = RecordType.INSPECTION
    searched = RecordQuery(record_type=inspection, search=SEARCH)
    sorted_query = RecordQuery(record_type=inspection, order="title", descending=False)
    raw_search = raw_query(database, searched)
    raw_sort = raw_query(database, sorted_query)
    rows = sqlite3.connect(database).execute("SELECT count(*) FROM record").fetchone()[0]
    print(
        f"records in database: {rows:,}; inspections listed: {int(ours[0]['rows']):,}; "
        f"search matches: {int(ours[0]['search_rows']):,}"
    )
    print(f"sort by title plan uses a temporary sort: {uses_temp_sort(database, sorted_query)}")
    first_paint(bare, ours)
    report(
        f"search {SEARCH!r} repaint",
        fastest["search_repaint_s"],
        "raw FTS5",
        raw_fts(database, SEARCH),
        "s",
    )
    report(f"search {SEARCH!r} all keys", fastest["search_s"], "raw SQL", raw_search, "s")
    report("sort title repaint", fastest["sort_repaint_s"], "raw indexed", raw_sort, "s")
    report("sort title all keys", fastest["sort_s"], "raw indexed", raw_sort, "s")
    peak = max(figures["peak_mib"] for figures in ours)
    report("peak memory (worst)", peak, "bare (worst)", max(f["peak_mib"] for f in bare), "MiB")
    size = database.stat().st_size / max(rows, 1)
    report("bytes per record", size, "JSON", json_bytes_per_record(database), "B", target=1.5)
    print(f"load average at end:   {load_average()}")


MARKS = (
    ("python_s", "interpreter up"),
    ("imports_s", "imports done"),
    ("started_s", "app set up"),
    ("window_s", "window shown"),
    ("keys_paint_s", "rows painted"),
    ("first_paint_s", "text painted"),
    ("check_done_s", "start-up check done"),
)


def first_paint(bare: Sequence[Figures], ours: Sequence[Figures]) -> None:
    """Min and median of each kind, the ratio of minimums (the figure judged) and of
    medians, and the median time of each mark since launch."""
    ours_min, ours_median = spread(ours, "first_paint_s")
    bare_min, bare_median = spread(bare, "first_paint_s")
    print(f"first painted list over {len(ours)} starts of each, taking turns:")
    print(f"  dvdesk       min {ours_min:7.3f} s   median {ours_median:7.3f} s")
    print(f"  bare window  min {bare_min:7.3f} s   median {bare_median:7.3f} s")
    print(
        f"  ratio of minimums {ours_min / bare_min:5.2f}  (target <= 2)   "
        f"ratio of medians {ours_median / bare_median:5.2f}"
    )
    ours_cpu, ours_cpu_median = spread(ours, "first_paint_cpu_s")
    bare_cpu, bare_cpu_median = spread(bare, "first_paint_cpu_s")
    print(
        f"  CPU time to it (less swayed by load): dvdesk min {ours_cpu:.3f} s, bare min "
        f"{bare_cpu:.3f} s, ratio of minimums {ours_cpu / bare_cpu:5.2f}, "
        f"of medians {ours_cpu_median / bare_cpu_median:5.2f}"
    )
    keys_min, keys_median = spread(ours, "keys_paint_s")
    print(
        f"  rows painted before their text (the earlier figure): min {keys_min:.3f} s, "
        f"ratio of minimums {keys_min / bare_min:5.2f}, of medians {keys_median / bare_median:5.2f}"
    )
    print("  where the time goes (median seconds since launch):")
    for name, label in MARKS:
        shown = [
            f"{kind} {spread(runs, name)[1]:6.3f}"
            for kind, runs in (("dvdesk", ours), ("bare", bare))
            if any(name in figures for figures in runs)
        ]
        print(f"    {label:<20} {'   '.join(shown)}")


def report(
    what: str, ours: float, baseline_name: str, baseline: float, unit: str, *, target: float = 2
) -> None:
    print(
        f"{what:<26} {ours:>9.3f} {unit:<4} {baseline_name:<12} {baseline:>9.3f} {unit:<4} "
        f"ratio {ours / baseline:5.2f}  (target <= {target:g})"
    )


if __name__ == "__main__":
    main()
