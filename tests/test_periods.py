"""Reporting periods: the NĐ 09 windows as data, ranges, custom periods, refusals."""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from dvdesk.documents.periods import (
    add_custom_period,
    list_custom_periods,
    named_period,
    parse_period,
    year_periods,
)
from dvdesk.errors import Conflict, ValidationFailed
from dvdesk.services.store import Store


@pytest.mark.parametrize(
    ("key", "start", "end", "label"),
    [
        ("2022", date(2021, 12, 15), date(2022, 12, 14), "năm 2022"),
        ("2022-H1", date(2021, 12, 15), date(2022, 6, 14), "6 tháng đầu năm 2022"),
        ("2022-H2", date(2022, 6, 15), date(2022, 12, 14), "6 tháng cuối năm 2022"),
        ("2022-9M", date(2021, 12, 15), date(2022, 9, 14), "9 tháng năm 2022"),
        ("2022-Q1", date(2021, 12, 15), date(2022, 3, 14), "quý I năm 2022"),
        ("2022-Q2", date(2022, 3, 15), date(2022, 6, 14), "quý II năm 2022"),
        ("2022-Q3", date(2022, 6, 15), date(2022, 9, 14), "quý III năm 2022"),
        ("2022-Q4", date(2022, 9, 15), date(2022, 12, 14), "quý IV năm 2022"),
        ("2022-M01", date(2021, 12, 15), date(2022, 1, 14), "tháng 1 năm 2022"),
        ("2022-M07", date(2022, 6, 15), date(2022, 7, 14), "tháng 7 năm 2022"),
        ("2022-m07", date(2022, 6, 15), date(2022, 7, 14), "tháng 7 năm 2022"),
    ],
)
def test_named_windows_follow_decree_09(key: str, start: date, end: date, label: str) -> None:
    period = parse_period(key)
    assert (period.start, period.end, period.label) == (start, end, label)


def test_windows_of_a_year_tile_it_without_gaps() -> None:
    months = [p for p in year_periods(2024) if "-M" in p.key]
    assert len(months) == 12
    for before, after in itertools.pairwise(months):
        assert (after.start - before.end).days == 1
    assert months[0].start == named_period("2024").start  # type: ignore[union-attr]
    assert months[-1].end == named_period("2024").end  # type: ignore[union-attr]


def test_an_arbitrary_range() -> None:
    period = parse_period("2022-01-01..2022-03-31")
    assert (period.start, period.end) == (date(2022, 1, 1), date(2022, 3, 31))
    assert period.label == "từ ngày 01/01/2022 đến ngày 31/03/2022"


def test_a_range_typed_as_the_app_shows_dates() -> None:
    """Trial 3: the report screen says "Từ ngày 10/08/2026 đến ngày 10/11/2026"; the same
    dates typed on the command line were refused."""
    for typed in ("10/08/2026..10/11/2026", "10/8/2026..10/11/2026", "10/8/2026 .. 10/11/2026"):
        period = parse_period(typed)
        assert (period.start, period.end) == (date(2026, 8, 10), date(2026, 11, 10))
    with pytest.raises(ValidationFailed) as error:
        parse_period("30/02/2026..10/11/2026")
    assert error.value.message.startswith("30/02/2026 không có thật")


@pytest.mark.parametrize(
    "bad",
    [
        "2022-H3",
        "2022-Q5",
        "2022-M13",
        "H1",
        "2022-02-30..2022-03-01",
        "1/2..3/4/2022",
        "nonsense",
        "",
    ],
)
def test_bad_periods_are_refused_with_a_vietnamese_message(bad: str) -> None:
    with pytest.raises(ValidationFailed) as error:
        parse_period(bad)
    assert "không phải là kỳ báo cáo" in error.value.message


def test_a_reversed_range_is_refused() -> None:
    with pytest.raises(ValidationFailed) as error:
        parse_period("2022-03-01..2022-01-01")
    assert error.value.message == (
        "Kỳ báo cáo kết thúc (01/01/2022) trước khi bắt đầu (01/03/2022). Hãy đổi chỗ hai "
        "ngày, hoặc sửa lại một trong hai ngày, rồi thử lại."
    )


def test_previous_year_of_a_leap_day_window() -> None:
    period = parse_period("2024-02-01..2024-02-29").previous_year()
    assert (period.start, period.end) == (date(2023, 2, 1), date(2023, 2, 28))


def test_custom_periods_are_stored_and_parsed(store: Store) -> None:
    add_custom_period(
        store,
        data={
            "key": "SK2025",
            "label": "sơ kết 6 tháng 2025",
            "start": "2025-01-01",
            "end": "2025-06-30",
        },
    )
    custom = list_custom_periods(store)
    period = parse_period("SK2025", custom=custom)
    assert (period.start, period.end, period.label) == (
        date(2025, 1, 1),
        date(2025, 6, 30),
        "sơ kết 6 tháng 2025",
    )
    with pytest.raises(Conflict):
        add_custom_period(
            store,
            data={"key": "SK2025", "label": "x", "start": "2025-01-01", "end": "2025-06-30"},
        )
    with pytest.raises(ValidationFailed):
        add_custom_period(
            store, data={"key": "2025-H1", "label": "x", "start": "2025-01-01", "end": "2025-06-30"}
        )
