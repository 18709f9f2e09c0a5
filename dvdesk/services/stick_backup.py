"""A backup onto a USB stick: the office's copy that survives the PC's disk.

The copy is made with the same engine as the rotating backups, into ``NAME.part`` on
the stick; it gets its own name only once it is complete, synced and has passed
SQLite's full integrity check, so a stick pulled out or full never leaves a file that
looks like a good backup.
"""

from __future__ import annotations

import errno
import logging
import os
import sqlite3
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from dvdesk.db.backup import copy_database
from dvdesk.db.connect import BUSY_TIMEOUT_MS, is_busy
from dvdesk.errors import NotFound, StorageError
from dvdesk.fileio import fsync_folder
from dvdesk.formatting import number
from dvdesk.i18n import _
from dvdesk.os_errors import os_reason, sqlite_write_reason
from dvdesk.paths import DataPaths
from dvdesk.services.backup import busy_error, damaged_message, integrity_problems

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StickBackup:
    """A backup written to a folder outside the data folder."""

    path: Path
    office_code: str
    records: int
    size: int


def office_code(database: Path) -> str | None:
    """The office code stored in ``database`` (read-only), or None if it has none."""
    connection = sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True)
    try:
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        row = connection.execute("SELECT code FROM office WHERE id = 1").fetchone()
    except sqlite3.OperationalError as error:
        if is_busy(error):
            raise
        return None  # no office table: not set up
    finally:
        connection.close()
    return None if row is None else str(row[0])


def _record_count(database: Path) -> int:
    connection = sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True)
    try:
        row = connection.execute("SELECT count(*) FROM record WHERE NOT deleted").fetchone()
    finally:
        connection.close()
    return int(row[0])


def stick_name(code: str, when: datetime) -> str:
    """``dvdesk-<office>-<local date and time>.sqlite3``: a clerk can tell copies apart."""
    return f"dvdesk-{code}-{when.astimezone().strftime('%Y-%m-%d-%H%M')}.sqlite3"


def _free_target(folder: Path, name: str) -> Path:
    """``name`` in ``folder``, numbered if a backup of that minute is already there."""
    target = folder / name
    number = 1
    while target.exists() or target.with_name(target.name + ".part").exists():
        number += 1
        target = folder / f"{Path(name).stem}-{number}.sqlite3"
    return target


def _write_failed(folder: Path, reason: str) -> StorageError:
    return StorageError(
        _(
            "Cannot write the backup to {folder}: {reason}. No backup was left there. "
            "Check the USB stick (enough free space, not removed), then try again."
        ).format(folder=folder, reason=reason)
    )


def _sync(path: Path) -> None:
    """Push the copy onto the stick before it is named as complete."""
    descriptor = os.open(path, os.O_RDWR)  # Windows cannot flush a read-only handle
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _check_copy(part: Path, *, database: Path, folder: Path, code: str) -> None:
    if integrity_problems(part, full=True) or office_code(part) != code:
        if integrity_problems(database):  # the damage came with the data, not the stick
            raise StorageError(damaged_message(database))
        raise StorageError(
            _(
                "The backup written to {folder} did not read back correctly (the USB stick "
                "may be failing or was removed), so it was deleted. Try again, or use "
                "another USB stick."
            ).format(folder=folder)
        )


def backup_to_folder(
    paths: DataPaths,
    *,
    folder: Path,
    now: datetime | None = None,
    cancelled: Callable[[], bool] | None = None,
    progress: Callable[[int], None] | None = None,
) -> StickBackup:
    """Write a fresh, checked backup of the office database into ``folder`` (a USB stick)."""
    if not paths.database.is_file():
        raise NotFound(_("There is no database to back up in {folder}.").format(folder=paths.root))
    try:
        code = office_code(paths.database)
    except sqlite3.DatabaseError as error:
        if is_busy(error):
            raise busy_error(error, _("the backup")) from error
        raise StorageError(damaged_message(paths.database)) from error
    if code is None:
        raise NotFound(_("No office is set up in {folder}.").format(folder=paths.root))
    if not folder.is_dir():
        raise _write_failed(folder, os_reason(FileNotFoundError(errno.ENOENT, str(folder))))
    target = _free_target(folder, stick_name(code, now or datetime.now().astimezone()))
    part = target.with_name(target.name + ".part")
    try:
        copy_database(paths.database, part, cancelled=cancelled, progress=progress)
        _sync(part)
        _check_copy(part, database=paths.database, folder=folder, code=code)
        part.replace(target)
        fsync_folder(folder)
    except BaseException as error:
        with suppress(OSError):  # the stick may be gone: then so is the partial file
            part.unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise _write_failed(folder, os_reason(error)) from error
        if isinstance(error, sqlite3.DatabaseError):
            raise _copy_error(error, paths=paths, folder=folder) from error
        raise
    log.info("backup to %s made", target)
    return StickBackup(target, code, _record_count(target), target.stat().st_size)


def _copy_error(error: sqlite3.DatabaseError, *, paths: DataPaths, folder: Path) -> StorageError:
    if is_busy(error):
        return busy_error(error, _("the backup"))
    if getattr(error, "sqlite_errorcode", 0) & 0xFF == sqlite3.SQLITE_CORRUPT:
        return StorageError(damaged_message(paths.database))
    return _write_failed(folder, sqlite_write_reason(error))


def stick_backup_message(made: StickBackup) -> str:
    """What the clerk reads after the backup: where it is, and what to do with the stick."""
    return _(
        "Backed up {records} records to {file}. Take the USB stick out now and keep it "
        "away from this computer (in a locked drawer, not beside the PC), so that a "
        "broken, stolen or burnt computer does not take the backups with it. Make a new "
        "copy every week."
    ).format(records=number(made.records), file=made.path)
