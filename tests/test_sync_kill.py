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

from dvdesk.services.demo import add_demo_records, treat_demo_as_real
from dvdesk.sync.apply import import_package
from tests import sync_fixtures
from tests.sync_fixtures import DATA_TABLES, Exchange, table_dump

exchange_template = sync_fixtures.exchange_template
exchange = sync_fixtures.exchange

RECORDS = 40_000
# Kill this long after the import took the write lock: well inside applying the records
# (several seconds here), late enough that an import committing in steps would be caught.
INTO_APPLY = 1.5


def _still_locked(database: Path, seconds: float) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if not _write_locked(database):
            return False
        time.sleep(0.02)
    return True


def _write_locked(database: Path) -> bool:
    """True while another process holds the database's write transaction."""
    connection = sqlite3.connect(database, timeout=0, isolation_level=None)
    try:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        connection.close()


@pytest.mark.slow
def test_sigkill_mid_import_changes_nothing_and_reimport_succeeds(exchange: Exchange) -> None:
    add_demo_records(exchange.child, count=RECORDS, seed=3, office_codes=["10105"])
    treat_demo_as_real(exchange.child)  # bulk records that travel
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
            if _write_locked(paths.database) and _still_locked(paths.database, 0.2):
                break  # the long write transaction, not a short check
            time.sleep(0.01)
        time.sleep(INTO_APPLY)
        assert process.poll() is None, "the import finished before it could be killed"
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL
    connection = sqlite3.connect(paths.database)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        connection.close()
    assert table_dump(paths, (*DATA_TABLES, "audit_log", "receipt")) == before
    summary = import_package(exchange.parent, path=package)
    assert (summary.new, summary.refused) == (RECORDS, 0)
