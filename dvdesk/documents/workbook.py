"""The statistics workbook (bảng tính): a sheet per table, numbers as numbers, ready to print."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from dvdesk.documents import layout, overdue_sheet, registers_report
from dvdesk.documents.figures import DialogueFigures, ReportFigures
from dvdesk.documents.report_pdf import INDICATORS, OFFICE_COLUMNS, dmy

FONT = "Times New Roman"
NUMBER_FORMAT = "#,##0"  # shown with the reader's grouping: 14.162 in a Vietnamese Excel
_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
# Shared style objects: openpyxl stores one copy per distinct style, building one per cell is slow.
_CELL_FONT = Font(name=FONT, size=11)
_BOLD_FONT = Font(name=FONT, size=11, bold=True)


def _titles(sheet: Worksheet, lines: Sequence[str], width: int) -> int:
    """Title lines merged over the table's width; returns the next free row."""
    for row, line in enumerate(lines, start=1):
        cell = sheet.cell(row=row, column=1, value=line)
        cell.font = Font(name=FONT, size=13 if row == 1 else 12, bold=row == 1, italic=row > 1)
        cell.alignment = _CENTRE
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    return len(lines) + 2


def _header(sheet: Worksheet, row: int, values: Sequence[str | None]) -> None:
    for column, value in enumerate(values, start=1):
        cell = sheet.cell(row=row, column=column, value=value)
        cell.font = _BOLD_FONT
        cell.alignment = _CENTRE
        cell.border = _BOX


def _row(sheet: Worksheet, row: int, values: Sequence[Any], *, bold: bool = False) -> None:
    for column, value in enumerate(values, start=1):
        cell = sheet.cell(row=row, column=column, value=value)
        cell.font = _BOLD_FONT if bold else _CELL_FONT
        cell.border = _BOX
        if isinstance(value, int) or (isinstance(value, str) and value.startswith("=")):
            cell.number_format = NUMBER_FORMAT


def _print_setup(sheet: Worksheet, *, header_rows: str, landscape: bool) -> None:
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = header_rows
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.5
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
    sheet.oddFooter.center.text = "Trang &P/&N"


def _sums(first_column: int, count: int, top: int, bottom: int) -> list[str]:
    """``=SUM(D7:D9)`` … for the total row: the office edits a row, the total follows."""
    letters = [get_column_letter(first_column + index) for index in range(count)]
    return [f"=SUM({letter}{top}:{letter}{bottom})" for letter in letters]


def _widths(sheet: Worksheet, widths: Sequence[float]) -> None:
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width


def _heading_lines(figures: ReportFigures, office_name: str, table: str) -> list[str]:
    period = figures.period
    return [
        f"{table} - {period.label}".upper(),
        office_name,
        f"Số liệu từ ngày {dmy(period.start)} đến ngày {dmy(period.end)}",
    ]


def _summary_sheet(sheet: Worksheet, figures: ReportFigures, office_name: str) -> None:
    sheet.title = "Tổng hợp"
    head = ["STT", "Chỉ tiêu", "Kỳ báo cáo", "Cùng kỳ năm trước", "Tăng (+), giảm (-)"]
    row = _titles(sheet, _heading_lines(figures, office_name, "Tổng hợp số liệu"), len(head))
    _header(sheet, row, head)
    first = row
    for index, (label, value) in enumerate(INDICATORS, start=1):
        now, before = value(figures.totals), value(figures.previous)
        line = row + index
        _row(sheet, line, [index, label, now, before, f"=C{line}-D{line}"])
        sheet.cell(row=row + index, column=5).number_format = "+#,##0;-#,##0;0"
    _widths(sheet, [6, 46, 14, 16, 16])
    sheet.freeze_panes = sheet.cell(row=first + 1, column=1)
    _print_setup(sheet, header_rows=f"{first}:{first}", landscape=False)


