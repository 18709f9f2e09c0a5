"""Defects found by walking a commune clerk's day by keyboard (the trial of 29/11/2026)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFont, QFontMetrics, QScreen
from PySide6.QtWidgets import (
    QApplication,
    QDialogButtonBox,
    QFileDialog,
    QInputDialog,
    QLineEdit,
    QStyle,
)
from pytestqt.qtbot import QtBot

from dvdesk.domain.enums import RecordType
from dvdesk.services.office_view import get_office
from dvdesk.services.records import add_record, list_records
from dvdesk.services.store import Store
from tests import sync_fixtures
from tests.gui_support import activate, new_form, type_text, wait_loaded
from tests.samples import inspection
from tests.sync_fixtures import PASSPHRASE, Exchange
from tests.test_gui_next_steps import press_in_boxes
from ui.forms.widgets import PartsTable
from ui.main_window import MainWindow
from ui.wizard import SetupWizard
from ui.worker import wait_for_tasks

exchange_template = sync_fixtures.exchange_template
exchange = sync_fixtures.exchange

DIALOGUES = 2  # the section of the main window's navigation


def _focus() -> QLineEdit:
    widget = QApplication.focusWidget()
    assert isinstance(widget, QLineEdit), f"an editor has the focus, not {widget!r}"
    return widget


def test_tab_goes_past_the_keep_secret_tick_to_the_assignment(
    window: MainWindow, qtbot: QtBot
) -> None:
    """A matter raised at a dialogue, typed cell by cell with Tab: the tick for keeping
    the citizen's name secret used to end the row, and the answer, assignee and deadline
    typed after it went nowhere."""
    form = new_form(window, qtbot, DIALOGUES)
    issues = form.fields["issues"].widget
    assert isinstance(issues, PartsTable)
    issues.new_row()
    type_text(_focus(), "Đề nghị công khai phương án bồi thường")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)  # classification
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    type_text(_focus(), "Ông Nguyễn Văn Tâm")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)  # the tick: no editor
    assert QApplication.focusWidget() is issues.table
    qtbot.keyClick(issues.table, Qt.Key.Key_Space)
    qtbot.keyClick(issues.table, Qt.Key.Key_Tab)
    type_text(_focus(), "Sẽ trả lời bằng văn bản")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    type_text(_focus(), "Ủy ban nhân dân xã")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    type_text(_focus(), "24/11/2026")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)  # status: a choice
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)  # past the row's end
    assert QApplication.focusWidget() is issues.add_button
    [issue] = issues.value()
    assert issue["raised_by"] == "Ông Nguyễn Văn Tâm"
    assert issue["protect_identity"] is True
    assert issue["answer"] == "Sẽ trả lời bằng văn bản"
    assert issue["assignee"] == "Ủy ban nhân dân xã"
    assert issue["deadline"] == "2026-11-24"
    # Shift+Tab walks back over the tick too.
    issues.focus_cell(0, 4, edit=True)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Backtab)
    assert QApplication.focusWidget() is issues.table and issues.table.currentColumn() == 3
    qtbot.keyClick(issues.table, Qt.Key.Key_Backtab)
    assert _focus().text() == "Ông Nguyễn Văn Tâm"


def test_dialogue_matters_table_is_readable_on_an_office_pc(
    window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """On a 1366×768 screen the matters' content column was about 80 px wide and the
    headers were cut off: the clerk could not read what a citizen had raised."""
    monkeypatch.setattr(QScreen, "availableGeometry", lambda _screen: QRect(0, 0, 1366, 728))
    form = new_form(window, qtbot, DIALOGUES)
    issues = form.fields["issues"].widget
    assert isinstance(issues, PartsTable)
    issues.new_row()
    type_text(_focus(), "Đề nghị công khai phương án bồi thường khi mở rộng đường liên thôn")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    form.scroller.ensureWidgetVisible(issues)
    form.grab().save(str(tmp_path / "dialogue-matters.png"))
    header = issues.table.horizontalHeader()
    assert header.sectionSize(0) >= 200, "the content of a matter can be read"
    bold = QFont(header.font())
    bold.setBold(True)  # the current column's title is drawn bold
    margin = 2 * header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin)
    for column in range(issues.table.columnCount()):
        item = issues.table.horizontalHeaderItem(column)
        assert item is not None
        title = item.text()
        needed = QFontMetrics(bold).horizontalAdvance(title) + margin
        assert header.sectionSize(column) >= needed, f"the title {title!r} is cut off"
    # The status a clerk picks is read whole in its drop-down (arrow and frame included).
    status = [c.key for c in issues.columns].index("status")
    arrow = issues.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent) + 16
    for _value, label in issues.columns[status].choices:
        needed = QFontMetrics(issues.table.font()).horizontalAdvance(label) + arrow
        assert header.sectionSize(status) >= needed, f"the status {label!r} is cut off"


@pytest.mark.parametrize(
    ("section", "example"),
    [
        (0, "Ví dụ: Kiểm tra việc thực hiện"),
        (1, "Ví dụ: Giám sát việc thực hiện"),
        (2, "Ví dụ: Đối thoại của Bí thư"),
    ],
)
def test_title_example_matches_the_kind_of_record(
    window: MainWindow, qtbot: QtBot, section: int, example: str
) -> None:
    """A new supervision or dialogue offered an inspection's title as its example."""
    form = new_form(window, qtbot, section)
    title = form.fields["title"].widget
    assert isinstance(title, QLineEdit)
    assert title.placeholderText().startswith(example)


