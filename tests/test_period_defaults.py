"""The reports screen opens on the window that ended last (NĐ 09: the 15th to the 14th)."""

from __future__ import annotations

from datetime import date

import pytest

from dvdesk.documents.period_defaults import latest_ended_period


@pytest.mark.parametrize(
    ("on", "key"),
    [
        (date(2026, 11, 29), "2026-9M"),  # not the first half in November
        (date(2026, 9, 14), "2026-H1"),  # the nine months end that day
        (date(2026, 9, 15), "2026-9M"),
        (date(2026, 12, 15), "2026"),  # the year window ends on 14 December
        (date(2027, 3, 1), "2026"),
        (date(2027, 6, 15), "2027-H1"),
    ],
)
def test_latest_ended_window(on: date, key: str) -> None:
    assert latest_ended_period(on=on).key == key
