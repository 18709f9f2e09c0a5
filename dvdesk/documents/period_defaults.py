"""Which report the office most likely writes now: the window that ended last.

Dân vận offices report on the half year (sơ kết 6 tháng), nine months and the year
(tổng kết năm), each by its NĐ 09 data window. In November the nine months have
just ended; from 15 December the year has; in March it is still last year's.
"""

from __future__ import annotations

from datetime import date

from dvdesk.documents.periods import Period, named_period

REPORT_WINDOWS = ("", "-H1", "-9M")  # year, first half, nine months


def latest_ended_period(*, on: date) -> Period:
    """The report window that ended most recently on or before ``on`` (a longer one on a tie)."""
    candidates = [
        period
        for year in (on.year, on.year - 1)
        for suffix in REPORT_WINDOWS
        if (period := named_period(f"{year}{suffix}")) is not None and period.end < on
    ]
    return max(candidates, key=lambda period: (period.end, period.end - period.start))
