"""Why a file could not be read or written, in the user's language.

The system's own text (``strerror``) is English on every office PC, whatever the
language of Windows: messages say what it means here instead, with its number.
"""

from __future__ import annotations

import errno
import sqlite3

from dvdesk.i18n import _

# Windows errors of a drive that went away: not ready, no such device, the volume
# changed, the device is not connected.
_DRIVE_GONE_WINDOWS = frozenset({21, 55, 1006, 1167})
_DRIVE_GONE = frozenset({errno.EIO, errno.ENOENT, errno.ENODEV, errno.ENXIO})
_NOT_ALLOWED = frozenset({errno.EACCES, errno.EPERM, errno.EROFS})


def os_reason(error: OSError) -> str:
    """A short Vietnamese (or English) reason for ``error``, to put after a colon."""
    if getattr(error, "winerror", None) in _DRIVE_GONE_WINDOWS or error.errno in _DRIVE_GONE:
        return _("the folder or drive is no longer there (was the USB stick removed?)")
    if error.errno in _NOT_ALLOWED:
        return _("writing there is not allowed, or the drive is read-only")
    if error.errno == errno.ENOSPC:
        return _("the drive is full")
    return _("system error {number}").format(number=error.errno)


def read_reason(error: OSError) -> str:
    """As :func:`os_reason`, for a file being read: a missing file is most often a name
    typed or chosen wrong, not a drive that went away."""
    if error.errno == errno.ENOENT:
        return _("there is no such file (check its name and folder)")
    if error.errno == errno.EISDIR:
        return _("that is a folder, not a file")
    return os_reason(error)


def sqlite_write_reason(error: sqlite3.Error) -> str:
    """As :func:`os_reason`, for SQLite writing a file (a backup onto a USB stick):
    SQLite reports the drive's failure as its own error code, not as an OSError."""
    code = getattr(error, "sqlite_errorcode", 0) & 0xFF
    if code == sqlite3.SQLITE_FULL:
        return _("the drive is full")
    if code in (sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN):
        return _("the folder or drive is no longer there (was the USB stick removed?)")
    if code in (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM):
        return _("writing there is not allowed, or the drive is read-only")
    return _("system error {number}").format(number=code)
