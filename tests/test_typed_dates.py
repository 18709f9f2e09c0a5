"""Dates read the way clerks type them, without Qt."""

from __future__ import annotations

from datetime import date

import pytest

from dvdesk.typed_dates import parse_typed_date

TODAY = date(2026, 11, 29)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("10/11/2026", date(2026, 11, 10)),
        ("10112026", date(2026, 11, 10)),
        ("1/2/2026", date(2026, 2, 1)),
        ("10/11/26", date(2026, 11, 10)),
        ("101126", date(2026, 11, 10)),
        ("10-11-2026", date(2026, 11, 10)),
        ("10.11.2026", date(2026, 11, 10)),
        (" 10 11 2026 ", date(2026, 11, 10)),
        ("2026-11-10", date(2026, 11, 10)),
        ("5/7/98", date(1998, 7, 5)),
        ("29/2/2024", date(2024, 2, 29)),
    ],
)
def test_accepted_forms(typed: str, expected: date) -> None:
    assert parse_typed_date(typed, today=TODAY).value == expected
    assert parse_typed_date(typed, today=TODAY).problem is None


def test_empty_is_no_date_and_no_problem() -> None:
    assert parse_typed_date("  ", today=TODAY).value is None
    assert parse_typed_date("", today=TODAY).problem is None


@pytest.mark.parametrize("typed", ["31/02/2026", "29/2/2025", "00/11/2026", "10/13/2026"])
def test_impossible_dates_say_so_in_vietnamese(typed: str) -> None:
    parsed = parse_typed_date(typed, today=TODAY)
    assert parsed.value is None
    assert parsed.problem is not None and "không có" in parsed.problem


@pytest.mark.parametrize("typed", ["10/11", "hôm nay", "1011202", "10//11/2026x"])
def test_unreadable_text_says_how_to_type_a_date(typed: str) -> None:
    parsed = parse_typed_date(typed, today=TODAY)
    assert parsed.value is None
    assert parsed.problem is not None and "10/11/2026" in parsed.problem
