"""What the app's first screen needs about people and requests, with plain sqlite3.

The start path must not load SQLAlchemy, pydantic or argon2 (tests/test_startup.py):
whether to ask for a sign-in, who is signed in and the nearest requested report are
read here directly.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from dvdesk.i18n import _
from dvdesk.services.store import Store


def office_has_users(store: Store) -> bool:
    with store.raw() as connection:
        return bool(connection.execute("SELECT EXISTS (SELECT 1 FROM app_user)").fetchone()[0])


# Minutes without keyboard or mouse input before the app locks (0: never).
LOCK_KEY = "security.lock_minutes"
DEFAULT_LOCK_MINUTES = 15
MAX_LOCK_MINUTES = 24 * 60


def lock_minutes(store: Store) -> int:
    """The idle time before the lock screen, as saved in the office settings."""
    with store.raw() as connection:
        row = connection.execute("SELECT value FROM setting WHERE key = ?", (LOCK_KEY,)).fetchone()
    if row is None:
        return DEFAULT_LOCK_MINUTES
    # The JSON column has numeric affinity: SQLite hands a stored number back as one.
    value = json.loads(row[0]) if isinstance(row[0], str) else row[0]
    return value if isinstance(value, int) and 0 <= value <= MAX_LOCK_MINUTES else 0


@dataclass(frozen=True)
class SignedInUser:
    name: str
    full_name: str
    roles: tuple[str, ...]


def signed_in_user(store: Store) -> SignedInUser | None:
    if not store.signed_in:
        return None
    with store.raw() as connection:
        row = connection.execute(
            "SELECT name, full_name, roles FROM app_user WHERE name = ?", (store.actor,)
        ).fetchone()
    if row is None:
        return None
    roles = json.loads(row[2])
    return SignedInUser(row[0], row[1], tuple(str(r) for r in roles if isinstance(r, str)))


@dataclass(frozen=True)
class NearestRequest:
    period: str
    deadline: date
    days_left: int


def nearest_request(store: Store, *, on: date | None = None) -> NearestRequest | None:
    """The report the level above expects next (or the most overdue one)."""
    day = on or date.today()
    with store.raw() as connection:
        rows = connection.execute(
            "SELECT period, deadline FROM report_request WHERE direction = 'in'"
        ).fetchall()
    found = [
        NearestRequest(
            period, date.fromisoformat(deadline), (date.fromisoformat(deadline) - day).days
        )
        for period, deadline in rows
    ]
    if not found:
        return None
    return min(found, key=lambda r: (r.days_left < 0, abs(r.days_left)))


def request_line(request: NearestRequest) -> str:
    """ "Báo cáo quý IV năm 2026 hạn nộp ngày 05/01/2027 (còn 10 ngày)": the period in
    words, as the clerk's report will name it, not its key ("2026-Q4")."""
    from dvdesk.documents.periods import named_period  # noqa: PLC0415 - only with a request

    named = named_period(request.period)
    text = _("Report {period} due on {date}").format(
        period=named.label if named is not None else request.period,
        date=request.deadline.strftime("%d/%m/%Y"),
    )
    if request.days_left >= 0:
        return text + " " + _("({days} days left)").format(days=request.days_left)
    return text + " " + _("({days} days late)").format(days=-request.days_left)
