"""The statistics workbook keeps its content and look: every cell's value and style, merged
titles, widths, frozen header and print setup, compared with a saved description.

The description (``tests/data/workbook_look.json``) was written by the workbook code as it
was before it moved to openpyxl's write-only mode, so this test says the faster code writes
the same workbook. Regenerate it only for an intended change of the workbook:
``.venv/bin/python -m tests.test_workbook_look``.
"""

from __future__ import annotations

import io
import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.worksheet.worksheet import Worksheet

from dvdesk.documents.figures import (
    DialogueFigures,
    Figures,
    FollowUpFigures,
    OfficeFigures,
    OverdueItem,
    ReportFigures,
    Scope,
    SessionFigures,
)
from dvdesk.documents.periods import parse_period
from dvdesk.documents.workbook import build_workbook

SAVED = Path(__file__).parent / "data" / "workbook_look.json"


def small_figures() -> ReportFigures:
    """Three communes, four overdue items (one without an addressee), one counted figure."""
    period = parse_period("2025-H1")
    communes = [("10105", "Ban Dân vận Tỉnh ủy", True), ("00001", "Xã Demo 1", False)]
    communes.append(("00002", "Xã Demo 2", False))
    some = Figures(
        inspection=SessionFigures(sessions=3, subjects=7),
        supervision=SessionFigures(sessions=2, subjects=4),
        dialogue=DialogueFigures(sessions=1, attendees=120, issues=9, complaints=2),
        recommendations=FollowUpFigures(total=12, resolved=5, overdue=3),
    )
    items = tuple(
        OverdueItem(
            office_code=communes[index % 3][0],
            office_name=communes[index % 3][1],
            record_title=f"Giám sát thực hiện Quy chế dân chủ ở cơ sở số {index}",
            session_date=date(2024, 1, 1) + timedelta(days=index * 31),
            content="Đề nghị UBND xã đối thoại, giải quyết dứt điểm kiến nghị của Nhân dân.",
            addressee="UBND xã" if index % 2 else None,
            deadline=date(2024, 3, 1) + timedelta(days=index * 40),
            earlier=index % 2 == 0,
        )
        for index in range(4)
    )
    return ReportFigures(
        period=period,
        scope=Scope.ALL,
        office_code="10105",
        as_of=period.end + timedelta(days=1),
        totals=some,
        previous=Figures(),
        by_office=tuple(
            OfficeFigures(code=code, name=name, own=own, figures=some)
            for code, name, own in communes
        ),
        overdue=items,
        counted=frozenset({"inspection.sessions"}),
    )


def _cell(cell: Any) -> list[Any]:
    font, border, align = cell.font, cell.border, cell.alignment
    return [
        cell.coordinate,
        None if cell.value is None else str(cell.value),
        [font.name, font.sz, font.b, font.i],
        [border.left.style, border.right.style, border.top.style, border.bottom.style],
        [align.horizontal, align.vertical, align.wrap_text],
        cell.number_format,
    ]


def _sheet(sheet: Worksheet) -> dict[str, Any]:
    setup = sheet.page_setup
    return {
        "cells": [_cell(cell) for row in sheet.iter_rows() for cell in row if cell.has_style],
        "values": [list(map(str, row)) for row in sheet.iter_rows(values_only=True)],
        "merged": sorted(str(merged) for merged in sheet.merged_cells.ranges),
        "widths": {
            key: dimension.width
            for key, dimension in sorted(sheet.column_dimensions.items())
            if dimension.customWidth
        },
        "heights": {str(key): d.height for key, d in sheet.row_dimensions.items() if d.height},
        "freeze": sheet.freeze_panes,
        "titles": sheet.print_title_rows,
        "filter": sheet.auto_filter.ref,
        "page": [setup.paperSize, setup.orientation, setup.fitToWidth, setup.fitToHeight],
        "fit": sheet.sheet_properties.pageSetUpPr.fitToPage,
        "centred": sheet.print_options.horizontalCentered,
        "margins": [sheet.page_margins.left, sheet.page_margins.top],
        "footer": sheet.oddFooter.center.text,
    }


def describe(data: bytes) -> dict[str, Any]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    properties = book.properties
    return {
        "properties": [properties.title, properties.creator, properties.language],
        "sheets": {sheet.title: _sheet(sheet) for sheet in book.worksheets},
    }


def _current() -> dict[str, Any]:
    described = describe(build_workbook(small_figures(), office_name="Ban Tuyên giáo và Dân vận"))
    # Through JSON, as saved: tuples become lists, numeric keys strings.
    loaded: dict[str, Any] = json.loads(json.dumps(described, ensure_ascii=False))
    return loaded


def test_the_workbook_looks_as_it_did() -> None:
    saved = json.loads(SAVED.read_text(encoding="utf-8"))
    current = _current()
    assert list(current["sheets"]) == list(saved["sheets"])
    assert current["properties"] == saved["properties"]
    for title, sheet in saved["sheets"].items():
        for key, expected in sheet.items():
            assert current["sheets"][title][key] == expected, (title, key)


if __name__ == "__main__":
    SAVED.write_text(
        json.dumps(_current(), ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8"
    )
