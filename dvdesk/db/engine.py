"""Opening the SQLite database with the settings every connection needs."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import NullPool

from dvdesk.text import fold, vi_collate

BUSY_TIMEOUT_MS = 5000


def _dumps(value: Any) -> str:
    # Readable Vietnamese in the file, and the same bytes for the same value.
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    # Let SQLAlchemy manage transactions itself (BEGIN is emitted explicitly below).
    dbapi_connection.isolation_level = None
    dbapi_connection.create_function("vi_fold", 1, fold, deterministic=True)
    dbapi_connection.create_collation("vi", vi_collate)
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


def _on_begin(connection: Any) -> None:
    # IMMEDIATE takes the write lock up front, so two writers fail fast and
    # cleanly instead of deadlocking halfway through a transaction.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(database: Path) -> Engine:
    """An engine on ``database``; the file is created if missing."""
    engine = create_engine(
        f"sqlite:///{database}",
        poolclass=NullPool,
        json_serializer=_dumps,
    )
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


def enable_wal(engine: Engine) -> None:
    """Switch a new database to write-ahead logging (persistent in the file)."""
    # Outside any transaction: SQLite ignores a journal_mode change inside one.
    raw = engine.raw_connection()
    try:
        raw.driver_connection.execute("PRAGMA journal_mode = WAL")  # type: ignore[union-attr]
    finally:
        raw.close()
