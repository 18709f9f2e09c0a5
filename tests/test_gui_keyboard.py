"""A clerk's day by keyboard: every key below is a QTest key press, nothing is clicked.

The inspection test counts the keys pressed that are not typed text (Tab, Enter,
shortcuts …); the figure is printed for the issue's before/after comparison.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialog,
    QMenu,
    QTextBrowser,
    QWidget,
)
from pytestqt.qtbot import QtBot

from dvdesk.domain.enums import RecordType
from dvdesk.domain.record_view import InspectionView
from dvdesk.services.records import add_record, get_record
from dvdesk.services.store import Store
from tests.gui_support import activate, answer_file_dialogs, settle, type_text, wait_loaded
from tests.samples import inspection
from ui.backup_dialog import BackupDialog
from ui.documents import MinutesDialog, ReportsPage
from ui.forms.drafts import draft_key, load_draft
from ui.forms.record_form import RecordForm
from ui.forms.widgets import DateField, PartsTable
from ui.help import TOPICS, HelpDialog, help_file
from ui.main_window import MainWindow
from ui.record_list import RecordListPage
from ui.register import RegisterPage

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


class Keyboard:
    """Presses keys where the focus is, counting every press that is not typed text."""

    def __init__(self, qtbot: QtBot) -> None:
        self.qtbot = qtbot
        self.presses = 0

    def focus(self) -> QWidget:
        widget = QApplication.focusWidget()
        assert widget is not None, "some widget always has the focus"
        return widget

    def press(
        self, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
    ) -> None:
        self.presses += 1
        self.qtbot.keyClick(self.focus(), key, modifier)

    def type(self, text: str) -> None:
        type_text(self.focus(), text)

    def tab_until(self, reached: Callable[[QWidget], bool], *, limit: int = 40) -> None:
        for _ in range(limit):
            if reached(self.focus()):
                return
            self.press(Qt.Key.Key_Tab)
        raise AssertionError(f"Tab never reached the target; stuck at {self.focus()!r}")


def _open_form(window: MainWindow, qtbot: QtBot) -> RecordForm:
    qtbot.waitUntil(lambda: bool(window.forms))
    form = window.forms[-1]
    qtbot.waitExposed(form)
    activate(form, qtbot)
    return form


def test_whole_inspection_with_recommendations_by_keyboard(
    window: MainWindow, qtbot: QtBot, store: Store
) -> None:
    keys = Keyboard(qtbot)
    activate(window, qtbot)
    keys.press(Qt.Key.Key_1, CTRL)
    keys.press(Qt.Key.Key_N, CTRL)
    form = _open_form(window, qtbot)
    fields = form.fields
    assert keys.focus() is fields["title"].widget, "a new form starts in its first field"
    keys.type("Kiểm tra việc thực hiện Quy chế dân chủ ở cơ sở tại xã Bát Tràng")
    keys.press(Qt.Key.Key_Tab)
    assert keys.focus() is fields["start_date"].widget
    keys.type("1/2/2026")  # Tab selected today's date, so typing replaces it
    keys.press(Qt.Key.Key_Tab)
    end = fields["end_date"].widget
    assert keys.focus() is end
    keys.type("31/02/2026")
    keys.press(Qt.Key.Key_Tab)
    assert fields["end_date"].error.text() == (
        "31/02/2026 không có thật: kiểm tra lại ngày và tháng."
    )
    keys.press(Qt.Key.Key_Tab, SHIFT)
    keys.press(Qt.Key.Key_Backspace)  # an optional date is cleared …
    keys.press(Qt.Key.Key_Tab)
    assert isinstance(end, DateField) and end.text() == "" and end.value() is None
    assert fields["end_date"].error.isHidden()
    keys.press(Qt.Key.Key_Tab, SHIFT)
    keys.type("10/11/26")  # … and typed again, with a two-digit year
    keys.press(Qt.Key.Key_Tab)
    keys.type("Hội trường Đảng ủy xã Bát Tràng")

    # Saving too early: the cursor goes to the first field marked red, scrolled into view.
    keys.press(Qt.Key.Key_S, CTRL)
    subjects = fields["subjects"].widget
    assert keys.focus() is subjects
    assert fields["subjects"].error.isVisible()
    viewport = form.scroller.viewport()
    top_left = subjects.mapTo(viewport, subjects.rect().topLeft())
    assert viewport.rect().contains(top_left), "the red field is scrolled into view"
    keys.type("Đảng ủy xã Bát Tràng")
    keys.press(Qt.Key.Key_Return)
    keys.type("UBND xã Bát Tràng")
    keys.press(Qt.Key.Key_Tab)
    keys.type("15-QĐ/BXDĐ")
    keys.press(Qt.Key.Key_Tab)
    assert keys.focus() is fields["decision_date"].widget
    keys.type("10112026")
    keys.press(Qt.Key.Key_Tab)
    keys.type("Nguyễn Doãn Toản")
    keys.tab_until(lambda w: w is fields["conclusion_date"].widget)
    keys.type("10/11/2026")

    table = fields["recommendations"].widget
    assert isinstance(table, PartsTable)
    keys.tab_until(lambda w: w is table.add_button)
    keys.press(Qt.Key.Key_Space)
    assert table.table.rowCount() == 1
    assert keys.focus().parentWidget() is table.table.viewport(), "typing in the new row"
    keys.type("Niêm yết công khai thủ tục hành chính tại trụ sở")
    keys.press(Qt.Key.Key_Tab)
    keys.type("UBND xã Bát Tràng")
    keys.press(Qt.Key.Key_Tab)
    keys.type("311226")
    keys.press(Qt.Key.Key_Tab)
    keys.press(Qt.Key.Key_Tab)  # past the status (left at “chưa thực hiện”), out of the table
    assert keys.focus() is table.add_button, "Tab leaves the table"
    keys.press(Qt.Key.Key_Space)
    keys.type("Tổ chức hội nghị đối thoại định kỳ với Nhân dân")
    keys.press(Qt.Key.Key_Tab)
    keys.type("Đảng ủy xã Bát Tràng")
    keys.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: table.value()[1]["addressee"] == "Đảng ủy xã Bát Tràng")

    with qtbot.waitSignal(form.saved) as saved:
        keys.press(Qt.Key.Key_S, CTRL)
    record = get_record(store, record_id=str(saved.args[0]))
    assert isinstance(record, InspectionView)
    assert record.start_date == date(2026, 2, 1)
    assert record.end_date == date(2026, 11, 10)
    assert record.decision_date == date(2026, 11, 10)
    assert record.conclusion_date == date(2026, 11, 10)
    assert record.subjects == ("Đảng ủy xã Bát Tràng", "UBND xã Bát Tràng")
    assert [(r.content, r.addressee, r.deadline) for r in record.recommendations] == [
        (
            "Niêm yết công khai thủ tục hành chính tại trụ sở",
            "UBND xã Bát Tràng",
            date(2026, 12, 31),
        ),
        ("Tổ chức hội nghị đối thoại định kỳ với Nhân dân", "Đảng ủy xã Bát Tràng", None),
    ]

    # After the save the list selects the record and has the focus.
    page = window.lists[RecordType.INSPECTION]
    qtbot.waitUntil(lambda: page.current_record_id() == record.id)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.view)
    settle(qtbot)  # the lists reloading may have shown the busy notice over it
    assert "Đã lưu" in window.statusBar().currentMessage()
    print(f"\nkeys pressed, not counting typed text: {keys.presses}")
    assert keys.presses <= 30


def test_new_rows_are_in_the_draft_and_the_undo_history(window: MainWindow, qtbot: QtBot) -> None:
    keys = Keyboard(qtbot)
    activate(window, qtbot)
    keys.press(Qt.Key.Key_N, CTRL)
    form = _open_form(window, qtbot)
    table = form.fields["recommendations"].widget
    assert isinstance(table, PartsTable)
    table.add_button.setFocus()
    keys.press(Qt.Key.Key_Space)
    keys.press(Qt.Key.Key_Escape)  # closes the cell editor only
    assert form.isVisible()
    form.snapshot()
    draft = load_draft(window.store.paths, draft_key("inspection", None))
    assert draft is not None and len(draft.state["recommendations"]) == 1
    form.undo_action.trigger()
    assert table.table.rowCount() == 0


def _search_one_inspection(
    window: MainWindow, qtbot: QtBot, store: Store
) -> tuple[RecordListPage, Keyboard]:
    """One inspection in its list, and Ctrl+F pressed: the cursor in the search box."""
    add_record(store, record_type=RecordType.INSPECTION, data=inspection())
    page = window.lists[RecordType.INSPECTION]
    page.reload()
    wait_loaded(qtbot, page)
    keys = Keyboard(qtbot)
    activate(window, qtbot)
    keys.press(Qt.Key.Key_F, CTRL)
    return page, keys


def test_search_down_enter_opens_the_record_in_its_first_field(
    window: MainWindow, qtbot: QtBot, store: Store
) -> None:
    page, keys = _search_one_inspection(window, qtbot, store)
    assert keys.focus() is page.search
    keys.press(Qt.Key.Key_Down)
    assert keys.focus() is page.view and page.current_record_id() is not None
    keys.press(Qt.Key.Key_Return)
    form = _open_form(window, qtbot)
    assert keys.focus() is form.fields["title"].widget, "an opened form starts in its first field"


def test_an_empty_list_or_register_says_what_to_do_next(
    window: MainWindow, qtbot: QtBot, store: Store
) -> None:
    """Trial 3: a search without a hit showed "Đang hiển thị 0 hồ sơ" and the empty register
    "Sổ có 0 văn bản.", with no word on what to do."""
    page, keys = _search_one_inspection(window, qtbot, store)
    keys.type("nguyen trai")
    qtbot.waitUntil(lambda: "nguyen trai" in page.count.text(), timeout=10_000)
    assert "xóa ô tìm kiếm" in page.count.text()
    page.search.clear()
    page.year.setCurrentIndex(page.year.count() - 1)  # a year with no record
    qtbot.waitUntil(lambda: "bộ lọc" in page.count.text(), timeout=10_000)
    keys.press(Qt.Key.Key_9, CTRL)
    register = window.pages.currentWidget()
    assert isinstance(register, RegisterPage)
    qtbot.waitUntil(lambda: "Ctrl+P" in register.status.text(), timeout=10_000)
    assert "Sổ chưa có văn bản nào" in register.status.text()


def test_tab_leaves_the_list(window: MainWindow, qtbot: QtBot) -> None:
    page = window.lists[RecordType.INSPECTION]
    keys = Keyboard(qtbot)
    activate(window, qtbot)
    page.view.setFocus()
    keys.press(Qt.Key.Key_Tab)
    assert keys.focus() is not page.view


def test_ctrl_digits_open_every_section(window: MainWindow, qtbot: QtBot) -> None:
    keys = Keyboard(qtbot)
    activate(window, qtbot)
    digits = (
        Qt.Key.Key_1,
        Qt.Key.Key_2,
        Qt.Key.Key_3,
        Qt.Key.Key_4,
        Qt.Key.Key_5,
        Qt.Key.Key_6,
        Qt.Key.Key_7,
        Qt.Key.Key_8,
    )
    for index, digit in enumerate(digits):
        keys.press(digit, CTRL)
        assert window.pages.currentIndex() == index
        assert window.nav.currentRow() == index
    assert window.pages.currentWidget() is window.exchange
    view_menu = [m for m in window.menuBar().actions() if m.text() == "&Xem"]
    assert view_menu, [m.text() for m in window.menuBar().actions()]
    menu = view_menu[0].menu()
    assert isinstance(menu, QMenu)
    shortcuts = [a.shortcut().toString() for a in menu.actions()]
    assert [f"Ctrl+{n}" for n in range(1, 9)] == shortcuts[:8]


def test_ctrl_7_puts_the_cursor_in_the_reports_first_field(
    window: MainWindow, qtbot: QtBot
) -> None:
    """Trial 3: opening Báo cáo flashed the year box up as a window of its own, which took
    the activation: no field had the cursor and the next Ctrl+digit went nowhere."""
    keys = Keyboard(qtbot)
    activate(window, qtbot)
    keys.press(Qt.Key.Key_7, CTRL)
    reports = window.pages.currentWidget()
    qtbot.wait(300)  # the window system's (de)activation arrives after the key
    assert QApplication.activeWindow() is window
    assert isinstance(reports, ReportsPage)
    assert QApplication.focusWidget() is reports.kind  # "Kỳ báo cáo", the first field
    keys.press(Qt.Key.Key_1, CTRL)  # and the keyboard still moves on
    assert window.pages.currentIndex() == 0


@pytest.mark.parametrize("key", [Qt.Key.Key_P, Qt.Key.Key_O, Qt.Key.Key_Delete])
def test_commands_needing_a_selection_say_so(window: MainWindow, qtbot: QtBot, key: Qt.Key) -> None:
    keys = Keyboard(qtbot)
    activate(window, qtbot)
    window.lists[RecordType.INSPECTION].view.setFocus()
    keys.press(key, CTRL)
    settle(qtbot)
    assert window.statusBar().currentMessage().startswith("Chưa chọn hồ sơ")


def test_every_menu_action_is_reachable_and_shows_its_shortcut(window: MainWindow) -> None:
    shortcuts = {
        action.text(): action.shortcut().toString()
        for top in window.menuBar().actions()
        if isinstance(menu := top.menu(), QMenu)
        for action in menu.actions()
    }
    for text in ("&Tạo hồ sơ mới", "&Mở hồ sơ đã chọn", "&Biên bản của hồ sơ đang chọn…"):
        assert shortcuts[text], text


def test_f1_opens_help_for_the_current_screen(window: MainWindow, qtbot: QtBot) -> None:
    keys = Keyboard(qtbot)
    activate(window, qtbot)
    for digit, words in ((Qt.Key.Key_1, "Ctrl+N"), (Qt.Key.Key_8, "thẻ khóa")):
        keys.press(digit, CTRL)
        keys.press(Qt.Key.Key_F1)
        qtbot.waitUntil(lambda: bool(window.dialogs))
        dialog = window.dialogs[-1]
        browser = dialog.findChild(QTextBrowser)
        assert browser is not None and words in browser.toPlainText()
        dialog.reject()


def test_first_time_words_are_explained_where_they_appear(window: MainWindow) -> None:
    exchange = window.exchange
    assert "Thẻ khóa" in exchange.card_button.toolTip()
    assert "Dấu vân tay" in exchange.key_label.whatsThis()
    receipts = [b for b in exchange.findChildren(QAbstractButton) if "Biên nhận" in b.toolTip()]
    assert receipts
    assert "Kỳ báo cáo" in window.reports.kind.toolTip()


def test_exchange_and_report_buttons_are_menu_entries_with_keys(
    window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    keys = Keyboard(qtbot)
    activate(window, qtbot)
    keys.press(Qt.Key.Key_I, CTRL)  # a commune has no offices below: it says so
    assert window.pages.currentWidget() is window.exchange
    settle(qtbot)
    assert "không còn cơ quan cấp dưới" in window.statusBar().currentMessage()
    shown = answer_file_dialogs(monkeypatch, None)
    keys.press(Qt.Key.Key_E, CTRL)  # export: the USB stick is asked for first
    assert [dialog.title for dialog in shown] == ["Chọn ổ USB"]
    titles = [menu.text() for menu in window.menuBar().actions()]
    assert titles == [
        "&Hồ sơ", "&Xem", "&Báo cáo", "&Trao đổi USB", "&Duyệt", "&Người dùng", "Trợ &giúp",
    ]  # fmt: skip


def test_f1_in_a_form_opens_the_form_help(window: MainWindow, qtbot: QtBot) -> None:
    keys = Keyboard(qtbot)
    activate(window, qtbot)
    keys.press(Qt.Key.Key_N, CTRL)
    form = _open_form(window, qtbot)
    keys.press(Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: hasattr(form, "help_dialog") and form.help_dialog.isVisible())
    browser = form.help_dialog.findChild(QTextBrowser)
    assert browser is not None and "F4" in browser.toPlainText()
    form.help_dialog.reject()


def _help_after_f1(dialog: QDialog, qtbot: QtBot) -> str:
    """Press F1 where the focus is inside ``dialog``; the text of the help it opens."""
    dialog.show()
    activate(dialog, qtbot)
    Keyboard(qtbot).press(Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: dialog.findChild(HelpDialog) is not None)
    shown = dialog.findChild(HelpDialog)
    assert shown is not None and shown.isVisible()
    browser = shown.findChild(QTextBrowser)
    assert browser is not None
    text = browser.toPlainText()
    shown.reject()
    return text


def test_f1_in_the_minutes_dialog_opens_the_minutes_help(
    app: QApplication, store: Store, qtbot: QtBot
) -> None:
    record_id = add_record(store, record_type=RecordType.INSPECTION, data=inspection())
    dialog = MinutesDialog(store, get_record(store, record_id=record_id))
    qtbot.addWidget(dialog)
    text = _help_after_f1(dialog, qtbot)
    assert "Biên bản của hồ sơ" in text and "Người ghi biên bản" in text


def test_f1_in_the_backup_dialog_opens_the_backup_help(
    app: QApplication, store: Store, qtbot: QtBot
) -> None:
    dialog = BackupDialog(store.paths)
    qtbot.addWidget(dialog)
    text = _help_after_f1(dialog, qtbot)
    assert "Sao lưu và khôi phục" in text and "Khôi phục bản đã chọn" in text


def test_every_help_topic_has_its_text_and_is_bundled() -> None:
    for topic in TOPICS:
        assert help_file(topic).read_text(encoding="utf-8").startswith("# "), topic
    spec = (Path(__file__).parents[1] / "build.spec").read_text(encoding="utf-8")
    assert '"resources" / "help"), "resources/help")' in spec
