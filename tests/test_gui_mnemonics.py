"""Alt+letter reaches every field and button of the report screen and the minutes dialog
(trial 3: they had none, so a field was reached only by Tab after Tab). Within one window
no letter may serve two places, the menu bar's included: an ambiguous Alt+letter does
nothing at all."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QDialogButtonBox, QLabel, QWidget
from pytestqt.qtbot import QtBot

from dvdesk.domain.enums import RecordType
from dvdesk.services.records import add_record, get_record
from dvdesk.services.store import Store
from tests.gui_support import activate, type_text
from tests.samples import inspection
from ui.documents import MinutesDialog, ReportsPage
from ui.main_window import MainWindow

ALT = Qt.KeyboardModifier.AltModifier
MNEMONIC = re.compile(r"&([^&])")


def _places(root: QWidget) -> list[str]:
    """The text of every visible label that leads to a field, and of every visible button."""
    labels = [
        label.text()
        for label in root.findChildren(QLabel)
        if label.buddy() is not None and label.isVisibleTo(root)
    ]
    buttons = [
        button.text()
        for button in root.findChildren(QAbstractButton)
        if button.isVisibleTo(root) and not _is_cancel(button)
    ]
    return [text for text in labels + buttons if text]


def _is_cancel(button: QAbstractButton) -> bool:
    """Esc is the Cancel button's key (and Qt's own text for it carries no letter)."""
    box = button.parentWidget()
    cancel = QDialogButtonBox.StandardButton.Cancel
    return isinstance(box, QDialogButtonBox) and box.standardButton(button) == cancel


def _letters(texts: list[str]) -> list[str]:
    found = (MNEMONIC.search(text) for text in texts)
    return [match.group(1).casefold() for match in found if match is not None]


def _assert_every_place_has_its_own_letter(places: list[str], shared: list[str]) -> None:
    without = [t for t in places if MNEMONIC.search(t) is None and "(Ctrl+" not in t]
    assert without == [], f"no Alt+letter: {without}"
    letters = _letters(places + shared)
    repeated = sorted({letter for letter in letters if letters.count(letter) > 1})
    assert repeated == [], f"Alt+{repeated} serve two places in {places + shared}"


def test_the_report_screen_has_an_alt_letter_for_each_place(
    window: MainWindow, qtbot: QtBot
) -> None:
    activate(window, qtbot)
    qtbot.keyClick(window, Qt.Key.Key_7, Qt.KeyboardModifier.ControlModifier)
    reports = window.pages.currentWidget()
    assert isinstance(reports, ReportsPage)
    menus = [action.text() for action in window.menuBar().actions()]
    _assert_every_place_has_its_own_letter(_places(reports), menus)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Q, ALT)  # "Kết &quả đạt được"
    qtbot.waitUntil(reports.achievements.hasFocus)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Y, ALT)  # "Người ký (… nà&y)"
    qtbot.waitUntil(reports.signer_capacity.hasFocus)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_K, ALT)  # "&Kỳ báo cáo:"
    qtbot.waitUntil(reports.kind.hasFocus)


def test_ctrl_s_saves_the_report_texts_and_says_so(window: MainWindow, qtbot: QtBot) -> None:
    activate(window, qtbot)
    qtbot.keyClick(window, Qt.Key.Key_7, Qt.KeyboardModifier.ControlModifier)
    reports = window.pages.currentWidget()
    assert isinstance(reports, ReportsPage)
    reports.achievements.setFocus()
    type_text(reports.achievements, "Tổ chức 12 buổi đối thoại với 1.063 lượt người dân.")
    qtbot.keyClick(reports.achievements, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "Đã lưu nội dung báo cáo" in window.statusBar().currentMessage())
    assert reports.achievements.hasFocus()  # the clerk writes on
    reports.achievements.clear()
    reports.load_texts()
    qtbot.waitUntil(lambda: "1.063 lượt" in reports.achievements.toPlainText())


def test_the_minutes_dialog_has_an_alt_letter_for_each_place(store: Store, qtbot: QtBot) -> None:
    record_id = add_record(store, record_type=RecordType.INSPECTION, data=inspection())
    dialog = MinutesDialog(store, get_record(store, record_id=record_id))
    qtbot.addWidget(dialog)
    try:
        dialog.resize(1366, 768)
        dialog.show()
        qtbot.waitExposed(dialog)
        activate(dialog, qtbot)
        _assert_every_place_has_its_own_letter(_places(dialog), [])
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_K, ALT)  # "&Kết thúc lúc"
        qtbot.waitUntil(dialog.close_time.hasFocus)
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_S, ALT)  # "&Số bản được lập"
        qtbot.waitUntil(dialog.copies.hasFocus)
    finally:
        dialog.done(0)
