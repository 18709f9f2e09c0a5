"""The workbook's "Kiến nghị quá hạn" sheet: every overdue recommendation, one per row.

The report's appendix lists only the oldest few per office (see
:mod:`dvdesk.documents.overdue`) and points here for the full list, which a clerk
filters and sorts in Excel by office, deadline or lateness.
"""

from __future__ import annotations

from copy import copy
from typing import Any

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from dvdesk.documents.figures import ReportFigures
from dvdesk.documents.overdue import days_overdue

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
_DATE = "dd/mm/yyyy"


def _styled_row(sheet: Worksheet, row: int, values: list[Any], styles: list[Any]) -> None:
    """A row styled as the first one by copying its style indices: assigning a font, border
    and format per cell hashes each style object, which took half a minute for 30,000 rows."""
    for column, (value, style) in enumerate(zip(values, styles, strict=True), start=1):
        sheet.cell(row=row, column=column, value=value)._style = copy(style)


def add_overdue_sheet(book: Workbook, figures: ReportFigures, office_name: str) -> None:
    """Append the sheet (also when nothing is overdue: then it holds the header only)."""
    from dvdesk.documents import workbook  # noqa: PLC0415 - it imports us

    sheet = book.create_sheet(SHEET)
    lines = workbook.heading_lines(figures, office_name, "Kiến nghị quá hạn chưa giải quyết")
    lines.append(f"Tính đến ngày {figures.as_of:%d/%m/%Y}")
    row = workbook.titles(sheet, lines, len(_HEAD))
    workbook.header(sheet, row, _HEAD)
    for index, item in enumerate(figures.overdue, start=1):
        values = [
            index,
            item.office_code,
            item.office_name,
            item.record_title,
            item.session_date,
            item.content,
            item.addressee or "",
            item.deadline,
            days_overdue(item, figures.as_of),
            "Kỳ trước" if item.earlier else "",
        ]
        if index == 1:
            workbook.table_row(sheet, row + 1, values)
            for column in (5, 8):
                sheet.cell(row=row + 1, column=column).number_format = _DATE
            styles = [cell._style for cell in sheet[row + 1]]
        else:
            _styled_row(sheet, row + index, values, styles)
    last = row + max(len(figures.overdue), 1)
    sheet.auto_filter.ref = f"A{row}:J{last}"
    workbook.widths(sheet, [6, 9, 30, 40, 12, 50, 24, 13, 10, 10])
    sheet.freeze_panes = sheet.cell(row=row + 1, column=4)
    workbook.print_setup(sheet, header_rows=f"{row}:{row}", landscape=True)
