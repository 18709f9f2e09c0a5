"""How fast a 6-month report (PDF) and workbook come out of a province's data.

    .venv/bin/python -m bench.report_rate --records 1000000
    .venv/bin/python -m bench.report_rate --data /tmp/bp/r100000 --period 2025

Generates ``--records`` demo records spread over ``--communes`` subordinate
communes (five-digit codes) into a temporary folder (or copies the data folder
given with ``--data``, which is never written to), then times, on the same
database:

- raw: the aggregation SQL of the report (this period and the same period a year
  earlier) run straight through sqlite3, rows fetched, nothing else;
- figures: dvdesk's compute_figures (the same SQL plus building the dataclasses);
- pdf: the whole report PDF from the figures (narrative, layout of every page,
  the table of all communes) — the "time to lay out the pages";
- word: the same report as .docx (python-docx), which is issued beside the PDF;
- workbook: the .xlsx from the figures.

Target: figures within 3x raw, i.e. report total <= 3 x raw + pdf layout.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from dvdesk.documents.figures import (
    ReportFigures,
    Scope,
    aggregation_sql,
    as_of_date,
    compute_figures,
    sql_parameters,
)
from dvdesk.documents.periods import Period, parse_period
from dvdesk.documents.report_pdf import build_report_pdf, draft_report
from dvdesk.documents.word import render_docx
from dvdesk.documents.workbook import build_workbook
from dvdesk.paths import DataPaths
from dvdesk.services import demo
from dvdesk.services.store import Store, open_store
from dvdesk.services.units import add_children

T = TypeVar("T")


def make_data(folder: Path, *, records: int, communes: int, seed: int) -> DataPaths:
    paths = DataPaths(folder)
    store = open_store(paths, actor="bench", create=True)
    try:
        demo.ensure_demo_office(store)
        units = [(f"{i:05d}", f"Xã Demo {i}") for i in range(1, communes + 1)]
        add_children(store, units=units, level="commune")
        demo.add_demo_records(
            store, count=records, seed=seed, office_codes=[code for code, _ in units]
        )
    finally:
        store.close()
    return paths


def best_of(repeat: int, action: Callable[[], T]) -> tuple[float, T]:
    best = float("inf")
    result: T | None = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = action()
        best = min(best, time.perf_counter() - started)
    assert result is not None
    return best, result


def raw_query(database: Path, period: Period) -> int:
    """The report's aggregation via sqlite3 directly; returns the number of rows fetched."""
    connection = sqlite3.connect(database)
    try:
        rows = 0
        office = connection.execute("SELECT code FROM office").fetchone()[0]
        for window in (period, period.previous_year()):
            parameters = sql_parameters(window, office_code=office, as_of=as_of_date(window))
            for statement in aggregation_sql(Scope.ALL):
                rows += len(connection.execute(statement, parameters).fetchall())
        return rows
    finally:
        connection.close()


@dataclass(frozen=True)
class Measured:
    raw: float
    rows: int
    figures_time: float
    figures: ReportFigures
    pdf_time: float
    pdf: bytes
    word_time: float
    word: bytes
    book_time: float
    book: bytes


def measure(paths: DataPaths, period: Period, *, repeat: int) -> Measured:
    raw, rows = best_of(repeat, lambda: raw_query(paths.database, period))
    store: Store = open_store(paths, actor="bench")
    try:
        figures_time, figures = best_of(
            repeat, lambda: compute_figures(store, period=period, scope=Scope.ALL)
        )
        pdf_time, pdf = best_of(1, lambda: build_report_pdf(store, figures=figures))
        word_time, word = best_of(1, lambda: render_docx(draft_report(store, figures=figures)))
        book_time, book = best_of(
            1, lambda: build_workbook(figures, office_name="Ban Tuyên giáo và Dân vận")
        )
    finally:
        store.close()
    return Measured(
        raw, rows, figures_time, figures, pdf_time, pdf, word_time, word, book_time, book
    )


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--communes", type=int, default=3321)
    parser.add_argument("--period", default="2024-H1")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--data", type=Path, help="an existing data folder to copy instead of generating one"
    )
    parser.add_argument(
        "--keep", type=Path, help="a folder to write report.pdf, report.docx and report.xlsx to"
    )
    return parser.parse_args()


def main() -> None:
    args = arguments()
    base = Path(tempfile.mkdtemp(prefix="dvdesk-bench-report-"))
    period = parse_period(args.period)
    try:
        started = time.perf_counter()
        if args.data is not None:
            # A copy: opening a store may migrate or log, and the given folder stays as it was.
            shutil.copytree(args.data, base / "office")
            paths = DataPaths(base / "office")
        else:
            paths = make_data(
                base / "office", records=args.records, communes=args.communes, seed=args.seed
            )
        generated = time.perf_counter() - started
        m = measure(paths, period, repeat=args.repeat)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=True)
        for suffix, data in ((".pdf", m.pdf), (".docx", m.word), (".xlsx", m.book)):
            (args.keep / f"report{suffix}").write_bytes(data)
    if args.data is not None:
        print(f"data:                      {args.data}  (copied in {generated:.1f} s)")
    else:
        print(f"records:                   {args.records:>12,}  (generated in {generated:.1f} s)")
        print(f"communes:                  {args.communes:>12,}")
    report(m, period)


def report(m: Measured, period: Period) -> None:
    totals = m.figures.totals
    in_period = totals.inspection.sessions + totals.supervision.sessions + totals.dialogue.sessions
    pages = m.pdf.count(b"/Type /Page\n") or m.pdf.count(b"/Type /Page")
    print(f"period:                    {period.key} ({period.start} .. {period.end})")
    print(f"records in period:         {in_period:>12,}  ({m.rows} aggregate rows)")
    print(f"overdue recommendations:   {len(m.figures.overdue):>12,}")
    print(f"raw SQL aggregation:       {m.raw:>10.3f} s")
    ratio = m.figures_time / m.raw
    print(f"dvdesk figures:            {m.figures_time:>10.3f} s  ratio {ratio:.2f}")
    size = len(m.pdf) / 1e6
    print(f"report PDF (layout):       {m.pdf_time:>10.3f} s  {size:.1f} MB, ~{pages} pages")
    print(f"report Word (.docx):       {m.word_time:>10.3f} s  {len(m.word) / 1e6:.1f} MB")
    print(f"workbook (.xlsx):          {m.book_time:>10.3f} s  {len(m.book) / 1e6:.1f} MB")
    total = m.figures_time + m.pdf_time
    budget = 3 * m.raw + m.pdf_time
    print(
        f"report total (fig. + pdf): {total:>10.3f} s  target <= 3 x raw + layout = {budget:.3f} s"
    )
    print(f"within target:             {'yes' if total <= budget else 'NO'}")


if __name__ == "__main__":
    main()
