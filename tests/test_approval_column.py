"""The record list's approval column and filter: own records by their approval, records of
the offices below by where their review stands, read a page at a time."""

from __future__ import annotations

from datetime import date

from dvdesk.domain.enums import RecordType
from dvdesk.domain.people import ApprovalStatus, ReviewState
from dvdesk.services.approval import approve_records, submit_record, withdraw_record
from dvdesk.services.browse import RecordQuery, record_keys, record_rows
from dvdesk.services.records import add_record, update_record
from dvdesk.services.review import accept_records, return_record
from dvdesk.services.store import Store
from tests import sync_fixtures
from tests.samples import inspection
from tests.sync_fixtures import Exchange

exchange_template = sync_fixtures.exchange_template
exchange = sync_fixtures.exchange


def _states(store: Store, **query: object) -> dict[str, ApprovalStatus | ReviewState | None]:
    keys = record_keys(store, query=RecordQuery(record_type=RecordType.INSPECTION, **query))  # type: ignore[arg-type]
    return {row.title: row.approval for row in record_rows(store, keys=keys)}


def test_own_records_show_their_approval_and_filter_by_it(store: Store) -> None:
    def add(title: str) -> str:
        return add_record(store, record_type=RecordType.INSPECTION, data=inspection(title=title))

    add("Nháp")
    submit_record(store, record_id=add("Trình"))
    approved = add("Duyệt")
    approve_records(store, record_ids=[approved])
    changed = add("Sửa")
    approve_records(store, record_ids=[changed])
    update_record(store, record_id=changed, changes={"place": "Thôn Giang Cao"})
    with store.raw() as connection:  # a record from before approval existed: no row
        connection.execute("DELETE FROM record_approval WHERE record_id = ?", (approved,))
    assert _states(store) == {
        "Nháp": ApprovalStatus.DRAFT,
        "Trình": ApprovalStatus.SUBMITTED,
        "Duyệt": ApprovalStatus.APPROVED,
        "Sửa": ApprovalStatus.CHANGED,
    }
    assert ApprovalStatus.CHANGED.label == "sửa sau khi duyệt"
    assert set(_states(store, approval=ApprovalStatus.DRAFT)) == {"Nháp"}
    assert set(_states(store, approval=ApprovalStatus.SUBMITTED)) == {"Trình"}
    assert set(_states(store, approval=ApprovalStatus.APPROVED)) == {"Duyệt"}
    assert set(_states(store, approval=ApprovalStatus.RETURNED)) == set()


def test_records_of_the_office_below_show_their_review(exchange: Exchange) -> None:
    returned = exchange.add(title="Trả lại")
    accepted = exchange.add(title="Chấp nhận")
    exchange.add(title="Chờ")
    withdrawn = exchange.add(title="Thu hồi")
    exchange.import_(exchange.export().path)
    return_record(exchange.parent, record_id=returned, reason="Thiếu số quyết định",
                  deadline=date(2026, 12, 15))  # fmt: skip
    accept_records(exchange.parent, record_ids=[accepted])
    withdraw_record(exchange.child, record_id=withdrawn, reason="Nhập trùng")
    exchange.import_(exchange.export().path)
    parent = _states(exchange.parent, include_deleted=True)
    assert parent == {
        "Trả lại": ReviewState.RETURNED,
        "Chấp nhận": ReviewState.ACCEPTED,
        "Chờ": ReviewState.TO_REVIEW,
        "Thu hồi": ReviewState.WITHDRAWN,
    }
    labels = {title: state.label for title, state in parent.items() if state is not None}
    assert labels == {
        "Trả lại": "đã trả lại để sửa",
        "Chấp nhận": "đã chấp nhận",
        "Chờ": "chờ xem xét",
        "Thu hồi": "đã thu hồi",
    }
