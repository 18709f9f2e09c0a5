"""Time as dvdesk records it. Office PC clocks are often wrong, so time stamps
are informative only: nothing orders or trusts records by them."""

from __future__ import annotations

from datetime import UTC, date, datetime


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def now() -> datetime:
    """This moment with the computer's own UTC offset (documents show the local time).

    Documents take their creation time from here: a test that needs the same bytes
    twice fixes this function (monkeypatch ``dvdesk.clock.now``), not the document code.
    """
    return datetime.now(UTC).astimezone()


def today() -> date:
    return date.today()
