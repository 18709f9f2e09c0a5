"""Drafts keep what the clerk typed: a date that is no date comes back as typed, and closing
the main window (Alt+F4, log-off, shutdown) keeps every open form's draft."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from dvdesk.domain.enums import RecordType
from dvdesk.services.records import add_record
from dvdesk.services.store import Store
from tests.gui_support import activate, answer_questions, new_form, settle, type_text
from tests.samples import inspection
from ui.documents import MinutesDialog
from ui.forms.drafts import draft_key, load_draft
from ui.forms.record_form import RecordForm
from ui.forms.widgets import DateField
from ui.main_window import MainWindow
from ui.worker import wait_for_tasks

KEY = draft_key(RecordType.INSPECTION.value, None)


def _type_wrong_date(form: RecordForm, qtbot: QtBot) -> DateField:
    qtbot.keyClick(form.fields["title"].widget, Qt.Key.Key_Tab)  # the title left empty
    field = QApplication.focusWidget()
    assert isinstance(field, DateField)
    type_text(field, "31/02/2026")
    qtbot.keyClick(field, Qt.Key.Key_Tab)
    return field


def test_a_wrong_date_is_kept_in_the_draft_as_typed(
    window: MainWindow, store: Store, qtbot: QtBot, tmp_path: Path
) -> None:
    form = new_form(window, qtbot, 0)
    field = _type_wrong_date(form, qtbot)
    key = next(k for k, f in form.fields.items() if f.widget is field)
    qtbot.waitUntil(lambda: (d := load_draft(store.paths, KEY)) is not None and key in d.state)
    draft = load_draft(store.paths, KEY)
    assert draft is not None
    assert draft.state[key] == {"typed": "31/02/2026"}
    form.done(0)
    wait_for_tasks()

    restored = RecordForm(store, RecordType.INSPECTION, draft=draft, parent=window)
    qtbot.addWidget(restored)
    restored.resize(1366, 768)
    restored.show()
    back = restored.fields[key]
    assert isinstance(back.widget, DateField)
    assert back.widget.text() == "31/02/2026"
    assert key in restored.invalid_keys, "the restored date is still marked wrong"
    assert back.error.isVisibleTo(restored) and back.error.text()
    restored.grab().save(str(tmp_path / "form-restored-wrong-date.png"))
    restored.done(0)


def test_closing_the_main_window_keeps_the_draft_and_closes_the_form(
    window: MainWindow, store: Store, qtbot: QtBot
) -> None:
    form = new_form(window, qtbot, 0)
    type_text(form.fields["title"].widget, "Kiểm tra việc thực hiện Quy chế dân chủ")
    window.close()  # what Alt+F4 or a Windows log-off sends
    assert not form.isVisible() and window.forms == []
    assert not [w for w in QApplication.topLevelWidgets() if w.isVisible()]
    draft = load_draft(store.paths, KEY)
    assert draft is not None
    assert draft.state["title"] == "Kiểm tra việc thực hiện Quy chế dân chủ"
    wait_for_tasks()


def test_a_question_open_when_the_window_closes_cannot_delete_the_draft(
    window: MainWindow, store: Store, qtbot: QtBot
) -> None:
    form = new_form(window, qtbot, 0)
    type_text(form.fields["title"].widget, "Giám sát thử")
    asked: list[str] = []

    def close_main_window_while_asked() -> None:
        boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox)]
        asked.extend(box.text() for box in boxes if box.isVisible())
        window.close()
        QTimer.singleShot(300, discard_if_still_asked)

    def discard_if_still_asked() -> None:
        # The clerk, finding the question alone on screen, answers "Bỏ thay đổi".
        for box in QApplication.topLevelWidgets():
            if isinstance(box, QMessageBox) and box.isVisible():
                button = box.button(QMessageBox.StandardButton.Discard)
                assert button is not None
                button.click()

    QTimer.singleShot(300, close_main_window_while_asked)
    qtbot.keyClick(QApplication.focusWidget() or form, Qt.Key.Key_Escape)  # asks, then waits
    assert asked == ["Bạn có thay đổi chưa được lưu. Bỏ các thay đổi này?"]
    assert not form.isVisible()
    draft = load_draft(store.paths, KEY)
    assert draft is not None and draft.state["title"] == "Giám sát thử"
    wait_for_tasks()


def test_closing_with_typed_minutes_asks_once(
    window: MainWindow, store: Store, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    record_id = add_record(store, record_type=RecordType.INSPECTION, data=inspection())
    page = window.lists[RecordType.INSPECTION]
    page.select_record(record_id)
    qtbot.waitUntil(lambda: page.current_record_id() == record_id)
    activate(window, qtbot)
    qtbot.keyClick(page.view, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(window.findChildren(MinutesDialog)))
    [minutes] = window.findChildren(MinutesDialog)
    qtbot.waitExposed(minutes)
    settle(qtbot)
    type_text(minutes.note_taker, "Trần Thị Mai")
    asked = answer_questions(monkeypatch, QMessageBox.StandardButton.Cancel)
    window.close()
    assert len(asked) == 1 and "biên bản" in asked[0]
    assert window.isVisible() and minutes.isVisible(), "Hủy: back to the minutes as typed"
    assert minutes.note_taker.text() == "Trần Thị Mai"
    asked = answer_questions(monkeypatch, QMessageBox.StandardButton.Discard)
    window.close()
    assert len(asked) == 1, "one question, not a second one from the minutes"
    assert not window.isVisible() and not minutes.isVisible()
    wait_for_tasks()
