"""This office's notes on a record: the only thing the parent adds to a child's record."""

from __future__ import annotations

import sqlite3
import zipfile

import pytest

from dvdesk.domain.enums import RecordType
from dvdesk.domain.people import Role
from dvdesk.errors import Conflict, NotFound, UserError
from dvdesk.services.approval import approve_records
from dvdesk.services.audit_chain import audit_lines, verify_chain
from dvdesk.services.auth import PermissionDenied, sign_in
from dvdesk.services.backup import make_backup
from dvdesk.services.notes import add_note, delete_note, edit_note, list_notes
from dvdesk.services.records import add_record, get_record, update_record
from dvdesk.services.store import Store, open_store
from dvdesk.services.users import add_user
from tests import sync_fixtures
from tests.conftest import CliRunner, database_digest
from tests.samples import inspection
from tests.sync_fixtures import Exchange, record_content

exchange_template = sync_fixtures.exchange_template
exchange = sync_fixtures.exchange

NOTE = "Đã chuyển Ban Tuyên giáo và Dân vận xem xét kiến nghị về giải phóng mặt bằng."


def _imported(exchange: Exchange) -> str:
    record_id = exchange.add()
    exchange.import_(exchange.export().path)
    return record_id


def test_the_parent_notes_a_childs_record_without_changing_it(exchange: Exchange) -> None:
    record_id = _imported(exchange)
    before = get_record(exchange.parent, record_id=record_id)
    content = record_content(exchange.parent.paths)
    note = add_note(exchange.parent, record_id=record_id, text=f"  {NOTE}\n")
    assert (note.text, note.author, note.mine) == (NOTE, "chuyenvien", True)
    assert [n.text for n in list_notes(exchange.parent, record_id=record_id)] == [NOTE]
    # The child's record, its parts and its change sequence are exactly as received.
    assert get_record(exchange.parent, record_id=record_id) == before
    assert record_content(exchange.parent.paths) == content
    # The one-writer rule stands: the record itself still cannot be changed here.
    with pytest.raises(Conflict, match="chỉ cơ quan đó được sửa hoặc xóa"):
        update_record(exchange.parent, record_id=record_id, changes={"place": "X"})
    [line] = [
        a for a in audit_lines(exchange.parent, record_id=record_id) if a.action == "note-add"
    ]
    assert line.as_json()["changes"] == {"note": note.id, "text": NOTE}
    assert verify_chain(exchange.parent).intact


def test_notes_survive_a_newer_revision_and_never_travel(exchange: Exchange) -> None:
    record_id = _imported(exchange)
    add_note(exchange.parent, record_id=record_id, text=NOTE)
    # The child corrects its record; the import replaces the row, the note stays.
    update_record(exchange.child, record_id=record_id, changes={"place": "Nhà văn hóa thôn"})
    approve_records(exchange.child, record_ids=[record_id])
    exchange.import_(exchange.export().path)
    assert get_record(exchange.parent, record_id=record_id).place == "Nhà văn hóa thôn"
    assert [n.text for n in list_notes(exchange.parent, record_id=record_id)] == [NOTE]
    # A note on the child's own record stays in the child's office: the package holds
    # neither the table nor the text.
    own = exchange.add()
    add_note(exchange.child, record_id=own, text="Ghi chú nội bộ: gọi lại trưởng thôn")
    package = exchange.export().path
    with zipfile.ZipFile(package) as archive:
        names = archive.namelist()
        payload = b"".join(archive.read(name) for name in names)
    assert not any("note" in name for name in names)
    assert "trưởng thôn".encode() not in payload
    exchange.import_(package)
    assert list_notes(exchange.parent, record_id=own) == []


def test_notes_are_in_the_backup(store: Store) -> None:
    record_id = add_record(store, record_type=RecordType.INSPECTION, data=inspection())
    add_note(store, record_id=record_id, text=NOTE)
    backup = make_backup(store.paths)
    connection = sqlite3.connect(backup.path)
    try:
        rows = connection.execute("SELECT record_id, text FROM record_note").fetchall()
    finally:
        connection.close()
    assert rows == [(record_id, NOTE)]


