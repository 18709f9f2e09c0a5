"""Killing the importer halfway (power cut, task manager) leaves the database as it was."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dvdesk.services.demo import add_demo_records
from dvdesk.sync.apply import import_package
from tests import sync_fixtures
from tests.sync_fixtures import DATA_TABLES, Exchange, table_dump

exchange_template = sync_fixtures.exchange_template
exchange = sync_fixtures.exchange

RECORDS = 40_000
STARTED_WRITING = 256 * 1024  # bytes in the WAL: the import transaction is under way


def _wal(database: Path) -> Path:
    return database.with_name(database.name + "-wal")


@pytest.mark.slow
def test_sigkill_mid_import_changes_nothing_and_reimport_succeeds(exchange: Exchange) -> None:
    add_demo_records(exchange.child, count=RECORDS, seed=3, office_codes=["10105"])
    package = exchange.export().path
    paths = exchange.parent.paths
    before = table_dump(paths, (*DATA_TABLES, "audit_log", "receipt"))
    process = subprocess.Popen(
        [sys.executable, "-m", "dvdesk", "--data-dir", str(paths.root), "import", str(package)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=os.environ | {"PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and process.poll() is None:
            wal = _wal(paths.database)
            if wal.exists() and wal.stat().st_size > STARTED_WRITING:
                break
            time.sleep(0.005)
        assert process.poll() is None, "the import finished before it could be killed"
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL
    assert _wal(paths.database).stat().st_size > STARTED_WRITING  # it had written, uncommitted
    connection = sqlite3.connect(paths.database)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        connection.close()
    assert table_dump(paths, (*DATA_TABLES, "audit_log", "receipt")) == before
    summary = import_package(exchange.parent, path=package)
    assert (summary.new, summary.refused) == (RECORDS, 0)
