"""The typed date field, by key presses: every accepted form, empty dates, the calendar."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication, QCalendarWidget, QHBoxLayout, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from dvdesk.clock import today
from tests.gui_support import activate, type_text
from ui.forms.widgets import DateField, PartColumn, PartsTable

_HOSTS: list[QWidget] = []  # qtbot only keeps weak references


def _host(qtbot: QtBot, *widgets: QWidget) -> QWidget:
    """A window holding the widgets in a row, shown and active, so focus really moves."""
    host = QWidget()
    _HOSTS.append(host)
    layout = QHBoxLayout(host)
    for widget in widgets:
        layout.addWidget(widget)
    qtbot.addWidget(host)
    host.show()
    activate(host, qtbot)
    return host


@pytest.mark.parametrize(
    ("typed", "iso"),
    [
        ("10/11/2026", "2026-11-10"),
        ("10112026", "2026-11-10"),
        ("1/2/2026", "2026-02-01"),
        ("10/11/26", "2026-11-10"),
    ],
)
def test_each_typed_form_is_read_on_leaving_the_field(
    app: QApplication, qtbot: QtBot, typed: str, iso: str
) -> None:
    field, after = DateField(optional=False), QLineEdit()
    _host(qtbot, field, after)
    field.setFocus()
    qtbot.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(field, typed)
    assert field.text() == typed, "nothing is reformatted while typing"
    qtbot.keyClick(field, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is after, "'/' and digits never move the focus"
    assert field.value() == iso
    assert field.text() == f"{iso[8:]}/{iso[5:7]}/{iso[:4]}"


def test_optional_date_starts_empty_is_typed_and_cleared(app: QApplication, qtbot: QtBot) -> None:
    before, field, after = QLineEdit(), DateField(optional=True), QLineEdit()
    _host(qtbot, before, field, after)
    assert field.text() == "" and field.value() is None
    before.setFocus()
    qtbot.keyClick(before, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is field
    qtbot.keyClicks(field, "5/7/2022")
    qtbot.keyClick(field, Qt.Key.Key_Tab)
    assert field.value() == "2022-07-05"
    qtbot.keyClick(after, Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    assert QApplication.focusWidget() is field
    qtbot.keyClick(field, Qt.Key.Key_Backspace)  # Tab selected the whole date
    qtbot.keyClick(field, Qt.Key.Key_Tab)
    assert field.text() == "" and field.value() is None and field.problem() is None
    qtbot.keyClick(after, Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(field, Qt.Key.Key_Delete)
    assert field.value() is None


def test_no_key_gives_a_sentinel_date(app: QApplication, qtbot: QtBot) -> None:
    field = DateField(optional=True)
    _host(qtbot, field)
    field.setFocus()
    for key in (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp):
        qtbot.keyClick(field, key)
    assert field.text() == "" and field.value() is None


def test_impossible_date_is_explained(app: QApplication, qtbot: QtBot) -> None:
    field, after = DateField(optional=True), QLineEdit()
    _host(qtbot, field, after)
    problems: list[str] = []
    field.problem_changed.connect(problems.append)
    field.setFocus()
    qtbot.keyClicks(field, "31/02/2026")
    qtbot.keyClick(field, Qt.Key.Key_Tab)
    assert field.value() is None
    assert problems[-1] == "31/02/2026 không có thật: kiểm tra lại ngày và tháng."


@pytest.mark.parametrize(
    ("key", "modifier"),
    [
        (Qt.Key.Key_F4, Qt.KeyboardModifier.NoModifier),
        (Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier),
    ],
)
def test_f4_and_alt_down_open_a_calendar_that_enter_picks_from(
    app: QApplication, qtbot: QtBot, key: Qt.Key, modifier: Qt.KeyboardModifier
) -> None:
    field = DateField(optional=True)
    _host(qtbot, field)
    field.setFocus()
    qtbot.keyClicks(field, "10/11/2026")
    qtbot.keyClick(field, key, modifier)
    calendar = field.calendar
    assert isinstance(calendar, QCalendarWidget) and calendar.isVisible()
    assert calendar.selectedDate() == QDate(2026, 11, 10)
    calendar.setFocus()
    target = QApplication.focusWidget() or calendar
    qtbot.keyClick(target, Qt.Key.Key_Right)
    qtbot.keyClick(target, Qt.Key.Key_Return)
    assert field.value() == "2026-11-11"
    assert field.calendar is None


def test_required_date_starts_today(app: QApplication) -> None:
    assert DateField(optional=False).value() == today().isoformat()


def test_table_cells_use_the_same_typed_field(app: QApplication, qtbot: QtBot) -> None:
    table = PartsTable(
        [PartColumn("content", "Nội dung"), PartColumn("deadline", "Thời hạn", "date", width=100)],
        "Thêm",
    )
    _host(qtbot, table)
    table.new_row()
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    type_text(editor, "Sửa đường")
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    date_editor = QApplication.focusWidget()
    assert isinstance(date_editor, DateField)
    qtbot.keyClicks(date_editor, "311226")
    qtbot.keyClick(date_editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: table.value()[0]["deadline"] == "2026-12-31")  # committed queued
    assert table.cell(0, 1).text() == "31/12/2026"