def test_only_the_author_edits_or_deletes_a_note(store: Store) -> None:
    record_id = add_record(store, record_type=RecordType.INSPECTION, data=inspection())
    add_user(store, name="quantri", roles=[Role.ADMIN], password="mat-khau-quan-tri")
    add_user(store, name="mai", roles=[Role.CLERK], password="mat-khau-chuyen-vien")
    add_user(store, name="long", roles=[Role.HEAD], password="mat-khau-lanh-dao")
    mai = open_store(store.paths, actor="os")
    sign_in(mai, name="mai", password="mat-khau-chuyen-vien")
    long = open_store(store.paths, actor="os")
    sign_in(long, name="long", password="mat-khau-lanh-dao")
    admin = open_store(store.paths, actor="os")
    sign_in(admin, name="quantri", password="mat-khau-quan-tri")
    try:
        note = add_note(mai, record_id=record_id, text=NOTE)
        assert [n.mine for n in list_notes(long, record_id=record_id)] == [False]
        digest = database_digest(store.paths)
        with pytest.raises(Conflict, match="chỉ người viết"):
            edit_note(long, note_id=note.id, text="Sửa hộ")
        with pytest.raises(Conflict, match="chỉ người viết"):
            delete_note(long, note_id=note.id)
        with pytest.raises(PermissionDenied):
            add_note(admin, record_id=record_id, text="Quản trị không ghi chú hồ sơ")
        anonymous = open_store(store.paths, actor="os")
        with pytest.raises(PermissionDenied, match="đăng nhập"):
            add_note(anonymous, record_id=record_id, text=NOTE)
        anonymous.close()
        assert database_digest(store.paths) == digest
        edited = edit_note(mai, note_id=note.id, text="Đã chuyển, chờ trả lời")
        assert edited.updated_at is not None
        add_note(long, record_id=record_id, text="Lãnh đạo đã xem")
        delete_note(mai, note_id=note.id)
        assert [(n.author, n.text) for n in list_notes(mai, record_id=record_id)] == [
            ("long", "Lãnh đạo đã xem")
        ]
        actions = [a.action for a in audit_lines(store, record_id=record_id)]
        assert actions[:4] == ["note-delete", "note-add", "note-edit", "note-add"]
    finally:
        for opened in (mai, long, admin):
            opened.close()


def test_bad_notes_are_refused_and_change_nothing(store: Store) -> None:
    record_id = add_record(store, record_type=RecordType.INSPECTION, data=inspection())
    digest = database_digest(store.paths)
    with pytest.raises(UserError, match="Ghi chú đang trống"):
        add_note(store, record_id=record_id, text=" \n ")
    with pytest.raises(UserError, match="quá dài"):
        add_note(store, record_id=record_id, text="x" * 4001)
    with pytest.raises(NotFound, match="Không có hồ sơ"):
        add_note(store, record_id="khong-co", text=NOTE)
    with pytest.raises(NotFound, match="Không có ghi chú"):
        edit_note(store, note_id="khong-co", text=NOTE)
    assert database_digest(store.paths) == digest


def test_cli_notes(store: Store, cli: CliRunner) -> None:
    record_id = add_record(store, record_type=RecordType.INSPECTION, data=inspection())
    store.close()
    added = cli("record", "note", record_id, "--text", NOTE)
    assert added.code == 0, added.err
    assert "không gửi đi" in added.out
    listed = cli("record", "notes", record_id, "--json")
    assert listed.code == 0, listed.err
    [note] = listed.json()
    assert (note["text"], note["author"], note["mine"]) == (NOTE, "chuyenvien", True)
    assert cli("record", "note-edit", note["id"], "--text", "Đã xong").code == 0
    shown = cli("record", "notes", record_id)
    assert "Đã xong" in shown.out and "1 ghi chú" in shown.out
    empty = cli("record", "note", record_id, "--text", "  ")
    assert empty.code != 0 and "Ghi chú đang trống" in empty.err
    assert cli("record", "note-delete", note["id"]).code == 0
    assert cli("record", "notes", record_id, "--json").json() == []
