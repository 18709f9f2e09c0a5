"""The workbook's "Kiến nghị quá hạn" sheet: every overdue recommendation, one per row.

The report's appendix lists only the oldest few per office (see
:mod:`dvdesk.documents.overdue`) and points here for the full list, which a clerk
filters and sorts in Excel by office, deadline or lateness.
"""

from __future__ import annotations

from datetime import date

from openpyxl import Workbook

from dvdesk.documents.figures import OverdueItem, ReportFigures
from dvdesk.documents.overdue import days_overdue
from dvdesk.documents.sheet_writer import CELL, DATE, NUMBER, SheetSetup, start_sheet

SHEET = "Kiến nghị quá hạn"
_HEAD = [
    "STT",
    "Mã",
    "Cơ quan",
    "Cuộc kiểm tra, giám sát, đối thoại",
    "Ngày",
    "Nội dung kiến nghị",
    "Nơi thực hiện",
    "Hạn giải quyết",
    "Số ngày quá hạn",
    "Ghi chú",
]
_LOOKS = [NUMBER, CELL, CELL, CELL, DATE, CELL, CELL, DATE, NUMBER, CELL]


def add_overdue_sheet(book: Workbook, figures: ReportFigures, office_name: str) -> None:
    """Append the sheet (also when nothing is overdue: then it holds the header only)."""
    from dvdesk.documents import workbook  # noqa: PLC0415 - it imports us

    lines = workbook.heading_lines(figures, office_name, "Kiến nghị quá hạn chưa giải quyết")
    lines.append(f"Tính đến ngày {figures.as_of:%d/%m/%Y}")
    row = workbook.header_row(lines)
    setup = SheetSetup(
        title=SHEET,
        widths=[6, 9, 30, 40, 12, 50, 24, 13, 10, 10],
        freeze=f"D{row + 1}",
        header_rows=f"{row}:{row}",
        landscape=True,
    )
    sheet = start_sheet(book, setup)
    sheet.titles(lines, len(_HEAD))
    sheet.header(_HEAD)
    for index, item in enumerate(figures.overdue, start=1):
        sheet.styled_row(overdue_row(index, item, figures.as_of), _LOOKS)
    last = row + max(len(figures.overdue), 1)
    sheet.sheet.auto_filter.ref = f"A{row}:J{last}"


def overdue_row(index: int, item: OverdueItem, as_of: date) -> list[object]:
    """One overdue recommendation's cells, in the order of the sheet's columns."""
    return [
        index,
        item.office_code,
        item.office_name,
        item.record_title,
        item.session_date,
        item.content,
        item.addressee or "",
        item.deadline,
        days_overdue(item, as_of),
        "Kỳ trước" if item.earlier else "",
    ]
