"""Annotated field types shared by the input models: clean text, strict dates."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Strict
from pydantic_core import PydanticCustomError

from dvdesk.formatting import short_date
from dvdesk.i18n import N_
from dvdesk.text import clean

SHORT_TEXT_MAX = 1_000
LONG_TEXT_MAX = 200_000
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def custom_error(kind: str, msgid: str, **context: Any) -> PydanticCustomError:
    """An error whose message is translated later, from ``msgid`` and ``context``."""
    return PydanticCustomError(f"dvdesk_{kind}", msgid, {"msgid": msgid, **context})


def check_end_not_before_start(end: date, start: object) -> None:
    """Refuse an end before its start; ``start`` is whatever validated before (maybe nothing)."""
    if isinstance(start, date) and end < start:
        raise custom_error(
            "end_before_start",
            N_("the end ({end}) is before the start ({start})"),
            end=short_date(end),
            start=short_date(start),
        )


def _checked_text(value: str, limit: int) -> str:
    value = clean(value)
    if not value:
        raise custom_error("empty", N_("must not be empty"))
    if len(value) > limit:
        raise custom_error(
            "too_long", N_("is too long (at most {max_length} characters)"), max_length=limit
        )
    return value


def _required_text(limit: int) -> AfterValidator:
    return AfterValidator(lambda value: _checked_text(value, limit))


def _optional_text(limit: int) -> AfterValidator:
    def check(value: str | None) -> str | None:
        if value is None or not clean(value):
            return None
        return _checked_text(value, limit)

    return AfterValidator(check)


def _parse_date(value: object) -> object:
    if isinstance(value, datetime):
        raise custom_error("date", N_("expected a date written YYYY-MM-DD, e.g. 2024-07-05"))
    if isinstance(value, date) or value is None:
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            raise custom_error(
                "date", N_("{value} is not a date in the calendar"), value=value.strip()
            ) from None
    raise custom_error("date", N_("expected a date written YYYY-MM-DD, e.g. 2024-07-05"))


Text = Annotated[str, Strict(), _required_text(SHORT_TEXT_MAX)]
LongText = Annotated[str, Strict(), _required_text(LONG_TEXT_MAX)]
OptionalText = Annotated[str | None, Strict(), _optional_text(SHORT_TEXT_MAX)]
OptionalLongText = Annotated[str | None, Strict(), _optional_text(LONG_TEXT_MAX)]
IsoDate = Annotated[date, BeforeValidator(_parse_date)]
OptionalIsoDate = Annotated[date | None, BeforeValidator(_parse_date)]
