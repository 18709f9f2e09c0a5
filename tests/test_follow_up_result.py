"""Marking a recommendation resolved keeps what was done (kết quả) and the day."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from dvdesk.domain.enums import FollowUpStatus, RecordType
from dvdesk.errors import ValidationFailed
from dvdesk.services.browse import FollowUpQuery, follow_up_keys, follow_up_rows
from dvdesk.services.follow_ups import resolve_follow_up
from dvdesk.services.records import add_record, get_record
from dvdesk.services.store import Store
from tests.conftest import database_digest
from tests.samples import inspection


def _one_recommendation(store: Store) -> tuple[str, str]:
    record_id = add_record(
        store,
        record_type=RecordType.INSPECTION,
        data=inspection(recommendations=[{"content": "Đề nghị công khai quy hoạch sử dụng đất"}]),
    )
    [item] = get_record(store, record_id=record_id).recommendations
    return record_id, item.id


@pytest.mark.parametrize(
    ("result", "days", "field"),
    [("   ", 0, "result"), ("Đã niêm yết tại trụ sở UBND xã", 1, "result_date")],
)
def test_a_blank_result_or_a_future_day_is_refused_and_changes_nothing(
    store: Store, result: str, days: int, field: str
) -> None:
    _record_id, item_id = _one_recommendation(store)
    before = database_digest(store.paths)
    with pytest.raises(ValidationFailed) as refused:
        resolve_follow_up(
            store,
            source="recommendation",
            item_id=item_id,
            result=result,
            result_date=date.today() + timedelta(days=days),
        )
    assert refused.value.problems[0][0] == field
    assert "Không thay đổi gì" in refused.value.message
    assert database_digest(store.paths) == before


def test_the_result_and_its_day_are_kept_and_listed(store: Store) -> None:
    record_id, item_id = _one_recommendation(store)
    resolve_follow_up(
        store,
        source="recommendation",
        item_id=item_id,
        result="  Đã niêm yết   tại trụ sở UBND xã ",
        result_date=date(2026, 11, 10),
    )
    [item] = get_record(store, record_id=record_id).recommendations
    assert item.status is FollowUpStatus.RESOLVED
    assert (item.result, item.result_date) == ("Đã niêm yết tại trụ sở UBND xã", date(2026, 11, 10))
    keys = follow_up_keys(store, query=FollowUpQuery(state="resolved"))
    [row] = follow_up_rows(store, keys=keys)
    assert (row.result, row.result_date) == ("Đã niêm yết tại trụ sở UBND xã", date(2026, 11, 10))
