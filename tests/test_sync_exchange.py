"""Packages between a commune and its province: export, import, receipts, relay, status."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest

from dvdesk.clock import today
from dvdesk.domain.enums import RecordType
from dvdesk.domain.record_view import DialogueView, RecordView
from dvdesk.services.approval import approve_records
from dvdesk.services.attachments import add_attachment, blob_path
from dvdesk.services.records import (
    add_record,
    delete_record,
    get_record,
    list_records,
    update_record,
)
from dvdesk.sync import keys, status
from dvdesk.sync.export import export_package
from dvdesk.sync.held_back import NothingToSend
from dvdesk.sync.keycard import parse_card
from dvdesk.sync.receipt import (
    import_receipt,
    request_correction,
    returned_records,
    write_receipt,
)
from dvdesk.sync.refusals import Reason, Refused
from dvdesk.sync.trust import enroll_card
from dvdesk.sync.verify import verify_package
from tests import sync_fixtures
from tests.conftest import database_digest
from tests.samples import OFFICE, dialogue
from tests.sync_fixtures import CENTRAL, PASSPHRASE, Exchange, introduce, make_office

exchange_template = sync_fixtures.exchange_template
exchange = sync_fixtures.exchange


def test_round_trip_keeps_every_field_origin_and_revision(exchange: Exchange) -> None:
    first = exchange.add()
    gone = exchange.add(title="Kiểm tra đã xóa")
    dialogue_id = add_record(exchange.child, record_type=RecordType.DIALOGUE, data=dialogue())
    approve_records(exchange.child, record_ids=[dialogue_id])
    delete_record(exchange.child, record_id=gone)
    result = exchange.export()
    assert (result.sequence, result.covers_from, result.records, result.tombstones) == (1, 1, 3, 1)
    summary = exchange.import_(result.path)
    assert (summary.new, summary.updated, summary.unchanged, summary.refused) == (3, 0, 0, 0)
    mine = get_record(exchange.child, record_id=first)
    theirs = get_record(exchange.parent, record_id=first)
    assert theirs == mine
    assert theirs.office_code == "10105"
    sent = get_record(exchange.child, record_id=dialogue_id)
    received = get_record(exchange.parent, record_id=dialogue_id)
    assert isinstance(sent, DialogueView)
    assert sent.issues[1].protect_identity is True and sent.issues[1].raised_by
    hidden = replace(sent.issues[1], raised_by=None)  # a denouncer's identity never leaves
    assert received == replace(sent, issues=(sent.issues[0], hidden, *sent.issues[2:]))
    assert get_record(exchange.parent, record_id=gone).deleted is True
    assert list_records(exchange.parent, search="bat trang")  # search text travels and works
    assert _derived(exchange.parent, first) == _derived(exchange.child, first)


def _derived(store: object, record_id: str) -> tuple[str, str]:
    import sqlite3

    from dvdesk.services.store import Store

    assert isinstance(store, Store)
    connection = sqlite3.connect(store.paths.database)
    try:
        row = connection.execute(
            "SELECT title_sort, search_text FROM record WHERE id = ?", (record_id,)
        ).fetchone()
    finally:
        connection.close()
    return row[0], row[1]


def test_same_package_twice_is_once(exchange: Exchange) -> None:
    exchange.add()
    result = exchange.export()
    exchange.import_(result.path)
    before = database_digest(exchange.parent.paths)
    again = exchange.import_(result.path)
    assert again.already_imported
    assert database_digest(exchange.parent.paths) == before


def test_dry_run_shows_the_summary_and_changes_nothing(exchange: Exchange) -> None:
    exchange.add()
    result = exchange.export()
    before = database_digest(exchange.parent.paths)
    summary = exchange.import_(result.path, dry_run=True)
    assert summary.dry_run and summary.new == 1
    assert database_digest(exchange.parent.paths) == before
    assert exchange.import_(result.path).new == 1


def test_updates_and_resent_records(exchange: Exchange) -> None:
    record = exchange.add()
    first = exchange.export()
    exchange.import_(first.path)
    update_record(exchange.child, record_id=record, changes={"place": "Nhà văn hóa"})
    approve_records(exchange.child, record_ids=[record])
    other = exchange.add(title="Kiểm tra thứ hai")
    second = exchange.export()  # not acknowledged: re-sends the first record too
    assert (second.sequence, second.covers_from, second.records) == (2, 1, 2)
    summary = exchange.import_(second.path)
    assert (summary.new, summary.updated, summary.unchanged) == (1, 1, 0)
    assert get_record(exchange.parent, record_id=record).place == "Nhà văn hóa"
    assert get_record(exchange.parent, record_id=other).revision == 1


def test_receipt_moves_the_next_export_past_what_was_acknowledged(exchange: Exchange) -> None:
    exchange.add()
    first = exchange.export()
    exchange.import_(first.path)
    exchange.acknowledge()
    assert status.outbox(exchange.child, destination="01").acknowledged_sequence == 1
    # Nothing new: no package is written and no number is used.
    with pytest.raises(NothingToSend):
        exchange.export()
    exchange.add(title="Sau biên nhận")
    second = exchange.export()
    assert (second.sequence, second.covers_from, second.records) == (2, 2, 1)
    exchange.add(title="Sau gói số 2")
    third = exchange.export()
    assert (third.sequence, third.covers_from, third.records) == (3, 2, 2)
    # Package 2 was lost on the way: package 3 covers it, so there is no gap.
    summary = exchange.import_(third.path)
    assert summary.new == 2


def test_records_sent_back_travel_with_the_receipt(exchange: Exchange) -> None:
    record = exchange.add()
    exchange.import_(exchange.export().path)
    request_correction(exchange.parent, record_id=record, comment="Thiếu số quyết định")
    receipt = write_receipt(
        exchange.parent, origin="10105", out=exchange.stick, passphrase=PASSPHRASE
    )
    assert [r.record_id for r in receipt.returned] == [record]
    taken = import_receipt(exchange.child, path=receipt.path)
    assert taken.returned[0].comment == "Thiếu số quyết định"
    assert [r.corrected for r in returned_records(exchange.child)] == [False]
    update_record(exchange.child, record_id=record, changes={"decision_number": "12-QĐ/BXDĐ"})
    assert [r.corrected for r in returned_records(exchange.child)] == [True]
    approve_records(exchange.child, record_ids=[record])
    exchange.import_(exchange.export().path)
    assert status.unit_statuses(exchange.parent)[0].open_corrections == 0
    again = import_receipt(exchange.child, path=receipt.path)
    assert again.already_imported


def test_child_cannot_overwrite_a_siblings_records(exchange: Exchange) -> None:
    # The sibling's record reaches the province legitimately first.
    sibling_record = exchange.add(exchange.sibling, title="Của xã Gia Lâm")
    exchange.import_(exchange.export(exchange.sibling).path)
    # A tampered install of the child holds a "newer" copy of it: it is never exported,
    # since a package carries only its signer's own records …
    data = get_record(exchange.parent, record_id=sibling_record)
    _insert_copy(exchange.child, data, revision=data.revision + 5)
    mine = exchange.add()
    exported = exchange.export()
    assert exported.offices == {"10105": 1}
    # … and a package signed with the child's key that carries it is refused whole.
    from tests.test_sync_attacks import read_members, wire_records, with_records, write_members

    members = read_members(exported.path)
    copy = wire_records(members)[0] | {"id": sibling_record, "office_code": "10106", "revision": 6}
    members = with_records(exchange.child, members, [*wire_records(members), copy])
    forged = write_members(exchange.stick / "smuggled.dvpkg", members)
    with pytest.raises(Refused) as refused:
        exchange.import_(forged)
    assert refused.value.reason is Reason.PLANTED_RECORD and "10106" in refused.value.message
    assert get_record(exchange.parent, record_id=sibling_record).revision == 1
    assert exchange.import_(exported.path).new == 1
    assert get_record(exchange.parent, record_id=mine).office_code == "10105"


def test_a_commune_never_exports_another_offices_records(exchange: Exchange) -> None:
    made_up = replace(
        get_record(exchange.child, record_id=exchange.add()),
        id="00000000-0000-4000-8000-000000000001",
        office_code="10999",
    )
    _insert_copy(exchange.child, made_up, revision=1)
    summary = exchange.import_(exchange.export().path)
    assert {line.office_code for line in summary.records} == {"10105"}
    assert summary.new == 1


def _insert_copy(store: object, data: RecordView, *, revision: int) -> None:
    """Write a foreign record straight into a database, as a tampered install would."""
    import sqlite3

    from dvdesk.services.store import Store

    assert isinstance(store, Store)
    connection = sqlite3.connect(store.paths.database)
    with connection:
        (seq,) = connection.execute(
            "SELECT coalesce(max(change_seq), 0) + 1 FROM record"
        ).fetchone()
        connection.execute(
            "INSERT INTO record (id, type, office_code, title, title_sort, start_date, fields, "
            "status, members, co_chairs, search_text, revision, change_seq, created_by, "
            "created_at, updated_by, updated_at, deleted) VALUES "
            "(?, 'inspection', ?, ?, ?, ?, '[]', 'completed', '[]', '[]', '', ?, ?, 'x', 'x', "
            "'x', 'x', 0)",
            (
                data.id,
                data.office_code,
                data.title,
                "t",
                data.start_date.isoformat(),
                revision,
                seq,
            ),
        )
    connection.close()


def test_attachments_travel_and_are_verified(exchange: Exchange, tmp_path: Path) -> None:
    record = exchange.add()
    scan = tmp_path / "bien-ban.pdf"
    scan.write_bytes(b"%PDF-1.4 scan " * 1000)
    attachment = add_attachment(exchange.child, record_id=record, source=scan)
    result = exchange.export()
    assert result.attachments == 1
    summary = exchange.import_(result.path)
    assert summary.attachments_added == 1
    stored = blob_path(exchange.parent, attachment.sha256)
    assert stored.read_bytes() == scan.read_bytes()
    assert get_record(exchange.parent, record_id=record).attachments[0].filename == "bien-ban.pdf"


def test_encrypted_package_round_trip(exchange: Exchange, tmp_path: Path) -> None:
    record = exchange.add()
    scan = tmp_path / "anh.jpg"
    scan.write_bytes(b"\xff\xd8 photo" * 500)
    add_attachment(exchange.child, record_id=record, source=scan)
    result = exchange.export(encrypt=True)
    assert result.encrypted
    raw = result.path.read_bytes()
    assert "Bát Tràng".encode() not in raw and b"photo" not in raw
    verified = verify_package(exchange.parent, path=result.path)  # no passphrase needed
    assert verified.encrypted
    summary = exchange.import_(result.path)
    assert summary.new == 1 and summary.attachments_added == 1
    assert get_record(exchange.parent, record_id=record).title.startswith("Kiểm tra")


def test_encrypted_import_needs_the_passphrase(exchange: Exchange) -> None:
    exchange.add()
    result = exchange.export(encrypt=True)
    from dvdesk.errors import UserError
    from dvdesk.sync.apply import import_package

    before = database_digest(exchange.parent.paths)
    with pytest.raises(UserError, match="mã hóa"):
        import_package(exchange.parent, path=result.path)
    with pytest.raises(UserError, match="Mật khẩu không đúng"):
        import_package(exchange.parent, path=result.path, passphrase="sai mật khẩu")
    assert database_digest(exchange.parent.paths) == before


def test_relay_upward_keeps_each_records_origin(exchange: Exchange, tmp_path: Path) -> None:
    central = make_office(tmp_path / "central", CENTRAL)
    introduce(exchange.parent, central)
    commune = exchange.add(title="Của xã Bát Tràng")
    exchange.import_(exchange.export().path)
    own = exchange.add(exchange.parent, title="Của tỉnh")
    upward = export_package(exchange.parent, out=exchange.stick, passphrase=PASSPHRASE)
    assert upward.offices == {"01": 1} and upward.relayed == 1
    summary = exchange.import_(upward.path, store=central)
    assert summary.new == 2
    origins = {r.id: r.office_code for r in list_records(central)}
    assert origins == {commune: "10105", own: "01"}
    central.close()


def test_key_rotation_is_trusted_through_the_certificate(exchange: Exchange) -> None:
    exchange.add()
    exchange.import_(exchange.export().path)
    rotated = keys.rotate_keys(exchange.child, passphrase=PASSPHRASE)
    exchange.add(title="Sau khi đổi khóa")
    summary = exchange.import_(exchange.export().path)
    assert summary.signer_key_id == rotated.key_id and summary.new == 1
    codes = {u.key_id: u.office_code for u in status.unit_statuses(exchange.parent)}
    assert codes[rotated.key_id] == "10105"


def test_enrolling_a_rotated_card_replaces_the_old_key(exchange: Exchange) -> None:
    rotated = keys.rotate_keys(exchange.child, passphrase=PASSPHRASE)
    enrolled = enroll_card(exchange.parent, card=parse_card(keys.active_key(exchange.child).card))
    assert enrolled.key_id == rotated.key_id


def test_a_different_key_for_an_enrolled_office_is_refused(
    exchange: Exchange, tmp_path: Path
) -> None:
    impostor = make_office(tmp_path / "impostor", dict(OFFICE))
    with pytest.raises(Refused) as refused:
        enroll_card(exchange.parent, card=parse_card(keys.active_key(impostor).card))
    assert refused.value.reason is Reason.ALREADY_ENROLLED
    impostor.close()


def test_status_lists_offices_and_who_has_not_reported(exchange: Exchange) -> None:
    units = status.unit_statuses(exchange.parent)
    assert [(u.office_code, u.last_sequence) for u in units] == [("10105", None), ("10106", None)]
    exchange.add()
    exchange.import_(exchange.export().path)
    by_code = {u.office_code: u for u in status.unit_statuses(exchange.parent)}
    assert by_code["10105"].last_sequence == 1
    assert by_code["10105"].last_imported_on == today()
    week = (today() - timedelta(days=7), today())
    missing = status.not_reported(exchange.parent, start=week[0], end=week[1])
    assert [u.office_code for u in missing] == ["10106"]
    long_ago = status.not_reported(exchange.parent, start=date(2020, 1, 1), end=date(2020, 12, 31))
    assert [u.office_code for u in long_ago] == ["10105", "10106"]


def test_import_progress_is_one_bar_up_to_its_total(exchange: Exchange) -> None:
    for index in range(3):
        exchange.add(title=f"Hồ sơ {index}")
    result = exchange.export()
    seen: list[tuple[int, int]] = []
    summary = exchange.import_(result.path, progress=lambda done, total: seen.append((done, total)))
    assert len({total for _done, total in seen}) == 1
    assert [done for done, _total in seen] == sorted(done for done, _total in seen)
    assert seen[-1] == (1 + 3, 1 + 3)  # one member checked, three records applied
    assert {line.outcome.label for line in summary.records} == {"mới"}


def test_progress_and_cancel(exchange: Exchange) -> None:
    from dvdesk.errors import Cancelled

    for index in range(3):
        exchange.add(title=f"Hồ sơ {index}")
    seen: list[tuple[int, int]] = []
    result = exchange.export(progress=lambda done, total: seen.append((done, total)))
    assert seen[-1][0] == seen[-1][1]
    before = database_digest(exchange.parent.paths)
    with pytest.raises(Cancelled):
        exchange.import_(result.path, cancel=lambda: True)
    assert database_digest(exchange.parent.paths) == before
    calls = iter([False] * 2 + [True] * 100)  # stop inside the write transaction, at the end
    with pytest.raises(Cancelled):
        exchange.import_(result.path, cancel=lambda: next(calls))
    assert database_digest(exchange.parent.paths) == before
    with pytest.raises(Cancelled):
        exchange.export(cancel=lambda: True)
    assert not list(exchange.stick.glob("*.part"))
