"""Reporting periods: the Nghị định 09/2019 data windows, custom named windows, any range.

Named periods are data: the defaults below follow NĐ 09 Điều 12 (data from the
15th of the month before to the 14th), and the level above may define other
windows, stored in the office's settings under ``periods``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date

from babel.dates import format_date

from dvdesk.clock import today
from dvdesk.documents import wording
from dvdesk.domain.fields import IsoDate, Text
from dvdesk.domain.inputs import StrictInput
from dvdesk.domain.validation import validate
from dvdesk.errors import Conflict, ValidationFailed
from dvdesk.formatting import short_date
from dvdesk.i18n import _
from dvdesk.services.settings import get_setting, set_setting
from dvdesk.services.store import Store
from dvdesk.typed_dates import parse_typed_date

SETTING = "periods"
CUT_DAY = 15  # NĐ 09: a window starts on the 15th and ends on the 14th
_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
_NAMED = re.compile(r"^(\d{4})(?:-(H1|H2|9M|Q[1-4]|M(0[1-9]|1[0-2])))?$")
_CUSTOM_KEY = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


@dataclass(frozen=True)
class Period:
    """A data window, both ends included, with its Vietnamese name for documents."""

    key: str
    start: date
    end: date
    label: str  # "6 tháng đầu năm 2022"

    def previous_year(self) -> Period:
        """The same window one year earlier (29 February becomes 28)."""
        return replace(
            self,
            key=f"{self.key}@-1",
            start=_year_earlier(self.start),
            end=_year_earlier(self.end),
            label=wording.PREVIOUS_YEAR,
        )

    def as_json(self) -> dict[str, str]:
        return {"from": self.start.isoformat(), "to": self.end.isoformat()}


def _year_earlier(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def _window_start(year: int, month: int) -> date:
    """The 15th of the month before ``month`` of ``year``."""
    if month == 1:
        return date(year - 1, 12, CUT_DAY)
    return date(year, month - 1, CUT_DAY)


def _window_end(year: int, month: int) -> date:
    return date(year, month, CUT_DAY - 1)


def named_period(key: str) -> Period | None:
    """The NĐ 09 window for ``2022``, ``2022-H1``, ``2022-Q3``, ``2022-M07`` … or None."""
    match = _NAMED.fullmatch(key)
    if match is None:
        return None
    year = int(match.group(1))
    part = match.group(2)
    if part is None:
        first, last, label = 1, 12, wording.PERIOD_YEAR
    elif part == "H1":
        first, last, label = 1, 6, wording.PERIOD_H1
    elif part == "H2":
        first, last, label = 7, 12, wording.PERIOD_H2
    elif part == "9M":
        first, last, label = 1, 9, wording.PERIOD_9M
    elif part.startswith("Q"):
        quarter = int(part[1])
        first, last, label = 3 * quarter - 2, 3 * quarter, wording.PERIOD_QUARTER
    else:
        first = last = int(part[1:])
        label = wording.PERIOD_MONTH
    return Period(
        key=key,
        start=_window_start(year, first),
        end=_window_end(year, last),
        label=label.format(year=year, quarter=_ROMAN.get((first + 2) // 3, ""), month=first),
    )


def range_period(start: date, end: date) -> Period:
    label = wording.PERIOD_RANGE.format(start=_dmy(start), end=_dmy(end))
    return Period(key=f"{start.isoformat()}..{end.isoformat()}", start=start, end=end, label=label)


class CustomPeriodInput(StrictInput):
    key: Text
    label: Text
    start: IsoDate
    end: IsoDate


def list_custom_periods(store: Store) -> list[Period]:
    stored = get_setting(store, key=SETTING, default=[])
    periods = []
    for item in stored if isinstance(stored, list) else []:
        model = validate(CustomPeriodInput, item)
        periods.append(Period(key=model.key, start=model.start, end=model.end, label=model.label))
    return periods


def add_custom_period(store: Store, *, data: Mapping[str, object]) -> Period:
    """Store a window the level above defined (e.g. ``SK2025`` 01/01 – 30/06/2025)."""
    model = validate(CustomPeriodInput, data)
    if not _CUSTOM_KEY.fullmatch(model.key) or named_period(model.key) is not None:
        raise _bad_key(model.key)
    if model.end < model.start:
        raise _reversed(model.start, model.end)
    existing = list_custom_periods(store)
    if any(p.key == model.key for p in existing):
        raise Conflict(
            _("A period named {key} exists already; choose another name.").format(key=model.key)
        )
    stored = [_custom_json(p) for p in existing] + [model.model_dump(mode="json")]
    set_setting(store, key=SETTING, value=stored)
    return Period(key=model.key, start=model.start, end=model.end, label=model.label)


def _custom_json(period: Period) -> dict[str, str]:
    return {
        "key": period.key,
        "label": period.label,
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
    }


def year_periods(year: int) -> list[Period]:
    """Every NĐ 09 window of ``year``, for a period picker."""
    keys = [str(year), f"{year}-H1", f"{year}-H2", f"{year}-9M"]
    keys += [f"{year}-Q{q}" for q in range(1, 5)]
    keys += [f"{year}-M{m:02d}" for m in range(1, 13)]
    return [p for p in (named_period(key) for key in keys) if p is not None]


def parse_period(text: str, *, custom: list[Period] | None = None) -> Period:
    """A period from its key, a custom name, or ``YYYY-MM-DD..YYYY-MM-DD``."""
    key = text.strip()
    named = named_period(key.upper() if "-" in key else key)
    if named is not None:
        return named
    for period in custom or []:
        if period.key == key:
            return period
    if ".." in key:
        start, end = _range_ends(key)
        if end < start:
            raise _reversed(start, end)
        return range_period(start, end)
    raise _bad_key(key)


def _range_ends(key: str) -> tuple[date, date]:
    """Both ends of ``FROM..TO``, each ISO (2026-08-10) or as clerks type dates (10/8/2026,
    the order the app shows them in): trial 3's clerk typed 10/08/2026..10/11/2026."""
    first, _dots, last = key.partition("..")
    ends = [parse_typed_date(part, today=today()) for part in (first, last)]
    for end in ends:
        if end.problem is not None:
            raise _bad_key(key, problem=end.problem)
    start, finish = (end.value for end in ends)
    if start is None or finish is None:
        raise _bad_key(key)
    return start, finish


def _bad_key(key: str, *, problem: str | None = None) -> ValidationFailed:
    message = _(
        "{key} is not a reporting period. Write a year (2022), a half (2022-H1, 2022-H2), "
        "nine months (2022-9M), a quarter (2022-Q1 … 2022-Q4), a month (2022-M07), a range "
        "(1/1/2022..30/6/2022 or 2022-01-01..2022-06-30) or the name of a custom period."
    ).format(key=key)
    if problem is not None:
        message = f"{problem} {message}"
    return ValidationFailed(message, [("period", message)])


def _reversed(start: date, end: date) -> ValidationFailed:
    message = _(
        "The period ends ({end}) before it starts ({start}). Swap the two dates, or "
        "correct one of them, then try again."
    ).format(end=short_date(end), start=short_date(start))
    return ValidationFailed(message, [("period", message)])


def _dmy(day: date) -> str:
    return format_date(day, "dd/MM/yyyy", locale="vi")
