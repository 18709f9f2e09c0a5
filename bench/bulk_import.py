"""How fast ``dvdesk record import`` takes a workbook, beside openpyxl's read-only load of it.

    .venv/bin/python -m bench.bulk_import --rows 100000

The workbook holds leadership documents (the directive template's columns, dates as
date cells). The baseline is the cheapest read of the same file: openpyxl in read-only
mode iterating every row's values. The dvdesk figure is the whole import: reading,
checking every row, converting, and writing them in one transaction into an empty
office. Target: within 3x of the baseline.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from openpyxl import Workbook, load_workbook

from dvdesk.bulk.columns import COLUMNS
from dvdesk.bulk.importer import import_file
from dvdesk.domain.enums import RecordType
from dvdesk.paths import DataPaths
from dvdesk.services import demo
from dvdesk.services.store import open_store

KINDS = ("nghị quyết", "chỉ thị", "chương trình hành động", "kế hoạch", "công văn")


def make_workbook(path: Path, rows: int) -> None:
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    headers = [c.header for c in COLUMNS[RecordType.DIRECTIVE] if c.key != "id"]
    sheet.append(headers)
    for index in range(rows):
        sheet.append(
            [
                f"Về tăng cường công tác dân vận trong tình hình mới, văn bản số {index}",
                date(2015, 1, 1) + timedelta(days=index % 3650),
                f"{index}-NQ/TU",
                KINDS[index % len(KINDS)],
                None,
                "Ban Thường vụ Tỉnh ủy",
                "tỉnh",
                "Hội trường Tỉnh ủy",
                "Dân vận chính quyền; Quy chế dân chủ ở cơ sở",
                "Quyết định 23-QĐ/TW",
                None,
            ]
        )
    book.save(path)


def time_openpyxl(path: Path) -> float:
    started = time.perf_counter()
    book = load_workbook(path, read_only=True, data_only=True)
    count = sum(1 for _row in book.worksheets[0].iter_rows(values_only=True))
    book.close()
    assert count > 0
    return time.perf_counter() - started


def time_dvdesk(path: Path, folder: Path) -> tuple[float, int]:
    paths = DataPaths(folder)
    store = open_store(paths, actor="bench", create=True)
    demo.ensure_demo_office(store)
    try:
        started = time.perf_counter()
        report = import_file(store, path=path, record_type=RecordType.DIRECTIVE)
        return time.perf_counter() - started, report.new
    finally:
        store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        book = folder / "van-ban.xlsx"
        make_workbook(book, args.rows)
        baseline = time_openpyxl(book)
        elapsed, added = time_dvdesk(book, folder / "office")
    print(f"rows:                         {args.rows:>10,}")
    print(f"openpyxl read-only load:      {baseline:>10.2f} s")
    print(f"dvdesk record import:         {elapsed:>10.2f} s  ({added:,} records added)")
    print(f"ratio (target <= 3):          {elapsed / baseline:>10.2f}")


if __name__ == "__main__":
    main()
