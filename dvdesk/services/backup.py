"""Rotating backups of the office database, restore, and the integrity check.

Backups are whole-database copies made with SQLite's online backup API (consistent
even while the app writes) into ``paths.backups``, named
``dvdesk-<UTC time>-<reason>.sqlite3``. A daily copy is made at most once a day;
imports and upgrades make their own first. Restoring copies a checked backup back
*into* the database through the same API, so the file is never swapped under an open
connection (Windows could not) and the current state is saved first.

Only sqlite3 here: the app runs the start-up check before SQLAlchemy is loaded.
"""

from __future__ import annotations

import logging
import re
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from dvdesk.db.backup import backup_file
from dvdesk.db.connect import BUSY_TIMEOUT_MS, enable_wal, is_busy
from dvdesk.errors import Cancelled, Conflict, NotFound, StorageError, UserError
from dvdesk.fileio import atomic_writer
from dvdesk.i18n import _
from dvdesk.os_errors import os_reason
from dvdesk.paths import DataPaths

log = logging.getLogger(__name__)

DAILY = "daily"
BEFORE_IMPORT = "before-import"
BEFORE_RESTORE = "before-restore"
MANUAL = "manual"
DAMAGED = "damaged"
FROM_USB = "from-usb"  # a backup file from a USB stick, checked, then restored
# How many of each kind are kept; anything not listed (before-upgrade-*) counts as "event".
KEEP = {DAILY: 7, MANUAL: 10, DAMAGED: 3}
KEEP_EVENTS = 5
_NAME = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{8}T\d{12}Z)-(?P<reason>[a-z0-9_-]+)\.sqlite3$")


@dataclass(frozen=True)
class BackupInfo:
    """One backup file, with what the backup list shows."""

    path: Path
    taken_at: datetime  # UTC
    reason: str
    size: int
    records: int | None  # None: the file cannot be read as a dvdesk database

    @property
    def name(self) -> str:
        return self.path.name


@dataclass(frozen=True)
class RestoreResult:
    restored: BackupInfo
    saved_current: Path | None  # the copy of the database as it was before the restore


# ------------------------------------------------------------------ inspection


def _parse(path: Path) -> tuple[datetime, str] | None:
    match = _NAME.match(path.name)
    if match is None:
        return None
    taken = datetime.strptime(match["stamp"], "%Y%m%dT%H%M%S%fZ").replace(tzinfo=UTC)
    return taken, match["reason"]


class DatabaseBusy(StorageError):
    """Another program held the database longer than the busy timeout: nothing is known to
    be wrong with it, so this must never be reported as damage."""


def busy_error(error: sqlite3.Error, doing: str) -> DatabaseBusy:
    return DatabaseBusy(
        _(
            "The database is being used by another dvdesk window or program, so {doing} "
            "could not run. Nothing is wrong with your data: close the other program, "
            "then try again."
        ).format(doing=doing)
    )


def _read_only(database: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True)
    connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return connection


def _record_count(path: Path) -> int | None:
    try:
        connection = _read_only(path)
        try:
            row = connection.execute("SELECT count(*) FROM record WHERE NOT deleted").fetchone()
        finally:
            connection.close()
    except sqlite3.Error:
        return None
    return int(row[0])


def describe(path: Path) -> BackupInfo:
    parsed = _parse(path)
    if parsed is None:
        raise NotFound(_("{file} is not a dvdesk backup.").format(file=path))
    taken, reason = parsed
    return BackupInfo(path, taken, reason, path.stat().st_size, _record_count(path))


def list_backups(paths: DataPaths) -> list[BackupInfo]:
    """Every backup in the data folder, newest first."""
    if not paths.backups.is_dir():
        return []
    found = [p for p in paths.backups.glob("*.sqlite3") if _parse(p) is not None]
    return sorted((describe(p) for p in found), key=lambda b: b.taken_at, reverse=True)


def find_backup(paths: DataPaths, name: str) -> BackupInfo:
    """A backup by file name (as ``backup list`` shows it) or by path."""
    candidate = Path(name)
    path = candidate if candidate.is_file() else paths.backups / candidate.name
    if not path.is_file():
        raise NotFound(
            _("No backup named {name}. 'dvdesk backup list' shows the backups.").format(name=name)
        )
    return describe(path)


def reason_label(reason: str) -> str:
    labels = {
        DAILY: _("daily"),
        MANUAL: _("by hand"),
        BEFORE_IMPORT: _("before an import"),
        BEFORE_RESTORE: _("before a restore"),
        DAMAGED: _("damaged database set aside"),
        FROM_USB: _("copied from a USB stick to restore it"),
    }
    if reason.startswith("before-upgrade-"):
        return _("before an upgrade from schema {revision}").format(
            revision=reason.removeprefix("before-upgrade-")
        )
    return labels.get(reason, reason)


# ------------------------------------------------------------------ integrity


# SQLite's quick_check runs about this many virtual-machine steps per KiB of file
# (measured: 46 to 51), which turns its step count into an estimate of progress.
CHECK_STEPS_PER_KIB = 48
CHECK_STEP_BATCH = 1000


