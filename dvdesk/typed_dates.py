"""Dates as clerks type them: ``10/11/2026``, ``10112026``, ``1/2/2026``, ``10/11/26``.

Day first, month second (the Vietnamese order). Separators may be ``/``, ``-``, ``.``
or spaces, or left out when the day and month have two digits each. The parse runs
on the collected text, never per keystroke, so input methods are never fought.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from dvdesk.i18n import _

_SEPARATED = re.compile(r"^(\d{1,2})\s*[/\-.\s]\s*(\d{1,2})\s*[/\-.\s]\s*(\d{2}|\d{4})$")
_RUN_TOGETHER = re.compile(r"^(\d{2})(\d{2})(\d{2}|\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
# A two-digit year is read in the window from 80 years back to 20 years ahead.
YEARS_AHEAD = 20


@dataclass(frozen=True)
class TypedDate:
    """The outcome of reading a typed date: a value, nothing (empty) or a problem."""

    value: date | None
    problem: str | None = None


def _full_year(digits: str, *, today: date) -> int:
    if len(digits) == 4:
        return int(digits)
    year = 2000 + int(digits)
    return year if year <= today.year + YEARS_AHEAD else year - 100


def _parts(text: str) -> tuple[str, str, str] | None:
    """Day, month and year digits of ``text``, or None if it has no date shape."""
    if iso := _ISO.match(text):  # pasted from the command line or a spreadsheet
        return iso[3], iso[2], iso[1]
    match = _SEPARATED.match(text) or _RUN_TOGETHER.match(text)
    return (match[1], match[2], match[3]) if match else None


def parse_typed_date(text: str, *, today: date) -> TypedDate:
    """Read ``text``; empty text is no date, anything unreadable or impossible a problem."""
    cleaned = text.strip()
    if not cleaned:
        return TypedDate(None)
    parts = _parts(cleaned)
    if parts is None:
        return TypedDate(
            None,
            _("“{text}” is not a date: type day/month/year, e.g. 10/11/2026.").format(text=cleaned),
        )
    day, month, year = int(parts[0]), int(parts[1]), _full_year(parts[2], today=today)
    try:
        return TypedDate(date(year, month, day))
    except ValueError:
        return TypedDate(
            None,
            _("{day:02d}/{month:02d}/{year} does not exist: check the day and the month.").format(
                day=day, month=month, year=year
            ),
        )
