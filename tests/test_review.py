"""The review loop with the level above: return with a reason and a deadline, resubmit,
accept, withdraw; and the parent never edits a child's record, by any command."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from dvdesk.documents.figures import Scope, compute_figures
from dvdesk.documents.periods import parse_period
from dvdesk.domain.people import ApprovalStatus, ReviewState
from dvdesk.domain.record_view import InspectionView
from dvdesk.errors import UserError
from dvdesk.services.approval import (
    approval_of,
    approve_records,
    submit_record,
    withdraw_record,
)
from dvdesk.services.records import delete_record, get_record, update_record
from dvdesk.services.review import accept_records, return_record, review_items
from dvdesk.sync.held_back import NothingToSend
from dvdesk.sync.receipt import import_receipt, returned_records, write_receipt
from tests import sync_fixtures
from tests.sync_fixtures import PASSPHRASE, Exchange

exchange_template = sync_fixtures.exchange_template
exchange = sync_fixtures.exchange


def _states(exchange: Exchange) -> dict[str, ReviewState]:
    return {item.record_id: item.state for item in review_items(exchange.parent, office="10105")}


def _send_receipt(exchange: Exchange) -> Path:
    receipt = write_receipt(
        exchange.parent, origin="10105", out=exchange.stick, passphrase=PASSPHRASE
    )
    import_receipt(exchange.child, path=receipt.path)
    return receipt.path


def test_a_return_travels_down_and_the_resubmission_comes_back_marked(exchange: Exchange) -> None:
    record_id = exchange.add()
    kept = exchange.add(title="Kiểm tra giám sát việc lấy ý kiến Nhân dân")
    exchange.import_(exchange.export().path)
    assert _states(exchange) == {record_id: ReviewState.TO_REVIEW, kept: ReviewState.TO_REVIEW}

    return_record(
        exchange.parent,
        record_id=record_id,
        reason="Thiếu số quyết định kiểm tra",
        deadline=date(2026, 12, 15),
    )
    accept_records(exchange.parent, record_ids=[kept])
    assert _states(exchange)[record_id] is ReviewState.RETURNED
    _send_receipt(exchange)

    [returned] = returned_records(exchange.child)
    assert (returned.comment, returned.deadline) == (
        "Thiếu số quyết định kiểm tra",
        date(2026, 12, 15),
    )
    assert approval_of(exchange.child, record_id=record_id).status is ApprovalStatus.RETURNED

    update_record(exchange.child, record_id=record_id, changes={"decision_number": "12-QĐ/BXDĐ"})
    with pytest.raises(NothingToSend) as held:  # still returned: not sent before approval
        exchange.export()
    assert held.value.held.returned == 1
    submit_record(exchange.child, record_id=record_id)
    approve_records(exchange.child, record_ids=[record_id])
    exchange.import_(exchange.export().path)
    with exchange.parent.raw() as connection:
        marked = connection.execute(
            "SELECT resubmission FROM record_approval WHERE record_id = ?", (record_id,)
        ).fetchone()
    assert marked == (1,)  # the package carried the resubmission mark
    states = _states(exchange)
    assert states == {record_id: ReviewState.RESUBMITTED, kept: ReviewState.ACCEPTED}
    assert ReviewState.RESUBMITTED.label == "đã nộp lại"
    corrected = get_record(exchange.parent, record_id=record_id)
    assert isinstance(corrected, InspectionView)
    assert corrected.decision_number == "12-QĐ/BXDĐ"
    accept_records(exchange.parent, record_ids=[record_id])
    assert _states(exchange)[record_id] is ReviewState.ACCEPTED


def test_a_withdrawal_leaves_the_parents_totals(exchange: Exchange) -> None:
    record_id = exchange.add()
    exchange.import_(exchange.export().path)
    period = parse_period("2024")
    before = compute_figures(exchange.parent, period=period, scope=Scope.ALL).totals
    assert before.inspection.sessions == 1
    withdraw_record(exchange.child, record_id=record_id, reason="Nhập trùng với hồ sơ khác")
    exchange.import_(exchange.export().path)
    [item] = review_items(exchange.parent, office="10105")
    assert (item.state, item.reason) == (ReviewState.WITHDRAWN, "Nhập trùng với hồ sơ khác")
    assert item.state.label == "đã thu hồi"
    after = compute_figures(exchange.parent, period=period, scope=Scope.ALL).totals
    assert after.inspection.sessions == 0


def test_the_parent_never_edits_a_childs_record(exchange: Exchange) -> None:
    record_id = exchange.add()
    exchange.import_(exchange.export().path)
    before = get_record(exchange.parent, record_id=record_id)
    parent = exchange.parent
    attempts = [
        lambda: update_record(parent, record_id=record_id, changes={"place": "Nơi khác"}),
        lambda: delete_record(parent, record_id=record_id),
        lambda: submit_record(parent, record_id=record_id),
        lambda: approve_records(parent, record_ids=[record_id]),
        lambda: withdraw_record(parent, record_id=record_id, reason="Không hợp lệ"),
    ]
    for attempt in attempts:
        with pytest.raises(UserError, match="10105"):
            attempt()
    # Reviewing changes the review, not the record.
    accept_records(parent, record_ids=[record_id])
    return_record(
        parent, record_id=record_id, reason="Bổ sung kết luận", deadline=date(2026, 12, 1)
    )
    assert get_record(parent, record_id=record_id) == before