def integrity_problems(
    database: Path,
    *,
    full: bool = False,
    cancelled: Callable[[], bool] | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[str]:
    """SQLite's own check of ``database``: an empty list means it is sound.

    ``quick_check`` reads every page but skips index-versus-table cross checks (about
    15 s for a million records, so the app runs it in the background); ``full`` runs
    ``integrity_check`` (used before restoring a backup). ``progress`` gets an estimated
    percentage as the check goes (at most 99), and 100 at its end.
    """
    pragma = "integrity_check" if full else "quick_check"
    try:
        connection = _read_only(database)
        try:
            connection.set_progress_handler(
                _check_handler(database, cancelled, progress), CHECK_STEP_BATCH
            )
            if progress is not None:
                progress(0)
            rows = connection.execute(f"PRAGMA {pragma}").fetchall()
            if progress is not None:
                progress(100)
        finally:
            connection.close()
    except sqlite3.OperationalError as error:
        if cancelled is not None and cancelled():
            raise Cancelled from error
        if is_busy(error):  # held by another program, not damaged
            raise busy_error(error, _("the check of the database")) from error
        return [str(error)]
    except sqlite3.DatabaseError as error:
        return [str(error)]
    messages = [str(row[0]) for row in rows]
    return [] if messages == ["ok"] else messages


def _check_handler(
    database: Path,
    cancelled: Callable[[], bool] | None,
    progress: Callable[[int], None] | None,
) -> Callable[[], int]:
    expected = max(database.stat().st_size // 1024 * CHECK_STEPS_PER_KIB // CHECK_STEP_BATCH, 1)
    calls = 0
    shown = 0  # reported before the check starts

    def handler() -> int:
        nonlocal calls, shown
        calls += 1
        percent = min(99, calls * 100 // expected)
        if progress is not None and percent > shown:
            shown = percent
            progress(percent)
        return int(cancelled is not None and cancelled())

    return handler


def damaged_message(database: Path) -> str:
    return _(
        "The database file {path} is damaged. Nothing was changed. Do not delete it: "
        "restore the newest good backup (menu 'Backup / Restore', or 'dvdesk backup list' "
        "then 'dvdesk backup restore NAME'), or ask for help."
    ).format(path=database)


def check_database(paths: DataPaths) -> None:
    """Raise StorageError if the office database exists and is damaged (start-up check)."""
    if not paths.database.is_file() or paths.database.stat().st_size == 0:
        return
    problems = integrity_problems(paths.database)
    if problems:
        log.error("integrity check of %s failed: %s", paths.database, "; ".join(problems[:5]))
        raise StorageError(damaged_message(paths.database))


class StartupStage(StrEnum):
    CHECK = "check"
    BACKUP = "backup"


def startup_check(
    paths: DataPaths,
    *,
    cancelled: Callable[[], bool] | None = None,
    progress: Callable[[StartupStage, int], None] | None = None,
) -> list[str]:
    """The app's background start-up work: check the database, then (only if it is
    sound, so that good copies are never rotated out by damaged ones) the daily backup.
    ``progress`` gets the stage and its percentage. Returns the problems found; empty
    if all is well."""
    if not paths.database.is_file():
        return []

    def stage(which: StartupStage) -> Callable[[int], None] | None:
        return None if progress is None else lambda percent: progress(which, percent)

    problems = integrity_problems(
        paths.database, cancelled=cancelled, progress=stage(StartupStage.CHECK)
    )
    if problems:
        log.error("integrity check of %s failed: %s", paths.database, "; ".join(problems[:5]))
        return problems
    daily_backup(paths, cancelled=cancelled, progress=stage(StartupStage.BACKUP))
    return []


# ------------------------------------------------------------------ making backups


def make_backup(
    paths: DataPaths,
    *,
    reason: str = MANUAL,
    cancelled: Callable[[], bool] | None = None,
    progress: Callable[[int], None] | None = None,
) -> BackupInfo:
    """Copy the database now (safe while the app is open) and rotate old copies."""
    if not paths.database.is_file():
        raise NotFound(_("There is no database to back up in {folder}.").format(folder=paths.root))
    try:
        target = backup_file(
            paths.database, paths.backups, reason=reason, cancelled=cancelled, progress=progress
        )
    except sqlite3.DatabaseError as error:
        if is_busy(error):
            raise busy_error(error, _("the backup")) from error
        raise StorageError(damaged_message(paths.database)) from error
    except OSError as error:
        raise StorageError(
            _(
                "Cannot write the backup into {folder}: {reason}. Free some space or check the "
                "folder, then try again."
            ).format(folder=paths.backups, reason=os_reason(error))
        ) from error
    log.info("backup %s made (%s)", target.name, reason)
    rotate(paths)
    return describe(target)


def backup_before_import(paths: DataPaths) -> BackupInfo:
    """The copy every package import makes first."""
    return make_backup(paths, reason=BEFORE_IMPORT)


def daily_backup_due(paths: DataPaths, *, now: datetime | None = None) -> bool:
    """True if no daily backup was made today (local calendar day)."""
    today = (now or datetime.now(UTC)).astimezone().date()
    return not any(
        reason == DAILY and taken.astimezone().date() == today
        for _path, taken, reason in _quick_list(paths)
    )


def daily_backup(
    paths: DataPaths,
    *,
    now: datetime | None = None,
    cancelled: Callable[[], bool] | None = None,
    progress: Callable[[int], None] | None = None,
) -> BackupInfo | None:
    """Make today's backup unless it exists (or there is no database yet)."""
    if not paths.database.is_file() or not daily_backup_due(paths, now=now):
        return None
    return make_backup(paths, reason=DAILY, cancelled=cancelled, progress=progress)


def _quick_list(paths: DataPaths) -> list[tuple[Path, datetime, str]]:
    """Backups by name only (no file opened), newest first."""
    if not paths.backups.is_dir():
        return []
    items = []
    for path in paths.backups.glob("*.sqlite3"):
        parsed = _parse(path)
        if parsed is not None:
            items.append((path, *parsed))
    return sorted(items, key=lambda item: item[1], reverse=True)


def _group(reason: str) -> str:
    return reason if reason in KEEP else "event"


def rotate(paths: DataPaths) -> list[Path]:
    """Delete the oldest backups beyond what KEEP allows; returns the deleted files."""
    seen: dict[str, int] = {}
    removed = []
    for path, _taken, reason in _quick_list(paths):
        group = _group(reason)
        seen[group] = seen.get(group, 0) + 1
        if seen[group] > KEEP.get(group, KEEP_EVENTS):
            path.unlink(missing_ok=True)
            removed.append(path)
    if removed:
        log.info("removed old backups: %s", ", ".join(p.name for p in removed))
    return removed


# ------------------------------------------------------------------ restoring


def _verify_backup(backup: BackupInfo) -> None:
    problems = integrity_problems(backup.path, full=True)
    if problems or backup.records is None:
        raise UserError(
            _("The backup {name} is damaged or not a dvdesk database; choose another one.").format(
                name=backup.name
            )
        )


def _restore_blocked() -> Conflict:
    return Conflict(
        _(
            "The database is being changed by another dvdesk window or program. "
            "Close it, then restore again; nothing was changed."
        )
    )


def _refuse_if_busy(database: Path) -> None:
    """Fail fast if another connection is writing (or holds the database)."""
    connection = sqlite3.connect(database, isolation_level=None, timeout=1.0)
    try:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("ROLLBACK")
    except sqlite3.OperationalError as error:
        if is_busy(error):
            raise _restore_blocked() from error
        raise
    finally:
        connection.close()


def _save_current(paths: DataPaths) -> Path | None:
    """Keep the database as it is before replacing it: a backup, or a raw copy if damaged."""
    if not paths.database.is_file():
        return None
    if not integrity_problems(paths.database):
        return backup_file(paths.database, paths.backups, reason=BEFORE_RESTORE)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = paths.backups / f"{paths.database.stem}-{stamp}-{DAMAGED}.sqlite3"
    paths.backups.mkdir(parents=True, exist_ok=True)
    shutil.copy2(paths.database, target)
    for suffix in ("-wal", "-shm"):
        side = paths.database.with_name(paths.database.name + suffix)
        if side.exists():
            shutil.copy2(side, target.with_name(target.name + suffix))
    return target


def _copy_into(source: Path, database: Path) -> None:
    """Overwrite ``database``'s content with ``source``'s through the backup API."""
    reader = _read_only(source)
    try:
        writer = sqlite3.connect(database, isolation_level=None)
        try:
            writer.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            reader.backup(writer)
            writer.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            writer.close()
    finally:
        reader.close()


def _replace_damaged(source: Path, database: Path) -> None:
    """A damaged file cannot receive a backup: move it aside (already saved) and copy."""
    for suffix in ("-wal", "-shm"):
        database.with_name(database.name + suffix).unlink(missing_ok=True)
    with atomic_writer(database) as out, source.open("rb") as reader:
        shutil.copyfileobj(reader, out, 1 << 20)
    enable_wal(database)


def restore_backup(paths: DataPaths, *, name: str) -> RestoreResult:
    """Put the backup ``name`` back as the office database, saving the current one first.

    The backup is fully checked before anything changes; the restore refuses to run
    while another connection is writing.
    """
    backup = find_backup(paths, name)
    _verify_backup(backup)
    damaged = paths.database.is_file() and bool(integrity_problems(paths.database))
    if paths.database.is_file() and not damaged:
        _refuse_if_busy(paths.database)
    try:
        saved = _save_current(paths)
        paths.database.parent.mkdir(parents=True, exist_ok=True)
        if damaged or not paths.database.is_file():
            _replace_damaged(backup.path, paths.database)
        else:
            _copy_into(backup.path, paths.database)
    except sqlite3.OperationalError as error:
        if is_busy(error):
            raise _restore_blocked() from error
        raise
    log.info("restored %s (saved the previous database as %s)", backup.name, saved)
    rotate(paths)
    return RestoreResult(restored=backup, saved_current=saved)
