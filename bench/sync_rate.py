"""How fast a package is exported, verified and imported, beside a raw baseline.

    .venv/bin/python -m bench.sync_rate --records 100000

The child office holds ``--records`` demo records (with their subjects,
recommendations and dialogue issues); dvdesk exports them to the parent, which
verifies and imports the package. The raw baseline, measured in the same run on
the same rows, is the cheapest way to move them: SELECT every row, json.dumps, write
a zip (same compression level), read it back, json.loads, executemany into an empty
database of the same schema. Target: dvdesk within 2x of the baseline.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from dvdesk.db.columns import BULK_CACHE_KIB
from dvdesk.paths import DataPaths
from dvdesk.services.demo import add_demo_records, treat_demo_as_real
from dvdesk.services.office import create_office
from dvdesk.services.store import Store, open_store
from dvdesk.sync import keys
from dvdesk.sync.apply import import_package
from dvdesk.sync.container import COMPRESS_LEVEL
from dvdesk.sync.export import export_package
from dvdesk.sync.format import RECORDS_PER_CHUNK
from dvdesk.sync.keycard import parse_card
from dvdesk.sync.trust import enroll_card
from dvdesk.sync.verify import verify_package

PASSPHRASE = "benchmark passphrase"
CHILD: dict[str, object] = {
    "level": "commune",
    "code": "10105",
    "name": "Ban Xây dựng Đảng Đảng ủy xã Bát Tràng",
    "symbol": "BXDĐ",
    "place": "Bát Tràng",
    "parent_code": "01",
    "parent_name": "Ban Tuyên giáo và Dân vận Thành ủy Hà Nội",
}
PARENT: dict[str, object] = {
    "level": "province",
    "code": "01",
    "name": "Ban Tuyên giáo và Dân vận Thành ủy Hà Nội",
    "symbol": "BTGDVTU",
    "place": "Hà Nội",
}
TABLES = ("record", "record_subject", "recommendation", "dialogue_issue")


def _office(root: Path, data: dict[str, object]) -> Store:
    store = open_store(DataPaths(root), actor="bench", create=True)
    create_office(store, data=data)
    keys.create_keys(store, passphrase=PASSPHRASE)
    return store


def _timed(action: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def raw_export(database: Path, target: Path) -> None:
    connection = sqlite3.connect(database)
    try:
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
            for table in TABLES:
                rows = connection.execute(f"SELECT * FROM {table}").fetchall()
                for number, start in enumerate(range(0, len(rows), RECORDS_PER_CHUNK)):
                    chunk = json.dumps(rows[start : start + RECORDS_PER_CHUNK], ensure_ascii=False)
                    archive.writestr(
                        f"{table}/{number:06d}.json",
                        chunk.encode("utf-8"),
                        compresslevel=COMPRESS_LEVEL,
                    )
    finally:
        connection.close()


def raw_import(source: Path, database: Path) -> None:
    connection = sqlite3.connect(database, isolation_level=None)
    try:
        connection.execute("PRAGMA synchronous = NORMAL")
        connection.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")  # as dvdesk's import
        connection.execute("BEGIN IMMEDIATE")
        with zipfile.ZipFile(source) as archive:
            for info in archive.infolist():
                rows = json.loads(archive.read(info))
                if rows:
                    table = info.filename.split("/")[0]
                    marks = ", ".join("?" * len(rows[0]))
                    connection.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
        connection.execute("COMMIT")
    finally:
        connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="dvdesk-bench-sync-"))
    try:
        child = _office(base / "child", CHILD)
        parent = _office(base / "parent", PARENT)
        enroll_card(parent, card=parse_card(keys.active_key(child).card))
        enroll_card(child, card=parse_card(keys.active_key(parent).card))
        add_demo_records(child, count=args.records, seed=args.seed, office_codes=["10105"])
        treat_demo_as_real(child)  # demo records never travel: these stand for real ones
        shutil.copytree(parent.paths.root, base / "raw-parent")
        stick = base / "stick"
        stick.mkdir()

        export_s, result = _timed(lambda: export_package(child, out=stick, passphrase=PASSPHRASE))
        verify_s, _ = _timed(lambda: verify_package(parent, path=result.path))
        import_s, summary = _timed(lambda: import_package(parent, path=result.path))
        assert summary.new == args.records, summary
        child.close()
        parent.close()

        raw_zip = base / "raw.zip"
        raw_export_s, _ = _timed(lambda: raw_export(child.paths.database, raw_zip))
        raw_import_s, _ = _timed(
            lambda: raw_import(raw_zip, DataPaths(base / "raw-parent").database)
        )
    finally:
        shutil.rmtree(base, ignore_errors=True)

    ours = export_s + verify_s + import_s
    raw = raw_export_s + raw_import_s
    rows = [
        (
            "export (read, json, zip, sign, read back)",
            export_s,
            "SELECT + json + zip",
            raw_export_s,
        ),
        ("verify (signature, sizes, hashes)", verify_s, "", 0.0),
        ("import (verify, validate, apply)", import_s, "unzip + json + executemany", raw_import_s),
        ("total", ours, "total", raw),
    ]
    print(f"records: {args.records:,}; package {result.size / 2**20:.1f} MiB")
    for label, seconds, raw_label, raw_seconds in rows:
        baseline = f"{raw_label:<28} {raw_seconds:6.2f} s" if raw_label else ""
        print(f"dvdesk {label:<44} {seconds:6.2f} s   raw {baseline}")
    print(f"ratio dvdesk / raw: {ours / raw:.2f}  (target <= 2)")


if __name__ == "__main__":
    main()
