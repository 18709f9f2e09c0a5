"""Writing a file completely or not at all.

USB sticks get pulled mid-copy and office PCs lose power: every file dvdesk writes
goes to a temporary file in the same folder, is flushed to the disk, and only then
renamed over the target, so the target holds either the old bytes or the new ones.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def fsync_folder(folder: Path) -> None:
    """Make a rename durable (not possible on Windows, where it is a no-op)."""
    if os.name == "nt":
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def write_atomically(target: Path, data: bytes) -> None:
    """Replace ``target`` with ``data``; raises OSError (and leaves ``target`` as it was)."""
    handle, temporary = tempfile.mkstemp(prefix=".dvdesk-", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        Path(temporary).replace(target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    fsync_folder(target.parent)


PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700


def make_private(path: Path) -> None:
    """Let only this user read ``path`` (0600 files, 0700 folders).

    POSIX modes only: on Windows the data folder sits in the user's profile
    (%LOCALAPPDATA%), whose ACL already admits only that user and the administrators;
    a portable folder on a FAT/exFAT stick has no permissions at all.
    """
    if os.name == "nt":
        return
    path.chmod(PRIVATE_FOLDER if path.is_dir() else PRIVATE_FILE)


def create_private_file(path: Path) -> None:
    """Create ``path`` empty and private if missing, before SQLite or anyone writes to it."""
    path.touch(mode=PRIVATE_FILE, exist_ok=True)
    make_private(path)
