"""The record form, driven like a clerk would: keyboard, inline errors, undo, drafts."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLineEdit, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from dvdesk.domain.enums import IssueKind, RecordType
from dvdesk.domain.record_view import DialogueView, InspectionView, SupervisionView
from dvdesk.services.office_view import get_office
from dvdesk.services.records import add_record, get_record, list_records
from dvdesk.services.store import Store
from tests.gui_support import (
    activate,
    answer_questions,
    new_form,
    retype_place,
    save_form,
    type_text,
    wait_loaded,
)
from tests.samples import dialogue, inspection
from ui.forms.drafts import draft_key, list_drafts, load_draft
from ui.forms.record_form import RecordForm
from ui.forms.widgets import DateField, LinesField, PartsTable
from ui.main_window import MainWindow


def _field_of(form: RecordForm, widget: QWidget | None) -> str | None:
    while widget is not None:
        for key, field in form.fields.items():
            if field.widget is widget:
                return key
        widget = widget.parentWidget()
    return None


def _tab_order(form: RecordForm, qtbot: QtBot, count: int) -> list[str | None]:
    """Press Tab from the title on and note which field gets the focus each time."""
    form.fields["title"].widget.setFocus()
    order = [_field_of(form, QApplication.focusWidget())]
    for _ in range(count - 1):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        order.append(_field_of(form, QApplication.focusWidget()))
    return order


def test_inspection_by_keyboard_only(window: MainWindow, qtbot: QtBot, store: Store) -> None:
    form = new_form(window, qtbot, 0)
    assert form.windowTitle() == "Cuộc kiểm tra mới"
    title = form.fields["title"].widget
    title.setFocus()
    type_text(title, "Kiểm tra việc thực hiện Quy chế dân chủ tại xã Bát Tràng")
    qtbot.keyClick(title, Qt.Key.Key_Tab)
    start = QApplication.focusWidget()
    assert start is form.fields["start_date"].widget
    type_text(start, "05072022")
    fields = form.fields
    # Tab walks the fields in the order of their labels on screen.
    assert _tab_order(form, qtbot, 13) == [
        "title",
        "start_date",
        "end_date",
        "place",
        "fields",
        "legal_basis",
        "status",
        "conclusion",
        "subjects",
        "decision_number",
        "decision_date",
        "lead",
        "members",
    ]
    subjects = fields["subjects"].widget
    assert isinstance(subjects, LinesField)
    subjects.setFocus()
    type_text(subjects, "Đảng ủy xã Bát Tràng")
    qtbot.keyClick(subjects, Qt.Key.Key_Return)
    type_text(subjects, "UBND xã Bát Tràng")
    lead = fields["lead"].widget
    lead.setFocus()
    type_text(lead, "Nguyễn Doãn Toản")
    record_id = save_form(form, qtbot)
    saved = get_record(store, record_id=record_id)
    assert isinstance(saved, InspectionView)
    assert saved.title == "Kiểm tra việc thực hiện Quy chế dân chủ tại xã Bát Tràng"
    assert saved.subjects == ("Đảng ủy xã Bát Tràng", "UBND xã Bát Tràng")
    assert saved.lead == "Nguyễn Doãn Toản"
    assert saved.start_date == date(2022, 7, 5)
    assert list_drafts(store.paths) == []
    wait_loaded(qtbot, window.lists[RecordType.INSPECTION])
    assert window.lists[RecordType.INSPECTION].model.rowCount() == 1


def test_errors_show_inline_and_block_saving(
    window: MainWindow, qtbot: QtBot, store: Store
) -> None:
    form = new_form(window, qtbot, 1)
    title = form.fields["title"]
    assert title.error.isHidden(), "untouched fields show no error"
    type_text(title.widget, "x")
    qtbot.keyClick(title.widget, Qt.Key.Key_Backspace)
    assert title.error.isVisible()
    assert "bắt buộc" in title.error.text().lower()
    assert title.widget.property("invalid") is True
    activate(form, qtbot)
    qtbot.keyClick(form, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert form.isVisible()
    assert form.fields["subjects"].error.isVisible(), "a save attempt reveals every error"
    assert "Sửa" in form.status.text() or "sửa" in form.status.text()
    assert list_records(store) == []
    end = form.fields["end_date"].widget
    assert isinstance(end, DateField)
    end.setFocus()
    type_text(end, "1/1/2000")
    qtbot.keyClick(end, Qt.Key.Key_Tab)
    assert form.fields["end_date"].error.text() == (
        f"Ngày kết thúc (01/01/2000) sớm hơn ngày bắt đầu ({QDate.currentDate().toString('dd/MM/yyyy')})"
    )
    end.set_value(QDate.currentDate().addDays(1).toString("yyyy-MM-dd"))
    type_text(title.widget, "Giám sát chuyên đề việc thực hiện Quyết định 23-QĐ/TW")
    subjects = form.fields["subjects"].widget
    subjects.setFocus()
    type_text(subjects, "Hội Nông dân xã Bát Tràng")
    assert not form.validate_now()
    record_id = save_form(form, qtbot)
    saved = get_record(store, record_id=record_id)
    assert isinstance(saved, SupervisionView) and saved.kind == "thematic"


def test_dialogue_issues_table_and_cell_errors(
    window: MainWindow, qtbot: QtBot, store: Store
) -> None:
    form = new_form(window, qtbot, 2)
    type_text(form.fields["title"].widget, "Đối thoại với Nhân dân về giải phóng mặt bằng")
    type_text(form.fields["chair"].widget, "Bùi Thị Minh Hoài")
    issues = form.fields["issues"].widget
    assert isinstance(issues, PartsTable)
    qtbot.mouseClick(issues.add_button, Qt.MouseButton.LeftButton)
    assert issues.table.rowCount() == 1
    form.save()
    assert "dòng 1" in form.fields["issues"].error.text().lower()
    assert issues.cell(0, 0).toolTip()
    issues.cell(0, 0).setText("Tố cáo cán bộ địa chính sách nhiễu")
    kind_column = [c.key for c in issues.columns].index("kind")
    issues.cell(0, kind_column).setData(Qt.ItemDataRole.UserRole, "to_cao")
    issues.cell(0, [c.key for c in issues.columns].index("raised_by")).setText("Một công dân")
    attendees = form.fields["attendees"].widget
    attendees.setFocus()
    qtbot.keyClick(attendees, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    type_text(attendees, "152")
    record_id = save_form(form, qtbot)
    saved = get_record(store, record_id=record_id)
    assert isinstance(saved, DialogueView)
    assert saved.attendees == 152
    assert saved.issues[0].kind is IssueKind.TO_CAO
    assert saved.issues[0].protect_identity is False  # the box was shown unticked, and kept


def test_edit_each_type_keeps_parts_and_bumps_revision(
    window: MainWindow, qtbot: QtBot, store: Store
) -> None:
    made = {
        RecordType.INSPECTION: add_record(
            store, record_type=RecordType.INSPECTION, data=inspection()
        ),
        RecordType.SUPERVISION: add_record(
            store, record_type=RecordType.SUPERVISION, data=inspection()
        ),
        RecordType.DIALOGUE: add_record(store, record_type=RecordType.DIALOGUE, data=dialogue()),
    }
    for record_type, record_id in made.items():
        before = get_record(store, record_id=record_id)
        retype_place(window, qtbot, record_id, "Hội trường Đảng ủy xã")
        after = get_record(store, record_id=record_id)
        assert after.revision == 2, record_type
        assert after.place == "Hội trường Đảng ủy xã"
        assert [r.id for r in after.recommendations] == [r.id for r in before.recommendations]
        if isinstance(after, DialogueView):
            assert isinstance(before, DialogueView)
            assert [i.id for i in after.issues] == [i.id for i in before.issues]


def test_undo_and_redo_restore_whole_form_states(window: MainWindow, qtbot: QtBot) -> None:
    form = new_form(window, qtbot, 0)
    title = form.fields["title"].widget
    assert isinstance(title, QLineEdit)
    type_text(title, "Kiểm tra lần một")
    form.snapshot()
    place = form.fields["place"].widget
    assert isinstance(place, QLineEdit)
    type_text(place, "Thôn Đoài")
    form.snapshot()
    form.undo_action.trigger()
    assert place.text() == ""
    assert title.text() == "Kiểm tra lần một"
    form.undo_action.trigger()
    assert title.text() == ""
    form.redo_action.trigger()
    form.redo_action.trigger()
    assert (title.text(), place.text()) == ("Kiểm tra lần một", "Thôn Đoài")


def test_draft_survives_a_crash_and_is_restored(
    app: QApplication, store: Store, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = MainWindow(store, get_office(store))
    qtbot.addWidget(first)
    first.show()
    form = new_form(first, qtbot, 2)
    type_text(form.fields["title"].widget, "Đối thoại về thu hồi đất")
    type_text(form.fields["chair"].widget, "Phạm Văn Nam")
    qtbot.waitUntil(lambda: load_draft(store.paths, draft_key("dialogue", None)) is not None)
    # A crash: the process dies without closing anything. Only the draft file is left.
    form.hide()
    first.forms.clear()
    draft = load_draft(store.paths, draft_key("dialogue", None))
    assert draft is not None and draft.state["title"] == "Đối thoại về thu hồi đất"

    asked = answer_questions(monkeypatch, QMessageBox.StandardButton.Yes)
    second = MainWindow(store, get_office(store))
    qtbot.addWidget(second)
    second.show()
    second.offer_drafts()
    qtbot.waitUntil(lambda: bool(second.forms))
    assert asked and "bản nháp" in asked[0]
    restored = second.forms[-1]
    assert restored.fields["title"].get() == "Đối thoại về thu hồi đất"
    assert restored.fields["chair"].get() == "Phạm Văn Nam"
    save_form(restored, qtbot)
    assert list_drafts(store.paths) == []


def test_escape_asks_before_discarding(
    window: MainWindow, qtbot: QtBot, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    form = new_form(window, qtbot, 0)
    type_text(form.fields["title"].widget, "Kiểm tra")
    form.snapshot()
    asked = answer_questions(monkeypatch, QMessageBox.StandardButton.Cancel)
    qtbot.keyClick(form, Qt.Key.Key_Escape)
    assert asked and form.isVisible()
    answer_questions(monkeypatch, QMessageBox.StandardButton.Discard)
    qtbot.keyClick(form, Qt.Key.Key_Escape)
    assert not form.isVisible()
    assert list_drafts(store.paths) == []


def test_standard_buttons_are_vietnamese(window: MainWindow, qtbot: QtBot) -> None:
    form = new_form(window, qtbot, 0)
    buttons = form.buttons
    assert buttons.button(QDialogButtonBox.StandardButton.Save).text() == "Lưu"
    assert buttons.button(QDialogButtonBox.StandardButton.Cancel).text() == "Hủy"
    box = QMessageBox(
        QMessageBox.Icon.Question,
        "x",
        "y",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
    )
    texts = {b.text().replace("&", "") for b in box.buttons()}
    assert texts == {"Có", "Không"}


def test_qt_strings_we_do_not_translate_stay_intact(app: QApplication) -> None:
    from PySide6.QtCore import QCoreApplication

    assert QCoreApplication.translate("QShortcut", "Space") == "Space"
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Hủy"


def test_failed_save_scrolls_to_a_red_row_far_down(window: MainWindow, qtbot: QtBot) -> None:
    form = new_form(window, qtbot, 0)
    type_text(form.fields["title"].widget, "Kiểm tra việc thực hiện Quy chế dân chủ")
    subjects = form.fields["subjects"].widget
    subjects.setFocus()
    type_text(subjects, "Đảng ủy xã Bát Tràng")
    table = form.fields["recommendations"].widget
    assert isinstance(table, PartsTable)
    table.add_button.setFocus()
    qtbot.keyClick(table.add_button, Qt.Key.Key_Space)  # a row left without its content
    qtbot.keyClick(QApplication.focusWidget() or table.table, Qt.Key.Key_Escape)
    form.scroller.verticalScrollBar().setValue(0)
    form.fields["title"].widget.setFocus()
    assert (
        not form.scroller.viewport()
        .rect()
        .contains(table.mapTo(form.scroller.viewport(), table.rect().center()))
    ), "the table starts out of view"
    activate(form, qtbot)
    qtbot.keyClick(
        QApplication.focusWidget() or form, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier
    )
    assert form.isVisible()
    assert QApplication.focusWidget() is table.table
    assert (table.table.currentRow(), table.table.currentColumn()) == (0, 0)
    viewport = form.scroller.viewport()
    assert viewport.rect().contains(table.table.mapTo(viewport, table.table.rect().topLeft()))
