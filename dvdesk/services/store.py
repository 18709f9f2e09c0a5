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
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Self

from dvdesk.db.connect import connect, enable_wal, is_busy, primary_code
from dvdesk.db.migrate import ensure_current, needs_upgrade
from dvdesk.errors import StorageError
from dvdesk.fileio import create_private_file, make_private
from dvdesk.i18n import _
from dvdesk.os_errors import os_reason
from dvdesk.paths import DataPaths
from dvdesk.services.backup import damaged_message, rotate

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlmodel import Session

log = logging.getLogger(__name__)


class Store:
    """One office database. The SQLAlchemy engine is made on first use: reading a list
    needs only :meth:`raw`, and the app's first screen must not wait for SQLAlchemy."""

    def __init__(self, *, paths: DataPaths, actor: str) -> None:
        self.paths = paths
        self.actor = actor
        # Set only by dvdesk.services.auth.sign_in, after the password was checked.
        self.signed_in = False

    def __repr__(self) -> str:
        return f"Store({self.paths.root}, actor={self.actor!r})"

    @cached_property
    def engine(self) -> Engine:
        from dvdesk.db.engine import make_engine  # noqa: PLC0415 - see the class docstring

        return make_engine(self.paths.database)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on any error."""
        from sqlmodel import Session  # noqa: PLC0415 - see the class docstring

        with (
            storage_errors(self.paths.database),
            Session(self.engine, expire_on_commit=False) as session,
            session.begin(),
        ):
            yield session

    @contextmanager
    def raw(self) -> Iterator[sqlite3.Connection]:
        """A plain sqlite3 connection (autocommit) for fast reads and bulk writes."""
        with storage_errors(self.paths.database):
            connection = connect(self.paths.database)
            try:
                yield connection
            finally:
                connection.close()

    def close(self) -> None:
        if "engine" in self.__dict__:
            self.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def storage_message(error: BaseException, database: Path) -> str | None:
    """A user-facing message for a known SQLite/OS failure, or None if it is a bug."""
    if isinstance(error, OSError) and not isinstance(error, sqlite3.Error):
        if getattr(error, "errno", None) == 28:  # ENOSPC
            return _("The disk is full. Free some space, then try again; nothing was saved.")
        return _("Cannot read or write {path}: {reason}. Check the folder, then try again.").format(
            path=database, reason=os_reason(error)
        )
    if not isinstance(error, sqlite3.Error):
        return None
    code = primary_code(error)
    if is_busy(error):
        return _(
            "The database is being used by another dvdesk window or program. "
            "Close it, then try again; nothing was saved."
        )
    if code == sqlite3.SQLITE_FULL:
        return _("The disk is full. Free some space, then try again; nothing was saved.")
    if code in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB):
        return damaged_message(database)
    if code in (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN):
        return _(
            "Cannot write to the database {path}. Check that the folder exists and is not "
            "read-only, then try again."
        ).format(path=database)
    if code == sqlite3.SQLITE_IOERR:
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
    except Exception as error:
        # SQLAlchemy wraps the driver's error in .orig; it is not imported here to stay light.
        known = (sqlite3.Error, OSError)
        cause = error if isinstance(error, known) else getattr(error, "orig", None)
        if not isinstance(cause, known):
            raise
        message = storage_message(cause, database)
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
    store = Store(paths=paths, actor=actor)
    with storage_errors(paths.database):
        paths.ensure()
        if not database_exists(paths):
            # Created private first: SQLite gives its -wal and -shm files the same mode.
            create_private_file(paths.database)
            enable_wal(paths.database)
        make_private(paths.database)
        if needs_upgrade(paths.database):
            ensure_current(store.engine, paths.database, paths.backups)
            rotate(paths)
    return store
