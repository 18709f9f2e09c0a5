"""Record services: create, read, update, tombstone, search, audit."""

from __future__ import annotations

import sqlite3
import unicodedata
from typing import Any

import pytest
from sqlmodel import select

from dvdesk.db.schema import AuditEntry
from dvdesk.domain.enums import FollowUpStatus, RecordStatus, RecordType
from dvdesk.domain.record_view import DialogueView, InspectionView, SupervisionView, item_input
from dvdesk.errors import Conflict, NotFound, ValidationFailed
from dvdesk.services.records import (
    add_record,
    delete_record,
    get_record,
    list_records,
    update_record,
)
from dvdesk.services.store import Store
from tests.samples import dialogue, inspection


def _audit(store: Store) -> list[AuditEntry]:
    with store.session() as session:
        return list(session.exec(select(AuditEntry).where(AuditEntry.entity == "record")))


def test_add_and_show_inspection_with_every_part(store: Store) -> None:
    record_id = add_record(store, record_type=RecordType.INSPECTION, data=inspection())
    shown = get_record(store, record_id=record_id)
    assert isinstance(shown, InspectionView)
    assert shown.type is RecordType.INSPECTION
    assert shown.office_code == "10105"
    assert shown.subjects == ("Đảng ủy xã Bát Tràng", "UBND xã Bát Tràng")
    assert shown.members == ("Trần Thị Mai", "Lê Văn Hùng")
    assert shown.recommendations[0].addressee == "UBND xã Bát Tràng"
    assert shown.recommendations[0].status is FollowUpStatus.OPEN
    assert shown.recommendations[0].overdue is True  # deadline 2024-07-15 has passed
    assert shown.revision == 1
    assert shown.created_by == "chuyenvien"
    assert shown.status is RecordStatus.COMPLETED


def test_dialogue_issues_protect_denouncers_and_track_answers(store: Store) -> None:
    record_id = add_record(store, record_type=RecordType.DIALOGUE, data=dialogue())
    shown = get_record(store, record_id=record_id)
    assert isinstance(shown, DialogueView)
    answered, denounced = shown.issues
    assert answered.answered_on_spot is True
    assert answered.status is FollowUpStatus.RESOLVED
    assert answered.protect_identity is False
    assert denounced.protect_identity is True
    assert denounced.answered_on_spot is False
    assert denounced.status is FollowUpStatus.OPEN


def test_decomposed_text_is_stored_composed(store: Store) -> None:
    title = unicodedata.normalize("NFD", "Giám sát việc thực hiện Quyết định 23-QĐ/TW")
    record_id = add_record(
        store,
        record_type=RecordType.SUPERVISION,
        data=inspection(title=title, lead=unicodedata.normalize("NFD", "Nguyễn Văn Ánh")),
    )
    shown = get_record(store, record_id=record_id)
    assert isinstance(shown, SupervisionView)
    assert shown.title == unicodedata.normalize("NFC", title)
    assert shown.lead is not None and unicodedata.is_normalized("NFC", shown.lead)


def test_search_ignores_diacritics_case_and_d_stroke(store: Store) -> None:
    wanted = add_record(
        store,
        record_type=RecordType.INSPECTION,
        data=inspection(title="Kiểm tra tại Đảng ủy xã", lead="Nguyễn Văn An"),
    )
    add_record(store, record_type=RecordType.DIALOGUE, data=dialogue(chair="Trần Thị Mai"))
    assert [r.id for r in list_records(store, search="nguyen")] == [wanted]
    assert [r.id for r in list_records(store, search="dang uy")] == [wanted]
    assert [r.id for r in list_records(store, search="ĐẢNG")] == [wanted]
    assert list_records(store, search="50%_") == []


def test_update_replaces_given_keys_and_logs_the_change(store: Store) -> None:
    record_id = add_record(store, record_type=RecordType.INSPECTION, data=inspection())
    revision = update_record(
        store, record_id=record_id, changes={"place": "Nhà văn hóa thôn Giang Cao", "revision": 1}
    )
    shown = get_record(store, record_id=record_id)
    assert isinstance(shown, InspectionView)
    assert revision == shown.revision == 2
    assert shown.place == "Nhà văn hóa thôn Giang Cao"
    assert list(shown.subjects) == inspection()["subjects"]
    update_entry = next(e for e in _audit(store) if e.action == "update")
    assert update_entry.changes == {
        "place": {"from": "Hội trường Đảng ủy xã Bát Tràng", "to": "Nhà văn hóa thôn Giang Cao"}
    }
    assert update_entry.actor == "chuyenvien"


