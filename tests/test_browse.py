"""Lazy list queries: ordered keys, visible rows, follow-ups."""

from __future__ import annotations

from datetime import date

from dvdesk.domain.enums import FollowUpStatus, RecordType
from dvdesk.domain.record_view import DialogueView
from dvdesk.services.browse import (
    FollowUpQuery,
    RecordQuery,
    follow_up_keys,
    follow_up_rows,
    record_keys,
    record_rows,
)
from dvdesk.services.follow_ups import set_follow_up_status
from dvdesk.services.records import add_record, delete_record, get_record
from dvdesk.services.store import Store
from tests.samples import dialogue, inspection


def _titles(store: Store, query: RecordQuery) -> list[str]:
    return [row.title for row in record_rows(store, keys=record_keys(store, query=query))]


def test_keys_follow_filters_and_order(store: Store) -> None:
    add_record(
        store,
        record_type=RecordType.INSPECTION,
        data=inspection(
            title="Kiểm tra tại Đảng ủy",
            start_date="2023-03-01",
            end_date=None,
            subjects=["Chi bộ thôn Đoài"],
        ),
    )
    add_record(
        store,
        record_type=RecordType.INSPECTION,
        data=inspection(title="Kiểm tra tại UBND", start_date="2024-03-01", end_date=None),
    )
    gone = add_record(store, record_type=RecordType.DIALOGUE, data=dialogue(title="Đối thoại"))
    delete_record(store, record_id=gone)
    assert _titles(store, RecordQuery()) == ["Kiểm tra tại UBND", "Kiểm tra tại Đảng ủy"]
    assert _titles(store, RecordQuery(order="title", descending=False)) == [
        "Kiểm tra tại Đảng ủy",
        "Kiểm tra tại UBND",
    ]
    assert _titles(store, RecordQuery(search="thon DOAI")) == ["Kiểm tra tại Đảng ủy"]
    assert _titles(store, RecordQuery(date_from=date(2024, 1, 1))) == ["Kiểm tra tại UBND"]
    assert _titles(store, RecordQuery(record_type=RecordType.DIALOGUE)) == []
    assert _titles(store, RecordQuery(include_deleted=True, record_type=RecordType.DIALOGUE)) == [
        "Đối thoại"
    ]


def test_rows_come_back_in_key_order_and_skip_missing(store: Store) -> None:
    add_record(store, record_type=RecordType.INSPECTION, data=inspection(title="A"))
    add_record(store, record_type=RecordType.INSPECTION, data=inspection(title="B"))
    keys = list(record_keys(store, query=RecordQuery(order="title", descending=False)))
    assert [r.title for r in record_rows(store, keys=[keys[1], 999_999, keys[0]])] == ["B", "A"]


def test_follow_ups_show_overdue_and_can_be_resolved(store: Store) -> None:
    record_id = add_record(store, record_type=RecordType.DIALOGUE, data=dialogue())
    add_record(store, record_type=RecordType.INSPECTION, data=inspection())
    on = date(2025, 10, 1)
    overdue = follow_up_rows(
        store, keys=follow_up_keys(store, query=FollowUpQuery(state="overdue", on=on)), on=on
    )
    # The denunciation assigned with deadline 2025-09-24, and the 2024 recommendation.
    assert {row.source for row in overdue} == {"issue", "recommendation"}
    assert all(row.overdue for row in overdue)
    issue = next(row for row in overdue if row.source == "issue")
    set_follow_up_status(
        store,
        source="issue",
        item_id=issue.id,
        status=FollowUpStatus.RESOLVED,
        result="Đã xử lý, trả lời công dân",
        result_date=date(2025, 9, 30),
    )
    left = follow_up_keys(store, query=FollowUpQuery(state="overdue", on=on))
    assert len(left) == 1
    record = get_record(store, record_id=record_id)
    assert isinstance(record, DialogueView)
    stored = next(i for i in record.issues if i.id == issue.id)
    assert stored.status is FollowUpStatus.RESOLVED
    assert stored.result == "Đã xử lý, trả lời công dân"
    searched = follow_up_keys(store, query=FollowUpQuery(search="ho ngheo"))
    assert len(searched) == 1


def test_a_cancelled_query_stops_inside_sqlite(store: Store) -> None:
    import pytest

    from dvdesk.errors import Cancelled
    from dvdesk.services.demo import add_demo_records

    add_demo_records(store, count=3000, seed=2, office_codes=["10105"])
    polls: list[int] = []

    def cancel() -> bool:
        polls.append(1)
        return True  # a newer search has started

    with pytest.raises(Cancelled):
        record_keys(store, query=RecordQuery(search="nguyen", order="title"), cancel=cancel)
    assert polls, "SQLite never asked whether to stop"
    assert len(record_keys(store, query=RecordQuery(search="nguyen"))) > 0
