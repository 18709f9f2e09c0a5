"""What the trusted roots and the revocation lists share: a file read only if it is small
and ordinary, the refusal of a file changed since the administrator saw it, and removal
by the first characters of the key a kept row is named by."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from sqlmodel import Session, SQLModel, col, select

from dvdesk.errors import NotFound, UserError
from dvdesk.i18n import _
from dvdesk.sync.infile import read_small
from dvdesk.sync.refusals import Reason, Refused
from dvdesk.text import shown

Row = TypeVar("Row", bound=SQLModel)
MIN_PREFIX = 8  # shorter prefixes name several rows too easily


def file_name(path: Path) -> str:
    return shown(str(path), limit=200)


def read_capped(path: Path, *, limit: int, too_large: str) -> bytes:
    """The bytes of ``path`` if it holds at most ``limit``; else ``too_large`` (a message
    marked with N_, naming {file}) refuses it before a byte is read."""
    return read_small(path, limit=limit, too_large=_refusal(too_large))


def _refusal(message: str) -> Callable[[Path], Refused]:
    return lambda path: Refused(Reason.TOO_LARGE, _(message).format(file=file_name(path)))


def refuse_changed(path: Path, *, expected: str | None, fingerprint: str) -> None:
    """With ``expected`` (the fingerprint of the file shown), refuse a file swapped since."""
    if expected is not None and fingerprint != expected:
        raise UserError(
            _("{file} changed after it was checked. Choose the file again.").format(
                file=file_name(path)
            )
        )


def one_by_prefix(
    session: Session,
    model: type[Row],
    key: Any,
    text: str,
    *,
    too_short: str,
    none: str,
    several: str,
) -> Row:
    """The one row whose ``key`` column starts with ``text`` (colons and case ignored);
    the messages (naming {prefix}) refuse a short, unknown or ambiguous prefix."""
    prefix = text.strip().lower().replace(":", "")
    if len(prefix) < MIN_PREFIX:
        raise UserError(too_short)
    rows = list(session.exec(select(model).where(col(key).startswith(prefix))))
    if not rows:
        raise NotFound(none.format(prefix=prefix))
    if len(rows) > 1:
        raise UserError(several.format(prefix=prefix))
    return rows[0]
