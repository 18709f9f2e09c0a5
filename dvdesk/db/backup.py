"""The backup engine: a consistent copy of a database file, even while it is written.

Used before an upgrade (:mod:`dvdesk.db.migrate`) and by the backup service
(:mod:`dvdesk.services.backup`: daily, manual, before an import or a restore).
Only sqlite3 here: the app's start-up check runs before SQLAlchemy is loaded.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import suppress
from datetime import UTC, datetime
from pathlib import Path

from dvdesk.errors import Cancelled
from dvdesk.fileio import create_private_file


def backup_file(
    database: Path,
    backups: Path,
    *,
    reason: str,
    cancelled: Callable[[], bool] | None = None,
    progress: Callable[[int], None] | None = None,
) -> Path:
    """Copy ``database`` with SQLite's online backup API (consistent even in WAL mode).

    With ``cancelled``, the copy runs in steps and stops (removing the partial file)
    once it returns True, e.g. when the app closes during a background backup.
    ``progress`` gets the percentage copied after each step.
    """
    backups.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = backups / f"{database.stem}-{stamp}-{reason}.sqlite3"
    copy_database(database, target, cancelled=cancelled, progress=progress)
    return target


def copy_database(
    database: Path,
    target: Path,
    *,
    cancelled: Callable[[], bool] | None = None,
    progress: Callable[[int], None] | None = None,
) -> None:
    """Copy ``database`` into the new file ``target`` through the backup API; on any
    failure (or when cancelled) the partial ``target`` is removed."""

    def step(_status: int, remaining: int, total: int) -> None:
        if cancelled is not None and cancelled():
            raise Cancelled
        if progress is not None:
            progress((total - remaining) * 100 // max(total, 1))

    source = sqlite3.connect(database)
    try:
        create_private_file(target)  # a copy of every record: this user only
        destination = sqlite3.connect(target)
        try:
            if cancelled is None and progress is None:
                source.backup(destination)
            else:
                source.backup(destination, pages=1024, progress=step)
            # One self-contained file (no -wal beside it) that can be copied anywhere.
            destination.execute("PRAGMA journal_mode = DELETE")
        finally:
            destination.close()
    except BaseException:
        with suppress(OSError):  # a stick pulled out: there is nothing left to remove
            target.unlink(missing_ok=True)
        raise
    finally:
        source.close()