def _office_sheet(sheet: Worksheet, figures: ReportFigures, office_name: str) -> None:
    width = 2 + len(OFFICE_COLUMNS)
    row = _titles(sheet, _heading_lines(figures, office_name, "Số liệu theo cơ quan"), width)
    groups: list[str | None] = ["STT", "Mã", "Cơ quan"]
    labels: list[str | None] = [None, None, None]
    previous = None
    for group, label, _getter in OFFICE_COLUMNS:
        groups.append(group if group != previous else None)
        labels.append(label)
        previous = group
    _header(sheet, row, groups)
    _header(sheet, row + 1, labels)
    for column in (1, 2, 3):
        sheet.merge_cells(start_row=row, start_column=column, end_row=row + 1, end_column=column)
    column = 4
    for group in dict.fromkeys(g for g, _l, _x in OFFICE_COLUMNS):
        count = sum(1 for g, _l, _x in OFFICE_COLUMNS if g == group)
        sheet.merge_cells(
            start_row=row, start_column=column, end_row=row, end_column=column + count - 1
        )
        column += count
    first = row + 2
    for index, office in enumerate(figures.by_office, start=1):
        values = [getter(office.figures) for _g, _l, getter in OFFICE_COLUMNS]
        _row(sheet, first + index - 1, [index, office.code, office.name, *values])
    total_row = first + len(figures.by_office)
    _row(
        sheet,
        total_row,
        [None, None, "Tổng cộng", *_sums(4, len(OFFICE_COLUMNS), first, total_row - 1)],
        bold=True,
    )
    _widths(sheet, [6, 9, 40, *([11] * len(OFFICE_COLUMNS))])
    sheet.freeze_panes = sheet.cell(row=first, column=4)
    _print_setup(sheet, header_rows=f"{row}:{row + 1}", landscape=True)
    sheet.title = "Theo cơ quan"


def _dialogue_sheet(sheet: Worksheet, figures: ReportFigures, office_name: str) -> None:
    columns: list[tuple[str, Callable[[DialogueFigures], int]]] = [
        ("Buổi đối thoại", lambda d: d.sessions),
        ("Lượt người dự", lambda d: d.attendees),
        ("Tổng số ý kiến", lambda d: d.issues),
        ("Khiếu nại", lambda d: d.complaints),
        ("Tố cáo", lambda d: d.denunciations),
        ("Kiến nghị", lambda d: d.petitions),
        ("Phản ánh", lambda d: d.feedback),
        ("Trả lời tại buổi đối thoại", lambda d: d.answered_on_spot),
        ("Đã giải quyết", lambda d: d.resolved),
        ("Quá hạn", lambda d: d.overdue),
    ]
    head = ["STT", "Mã", "Cơ quan", *(label for label, _getter in columns)]
    row = _titles(sheet, _heading_lines(figures, office_name, "Đối thoại với Nhân dân"), len(head))
    _header(sheet, row, head)
    for index, office in enumerate(figures.by_office, start=1):
        values = [getter(office.figures.dialogue) for _label, getter in columns]
        _row(sheet, row + index, [index, office.code, office.name, *values])
    last = row + len(figures.by_office)
    _row(
        sheet,
        last + 1,
        [None, None, "Tổng cộng", *_sums(4, len(columns), row + 1, last)],
        bold=True,
    )
    _widths(sheet, [6, 9, 40, *([12] * len(columns))])
    sheet.row_dimensions[row].height = 32
    sheet.freeze_panes = sheet.cell(row=row + 1, column=4)
    _print_setup(sheet, header_rows=f"{row}:{row}", landscape=True)
    sheet.title = "Đối thoại"


# Shared with dvdesk.documents.registers_report, which adds its own sheet.
titles, header, table_row, widths, print_setup = _titles, _header, _row, _widths, _print_setup
heading_lines = _heading_lines


def build_workbook(figures: ReportFigures, *, office_name: str) -> bytes:
    """The workbook as .xlsx bytes, titled and authored by the office (not "openpyxl")."""
    book = Workbook()
    properties = book.properties
    properties.title = f"Số liệu công tác dân vận {figures.period.label}"
    properties.creator = office_name
    properties.lastModifiedBy = office_name
    properties.language = "vi-VN"
    summary = book.active
    assert summary is not None
    _summary_sheet(summary, figures, office_name)
    _office_sheet(book.create_sheet(), figures, office_name)
    _dialogue_sheet(book.create_sheet(), figures, office_name)
    registers_report.add_register_sheet(book, figures, office_name)
    overdue_sheet.add_overdue_sheet(book, figures, office_name)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def write_workbook(figures: ReportFigures, *, office_name: str, target: Path) -> None:
    layout.check_writable(target)
    layout.write_file(build_workbook(figures, office_name=office_name), target)
