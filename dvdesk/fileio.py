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
