"""Workbook sheets written top to bottom in openpyxl's write-only mode, with shared styles.

A normal openpyxl sheet keeps every cell object until it is saved, and assigning a font,
border and format to a cell hashes each style object: a province's workbook (34,000
overdue recommendations, 3,321 communes) took half a minute and hundreds of MB. Here a
look (font, border, alignment, number format) is registered in the workbook once and
each cell gets a copy of its style indices; rows go straight to the file. Write-only
mode writes the column widths, frozen panes and sheet properties before the first row,
so :func:`start_sheet` sets them up front.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from copy import copy
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

FONT = "Times New Roman"
NUMBER_FORMAT = "#,##0"  # shown with the reader's grouping: 14.162 in a Vietnamese Excel
_THIN = Side(style="thin")
_NONE = Side()
BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)


@dataclass(frozen=True, eq=False)  # eq=False: looked up by identity, never hashed by value
class Look:
    font: Font | None
    border: Border | None = None
    alignment: Alignment | None = None
    number_format: str | None = None


_CELL_FONT = Font(name=FONT, size=11)
_BOLD_FONT = Font(name=FONT, size=11, bold=True)
TITLE = Look(Font(name=FONT, size=13, bold=True), alignment=CENTRE)
SUBTITLE = Look(Font(name=FONT, size=12, italic=True), alignment=CENTRE)
HEADER = Look(_BOLD_FONT, BOX, CENTRE)
CELL = Look(_CELL_FONT, BOX)
NUMBER = Look(_CELL_FONT, BOX, number_format=NUMBER_FORMAT)
BOLD = Look(_BOLD_FONT, BOX)
BOLD_NUMBER = Look(_BOLD_FONT, BOX, number_format=NUMBER_FORMAT)
CHANGE = Look(_CELL_FONT, BOX, number_format="+#,##0;-#,##0;0")
DATE = Look(_CELL_FONT, BOX, number_format="dd/mm/yyyy")


@dataclass
class SheetWriter:
    """One write-only sheet and the row its next line goes to."""

    sheet: WriteOnlyWorksheet
    row: int = 1
    _styles: dict[Look, StyleArray] = field(default_factory=dict)
    _reused: list[Cell] = field(default_factory=list)
    _edges: dict[tuple[bool, bool, bool, bool], Look] = field(default_factory=dict)

    def _style(self, look: Look) -> StyleArray:
        style = self._styles.get(look)
        if style is None:
            model = Cell(self.sheet)
            if look.font is not None:
                model.font = look.font
            if look.border is not None:
                model.border = look.border
            if look.alignment is not None:
                model.alignment = look.alignment
            if look.number_format is not None:
                model.number_format = look.number_format
            style = self._styles[look] = model._style
        return style

    def cell(self, value: Any, look: Look) -> Cell:
        return Cell(self.sheet, row=1, column=1, value=value, style_array=copy(self._style(look)))

    def covered(self, *, left: bool, right: bool, top: bool, bottom: bool) -> Cell:
        """A cell inside a merged box: only the box's outer edges drawn, as Excel and
        openpyxl's ``merge_cells`` give them."""
        key = (left, right, top, bottom)
        look = self._edges.get(key)
        if look is None:
            sides = [_THIN if edge else _NONE for edge in key]
            border = Border(left=sides[0], right=sides[1], top=sides[2], bottom=sides[3])
            look = self._edges[key] = Look(None, border)
        return self.cell(None, look)

    def append(self, cells: Iterable[Cell | Any]) -> int:
        """Write a row; returns its number."""
        self.sheet.append(list(cells))
        self.row += 1
        return self.row - 1

    def merge(self, *, top: int, left: int, bottom: int, right: int) -> None:
        first, last = get_column_letter(left), get_column_letter(right)
        self.sheet.merged_cells.add(f"{first}{top}:{last}{bottom}")

    def titles(self, lines: Sequence[str], width: int) -> int:
        """Title lines merged over the table's width and a blank row; returns the next row."""
        for index, line in enumerate(lines):
            row = self.append([self.cell(line, TITLE if index == 0 else SUBTITLE)])
            self.merge(top=row, left=1, bottom=row, right=width)
        self.append([])
        return self.row

    def header(self, values: Sequence[str | None]) -> int:
        return self.append(self.cell(value, HEADER) for value in values)

    def styled_row(self, values: Sequence[Any], looks: Sequence[Look]) -> int:
        """A row of many alike: its cells are reused, since each row is written out as
        soon as it is appended (a new cell object per value doubled the time)."""
        reused = self._reused
        while len(reused) < len(values):
            reused.append(Cell(self.sheet, row=1, column=1))
        row = reused[: len(values)]
        for cell, value, look in zip(row, values, looks, strict=True):
            cell._style = copy(self._style(look))  # a copy: binding a date may set its format
            cell.value = value
        return self.append(row)

    def table_cells(self, values: Sequence[Any], *, bold: bool = False) -> list[Cell]:
        """Numbers (and formulas) grouped by thousands, every cell boxed."""
        looks = _table_looks(values, bold)
        return [self.cell(value, look) for value, look in zip(values, looks, strict=True)]

    def table_row(self, values: Sequence[Any], *, bold: bool = False) -> int:
        return self.styled_row(values, _table_looks(values, bold))


def _table_looks(values: Sequence[Any], bold: bool) -> list[Look]:
    plain, number = (BOLD, BOLD_NUMBER) if bold else (CELL, NUMBER)
    return [number if _numeric(value) else plain for value in values]


def _numeric(value: Any) -> bool:
    return isinstance(value, int) or (isinstance(value, str) and value.startswith("="))


@dataclass(frozen=True)
class SheetSetup:
    """What write-only mode needs before the first row, and the print setup."""

    title: str
    widths: Sequence[float]
    freeze: str  # the first scrolling cell, e.g. "D7"
    header_rows: str  # repeated on every printed page, e.g. "5:6"
    landscape: bool
    heights: dict[int, float] = field(default_factory=dict)


class _PreparedRows(WriteOnlyWorksheet):  # type: ignore[misc]  # openpyxl is untyped
    """Takes rows of ready cells as they are: openpyxl's own ``append`` first tries each
    value as a plain value and only takes a cell after catching the error that raises."""

    def _values_to_row(self, values: Sequence[Any], row_idx: int) -> Iterator[Cell]:
        for column, value in enumerate(values, start=1):
            if value is None:
                continue
            cell = value if isinstance(value, Cell) else Cell(self, value=value)
            cell.row, cell.column = row_idx, column
            yield cell


def start_sheet(book: Workbook, setup: SheetSetup) -> SheetWriter:
    assert book.write_only
    sheet = _PreparedRows(parent=book, title=setup.title)
    book._add_sheet(sheet)  # what book.create_sheet does, with this kind of sheet
    for column, width in enumerate(setup.widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    for row, height in setup.heights.items():
        sheet.row_dimensions[row].height = height
    sheet.freeze_panes = setup.freeze
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if setup.landscape else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = setup.header_rows
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.5
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
    sheet.oddFooter.center.text = "Trang &P/&N"
    return SheetWriter(sheet)
