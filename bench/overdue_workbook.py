"""How fast the statistics workbook comes out with many overdue recommendations.

    .venv/bin/python -m bench.overdue_workbook [--rows 34000] [--offices 3321]

The "Kiến nghị quá hạn" sheet lists every overdue recommendation, one per row; a
province with years of unresolved follow-ups has tens of thousands. The figures are
built in memory (no database: the list is one query, timed by ``bench.report_rate``),
with ``--offices`` communes in the per-office sheets. Timed, best of ``--repeat``:

- raw: openpyxl's write-only mode writing ``--rows`` plain rows of the same ten values
  (no styles, no titles) and saving — the floor for any .xlsx of that size;
- workbook: dvdesk's whole ``build_workbook`` (five sheets, the overdue one included);
- other sheets: the same figures with no overdue items (what the overdue rows cost is
  the difference).

Target: workbook within 2x raw.
"""

from __future__ import annotations

import argparse
import io
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta

from openpyxl import Workbook

from dvdesk.documents.figures import (
    Figures,
    FollowUpFigures,
    OfficeFigures,
    OverdueItem,
    ReportFigures,
    Scope,
)
from dvdesk.documents.overdue_sheet import overdue_row
from dvdesk.documents.periods import parse_period
from dvdesk.documents.workbook import build_workbook

_CONTENT = (
    "Đề nghị UBND xã tiếp tục đối thoại, giải quyết dứt điểm kiến nghị của Nhân dân về "
    "bồi thường, hỗ trợ tái định cư; báo cáo kết quả về Ban Thường vụ."
)


def figures(rows: int, offices: int) -> ReportFigures:
    period = parse_period("2025-H1")
    as_of = period.end + timedelta(days=1)
    communes = [(f"{i:05d}", f"Xã Demo {i}") for i in range(1, offices + 1)]
    items = tuple(
        OverdueItem(
            office_code=communes[index % offices][0],
            office_name=communes[index % offices][1],
            record_title=f"Giám sát thực hiện Quy chế dân chủ ở cơ sở số {index}",
            session_date=date(2024, 1, 1) + timedelta(days=index % 500),
            content=_CONTENT,
            addressee="UBND xã" if index % 3 else None,
            deadline=date(2024, 3, 1) + timedelta(days=index % 480),
            earlier=index % 2 == 0,
        )
        for index in range(rows)
    )
    some = Figures(recommendations=FollowUpFigures(total=12, resolved=5, overdue=3))
    by_office = tuple(
        OfficeFigures(code=code, name=name, own=False, figures=some) for code, name in communes
    )
    return ReportFigures(
        period=period,
        scope=Scope.ALL,
        office_code="10105",
        as_of=as_of,
        totals=some,
        previous=some,
        by_office=by_office,
        overdue=items,
    )


def raw_write_only(report: ReportFigures) -> bytes:
    """The same values, plain, through openpyxl's write-only mode."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("raw")
    for index, item in enumerate(report.overdue, start=1):
        sheet.append(overdue_row(index, item, report.as_of))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def best_of(repeat: int, action: Callable[[], bytes]) -> tuple[float, int]:
    best, size = float("inf"), 0
    for _ in range(repeat):
        started = time.perf_counter()
        size = len(action())
        best = min(best, time.perf_counter() - started)
    return best, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=34_000)
    parser.add_argument("--offices", type=int, default=3321)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    report = figures(args.rows, args.offices)
    empty = replace(report, overdue=())
    raw, raw_size = best_of(args.repeat, lambda: raw_write_only(report))
    book, book_size = best_of(args.repeat, lambda: build_workbook(report, office_name="Ban"))
    rest, _size = best_of(args.repeat, lambda: build_workbook(empty, office_name="Ban"))
    print(f"overdue rows:                 {args.rows:>10,}  offices {args.offices:,}")
    print(f"raw write-only, plain rows:   {raw:>10.2f} s  {raw_size / 1e6:.1f} MB")
    print(f"dvdesk workbook (all sheets): {book:>10.2f} s  {book_size / 1e6:.1f} MB")
    print(f"  of which other sheets:      {rest:>10.2f} s")
    print(f"  overdue sheet (difference): {book - rest:>10.2f} s")
    print(f"ratio workbook / raw:         {book / raw:>10.2f}  target <= 2")


if __name__ == "__main__":
    main()
