"""Restoring the office database from a backup file on a USB stick.

The file may have been made or changed by anyone, so nothing SQLite would act on is
trusted before it is checked: the file is first copied byte for byte into the data
folder (SQLite never opens it on the stick, so a journal or WAL file put beside it is
never replayed), its header must describe exactly its size, and the copy is opened
read-only with ``trusted_schema`` off. Its schema must be exactly this database's
(no extra trigger or view, same version), then SQLite's full check must pass and its
office must be this one; only then does the ordinary restore (which saves the current
database first) put it back.
"""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from dvdesk.errors import NotFound, StorageError, UserError
from dvdesk.fileio import create_private_file
from dvdesk.i18n import _
from dvdesk.os_errors import os_reason, read_reason
from dvdesk.paths import DataPaths
from dvdesk.services.backup import FROM_USB, RestoreResult, integrity_problems, restore_backup

_MAGIC = b"SQLite format 3\x00"
_LEGACY_JOURNAL = 1  # header bytes 18-19: 1 = rollback journal, 2 = WAL


def _not_a_backup(file: Path) -> UserError:
    return UserError(
        _(
            "{file} is not a dvdesk backup (it is not a database file). Nothing was "
            "changed: choose the .sqlite3 file that 'Back up to USB' wrote."
        ).format(file=file)
    )


def _damaged(file: Path) -> UserError:
    return UserError(
        _(
            "The backup {file} is damaged or was cut short when it was copied, so it "
            "cannot be restored. Nothing was changed: use another backup."
        ).format(file=file)
    )


def _check_header(file: Path) -> int:
    """The file's size, once its header says exactly that size (a padded, cut or
    WAL-mode file is refused before SQLite opens it)."""
    try:
        size = file.stat().st_size
        with file.open("rb") as handle:
            header = handle.read(100)
    except OSError as error:
        raise UserError(
            _("Cannot read {file}: {reason}.").format(file=file, reason=read_reason(error))
        ) from error
    if len(header) < 100 or not header.startswith(_MAGIC):
        raise _not_a_backup(file)
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    size_is_valid = header[24:28] == header[92:96]
    if header[18] != _LEGACY_JOURNAL or header[19] != _LEGACY_JOURNAL:
        raise _damaged(file)
    if not size_is_valid or page_size * pages != size:
        raise _damaged(file)
    return size


def _local_copy(file: Path, paths: DataPaths, size: int) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = paths.backups / f"{paths.database.stem}-{stamp}-{FROM_USB}.sqlite3"
    try:
        paths.backups.mkdir(parents=True, exist_ok=True)
        create_private_file(target)
        with file.open("rb") as reader, target.open("wb") as writer:
            shutil.copyfileobj(reader, writer, 1 << 20)
    except OSError as error:
        target.unlink(missing_ok=True)
        raise StorageError(
            _(
                "Cannot copy {file} into {folder}: {reason}. Nothing was changed; check "
                "the USB stick and the free space, then try again."
            ).format(file=file, folder=paths.backups, reason=os_reason(error))
        ) from error
    if target.stat().st_size != size:  # the file changed while it was copied
        target.unlink(missing_ok=True)
        raise _damaged(file)
    return target


def _untrusted(database: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True)
    # Functions in a view or trigger of this file must not run, whatever it declares.
    connection.execute("PRAGMA trusted_schema = OFF")
    connection.execute("PRAGMA cell_size_check = ON")
    connection.execute("PRAGMA mmap_size = 0")
    return connection


_SCHEMA = (
    "SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_master "
    "WHERE name NOT LIKE 'sqlite_stat%' ORDER BY type, name"
)


def _schema(connection: sqlite3.Connection) -> list[tuple[str, str, str, str]]:
    return [(str(a), str(b), str(c), str(d)) for a, b, c, d in connection.execute(_SCHEMA)]


def _office(connection: sqlite3.Connection) -> str | None:
    row = connection.execute("SELECT code FROM office WHERE id = 1").fetchone()
    return None if row is None else str(row[0])


def _verify(copy: Path, *, file: Path, current: Path) -> None:
    """Refuse ``copy`` unless it is a sound dvdesk database of this office and version."""
    try:
        ours = _untrusted(current)
        try:
            expected, office = _schema(ours), _office(ours)
        finally:
            ours.close()
    except sqlite3.DatabaseError as error:
        raise StorageError(
            _(
                "The database on this computer is damaged, so {file} cannot be checked "
                "against it. Nothing was changed: restore the newest backup in the list "
                "first, then restore from the USB stick if needed, or ask for help."
            ).format(file=file)
        ) from error
    theirs = _untrusted(copy)
    try:
        try:
            schema = _schema(theirs)
        except sqlite3.DatabaseError as error:
            raise _damaged(file) from error
        if schema != expected:
            raise UserError(
                _(
                    "{file} was made by another version of dvdesk or changed afterwards "
                    "(its database structure is not this one's), so it cannot be "
                    "restored. Nothing was changed: use a backup made with this version."
                ).format(file=file)
            )
        if integrity_problems(copy, full=True):
            raise _damaged(file)
        code = _office(theirs)
    finally:
        theirs.close()
    if code != office:
        raise UserError(
            _(
                "{file} is a backup of office {theirs}, not of this office ({ours}). "
                "Nothing was changed: use a backup of this office."
            ).format(file=file, theirs=code, ours=office)
        )


def restore_from_file(paths: DataPaths, *, file: Path) -> RestoreResult:
    """Put the backup ``file`` (on a USB stick) back as the office database, after every
    check; the current database is backed up first."""
    if not paths.database.is_file():
        raise NotFound(
            _(
                "No office is set up in {folder}. Set up this office first (same office "
                "code), then restore the backup from the USB stick."
            ).format(folder=paths.root)
        )
    size = _check_header(file)
    copy = _local_copy(file, paths, size)
    try:
        _verify(copy, file=file, current=paths.database)
        return restore_backup(paths, name=str(copy))
    except BaseException:
        copy.unlink(missing_ok=True)
        raise
