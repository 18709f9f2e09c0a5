"""A record's lifecycle: nháp → trình duyệt → đã duyệt, "sửa sau khi duyệt", and what leaves."""

from __future__ import annotations

import json

import pytest

from dvdesk.domain.enums import RecordType
from dvdesk.domain.people import ApprovalStatus
from dvdesk.services.approval import (
    INCLUDE_UNAPPROVED,
    approval_of,
    approve_records,
    submit_record,
)
from dvdesk.services.records import add_record, update_record
from dvdesk.services.settings import set_setting
from dvdesk.services.store import Store
from dvdesk.sync.held_back import NothingToSend
from tests import sync_fixtures
from tests.conftest import CliRunner
from tests.samples import inspection
from tests.sync_fixtures import Exchange

exchange_template = sync_fixtures.exchange_template
exchange = sync_fixtures.exchange


def test_a_record_moves_from_draft_to_approved_and_back_to_changed(exchange: Exchange) -> None:
    child = exchange.child
    record_id = add_record(child, record_type=RecordType.INSPECTION, data=inspection())
    assert approval_of(child, record_id=record_id).status is ApprovalStatus.DRAFT
    assert submit_record(child, record_id=record_id).status is ApprovalStatus.SUBMITTED
    [approved] = approve_records(child, record_ids=[record_id])
    assert (approved.status, approved.approved_by) == (ApprovalStatus.APPROVED, "chuyenvien")
    update_record(child, record_id=record_id, changes={"place": "Nhà văn hóa thôn"})
    assert approval_of(child, record_id=record_id).status is ApprovalStatus.CHANGED
    with child.raw() as connection:
        [(actor, changes)] = connection.execute(
            "SELECT actor, changes FROM audit_log WHERE entity_id = ? AND action = 'update'",
            (record_id,),
        ).fetchall()
    assert actor == "chuyenvien" and json.loads(changes)["place"]["to"] == "Nhà văn hóa thôn"


def test_only_approved_records_leave_and_a_change_waits_for_approval(exchange: Exchange) -> None:
    draft = add_record(exchange.child, record_type=RecordType.INSPECTION, data=inspection())
    sent = exchange.add(title="Kiểm tra đã duyệt")
    first = exchange.export()
    assert first.records == 1
    exchange.import_(first.path)
    exchange.acknowledge()
    parent_view = approval_of(exchange.parent, record_id=sent)
    assert (parent_view.status, parent_view.approved_by) == (ApprovalStatus.APPROVED, "chuyenvien")
    assert parent_view.approved_at is not None

    update_record(exchange.child, record_id=sent, changes={"place": "Nơi khác"})
    with pytest.raises(NothingToSend) as held:  # changed after approval: not sent
        exchange.export()
    assert (held.value.held.drafts, held.value.held.waiting) == (1, 1)
    approve_records(exchange.child, record_ids=[sent, draft])
    again = exchange.export()
    assert again.records == 2
    summary = exchange.import_(again.path)
    assert (summary.new, summary.updated) == (1, 1)


def test_an_office_may_send_unapproved_records_marked_as_such(exchange: Exchange) -> None:
    set_setting(exchange.child, key=INCLUDE_UNAPPROVED, value=True)
    draft = add_record(exchange.child, record_type=RecordType.INSPECTION, data=inspection())
    exchange.import_(exchange.export().path)
    marked = approval_of(exchange.parent, record_id=draft)
    assert (marked.status, marked.approved_by) == (ApprovalStatus.DRAFT, None)


def test_cli_submit_approve_and_list_by_status(cli: CliRunner, store: Store) -> None:
    added = cli("record", "add", "inspection", "--json", "-", stdin=json.dumps(inspection()))
    assert added.code == 0, added.err
    record_id = added.out.strip()
    drafts = cli("record", "list", "--status", "draft", "--json").json()
    assert [(r["id"], r["approval"]["status"]) for r in drafts] == [(record_id, "draft")]
    assert cli("record", "submit", record_id).code == 0
    assert [r["id"] for r in cli("record", "list", "--status", "submitted", "--json").json()] == [
        record_id
    ]
    approved = cli("record", "approve", record_id)
    assert approved.code == 0 and "Đã duyệt 1 hồ sơ" in approved.out
    again = cli("record", "approve", record_id)
    assert again.code != 0 and "đã được duyệt rồi" in again.err
    assert cli("record", "list", "--status", "draft", "--json").json() == []
