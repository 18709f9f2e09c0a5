"""Opening a file from outside (a USB stick): ordinary files only, size known first.

A FIFO, a device such as /dev/zero or a folder would hang an import or never end;
they are refused before a single byte is read, as is a file larger than its cap.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, Final

from dvdesk.errors import UserError
from dvdesk.i18n import _
from dvdesk.sync.refusals import Reason, Refused
from dvdesk.text import shown

# Opening a FIFO without O_NONBLOCK waits for a writer that may never come.
_NONBLOCK: Final = getattr(os, "O_NONBLOCK", 0)
_BINARY: Final = getattr(os, "O_BINARY", 0)


def not_a_file(path: Path) -> Refused:
    return Refused(
        Reason.NOT_A_FILE,
        _(
            "{file} is not an ordinary file (a folder, a device or a pipe), so it was not "
            "read. Choose the file itself (the package, receipt or key card)."
        ).format(file=shown(path.name)),
    )


def open_regular(
    path: Path, *, limit: int, too_large: Callable[[Path], Refused]
) -> tuple[BinaryIO, int]:
    """Open an ordinary file of at most ``limit`` bytes; anything else is refused unread.

    A FIFO, /dev/zero or a folder would hang or never end; the size is known before
    a single byte is read. ``O_NONBLOCK`` keeps opening a FIFO from waiting for a writer.
    """
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            raise not_a_file(path)
        descriptor = os.open(path, os.O_RDONLY | _NONBLOCK | _BINARY)
    except FileNotFoundError:
        raise Refused(
            Reason.NOT_A_PACKAGE,
            _(
                "There is no file {file} (the USB stick may have been pulled out, or the "
                "file moved). Plug the stick in again and choose the file again."
            ).format(file=shown(str(path), limit=200)),
        ) from None
    except OSError as error:
        # The system's own text (strerror) is English: give the number, say what to do.
        raise UserError(
            _(
                "Cannot read {file} (system error {number}: a broken link, no permission "
                "or a damaged USB stick). Copy the file to this computer and choose the copy."
            ).format(file=shown(str(path), limit=200), number=error.errno)
        ) from None
    details = os.fstat(descriptor)
    if not stat.S_ISREG(details.st_mode):  # swapped after the first look
        os.close(descriptor)
        raise not_a_file(path)
    if details.st_size > limit:
        os.close(descriptor)
        raise too_large(path)
    return os.fdopen(descriptor, "rb"), details.st_size


def read_small(path: Path, *, limit: int, too_large: Callable[[Path], Refused]) -> bytes:
    """The whole of an ordinary file of at most ``limit`` bytes (a receipt, a key card)."""
    handle, _size = open_regular(path, limit=limit, too_large=too_large)
    with handle:
        data = handle.read(limit + 1)
    if len(data) > limit:  # grew while being read
        raise too_large(path)
    return data
