"""An opened office database: engine, paths and who is acting, plus error mapping.

Every service takes a :class:`Store`. Opening one brings the schema to the
current version (after a backup) and maps SQLite's failures to messages a
clerk can act on.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from dvdesk.db.engine import enable_wal, make_engine
from dvdesk.db.migrate import ensure_current
from dvdesk.errors import StorageError
from dvdesk.i18n import _
from dvdesk.paths import DataPaths

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Store:
    paths: DataPaths
    engine: Engine
    actor: str

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on any error."""
        with (
            storage_errors(self.paths.database),
            Session(self.engine, expire_on_commit=False) as session,
            session.begin(),
        ):
            yield session

    def close(self) -> None:
        self.engine.dispose()


def storage_message(error: BaseException, database: Path) -> str | None:
    """A user-facing message for a known SQLite/OS failure, or None if it is a bug."""
    text = str(error).lower()
    if isinstance(error, OSError) and not isinstance(error, sqlite3.Error):
        if getattr(error, "errno", None) == 28:  # ENOSPC
            return _("The disk is full. Free some space, then try again; nothing was saved.")
        return _("Cannot read or write {path}: {reason}. Check the folder, then try again.").format(
            path=database, reason=error.strerror or text
        )
    if "locked" in text or "busy" in text:
        return _(
            "The database is being used by another dvdesk window or program. "
            "Close it, then try again; nothing was saved."
        )
    if "disk is full" in text or "database or disk is full" in text:
        return _("The disk is full. Free some space, then try again; nothing was saved.")
    if "not a database" in text or "malformed" in text:
        return _(
            "The database file {path} is damaged. Do not delete it: copy it somewhere safe, "
            "then put back the newest backup from the backups folder beside it, or ask for help."
        ).format(path=database)
    if "readonly" in text or "read-only" in text or "unable to open" in text:
        return _(
            "Cannot write to the database {path}. Check that the folder exists and is not "
            "read-only, then try again."
        ).format(path=database)
    if "disk i/o" in text:
        return _(
            "The disk could not be read or written (was a USB stick removed?). "
            "Check the drive, then try again; nothing was saved."
        )
    return None


@contextmanager
def storage_errors(database: Path) -> Iterator[None]:
    """Turn known SQLite and OS failures into :class:`StorageError`."""
    try:
        yield
    except (DBAPIError, sqlite3.Error, OSError) as error:
        cause = error.orig if isinstance(error, DBAPIError) else error
        message = storage_message(cause or error, database)
        if message is None:
            raise
        log.warning("storage error on %s: %s", database, error)
        raise StorageError(message) from error


def database_exists(paths: DataPaths) -> bool:
    return paths.database.is_file() and paths.database.stat().st_size > 0


def open_store(paths: DataPaths, *, actor: str, create: bool = False) -> Store:
    """Open (and if ``create``, make) the office database at ``paths``, migrated to head."""
    if not create and not database_exists(paths):
        raise StorageError(
            _(
                "No office is set up in {folder}. Run 'dvdesk init' (or 'dvdesk demo' "
                "for a demo office) first."
            ).format(folder=paths.root)
        )
    with storage_errors(paths.database):
        paths.ensure()
        is_new = not database_exists(paths)
        engine = make_engine(paths.database)
        if is_new:
            enable_wal(engine)
        ensure_current(engine, paths.database, paths.backups)
    return Store(paths=paths, engine=engine, actor=actor)
