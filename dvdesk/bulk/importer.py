"""Import a file of records: every row validated first, then all of it in one transaction.

Any bad row refuses the whole file with a list of row, column and reason; nothing is
written. Each row gets a stable id (from the office, the type and the row's natural key,
or its "Mã dòng"), so importing the same file again adds nothing.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from dvdesk.bulk.columns import CHOICE_WORDS, COLUMNS, Column, choice_aliases, header_index, squash
from dvdesk.bulk.read import Cell, Table, read_table
from dvdesk.clock import now_iso
from dvdesk.db.columns import BULK_CACHE_KIB, RECORD_COLUMNS, SUBJECT_COLUMNS, insert_sql
from dvdesk.domain.enums import RecordType
from dvdesk.domain.inputs import INPUT_MODELS, DialogueInput, RecordInput, SessionInput
from dvdesk.domain.validation import validate
from dvdesk.errors import NotFound, ValidationFailed
from dvdesk.formatting import number as shown_number
from dvdesk.i18n import _
from dvdesk.legacy_text import LegacyEncoding
from dvdesk.services.records import record_columns
from dvdesk.services.store import Store
from dvdesk.text import fold

_NAMESPACE = uuid.UUID("9b0c7f1e-4d35-5a61-8f0e-6a4d0c2b7e11")
_DMY = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
MAX_SHOWN = 200  # problems listed in the message; the rest are counted


@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str
    reason: str


class ImportRefused(ValidationFailed):
    """The file has bad rows; ``rows`` lists each problem. Nothing was imported."""

    def __init__(self, message: str, rows: list[RowProblem]) -> None:
        super().__init__(message, [(f"{p.row}:{p.column}", p.reason) for p in rows])
        self.rows = rows


LEGACY_NAMES = {"tcvn3": "TCVN3 (ABC)", "vni": "VNI"}


@dataclass(frozen=True)
class ImportReport:
    file: Path
    record_type: RecordType
    rows: int
    new: int
    already: int
    dry_run: bool
    legacy: LegacyEncoding | None
    converted_cells: int

    def as_json(self) -> dict[str, object]:
        return {
            "file": str(self.file),
            "type": self.record_type.value,
            "rows": self.rows,
            "new": self.new,
            "already": self.already,
            "dry_run": self.dry_run,
            "legacy_encoding": self.legacy.value if self.legacy else None,
            "converted_cells": self.converted_cells,
        }

    def summary(self) -> list[str]:
        """What the clerk reads after a check or an import (the app and the command line)."""
        lines = []
        if self.legacy is not None:
            lines.append(
                _(
                    "The text was typed in the old {encoding} encoding; {count} cell(s) were "
                    "converted to Unicode. Check a few rows after importing."
                ).format(
                    encoding=LEGACY_NAMES[self.legacy.value],
                    count=shown_number(self.converted_cells),
                )
            )
        if self.dry_run:
            message = _(
                "The file is valid: {rows} row(s); {new} would be added, {already} are already "
                "here. Nothing was imported (dry run)."
            )
        else:
            message = _("Imported: {new} new record(s); {already} row(s) were already here.")
        lines.append(
            message.format(
                rows=shown_number(self.rows),
                new=shown_number(self.new),
                already=shown_number(self.already),
            )
        )
        return lines


@dataclass(frozen=True)
class _Row:
    number: int
    id: str
    model: RecordInput


# ---------------------------------------------------------------- cells to input values


def _text(cell: Cell) -> str:
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, list):
        return "; ".join(str(item) for item in cell)
    if isinstance(cell, date):
        return cell.isoformat()
    return str(cell).strip()


def _date(cell: Cell) -> object:
    if isinstance(cell, date):
        return cell.isoformat()
    text = _text(cell)
    match = _DMY.fullmatch(text)
    if match:
        day, month, year = (int(part) for part in match.groups())
        return f"{year:04d}-{month:02d}-{day:02d}"
    return text


def _int(cell: Cell) -> object:
    if isinstance(cell, int):
        return cell
    if isinstance(cell, float) and cell.is_integer():
        return int(cell)
    text = _text(cell).replace(".", "").replace(" ", "")
    return int(text) if text.isdigit() else _text(cell)


def _list(cell: Cell) -> list[str]:
    items = cell if isinstance(cell, list) else re.split(r"[;\n]", _text(cell))
    return [str(item).strip() for item in items if str(item).strip()]


def _value(column: Column, cell: Cell) -> tuple[object, str | None]:
    """The input value of a cell, or a problem."""
    if column.kind == "date":
        return _date(cell), None
    if column.kind == "int":
        return _int(cell), None
    if column.kind == "list":
        return _list(cell), None
    if column.kind == "enum" and column.choices is not None:
        found = choice_aliases(column.choices).get(squash(_text(cell)))
        if found is None:
            words = ", ".join(CHOICE_WORDS.get(m.value, m.value) for m in column.choices)
            return None, _("expected one of: {expected}").format(expected=words)
        return found, None
    return _text(cell), None


def _empty(cell: Cell) -> bool:
    return cell is None or (isinstance(cell, str | list) and not cell)


# ---------------------------------------------------------------- checking


def _columns(table: Table, record_type: RecordType) -> tuple[list[Column | None], list[RowProblem]]:
    index = header_index(record_type)
    found: list[Column | None] = []
    problems: list[RowProblem] = []
    for header in table.headers:
        column = index.get(squash(header)) if header else None
        if header and column is None:
            problems.append(
                RowProblem(
                    1, header, _("unknown column; use the headers of 'dvdesk record template'")
                )
            )
        found.append(column)
    present = {column.key for column in found if column}
    for column in COLUMNS[record_type]:
        if column.required and column.key not in present:
            problems.append(RowProblem(1, column.header, _("this column is missing")))
    return found, problems


def _header_of(record_type: RecordType, field: str) -> str:
    key = re.sub(r"\[\d+\]", "", field)
    key = key.replace("recognitions.", "recognition.")
    for column in COLUMNS[record_type]:
        if column.key == key:
            return column.header
    return field


def _natural_key(record_type: RecordType, model: RecordInput) -> str:
    data = model.model_dump(mode="json")
    parts: list[object] = [data["title"], data["start_date"]]
    if record_type is RecordType.DIRECTIVE:
        parts = [data["number"], data["start_date"], data["issuer"]]
    elif record_type is RecordType.MODEL:
        parts += [data["owner"]]
    elif isinstance(model, SessionInput):
        parts += [data["decision_number"], *data["subjects"]]
    elif isinstance(model, DialogueInput):
        parts += [data["chair"]]
    return "|".join(fold(str(part or "")) for part in parts)


def _row_id(office: str, record_type: RecordType, explicit: str | None, natural: str) -> str:
    key = f"id:{explicit.strip()}" if explicit else natural
    return str(uuid.uuid5(_NAMESPACE, f"{office}|{record_type.value}|{key}"))


def _check_row(
    record_type: RecordType,
    number: int,
    columns: list[Column | None],
    cells: list[Cell],
) -> tuple[dict[str, object], str | None, list[RowProblem]]:
    data: dict[str, object] = {}
    recognition: dict[str, object] = {}
    explicit: str | None = None
    problems: list[RowProblem] = []
    for column, cell in zip(columns, cells, strict=False):
        if column is None or _empty(cell) or (isinstance(cell, str) and not cell.strip()):
            continue
        if column.key == "id":
            explicit = _text(cell)
            continue
        value, problem = _value(column, cell)
        if problem:
            problems.append(RowProblem(number, column.header, problem))
        elif column.key.startswith("recognition."):
            recognition[column.key.removeprefix("recognition.")] = value
        else:
            data[column.key] = value
    if recognition:
        data["recognitions"] = [recognition]
    return data, explicit, problems


def check_table(
    table: Table, *, record_type: RecordType, office_code: str
) -> tuple[list[_Row], list[RowProblem]]:
    """Validate every row; returns the valid rows and every problem found."""
    columns, problems = _columns(table, record_type)
    if problems:
        return [], problems
    model_type = INPUT_MODELS[record_type]
    rows: list[_Row] = []
    seen: dict[str, int] = {}
    for number, cells in table.rows:
        data, explicit, found = _check_row(record_type, number, columns, cells)
        problems += found
        if found:
            continue
        try:
            model = validate(model_type, data)
        except ValidationFailed as error:
            problems += [
                RowProblem(number, _header_of(record_type, field), reason)
                for field, reason in error.problems
            ]
            continue
        row_id = _row_id(office_code, record_type, explicit, _natural_key(record_type, model))
        if row_id in seen:
            problems.append(
                RowProblem(
                    number,
                    "",
                    _("the same record as row {row}; remove one of them").format(row=seen[row_id]),
                )
            )
            continue
        seen[row_id] = number
        rows.append(_Row(number=number, id=row_id, model=model))
    return rows, problems


def refusal(problems: list[RowProblem], *, file: str) -> ImportRefused:
    lines = [
        _("Row {row}, column «{column}»: {reason}.").format(
            row=p.row, column=p.column, reason=p.reason
        )
        if p.column
        else _("Row {row}: {reason}.").format(row=p.row, reason=p.reason)
        for p in problems[:MAX_SHOWN]
    ]
    if len(problems) > MAX_SHOWN:
        lines.append(_("… and {count} more problem(s).").format(count=len(problems) - MAX_SHOWN))
    head = _(
        "{file} was not imported: {count} problem(s). Correct them in the file and import it "
        "again; nothing was changed."
    ).format(file=file, count=len(problems))
    return ImportRefused("\n".join([head, *lines]), problems)


# ---------------------------------------------------------------- writing


def _sql_value(value: object) -> object:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return value


def _tuples(
    rows: Iterable[_Row], *, record_type: RecordType, office: str, actor: str, first_seq: int
) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    stamp = now_iso()
    records: list[tuple[object, ...]] = []
    subjects: list[tuple[object, ...]] = []
    base = {
        "type": record_type.value,
        "office_code": office,
        "members": "[]",
        "co_chairs": "[]",
        "recognitions": "[]",
        "revision": 1,
        "created_by": actor,
        "created_at": stamp,
        "updated_by": actor,
        "updated_at": stamp,
        "deleted": 0,
    }
    for offset, row in enumerate(rows):
        values = base | {k: _sql_value(v) for k, v in record_columns(row.model).items()}
        values |= {"id": row.id, "change_seq": first_seq + offset}
        records.append(tuple(values.get(column) for column in RECORD_COLUMNS))
        if isinstance(row.model, SessionInput):
            subjects += [(row.id, i, name) for i, name in enumerate(row.model.subjects)]
    return records, subjects


def _existing(connection: Any, ids: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(ids), 900):
        part = ids[start : start + 900]
        sql = f"SELECT id FROM record WHERE id IN ({', '.join('?' * len(part))})"
        found.update(row[0] for row in connection.execute(sql, part))
    return found


def import_file(
    store: Store, *, path: Path, record_type: RecordType, dry_run: bool = False
) -> ImportReport:
    """Check ``path`` completely; unless ``dry_run``, add its new rows in one transaction."""
    table = read_table(path)
    with store.raw() as connection:
        office = connection.execute("SELECT code FROM office").fetchone()
        if office is None:
            raise NotFound(_("No office is set up yet. Run 'dvdesk init' first."))
        office_code = str(office[0])
        rows, problems = check_table(table, record_type=record_type, office_code=office_code)
        if problems:
            raise refusal(problems, file=path.name)
        connection.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
        connection.execute("BEGIN IMMEDIATE")
        try:
            already = _existing(connection, [row.id for row in rows])
            fresh = [row for row in rows if row.id not in already]
            (last,) = connection.execute(
                "SELECT coalesce(max(change_seq), 0) FROM record"
            ).fetchone()
            records, subjects = _tuples(
                fresh,
                record_type=record_type,
                office=office_code,
                actor=store.actor,
                first_seq=int(last) + 1,
            )
            if not dry_run and fresh:
                connection.executemany(insert_sql("record", RECORD_COLUMNS), records)
                connection.executemany(insert_sql("record_subject", SUBJECT_COLUMNS), subjects)
                connection.execute(
                    "INSERT INTO audit_log (at, actor, action, entity, entity_id, revision, "
                    "changes) VALUES (?, ?, 'import', 'record', NULL, NULL, ?)",
                    (
                        now_iso(),
                        store.actor,
                        json.dumps(
                            {
                                "file": path.name,
                                "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
                                "type": record_type.value,
                                "new": len(fresh),
                                "already": len(already),
                            }
                        ),
                    ),
                )
            connection.execute("ROLLBACK" if dry_run else "COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
    return ImportReport(
        file=path,
        record_type=record_type,
        rows=len(rows),
        new=len(fresh),
        already=len(already),
        dry_run=dry_run,
        legacy=table.legacy,
        converted_cells=table.converted_cells,
    )
