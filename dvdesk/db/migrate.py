"""Bringing a database file to the current schema, with a backup first."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy import Connection, Engine

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# The newest migration. Start-up compares the database with this constant using plain
# sqlite3, so alembic (slow to import) loads only when an upgrade is really needed;
# tests/test_migrations.py checks it is alembic's head.
SCHEMA_HEAD = "0005_people"
log = logging.getLogger(__name__)


class BackupCancelled(Exception):
    """A cancellable backup was stopped before it finished."""


def alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config  # noqa: PLC0415 - see SCHEMA_HEAD

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The head according to alembic's scripts (slow: for tests and upgrades)."""
    from alembic.script import ScriptDirectory  # noqa: PLC0415 - see SCHEMA_HEAD

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError("no migrations found")
    return head


def current_revision(database: Path) -> str | None:
    """The schema revision stamped in ``database`` (None for a new, empty file)."""
    connection = sqlite3.connect(database)
    try:
        has_table = connection.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'"
        ).fetchone()
        if not has_table:
            return None
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        return None if row is None else str(row[0])
    finally:
        connection.close()


def backup_file(
    database: Path,
    backups: Path,
    *,
    reason: str,
    cancelled: Callable[[], bool] | None = None,
) -> Path:
    """Copy ``database`` with SQLite's online backup API (consistent even in WAL mode).

    With ``cancelled``, the copy runs in steps and stops (removing the partial file)
    once it returns True, e.g. when the app closes during a background backup.
    """
    backups.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = backups / f"{database.stem}-{stamp}-{reason}.sqlite3"

    def progress(_status: int, _remaining: int, _total: int) -> None:
        if cancelled is not None and cancelled():
            raise BackupCancelled

    source = sqlite3.connect(database)
    try:
        destination = sqlite3.connect(target)
        try:
            if cancelled is None:
                source.backup(destination)
            else:
                source.backup(destination, pages=4096, progress=progress)
            # One self-contained file (no -wal beside it) that can be copied anywhere.
            destination.execute("PRAGMA journal_mode = DELETE")
        finally:
            destination.close()
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    finally:
        source.close()
    return target


def upgrade_to(engine: Engine, revision: str = "head") -> None:
    from alembic import command  # noqa: PLC0415 - see SCHEMA_HEAD

    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), revision)


def needs_upgrade(database: Path) -> bool:
    return current_revision(database) != SCHEMA_HEAD


def ensure_current(engine: Engine, database: Path, backups: Path) -> bool:
    """Upgrade to head if needed, after a backup. Returns True if anything ran."""
    current = current_revision(database)
    if current == SCHEMA_HEAD:
        return False
    head = head_revision()
    if current is not None:
        saved = backup_file(database, backups, reason=f"before-upgrade-{current}")
        log.info("backed up %s to %s before upgrading from %s", database, saved, current)
    upgrade_to(engine)
    log.info("database %s upgraded from %s to %s", database, current, head)
    return True
