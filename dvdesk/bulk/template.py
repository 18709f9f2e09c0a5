"""The workbook template of a record type: Vietnamese headers, lists for closed choices,
and a sheet explaining each column."""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from dvdesk.bulk.columns import CHOICE_WORDS, COLUMNS
from dvdesk.domain.enums import RecordType
from dvdesk.fileio import Access, write_atomically

MAX_ROWS = 100_000


def template_bytes(record_type: RecordType) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Dữ liệu"
    guide = book.create_sheet("Hướng dẫn")
    guide.append(["Cột", "Bắt buộc", "Cách ghi"])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    for index, column in enumerate(COLUMNS[record_type], start=1):
        cell = sheet.cell(row=1, column=index, value=column.header)
        cell.font = Font(bold=True)
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(14, len(column.header) + 4)
        how = column.hint
        if column.kind == "date":
            how = how or "ngày/tháng/năm, ví dụ 05/07/2022"
        if column.choices is not None:
            words = [CHOICE_WORDS.get(m.value, m.value) for m in column.choices]
            how = "một trong: " + ", ".join(words)
            rule = DataValidation(type="list", formula1='"' + ",".join(words) + '"')
            rule.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
            sheet.add_data_validation(rule)
        if how:
            cell.comment = Comment(how, "dvdesk")
        guide.append([column.header, "có" if column.required else "", how])
    guide.column_dimensions["A"].width = 34
    guide.column_dimensions["C"].width = 80
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def write_template(record_type: RecordType, *, target: Path) -> None:
    write_atomically(target, template_bytes(record_type), access=Access.SHARED)
