"""Writing a file completely or not at all.

USB sticks get pulled mid-copy and office PCs lose power: every file dvdesk writes
goes to a temporary file in the same folder, is flushed to the disk, and only then
renamed over the target (and the folder flushed, so the rename itself survives),
so the target holds either the old bytes or the new ones. :class:`AtomicWriter` is
the one implementation; :func:`atomic_writer` streams into it, :func:`write_atomically`
writes bytes at once.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import BinaryIO, Self


def fsync_folder(folder: Path) -> None:
    """Make a rename durable (not possible on Windows, where it is a no-op)."""
    if os.name == "nt":
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


class AtomicWriter:
    """A temporary file in ``folder`` (readable by its owner only, as mkstemp makes it).

    Write to :attr:`file`, then :meth:`commit` it to its final name (which may be known
    only after writing, as for content-addressed attachments). Leaving the ``with``
    block without a commit, or with an exception, removes the temporary file.
    """

    def __init__(self, folder: Path) -> None:
        handle, name = tempfile.mkstemp(prefix=".dvdesk-", suffix=".part", dir=folder)
        self.temporary = Path(name)
        self.file: BinaryIO = os.fdopen(handle, "wb")

    def commit(self, target: Path) -> None:
        """Flush, fsync and rename over ``target`` (same file system), then fsync its folder."""
        self.file.flush()
        os.fsync(self.file.fileno())
        self.file.close()
        self.temporary.replace(target)
        fsync_folder(target.parent)

    def discard(self) -> None:
        self.file.close()
        self.temporary.unlink(missing_ok=True)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.discard()  # after a commit there is nothing left to remove


@contextmanager
def atomic_writer(target: Path) -> Iterator[BinaryIO]:
    """Stream into ``target``: it is replaced only if the block completes."""
    with AtomicWriter(target.parent) as writer:
        yield writer.file
        writer.commit(target)


def write_atomically(target: Path, data: bytes) -> None:
    """Replace ``target`` with ``data``; raises OSError (and leaves ``target`` as it was)."""
    with atomic_writer(target) as out:
        out.write(data)


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
