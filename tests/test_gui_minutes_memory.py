"""The minutes dialog: Esc asks before typed details are lost, and the note-taker and the
organisation's representative of the office's last issued minutes are offered again."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from dvdesk.documents.minutes import issue_minutes
from dvdesk.domain.enums import RecordType
from dvdesk.errors import UserError
from dvdesk.services.minutes_people import MinutesPeople, last_minutes_people
from dvdesk.services.records import add_record, get_record
from dvdesk.services.store import Store
from tests.gui_support import activate, answer_questions, settle, type_text
from tests.samples import inspection
from tests.test_documents import COMPLETE
from ui.documents import MinutesDialog


def _inspection(store: Store, title: str) -> str:
    return add_record(store, record_type=RecordType.INSPECTION, data=inspection(title=title))


def _open(store: Store, record_id: str, qtbot: QtBot) -> MinutesDialog:
    dialog = MinutesDialog(store, get_record(store, record_id=record_id))
    qtbot.addWidget(dialog)
    dialog.show()
    settle(qtbot)
    activate(dialog, qtbot)
    return dialog


def test_issuing_remembers_the_people_and_a_refusal_does_not(store: Store) -> None:
    assert last_minutes_people(store) == MinutesPeople()
    first = _inspection(store, "Kiểm tra việc thực hiện Quy chế dân chủ")
    with pytest.raises(UserError):
        issue_minutes(store, record_id=first, details={"note_taker": "Không ai"})  # no times
    assert last_minutes_people(store) == MinutesPeople()
    issue_minutes(store, record_id=first, details=COMPLETE | {"note_taker_post": "Chuyên viên"})
    assert last_minutes_people(store) == MinutesPeople(
        note_taker="Trần Thị Mai",
        note_taker_post="Chuyên viên",
        representative="Phạm Văn Long",
        representative_post="Bí thư Đảng ủy",
    )


def test_the_next_minutes_offer_the_last_people(
    app: QApplication, store: Store, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    first = _inspection(store, "Kiểm tra việc thực hiện Quy chế dân chủ")
    issue_minutes(store, record_id=first, details=COMPLETE)
    second = _inspection(store, "Kiểm tra công tác dân vận chính quyền")
    dialog = _open(store, second, qtbot)
    assert dialog.note_taker.text() == "Trần Thị Mai"
    assert dialog.representative.text() == "Phạm Văn Long"
    assert dialog.representative_post.text() == "Bí thư Đảng ủy"
    assert dialog.start_time.text() == ""  # the times belong to each meeting
    dialog.grab().save(str(tmp_path / "minutes-prefilled.png"))
    asked = answer_questions(monkeypatch, QMessageBox.StandardButton.Cancel)
    qtbot.keyClick(QApplication.focusWidget() or dialog, Qt.Key.Key_Escape)
    assert asked == [] and not dialog.isVisible(), "an offer alone is no change to ask about"


def test_esc_asks_before_typed_details_are_lost(
    app: QApplication, store: Store, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    record_id = _inspection(store, "Kiểm tra việc thực hiện Quy chế dân chủ")
    dialog = _open(store, record_id, qtbot)
    dialog.note_taker.setFocus()
    type_text(dialog.note_taker, "Trần Thị Mai")
    qtbot.keyClick(dialog.note_taker, Qt.Key.Key_Tab)
    qtbot.keyClick(dialog.note_taker_post, Qt.Key.Key_Tab)
    type_text(QApplication.focusWidget() or dialog, "08:00")
    asked = answer_questions(monkeypatch, QMessageBox.StandardButton.Cancel)
    qtbot.keyClick(QApplication.focusWidget() or dialog, Qt.Key.Key_Escape)
    assert asked == ["Có chi tiết biên bản đã gõ nhưng chưa phát hành. Bỏ các chi tiết này?"]
    assert dialog.isVisible()
    assert dialog.note_taker.text() == "Trần Thị Mai" and dialog.start_time.text() == "08:00"
    answer_questions(monkeypatch, QMessageBox.StandardButton.Discard)
    qtbot.keyClick(QApplication.focusWidget() or dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
