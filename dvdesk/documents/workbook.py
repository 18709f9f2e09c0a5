"""The statistics workbook (bảng tính): a sheet per table, numbers as numbers, ready to print."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from dvdesk.documents import layout, overdue_sheet, registers_report
from dvdesk.documents.figures import DialogueFigures, ReportFigures
from dvdesk.documents.report_pdf import INDICATORS, OFFICE_COLUMNS, dmy
from dvdesk.documents.sheet_writer import CHANGE, HEADER, SheetSetup, SheetWriter, start_sheet


def _sums(first_column: int, count: int, top: int, bottom: int) -> list[str]:
    """``=SUM(D7:D9)`` … for the total row: the office edits a row, the total follows."""
    letters = [get_column_letter(first_column + index) for index in range(count)]
    return [f"=SUM({letter}{top}:{letter}{bottom})" for letter in letters]


def header_row(lines: Sequence[str]) -> int:
    """The table's header row under ``lines`` of titles and a blank row."""
    return len(lines) + 2


def _heading_lines(figures: ReportFigures, office_name: str, table: str) -> list[str]:
    period = figures.period
    return [
        f"{table} - {period.label}".upper(),
        office_name,
        f"Số liệu từ ngày {dmy(period.start)} đến ngày {dmy(period.end)}",
    ]


def _summary_sheet(book: Workbook, figures: ReportFigures, office_name: str) -> None:
    head = ["STT", "Chỉ tiêu", "Kỳ báo cáo", "Cùng kỳ năm trước", "Tăng (+), giảm (-)"]
    lines = _heading_lines(figures, office_name, "Tổng hợp số liệu")
    first = header_row(lines)
    setup = SheetSetup(
        title="Tổng hợp",
        widths=[6, 46, 14, 16, 16],
        freeze=f"A{first + 1}",
        header_rows=f"{first}:{first}",
        landscape=False,
    )
    sheet = start_sheet(book, setup)
    sheet.titles(lines, len(head))
    sheet.header(head)
    for index, (label, value) in enumerate(INDICATORS, start=1):
        now, before = value(figures.totals), value(figures.previous)
        line = first + index
        cells = sheet.table_cells([index, label, now, before])
        sheet.append([*cells, sheet.cell(f"=C{line}-D{line}", CHANGE)])


def _office_header(sheet: SheetWriter) -> None:
    """Two header rows: code and name span both, each group spans its columns."""
    top = sheet.row
    groups = list(dict.fromkeys(group for group, _label, _getter in OFFICE_COLUMNS))
    upper = [sheet.cell(value, HEADER) for value in ("STT", "Mã", "Cơ quan")]
    lower = [sheet.covered(left=True, right=True, top=False, bottom=True) for _index in range(3)]
    column = 4
    for group in groups:
        labels = [label for g, label, _getter in OFFICE_COLUMNS if g == group]
        upper.append(sheet.cell(group, HEADER))
        upper += [
            sheet.covered(left=False, right=index == len(labels) - 1, top=True, bottom=True)
            for index in range(1, len(labels))
        ]
        lower += [sheet.cell(label, HEADER) for label in labels]
        sheet.merge(top=top, left=column, bottom=top, right=column + len(labels) - 1)
        column += len(labels)
    for column in (1, 2, 3):
        sheet.merge(top=top, left=column, bottom=top + 1, right=column)
    sheet.append(upper)
    sheet.append(lower)


def _office_sheet(book: Workbook, figures: ReportFigures, office_name: str) -> None:
    width = 2 + len(OFFICE_COLUMNS)
    lines = _heading_lines(figures, office_name, "Số liệu theo cơ quan")
    row = header_row(lines)
    first = row + 2
    setup = SheetSetup(
        title="Theo cơ quan",
        widths=[6, 9, 40, *([11] * len(OFFICE_COLUMNS))],
        freeze=f"D{first}",
        header_rows=f"{row}:{row + 1}",
        landscape=True,
    )
    sheet = start_sheet(book, setup)
    sheet.titles(lines, width)
    _office_header(sheet)
    for index, office in enumerate(figures.by_office, start=1):
        values = [getter(office.figures) for _g, _l, getter in OFFICE_COLUMNS]
        sheet.table_row([index, office.code, office.name, *values])
    total_row = sheet.row
    sums = _sums(4, len(OFFICE_COLUMNS), first, total_row - 1)
    sheet.table_row([None, None, "Tổng cộng", *sums], bold=True)


def _dialogue_sheet(book: Workbook, figures: ReportFigures, office_name: str) -> None:
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
    lines = _heading_lines(figures, office_name, "Đối thoại với Nhân dân")
    row = header_row(lines)
    setup = SheetSetup(
        title="Đối thoại",
        widths=[6, 9, 40, *([12] * len(columns))],
        freeze=f"D{row + 1}",
        header_rows=f"{row}:{row}",
        landscape=True,
        heights={row: 32},
    )
    sheet = start_sheet(book, setup)
    sheet.titles(lines, len(head))
    sheet.header(head)
    for index, office in enumerate(figures.by_office, start=1):
        values = [getter(office.figures.dialogue) for _label, getter in columns]
        sheet.table_row([index, office.code, office.name, *values])
    last = sheet.row - 1
    sums = _sums(4, len(columns), row + 1, last)
    sheet.table_row([None, None, "Tổng cộng", *sums], bold=True)


# Shared with the modules that add their own sheets (registers, overdue recommendations).
heading_lines = _heading_lines


def build_workbook(figures: ReportFigures, *, office_name: str) -> bytes:
    """The workbook as .xlsx bytes, titled and authored by the office (not "openpyxl")."""
    book = Workbook(write_only=True)
    properties = book.properties
    properties.title = f"Số liệu công tác dân vận {figures.period.label}"
    properties.creator = office_name
    properties.lastModifiedBy = office_name
    properties.language = "vi-VN"
    _summary_sheet(book, figures, office_name)
    _office_sheet(book, figures, office_name)
    _dialogue_sheet(book, figures, office_name)
    registers_report.add_register_sheet(book, figures, office_name)
    overdue_sheet.add_overdue_sheet(book, figures, office_name)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def write_workbook(figures: ReportFigures, *, office_name: str, target: Path) -> None:
    layout.check_writable(target)
    layout.write_file(build_workbook(figures, office_name=office_name), target)
