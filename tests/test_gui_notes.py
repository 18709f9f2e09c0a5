"""“Ghi chú của cơ quan” on the record form, driven by keyboard."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from dvdesk.domain.enums import RecordType
from dvdesk.services.notes import add_note, list_notes
from dvdesk.services.office_view import get_office
from dvdesk.services.records import add_record, get_record
from dvdesk.services.store import Store
from tests import sync_fixtures
from tests.gui_support import answer_questions, type_text
from tests.samples import inspection
from tests.sync_fixtures import Exchange
from ui.forms.drafts import draft_key, list_drafts, load_draft
from ui.forms.record_form import RecordForm
from ui.main_window import MainWindow
from ui.worker import wait_for_tasks

exchange_template = sync_fixtures.exchange_template
exchange = sync_fixtures.exchange

CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier


def _activate(widget: QWidget, qtbot: QtBot) -> None:
    widget.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is widget)


def _open(window: MainWindow, record_id: str, qtbot: QtBot) -> RecordForm:
    window.open_record(record_id)
    qtbot.waitUntil(lambda: bool(window.forms))
    form = window.forms[-1]
    qtbot.waitExposed(form)
    _activate(form, qtbot)
    assert form.notes is not None
    qtbot.waitUntil(lambda: form.notes is not None and form.notes.list.count() > 0)
    return form


def _parent_with_a_child_record(exchange: Exchange, qtbot: QtBot) -> tuple[MainWindow, str]:
    """The parent's main window, with a record the child sent (read only there)."""
    record_id = exchange.add()
    exchange.import_(exchange.export().path)
    window = MainWindow(exchange.parent, get_office(exchange.parent))
    qtbot.addWidget(window)
    window.show()
    return window, record_id


def _texts(form: RecordForm) -> list[str]:
    assert form.notes is not None
    return [note.text for note in form.notes.notes]


def test_the_parent_adds_a_note_to_a_read_only_record_by_keyboard(
    exchange: Exchange, app: QApplication, qtbot: QtBot
) -> None:
    window, record_id = _parent_with_a_child_record(exchange, qtbot)
    form = _open(window, record_id, qtbot)
    notes = form.notes
    assert form.read_only and notes is not None
    assert "Ctrl+G" in form.banner.text() and notes.title().startswith("Ghi chú của cơ quan")
    qtbot.keyClick(form.fields["title"].widget, Qt.Key.Key_G, CTRL)
    assert QApplication.focusWidget() is notes.editor
    assert "Ctrl+Enter" in form.status.text()
    type_text(notes.editor, "Đã chuyển Ban Tuyên giáo xem xét")
    qtbot.keyClick(notes.editor, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: _texts(form) == ["Đã chuyển Ban Tuyên giáo xem xét"])
    assert form.status.text().startswith("Đã thêm ghi chú")
    assert notes.editor.toPlainText() == ""
    wait_for_tasks()
    # The child's record is untouched; the note is in this office's database.
    assert get_record(exchange.parent, record_id=record_id).revision == 1
    assert [n.text for n in list_notes(exchange.parent, record_id=record_id)] == [
        "Đã chuyển Ban Tuyên giáo xem xét"
    ]
    form.done(0)
    wait_for_tasks()


