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
    """Switch a database to write-ahead logging (persistent in the file)."""
    connection = sqlite3.connect(database)
    try:
        connection.execute("PRAGMA journal_mode = WAL")
    finally:
        connection.close()