def test_a_stick_folder_gone_before_writing_is_said_and_nothing_is_numbered(
    exchange: Exchange, app: QApplication, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The clerk chose a folder on the stick, then the folder vanished (stick pulled and
    put back, folder renamed) while the passphrase was typed: the package was written as a
    file named like the folder, with no .dvpkg ending, and 'exported' was reported."""
    exchange.add()
    window = MainWindow(exchange.child, get_office(exchange.child))
    qtbot.addWidget(window)
    window.show()
    folder = exchange.stick / "BAO CAO"
    folder.mkdir()
    monkeypatch.setattr(QFileDialog, "exec", _choosing(folder))

    def passphrase_while_the_folder_goes(*_args: object, **_kwargs: object) -> tuple[str, bool]:
        folder.rmdir()
        return PASSPHRASE, True

    monkeypatch.setattr(QInputDialog, "getText", staticmethod(passphrase_while_the_folder_goes))
    shown = press_in_boxes(monkeypatch, qtbot, Qt.Key.Key_Return)
    window.exchange.export()
    qtbot.waitUntil(lambda: bool(shown), timeout=30_000)
    assert list(exchange.stick.iterdir()) == [], "nothing was written beside the folder"
    assert f"Thư mục {folder} không tồn tại" in shown[0].text
    assert "Hãy cắm USB hoặc chọn thư mục khác" in shown[0].text
    # No package number was used: the next export is still number 1.
    assert exchange.export().sequence == 1
    wait_for_tasks()


def _choosing(folder: Path) -> Callable[[QFileDialog], int]:
    def choose(dialog: QFileDialog) -> int:
        dialog.selectedFiles = lambda: [str(folder)]  # type: ignore[method-assign]
        return 1

    return choose


def test_a_pasted_title_too_long_is_kept_and_said_not_cut(window: MainWindow, qtbot: QtBot) -> None:
    """A 2,000-character title pasted from a Word file was cut at 1,000 without a word:
    the tail was lost. Now all of it stays and the field says what is too long."""
    form = new_form(window, qtbot, 0)
    title = form.fields["title"].widget
    assert isinstance(title, QLineEdit)
    pasted = ("Kiểm tra việc thực hiện Quy chế dân chủ ở cơ sở tại xã Bát Tràng; " * 31)[:2000]
    QApplication.clipboard().setText(pasted)
    qtbot.keyClick(title, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert title.text() == pasted, "nothing pasted is thrown away"
    qtbot.keyClick(title, Qt.Key.Key_Tab)
    error = form.fields["title"].error
    assert error.isVisible()
    assert error.text() == "Quá dài (tối đa 1.000 ký tự)"
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert form.isVisible() and title.hasFocus(), "not saved; the cursor is on the title"


def test_escape_in_the_set_up_asks_before_throwing_the_office_away(
    app: QApplication, store: Store, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Esc on the wizard's office page closed dvdesk at once and everything typed was
    gone; now it asks, and Enter (the default, No) keeps the clerk in the set-up."""
    wizard = SetupWizard(store)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.next()
    name = wizard.office_page.edits["name"]
    name.setFocus()
    type_text(name, "Ban Xây dựng Đảng Đảng ủy xã Bát Tràng")
    shown = press_in_boxes(monkeypatch, qtbot, Qt.Key.Key_Return)
    qtbot.keyClick(name, Qt.Key.Key_Escape)
    assert len(shown) == 1 and shown[0].default == "&Không"
    assert wizard.isVisible() and name.text() == "Ban Xây dựng Đảng Đảng ủy xã Bát Tràng"
    # Answered Yes, the set-up closes.
    shown = press_in_boxes(monkeypatch, qtbot, Qt.Key.Key_C)
    qtbot.keyClick(name, Qt.Key.Key_Escape)
    assert not wizard.isVisible()


def test_escape_before_typing_anything_closes_the_set_up_without_asking(
    app: QApplication, store: Store, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    wizard = SetupWizard(store)
    qtbot.addWidget(wizard)
    wizard.show()
    shown = press_in_boxes(monkeypatch, qtbot, Qt.Key.Key_Return)
    qtbot.keyClick(wizard, Qt.Key.Key_Escape)
    assert shown == [] and not wizard.isVisible()


def test_tab_from_the_last_button_comes_back_to_the_first_field(
    window: MainWindow, qtbot: QtBot
) -> None:
    """After Hủy, Tab stopped on the form's scroll area: no field had the cursor."""
    form = new_form(window, qtbot, 1)
    cancel = form.buttons.button(QDialogButtonBox.StandardButton.Cancel)
    cancel.setFocus()
    qtbot.keyClick(cancel, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is form.fields["title"].widget
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Backtab)
    assert QApplication.focusWidget() is cancel


def test_the_delete_question_names_the_record_and_enter_keeps_it(
    window: MainWindow, store: Store, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl+Delete asked "Delete the selected record?" without saying which one: with the
    cursor one row off, the clerk deleted the wrong supervision (there is no undo)."""
    add_record(
        store,
        record_type=RecordType.INSPECTION,
        data=inspection(title="Kiểm tra việc thực hiện Quy chế dân chủ tại thôn Giang Cao"),
    )
    page = window.lists[RecordType.INSPECTION]
    window.refresh()
    wait_loaded(qtbot, page)
    activate(window, qtbot)
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    shown = press_in_boxes(monkeypatch, qtbot, Qt.Key.Key_Return)
    qtbot.keyClick(
        QApplication.focusWidget(), Qt.Key.Key_Delete, Qt.KeyboardModifier.ControlModifier
    )
    assert len(shown) == 1
    assert shown[0].text.startswith(
        "Xóa “Kiểm tra việc thực hiện Quy chế dân chủ tại thôn Giang Cao” (14/05/2024)?"
    )
    assert shown[0].default == "&Không"
    wait_for_tasks()
    assert len(list_records(store)) == 1, "Enter (No) deleted nothing"
