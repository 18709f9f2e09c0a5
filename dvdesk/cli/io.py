"""Reading JSON input and writing output for the command line."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from dvdesk.bulk.read import utf8_text
from dvdesk.domain.validation import failed
from dvdesk.errors import UserError
from dvdesk.formatting import number
from dvdesk.i18n import _
from dvdesk.os_errors import read_reason


def read_json(source: str) -> Any:
    """Parse JSON from a file path or ``-`` (standard input)."""
    try:
        raw = sys.stdin.buffer.read() if source == "-" else Path(source).read_bytes()
    except OSError as error:
        raise UserError(
            _("Cannot read {file}: {reason}.").format(file=source, reason=read_reason(error))
        ) from None
    text = utf8_text(raw, name=source)
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise failed(
            [
                (
                    "",
                    _("{file} is not valid JSON (line {line}, column {column}: {reason}).").format(
                        file=source, line=error.lineno, column=error.colno, reason=error.msg
                    ),
                )
            ]
        ) from None


def print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")


T = TypeVar("T")


def print_listing(
    items: Sequence[T],
    *,
    as_json: bool,
    json_of: Callable[[T], object],
    line: Callable[[T], str],
    total: str | None = None,
    empty: str | None = None,
) -> int:
    """Print a list command's rows: JSON for scripts, else one line a row, then the total
    (``{count}`` is filled in) or, for no rows at all, what to do about it."""
    if as_json:
        print_json([json_of(item) for item in items])
        return 0
    for item in items:
        print(line(item))
    if empty is not None and not items:
        print(empty)
    elif total is not None:
        print(total.format(count=number(len(items))))
    return 0
