"""Numbers and dates the way Vietnamese offices write them (14.162; 1.234.567,89; 05/07/2022)."""

from __future__ import annotations

from datetime import date, datetime

from dvdesk.i18n import current_language

_GROUPING = {"vi": ".", "en": ","}


def number(value: float) -> str:
    language = current_language()
    if isinstance(value, int) and language in _GROUPING:
        # Whole numbers (list counts at start-up) without loading babel; same output.
        return f"{value:,}".replace(",", _GROUPING[language])
    from babel.numbers import format_decimal  # noqa: PLC0415 - not needed to start the app

    return format_decimal(value, locale=language)


def short_date(value: date | None) -> str:
    if value is None:
        return ""
    if current_language() == "vi":
        return value.strftime("%d/%m/%Y")
    return value.isoformat()


def local_time(stamp: str) -> str:
    """A stored UTC time stamp (``2026-11-22T04:15:43Z``) in local time, ``22/11/2026 11:15``."""
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone()
    except ValueError:
        return stamp
    if current_language() == "vi":
        return moment.strftime("%d/%m/%Y %H:%M")
    return moment.strftime("%Y-%m-%d %H:%M")


def sentence(text: str) -> str:
    """Capitalise the first letter, for labels shown on their own ("đã hoàn thành")."""
    return text[:1].upper() + text[1:]
