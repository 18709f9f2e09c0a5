"""Writing a file completely or not at all.

USB sticks get pulled mid-copy and office PCs lose power: every file dvdesk writes
goes to a temporary file in the same folder, is flushed to the disk, and only then
renamed over the target (and the folder flushed, so the rename itself survives),
so the target holds either the old bytes or the new ones. :class:`AtomicWriter` is
the one implementation; :func:`atomic_writer` streams into it, :func:`write_atomically`
writes bytes at once.

Who may read the file is chosen by the caller (:class:`Access`): secrets (keys, the
database, backups, drafts) stay the owner's alone; files the clerk hands to others
(documents, key cards, receipts on the stick) get the usual permissions, 0666 less
the user's umask (0644 typically), as any other program would create them.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
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


class Access(StrEnum):
    """Who may read a written file."""

    PRIVATE = "private"  # 0600: secrets and the office's own data
    SHARED = "shared"  # 0666 less the umask: files made for other people


_TEMPORARY_PREFIX, _TEMPORARY_SUFFIX = ".dvdesk-", ".part"


def _shared_temporary(folder: Path) -> tuple[int, str]:
    """Like mkstemp, but created 0666 so that the umask (and a folder's default ACL)
    decide the permissions, as for any file a program creates for its user."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _attempt in range(100):
        name = folder / f"{_TEMPORARY_PREFIX}{secrets.token_hex(8)}{_TEMPORARY_SUFFIX}"
        try:
            return os.open(name, flags, 0o666), str(name)
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name in {folder}")


class AtomicWriter:
    """A temporary file in ``folder``, private (0600, as mkstemp makes it) unless
    ``access`` is :attr:`Access.SHARED`.

    Write to :attr:`file`, then :meth:`commit` it to its final name (which may be known
    only after writing, as for content-addressed attachments). Leaving the ``with``
    block without a commit, or with an exception, removes the temporary file.
    """

    def __init__(self, folder: Path, *, access: Access = Access.PRIVATE) -> None:
        if access is Access.SHARED:
            handle, name = _shared_temporary(folder)
        else:
            handle, name = tempfile.mkstemp(
                prefix=_TEMPORARY_PREFIX, suffix=_TEMPORARY_SUFFIX, dir=folder
            )
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
        # Closing flushes what is buffered; on a full disk that fails again, and the
        # half-written (perhaps unverified) file must still go.
        try:
            self.file.close()
        except OSError:
            pass
        finally:
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
def atomic_writer(target: Path, *, access: Access = Access.PRIVATE) -> Iterator[BinaryIO]:
    """Stream into ``target``: it is replaced only if the block completes."""
    with AtomicWriter(target.parent, access=access) as writer:
        yield writer.file
        writer.commit(target)


def write_atomically(target: Path, data: bytes, *, access: Access = Access.PRIVATE) -> None:
    """Replace ``target`` with ``data``; raises OSError (and leaves ``target`` as it was).

    Private (0600) unless ``access`` is :attr:`Access.SHARED`: pass that for every
    file the clerk saves for someone else.
    """
    with atomic_writer(target, access=access) as out:
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
