"""Numbers and dates the way Vietnamese offices write them (14.162; 1.234.567,89; 05/07/2022)."""

from __future__ import annotations

from datetime import date

from babel.numbers import format_decimal

from dvdesk.i18n import current_language


def number(value: float) -> str:
    return format_decimal(value, locale=current_language())


def short_date(value: date | None) -> str:
    if value is None:
        return ""
    if current_language() == "vi":
        return value.strftime("%d/%m/%Y")
    return value.isoformat()
