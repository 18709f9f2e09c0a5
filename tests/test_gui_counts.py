"""The counts dialog, by keyboard: add, an overlapping count refused, change, delete."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMenu, QMessageBox, QTextBrowser
from pytestqt.qtbot import QtBot

from dvdesk.services.counts import list_counts, set_counts
from dvdesk.services.store import Store
from tests.gui_support import answer_questions
from ui.counts import CountsDialog
from ui.main_window import MainWindow
from ui.worker import wait_for_tasks


def _settle() -> None:
    wait_for_tasks()
    QApplication.processEvents()
    wait_for_tasks()
    QApplication.processEvents()


def _cell(dialog: CountsDialog, row: int, column: int) -> str:
    item = dialog.table.item(row, column)
    assert item is not None, f"no cell at {row}, {column}"
    return item.text()


def _open(window: MainWindow, qtbot: QtBot) -> CountsDialog:
    """Ctrl+Shift+L in the main window opens the dialog from the Reports menu."""
    qtbot.keyClick(
        window,
        Qt.Key.Key_L,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    dialogs = [d for d in window.dialogs if isinstance(d, CountsDialog)]
    assert dialogs, "Ctrl+Shift+L opened no counts dialog"
    dialog = dialogs[-1]
    qtbot.waitExposed(dialog)
    _settle()
    return dialog


def test_the_reports_menu_holds_the_entry(window: MainWindow) -> None:
    menus = {menu.title(): menu for menu in window.menuBar().findChildren(QMenu)}
    reports = menus["&Báo cáo"]
    assert window.counts_action in reports.actions()
    assert window.counts_action.shortcut().toString() == "Ctrl+Shift+L"


def _type_count(qtbot: QtBot, dialog: CountsDialog, start: str, end: str, value: str) -> None:
    """Unit and figure stay on their first entries (the office; nghị quyết)."""
    qtbot.keyClick(dialog, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert dialog.focusWidget() is dialog.unit
    for field, text in ((dialog.start, start), (dialog.end, end)):
        field.setFocus()
        qtbot.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        qtbot.keyClicks(field, text)
    dialog.value.setFocus()
    dialog.value.lineEdit().selectAll()
    qtbot.keyClicks(dialog.value, value)
    qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    _settle()


def _stored(store: Store) -> list[tuple[str, str, str, int]]:
    """What the database holds (test code may read on the GUI thread; the app may not)."""
    return [
        (c.unit_code, c.period_start.isoformat(), c.figure, c.value) for c in list_counts(store)
    ]


def test_add_refuse_overlap_and_delete_by_keyboard(
    window: MainWindow, qtbot: QtBot, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = _open(window, qtbot)
    assert dialog.unit.currentData() == "10105"
    assert dialog.figure.currentText() == "Nghị quyết"

    _type_count(qtbot, dialog, "15/12/2021", "14/06/2022", "440")
    assert dialog.table.rowCount() == 1
    cells = [_cell(dialog, 0, column) for column in range(4)]
    assert cells[1:] == ["15/12/2021", "14/06/2022", "Nghị quyết"]
    assert _cell(dialog, 0, 4) == "440"
    assert dialog.status.text() == "Đã lưu số liệu." and not dialog.error.text()

    _type_count(qtbot, dialog, "01/01/2022", "31/12/2022", "12")
    assert (
        "trùng thời gian" in dialog.error.text() and "15/12/2021–14/06/2022" in dialog.error.text()
    )
    assert dialog.error.text().startswith("Nghị quyết: ")
    assert dialog.table.rowCount() == 1
    assert _stored(store) == [("10105", "2021-12-15", "directive.nghi_quyet", 440)]

    dialog.table.setFocus()
    qtbot.keyClick(dialog.table, Qt.Key.Key_Down)
    assert dialog.selected() is not None
    assert not dialog.start.isEnabled()
    asked = answer_questions(monkeypatch, QMessageBox.StandardButton.Yes)
    qtbot.keyClick(dialog.table, Qt.Key.Key_Delete)
    _settle()
    assert len(asked) == 1 and "440" in asked[0]
    assert dialog.table.rowCount() == 0
    assert dialog.status.text() == "Đã xóa số liệu."
    dialog.done(0)
    _settle()
    assert _stored(store) == []


def test_overlap_writes_nothing_and_edit_changes_the_value(
    window: MainWindow, qtbot: QtBot, store: Store
) -> None:
    dialog = _open(window, qtbot)
    _type_count(qtbot, dialog, "15/12/2021", "14/06/2022", "440")
    _type_count(qtbot, dialog, "01/06/2022", "30/06/2022", "7")
    assert "trùng thời gian" in dialog.error.text()
    dialog.table.setFocus()
    qtbot.keyClick(dialog.table, Qt.Key.Key_Down)
    dialog.value.setFocus()
    dialog.value.lineEdit().selectAll()
    qtbot.keyClicks(dialog.value, "485")
    qtbot.keyClick(dialog.value, Qt.Key.Key_Return)  # Enter saves; it does not close
    _settle()
    assert dialog.isVisible()
    assert _cell(dialog, 0, 4) == "485"
    dialog.done(0)
    _settle()
    assert _stored(store) == [("10105", "2021-12-15", "directive.nghi_quyet", 485)]


def test_a_bad_date_is_said_inline_and_nothing_is_written(
    window: MainWindow, qtbot: QtBot, store: Store
) -> None:
    dialog = _open(window, qtbot)
    _type_count(qtbot, dialog, "31/02/2022", "14/06/2022", "3")
    problem = dialog.start.problem()
    assert problem and dialog.error.text() == problem
    assert dialog.focusWidget() is dialog.start
    _type_count(qtbot, dialog, "14/06/2022", "15/12/2021", "3")
    assert dialog.error.text() == (
        "Kỳ đến ngày: ngày kết thúc (15/12/2021) sớm hơn ngày bắt đầu (14/06/2022)."
    )
    dialog.done(0)
    _settle()
    assert _stored(store) == []


def test_counts_entered_elsewhere_are_listed(
    window: MainWindow, store: Store, qtbot: QtBot
) -> None:
    set_counts(
        store,
        data={
            "unit_code": "10105",
            "period_start": "2021-12-15",
            "period_end": "2022-06-14",
            "figures": {"directive.cong_van": 14162, "inspection.sessions": 1554},
            "figures_only": True,
        },
    )
    dialog = _open(window, qtbot)
    rows = [[_cell(dialog, r, c) for c in (3, 4, 5)] for r in range(dialog.table.rowCount())]
    assert rows == [["Công văn", "14.162", "có"], ["Cuộc kiểm tra", "1.554", "có"]]
    dialog.done(0)


def test_f1_opens_the_counts_help(window: MainWindow, qtbot: QtBot) -> None:
    dialog = _open(window, qtbot)
    qtbot.keyClick(dialog, Qt.Key.Key_F1)
    assert dialog.help_dialog is not None and dialog.help_dialog.isVisible()
    text = dialog.help_dialog.findChild(QTextBrowser)
    assert text is not None
    assert "Số liệu tổng hợp không kèm danh sách" in text.toPlainText()
    dialog.help_dialog.done(0)
    dialog.done(0)
