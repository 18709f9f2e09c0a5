"""The record list's approval column and filter: own records by their approval, records of
the offices below by where their review stands, read a page at a time."""

from __future__ import annotations

from datetime import date

from dvdesk.domain.enums import RecordType
from dvdesk.domain.people import ApprovalStatus, ReviewState
from dvdesk.services.approval import approve_records, submit_record, withdraw_record
from dvdesk.services.browse import RecordQuery, record_keys, record_keys_sql, record_rows
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
    # Sorted by the column: the state's place in the workflow (kept by triggers).
    assert _by_approval(exchange.parent, include_deleted=True) == [
        "Chờ", "Trả lại", "Chấp nhận", "Thu hồi"
    ]  # fmt: skip


def _by_approval(store: Store, *, include_deleted: bool = False) -> list[str]:
    """Titles in the order of the approval column, ascending (what needs work first)."""
    query = RecordQuery(record_type=RecordType.INSPECTION, order="approval", descending=False,
                        include_deleted=include_deleted)  # fmt: skip
    keys = record_keys(store, query=query)
    return [row.title for row in record_rows(store, keys=keys)]


def test_the_approval_column_sorts_by_the_index(store: Store) -> None:
    def add(title: str) -> str:
        return add_record(store, record_type=RecordType.INSPECTION, data=inspection(title=title))

    approved = add("Duyệt")
    approve_records(store, record_ids=[approved])
    changed = add("Sửa")
    approve_records(store, record_ids=[changed])
    submit_record(store, record_id=add("Trình"))
    draft = add("Nháp")
    # Same state: the date, then the order they were added, as the date sort has it.
    assert _by_approval(store) == ["Nháp", "Trình", "Duyệt", "Sửa"]
    update_record(store, record_id=changed, changes={"place": "Thôn Giang Cao"})
    assert _by_approval(store) == ["Nháp", "Trình", "Sửa", "Duyệt"]  # sửa sau khi duyệt
    submit_record(store, record_id=changed)
    assert _by_approval(store) == ["Nháp", "Sửa", "Trình", "Duyệt"]
    approve_records(store, record_ids=[changed])
    assert _by_approval(store) == ["Nháp", "Trình", "Duyệt", "Sửa"]
    with store.raw() as connection:  # no approval row (made before approval): approved
        connection.execute("DELETE FROM record_approval WHERE record_id = ?", (draft,))
        connection.commit()
    assert _by_approval(store) == ["Trình", "Duyệt", "Sửa", "Nháp"]
    query = RecordQuery(record_type=RecordType.INSPECTION, order="approval")
    sql, params = record_keys_sql(query, limit=200)
    with store.raw() as connection:
        plan = " ".join(row[-1] for row in connection.execute(f"EXPLAIN QUERY PLAN {sql}", params))
    assert "approval_rank" in plan and "TEMP B-TREE" not in plan, plan
