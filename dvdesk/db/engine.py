"""Opening the SQLite database with the settings every connection needs."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import NullPool

from dvdesk.db.connect import BUSY_TIMEOUT_MS, configure_connection

__all__ = ["BUSY_TIMEOUT_MS", "make_engine"]


def _dumps(value: Any) -> str:
    # Readable Vietnamese in the file, and the same bytes for the same value.
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    # Let SQLAlchemy manage transactions itself (BEGIN is emitted explicitly below).
    dbapi_connection.isolation_level = None
    configure_connection(dbapi_connection)


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
