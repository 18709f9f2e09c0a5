"""What leaves the office: demo records stay home, and an empty package is never written."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from dvdesk.domain.enums import RecordType
from dvdesk.domain.people import ApprovalStatus, Role
from dvdesk.paths import DataPaths
from dvdesk.services.approval import approval_queue, approve_records
from dvdesk.services.auth import sign_in
from dvdesk.services.demo import add_demo_records, demo_count, remove_demo_records
from dvdesk.services.office_view import get_office
from dvdesk.services.records import add_record, list_records
from dvdesk.services.store import Store
from dvdesk.services.users import add_user
from dvdesk.sync.batch import PassphraseRequest, import_batch
from dvdesk.sync.card_advice import card_advice, fingerprint_advice
from dvdesk.sync.export import export_package
from dvdesk.sync.held_back import NothingToSend
from dvdesk.sync.refusals import Reason, Refused
from dvdesk.sync.status import outbox
from tests import sync_fixtures
from tests.conftest import CliRunner
from tests.samples import OFFICE, dialogue, inspection
from tests.sync_fixtures import CENTRAL, PASSPHRASE, PROVINCE, Exchange, make_office

exchange_template = sync_fixtures.exchange_template
exchange = sync_fixtures.exchange


def _tables(paths: DataPaths) -> dict[str, int]:
    connection = sqlite3.connect(paths.database)
    try:
        return {
            table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("record", "demo_record", "package_out")
        }
    finally:
        connection.close()


def test_demo_records_stay_home_and_the_summary_counts_them(exchange: Exchange) -> None:
    add_demo_records(exchange.child, count=30, seed=4, office_codes=["10105"])
    real = exchange.add(title="Kiểm tra việc thực hiện Quy chế dân chủ ở cơ sở")
    # The screen's "records not yet confirmed" counts what will be sent, not the demo.
    assert outbox(exchange.child, destination="01").unacknowledged_records == 1
    result = exchange.export()
    assert result.records == 1
    summary = exchange.import_(result.path)
    assert summary.new == 1
    assert [r.id for r in list_records(exchange.parent)] == [real]
    assert demo_count(exchange.child) == 30


def test_removing_demo_records_sends_no_deletions(exchange: Exchange) -> None:
    add_demo_records(exchange.child, count=12, seed=5, office_codes=["10105"])
    exchange.add()
    first = exchange.export()
    exchange.import_(first.path)
    exchange.acknowledge()
    assert remove_demo_records(exchange.child) == 12
    assert demo_count(exchange.child) == 0
    assert len(list_records(exchange.child)) == 1
    # Nothing about the removal travels: there is nothing new to send.
    with pytest.raises(NothingToSend):
        exchange.export()
    assert remove_demo_records(exchange.child) == 0


def test_demo_records_show_as_demo_in_lists(store: Store) -> None:
    from dvdesk.services.browse import RecordQuery, record_keys, record_rows

    add_demo_records(store, count=3, seed=6, office_codes=["10105"])
    own = add_record(store, record_type=RecordType.INSPECTION, data=inspection())
    rows = record_rows(store, keys=list(record_keys(store, query=RecordQuery())))
    assert sorted((row.id == own, row.demo) for row in rows) == [
        (False, True),
        (False, True),
        (False, True),
        (True, False),
    ]


def test_a_draft_alone_writes_no_package_and_uses_no_number(exchange: Exchange) -> None:
    draft = add_record(exchange.child, record_type=RecordType.INSPECTION, data=inspection())
    before = _tables(exchange.child.paths)
    with pytest.raises(NothingToSend) as refused:
        exchange.export()
    error = refused.value
    assert error.held.drafts == 1
    assert error.held.draft_type == "inspection"
    # One person, no users: the drafts wait in the approval queue itself.
    assert error.step == "approvals"
    assert "1 hồ sơ" in error.message and "bản nháp" in error.message
    assert "không dùng số gói" in error.message
    assert list(exchange.stick.iterdir()) == []
    assert _tables(exchange.child.paths) == before
    assert [item.record_id for item in approval_queue(exchange.child)] == [draft]
    approve_records(exchange.child, record_ids=[draft])
    assert exchange.export().sequence == 1  # the refused export used no number


def test_with_users_a_draft_leads_to_the_drafts_not_the_empty_queue(exchange: Exchange) -> None:
    add_user(
        exchange.child,
        name="truongban",
        full_name="Nguyễn Văn Hùng",
        roles=[Role.HEAD, Role.ADMIN],
        password="mật khẩu trưởng ban",
    )
    sign_in(exchange.child, name="truongban", password="mật khẩu trưởng ban")
    add_record(exchange.child, record_type=RecordType.DIALOGUE, data=dialogue())
    with pytest.raises(NothingToSend) as refused:
        exchange.export()
    assert refused.value.step == "drafts"
    assert "Ctrl+Shift+S" in refused.value.message
    statuses = {item.status for item in approval_queue(exchange.child)}
    assert ApprovalStatus.DRAFT not in statuses


def test_demo_records_alone_say_they_stay_home(exchange: Exchange) -> None:
    add_demo_records(exchange.child, count=5, seed=7, office_codes=["10105"])
    with pytest.raises(NothingToSend) as refused:
        exchange.export()
    assert refused.value.held.demo == 5
    assert "5 hồ sơ mẫu" in refused.value.message


def test_an_encrypted_package_of_an_unknown_office_is_refused_before_the_passphrase(
    exchange: Exchange, tmp_path: Path
) -> None:
    stranger = make_office(tmp_path / "stranger", {**OFFICE, "code": "10199", "name": "Xã Lạ"})
    from dvdesk.sync.keycard import parse_card
    from dvdesk.sync.keys import active_key
    from dvdesk.sync.trust import enroll_card

    enroll_card(stranger, card=parse_card(active_key(exchange.parent).card))
    exchange.add(exchange.sibling)  # a known office, for comparison
    record = add_record(stranger, record_type=RecordType.INSPECTION, data=inspection())
    approve_records(stranger, record_ids=[record])
    package = export_package(stranger, out=exchange.stick, passphrase=PASSPHRASE, encrypt=True)
    stranger.close()
    asked: list[PassphraseRequest] = []

    def ask(request: PassphraseRequest) -> str | None:
        asked.append(request)
        return PASSPHRASE

    result = import_batch(exchange.parent, paths=[package.path], ask_passphrase=ask)
    assert asked == []
    error = result.files[0].error
    assert isinstance(error, Refused) and error.reason is Reason.UNKNOWN_KEY
    assert active_key(exchange.parent).key_id[:8] not in error.message


@pytest.mark.parametrize(
    ("data", "wanted", "unwanted"),
    [
        (OFFICE, "Thành ủy Hà Nội", "cấp dưới"),
        (PROVINCE, "Trung ương", "chưa"),
        (CENTRAL, "không có cơ quan cấp trên", "Mang"),
    ],
)
def test_the_key_card_advice_fits_the_office_level(
    tmp_path: Path, data: dict[str, object], wanted: str, unwanted: str
) -> None:
    store = make_office(tmp_path / "office", data)
    office = get_office(store)
    store.close()
    advice = card_advice(office) + " " + fingerprint_advice(office, "12345 67890")
    assert wanted in advice
    assert unwanted not in advice


def test_the_demo_command_removes_what_it_added(cli: CliRunner) -> None:
    added = cli("demo", "--records", "30", "--if-empty")
    assert added.code == 0, added.err
    again = cli("demo", "--if-empty")  # the README's first command, run twice
    assert again.code == 0 and "nothing added" not in again.out
    assert "đã có hồ sơ" in again.out
    removed = cli("demo", "--remove")
    assert removed.code == 0, removed.err
    assert "Đã xóa 33 hồ sơ mẫu" in removed.out  # 30 records and 3 leadership documents
    listed = cli("record", "list", "--json", "--deleted")
    assert listed.json() == []  # deleted outright, no deletion records
    assert "không có hồ sơ mẫu" in cli("demo", "--remove").out