def test_update_keeps_follow_up_identity(store: Store) -> None:
    record_id = add_record(store, record_type=RecordType.INSPECTION, data=inspection())
    before = get_record(store, record_id=record_id).recommendations[0]
    item = item_input(before) | {"status": "resolved"}
    update_record(store, record_id=record_id, changes={"recommendations": [item]})
    after = get_record(store, record_id=record_id).recommendations[0]
    assert after.id == before.id
    assert after.status is FollowUpStatus.RESOLVED
    assert after.overdue is False


def test_update_without_change_keeps_revision(store: Store) -> None:
    record_id = add_record(store, record_type=RecordType.INSPECTION, data=inspection())
    assert update_record(store, record_id=record_id, changes={"title": inspection()["title"]}) == 1


def test_stale_revision_is_refused(store: Store) -> None:
    record_id = add_record(store, record_type=RecordType.INSPECTION, data=inspection())
    update_record(store, record_id=record_id, changes={"place": "Thôn Đoài"})
    with pytest.raises(Conflict, match="phiên bản"):
        update_record(store, record_id=record_id, changes={"place": "Thôn Đông", "revision": 1})


def test_foreign_item_id_is_refused(store: Store) -> None:
    first = add_record(store, record_type=RecordType.INSPECTION, data=inspection())
    second = add_record(store, record_type=RecordType.INSPECTION, data=inspection())
    foreign = get_record(store, record_id=first).recommendations[0].id
    with pytest.raises(ValidationFailed) as raised:
        update_record(
            store,
            record_id=second,
            changes={"recommendations": [{"id": foreign, "content": "Đề nghị khác"}]},
        )
    assert raised.value.problems[0][0] == "recommendations[0].id"


def test_delete_is_a_tombstone(store: Store) -> None:
    record_id = add_record(store, record_type=RecordType.DIALOGUE, data=dialogue())
    assert delete_record(store, record_id=record_id) == 2
    assert list_records(store) == []
    assert [r.id for r in list_records(store, include_deleted=True)] == [record_id]
    assert get_record(store, record_id=record_id).deleted is True
    with pytest.raises(Conflict):
        update_record(store, record_id=record_id, changes={"place": "Thôn Đoài"})
    with pytest.raises(Conflict):
        delete_record(store, record_id=record_id)
    assert [e.action for e in _audit(store)] == ["create", "delete"]


def test_unknown_record_is_reported(store: Store) -> None:
    with pytest.raises(NotFound, match="dvdesk record list"):
        get_record(store, record_id="00000000-0000-4000-8000-000000000000")


def test_audit_log_is_append_only(store: Store) -> None:
    add_record(store, record_type=RecordType.INSPECTION, data=inspection())
    connection = sqlite3.connect(store.paths.database)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            connection.execute("UPDATE audit_log SET actor = 'someone else'")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            connection.execute("DELETE FROM audit_log")
    finally:
        connection.close()


def test_change_sequence_grows_with_every_write(store: Store) -> None:
    first = add_record(store, record_type=RecordType.INSPECTION, data=inspection())
    second = add_record(store, record_type=RecordType.DIALOGUE, data=dialogue())
    update_record(store, record_id=first, changes={"place": "Thôn Đoài"})
    connection = sqlite3.connect(store.paths.database)
    try:
        seqs = dict(connection.execute("SELECT id, change_seq FROM record").fetchall())
    finally:
        connection.close()
    assert seqs[first] > seqs[second] > 0


def test_list_sorts_titles_in_vietnamese_order(store: Store) -> None:
    for title in ("Giám sát tại xã Ơn", "Đối thoại tại xã Em", "Kiểm tra tại Đảng ủy"):
        data: dict[str, Any] = inspection(title=title)
        add_record(store, record_type=RecordType.INSPECTION, data=data)
    titles = [r.title for r in list_records(store, order="title")]
    assert titles == ["Đối thoại tại xã Em", "Giám sát tại xã Ơn", "Kiểm tra tại Đảng ủy"]
