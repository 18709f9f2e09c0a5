"""Bringing a database file to the current schema, with a backup first."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from dvdesk.db.backup import backup_file
from dvdesk.db.connect import PAGE_SIZE, connect

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy import Connection, Engine

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# The newest migration. Start-up compares the database with this constant using plain
# sqlite3, so alembic (slow to import) loads only when an upgrade is really needed;
# tests/test_migrations.py checks it is alembic's head.
SCHEMA_HEAD = "0016_sent_digest"
log = logging.getLogger(__name__)


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
    if current is not None:
        compact_file(database)
    return True


def compact_file(database: Path) -> None:
    """Rewrite the file without the pages an upgrade freed (VACUUM cannot run in its
    transaction), so backups and integrity checks read no dead pages."""
    connection = connect(database)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        # The page size can only change outside write-ahead logging.
        connection.execute("PRAGMA journal_mode = DELETE")
        connection.execute(f"PRAGMA page_size = {PAGE_SIZE}")
        connection.execute("VACUUM")
        connection.execute("PRAGMA journal_mode = WAL")
    finally:
        connection.close()
