"""Reading an import file into a table of cells: .xlsx, .csv (UTF-8, with or without BOM,
or an old 8-bit encoding) and .jsonl. Old TCVN3/VNI text is converted to Unicode here."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from dvdesk.errors import UserError
from dvdesk.i18n import _
from dvdesk.legacy_text import LegacyEncoding, decode_legacy, detect_legacy
from dvdesk.os_errors import read_reason

Cell = str | int | float | date | list[object] | None
SUFFIXES = (".xlsx", ".csv", ".jsonl")


@dataclass
class Table:
    """Header names and data rows, each with its row number as the user sees it."""

    headers: list[str]
    rows: list[tuple[int, list[Cell]]]
    legacy: LegacyEncoding | None = None
    converted_cells: int = 0


def read_table(path: Path) -> Table:
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise UserError(
            _("dvdesk imports .xlsx, .csv and .jsonl files; {file} is none of them.").format(
                file=path.name
            )
        )
    try:
        if suffix == ".xlsx":
            table = _read_xlsx(path)
        elif suffix == ".csv":
            table = _read_csv(path.read_bytes())
        else:
            table = _read_jsonl(path.read_bytes(), path.name)
    except OSError as error:
        raise UserError(
            _("Cannot read {file}: {reason}.").format(file=path, reason=read_reason(error))
        ) from None
    _convert_legacy(table)
    return table


def _read_xlsx(path: Path) -> Table:
    from openpyxl import load_workbook  # noqa: PLC0415 - only bulk import needs it

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise UserError(
            _("{file} is not an Excel workbook (.xlsx). Save it again as .xlsx and retry.").format(
                file=path.name
            )
        ) from None
    try:
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        headers = [str(value).strip() if value is not None else "" for value in next(rows, ())]
        data: list[tuple[int, list[Cell]]] = []
        for number, values in enumerate(rows, start=2):
            cells = [_xlsx_cell(value) for value in values]
            if any(cell not in (None, "") for cell in cells):
                data.append((number, cells))
    finally:
        book.close()
    return Table(headers=headers, rows=data)


def _xlsx_cell(value: object) -> Cell:
    if isinstance(value, datetime):
        return value.date()
    if value is None or isinstance(value, str | int | float | date):
        return value
    return str(value)


def _decode(raw: bytes) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="strict")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        # Not UTF-8: an old 8-bit file. Byte for byte, so TCVN3/VNI can be recognised.
        return raw.decode("latin-1")


def _read_csv(raw: bytes) -> Table:
    try:
        text = _decode(raw)
    except UnicodeDecodeError:
        raise UserError(
            _("The file starts as UTF-8 but is not valid UTF-8. Save it again as CSV UTF-8.")
        ) from None
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    headers = [header.strip() for header in next(reader, [])]
    rows: list[tuple[int, list[Cell]]] = []
    for values in reader:
        if any(value.strip() for value in values):
            rows.append((reader.line_num, list(values)))
    return Table(headers=headers, rows=rows)


def utf8_text(raw: bytes, *, name: str) -> str:
    """``raw`` as UTF-8 (a byte-order mark is dropped), or a message naming the file."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UserError(
            _("{file} is not UTF-8 text. Save it as UTF-8 and try again.").format(file=name)
        ) from None


def _read_jsonl(raw: bytes, name: str) -> Table:
    text = utf8_text(raw, name=name)
    headers: list[str] = []
    objects: list[tuple[int, dict[str, Cell]]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as error:
            raise UserError(
                _("Line {line} of {file} is not valid JSON ({reason}).").format(
                    line=number, file=name, reason=error.msg
                )
            ) from None
        if not isinstance(value, dict):
            raise UserError(
                _("Line {line} of {file} is not a JSON object with named fields.").format(
                    line=number, file=name
                )
            )
        for key in value:
            if key not in headers:
                headers.append(key)
        objects.append((number, value))
    rows = [(number, [item.get(key) for key in headers]) for number, item in objects]
    return Table(headers=headers, rows=rows)


def _convert_legacy(table: Table) -> None:
    texts = [cell for _n, cells in table.rows for cell in cells if isinstance(cell, str)]
    encoding = detect_legacy(texts + table.headers)
    if encoding is None:
        return
    table.legacy = encoding
    table.headers = [decode_legacy(header, encoding) for header in table.headers]
    converted = 0
    for _number, cells in table.rows:
        for index, cell in enumerate(cells):
            if isinstance(cell, str) and not cell.isascii():
                decoded = decode_legacy(cell, encoding)
                converted += decoded != cell
                cells[index] = decoded
    table.converted_cells = converted