def test_own_notes_are_edited_and_deleted_and_others_are_not(
    window: MainWindow, store: Store, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    record_id = add_record(store, record_type=RecordType.INSPECTION, data=inspection())
    add_note(store, record_id=record_id, text="Ghi chú của tôi")
    store.actor = "lanhdao"  # one-person office: a note by someone else, for the check
    add_note(store, record_id=record_id, text="Ghi chú của lãnh đạo")
    store.actor = "chuyenvien"
    form = _open(window, record_id, qtbot)
    notes = form.notes
    assert notes is not None and not form.read_only
    notes.list.setFocus()
    qtbot.keyClick(notes.list, Qt.Key.Key_End)
    assert notes.selected_note() is not None and not notes.edit_button.isEnabled()
    qtbot.keyClick(notes.list, Qt.Key.Key_Home)
    assert notes.edit_button.isEnabled() and notes.delete_button.isEnabled()
    qtbot.keyClick(notes.list, Qt.Key.Key_S, ALT)  # “&Sửa ghi chú của tôi”
    # A mnemonic presses the button after its short animation.
    qtbot.waitUntil(lambda: notes.editor.toPlainText() == "Ghi chú của tôi")
    assert QApplication.focusWidget() is notes.editor
    notes.editor.selectAll()
    type_text(notes.editor, "Đã sửa")
    qtbot.keyClick(notes.editor, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: _texts(form) == ["Đã sửa", "Ghi chú của lãnh đạo"])
    assert form.status.text() == "Đã sửa ghi chú."
    asked = answer_questions(monkeypatch, QMessageBox.StandardButton.Yes)
    notes.list.setFocus()
    qtbot.keyClick(notes.list, Qt.Key.Key_Home)
    qtbot.keyClick(notes.list, Qt.Key.Key_X, ALT)  # “&Xóa ghi chú của tôi”
    qtbot.waitUntil(lambda: _texts(form) == ["Ghi chú của lãnh đạo"])
    assert asked and form.status.text() == "Đã xóa ghi chú."
    # A typed note is not lost by closing the form: it asks first.
    answer_questions(monkeypatch, QMessageBox.StandardButton.Cancel)
    type_text(notes.editor, "Chưa lưu")
    form.reject()
    assert form.isVisible()


def _reopened(store: Store, qtbot: QtBot) -> MainWindow:
    """The next start: a new main window, which offers the drafts that were kept."""
    again = MainWindow(store, get_office(store))
    qtbot.addWidget(again)
    again.show()
    again.offer_drafts()
    qtbot.waitUntil(lambda: bool(again.forms))
    qtbot.waitExposed(again.forms[-1])
    return again


def test_closing_the_window_keeps_a_note_being_edited(
    window: MainWindow, store: Store, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    record_id = add_record(store, record_type=RecordType.INSPECTION, data=inspection())
    add_note(store, record_id=record_id, text="Ghi chú của tôi")
    form = _open(window, record_id, qtbot)
    notes = form.notes
    assert notes is not None
    notes.list.setCurrentRow(0)
    notes.start_edit()
    notes.editor.selectAll()
    type_text(notes.editor, "Đã báo cáo Thường trực")
    window.close()  # Alt+F4 or log-off, before Ctrl+Enter
    assert not form.isVisible()
    draft = load_draft(store.paths, draft_key(RecordType.INSPECTION.value, record_id))
    assert draft is not None and draft.note == "Đã báo cáo Thường trực"
    assert draft.state == {}, "the record itself was not changed: only the note is kept"

    asked = answer_questions(monkeypatch, QMessageBox.StandardButton.Yes)
    again = _reopened(store, qtbot)
    assert asked and "bản nháp" in asked[0]
    restored = again.forms[-1].notes
    assert restored is not None
    assert restored.editor.toPlainText() == "Đã báo cáo Thường trực"
    _activate(again.forms[-1], qtbot)
    restored.editor.setFocus()
    qtbot.keyClick(restored.editor, Qt.Key.Key_Return, CTRL)  # saves the edit, adds none
    qtbot.waitUntil(lambda: [n.text for n in restored.notes] == ["Đã báo cáo Thường trực"])
    qtbot.waitUntil(lambda: list_drafts(store.paths) == [])
    again.forms[-1].done(0)
    wait_for_tasks()


def test_a_note_typed_on_another_offices_record_survives_closing(
    exchange: Exchange, app: QApplication, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    window, record_id = _parent_with_a_child_record(exchange, qtbot)
    form = _open(window, record_id, qtbot)
    assert form.read_only and form.notes is not None
    type_text(form.notes.editor, "Đã chuyển Ban Tuyên giáo")
    window.close()
    answer_questions(monkeypatch, QMessageBox.StandardButton.Yes)
    again = _reopened(exchange.parent, qtbot)
    restored = again.forms[-1]
    assert restored.read_only, "the draft of another office's record opens read only"
    assert restored.notes is not None
    assert restored.notes.editor.toPlainText() == "Đã chuyển Ban Tuyên giáo"
    assert restored.fields["title"].get() == get_record(exchange.parent, record_id=record_id).title
    restored.done(0)
    wait_for_tasks()
