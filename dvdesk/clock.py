"""Time as dvdesk records it. Office PC clocks are often wrong, so time stamps
are informative only: nothing orders or trusts records by them."""

from __future__ import annotations

from datetime import UTC, date, datetime


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def today() -> date:
    return date.today()
