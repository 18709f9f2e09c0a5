"""Plain sqlite3 connections with dvdesk's settings, without loading SQLAlchemy.

Start-up and big lists use these directly: importing SQLAlchemy costs more than the
whole first screen is allowed to take. The SQLAlchemy engine applies the same settings.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from dvdesk.services import audit_chain
from dvdesk.text import fold, vi_collate

BUSY_TIMEOUT_MS = 5000
# Records are about a kilobyte: 4 KiB pages held three and wasted a sixth of the table.
PAGE_SIZE = 16_384


def primary_code(error: sqlite3.Error) -> int | None:
    """SQLite's primary result code (SQLITE_BUSY, SQLITE_FULL …) of a failure, if it has one.

    Failures are told apart by code, never by their English message text.
    """
    code = getattr(error, "sqlite_errorcode", None)
    return None if code is None else code & 0xFF


def is_busy(error: sqlite3.Error) -> bool:
    """Another connection holds the database (its lock outlasted the busy timeout)."""
    return primary_code(error) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


def configure_connection(connection: sqlite3.Connection) -> None:
    """Functions, collation and pragmas every dvdesk connection needs."""
    connection.create_function("vi_fold", 1, fold, deterministic=True)
    connection.create_collation("vi", vi_collate)
    audit_chain.register(connection)
    connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    connection.execute("PRAGMA foreign_keys = ON")
    connection.execute("PRAGMA synchronous = NORMAL")


def connect(database: Path) -> sqlite3.Connection:
    """A connection in autocommit mode: the caller issues BEGIN/COMMIT itself."""
    connection = sqlite3.connect(database, isolation_level=None, check_same_thread=False)
    configure_connection(connection)
    return connection


def enable_wal(database: Path) -> None:
    """Switch a database to write-ahead logging (persistent in the file).

    A new, empty file also gets its page size (a no-op for a file with tables).
    """
    connection = sqlite3.connect(database)
    try:
        connection.execute(f"PRAGMA page_size = {PAGE_SIZE}")
        connection.execute("PRAGMA journal_mode = WAL")
    finally:
        connection.close()
