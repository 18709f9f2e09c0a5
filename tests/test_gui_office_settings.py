"""Office settings by keyboard: a new name from a date, signers, numbering, margins."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from dvdesk.documents.settings import get_document_settings
from dvdesk.services.office import get_office
from dvdesk.services.report_recipients import get_default_recipients
from dvdesk.services.store import Store
from tests.gui_support import activate, type_text
from ui.documents import ReportsPage
from ui.main_window import MainWindow
from ui.office_settings import OfficeSettingsDialog


def _open(window: MainWindow, qtbot: QtBot) -> OfficeSettingsDialog:
    activate(window, qtbot)
    qtbot.keyClick(window, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: any(isinstance(d, OfficeSettingsDialog) for d in window.dialogs))
    dialog = next(d for d in window.dialogs if isinstance(d, OfficeSettingsDialog))
    activate(dialog, qtbot)
    return dialog


def _replace(qtbot: QtBot, text: str) -> None:
    widget = QApplication.focusWidget()
    assert widget is not None
    qtbot.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    type_text(widget, text)


def test_a_new_name_from_a_date_and_the_signer(
    window: MainWindow, qtbot: QtBot, store: Store
) -> None:
    dialog = _open(window, qtbot)
    assert QApplication.focusWidget() is dialog.edits["name"]
    _replace(qtbot, "Ban Xây dựng Đảng Đảng ủy phường Hoàn Kiếm")
    dialog.valid_from.setFocus()
    _replace(qtbot, "1/7/2026")
    dialog.capacity.setFocus()
    _replace(qtbot, "K/T TRƯỞNG BAN")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    _replace(qtbot, "PHÓ TRƯỞNG BAN")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    _replace(qtbot, "Nguyễn Thị Lan")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    office = get_office(store)
    assert [p.valid_from for p in office.profiles] == [date(2000, 1, 1), date(2026, 7, 1)]
    assert office.profile_at(date(2026, 6, 30)).name == "Ban Xây dựng Đảng Đảng ủy xã Bát Tràng"
    assert office.current.name == "Ban Xây dựng Đảng Đảng ủy phường Hoàn Kiếm"
    settings = get_document_settings(store)
    assert (settings.signer_capacity, settings.signer_post, settings.signer_name) == (
        "K/T TRƯỞNG BAN",
        "PHÓ TRƯỞNG BAN",
        "Nguyễn Thị Lan",
    )
    qtbot.waitUntil(lambda: window.statusBar().currentMessage() == "Đã lưu cài đặt của cơ quan.")
    assert "phường Hoàn Kiếm" in window.windowTitle()


def test_a_bad_symbol_is_explained_and_nothing_is_written(
    window: MainWindow, qtbot: QtBot, store: Store
) -> None:
    dialog = _open(window, qtbot)
    dialog.signer_name.setText("Nguyễn Thị Lan")
    dialog.edits["symbol"].setFocus()
    _replace(qtbot, "BXD Đ 1")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(dialog.error.text()))  # checked by the core, on the worker
    assert dialog.isVisible()
    assert "ký hiệu" in dialog.error.text()
    assert QApplication.focusWidget() is dialog.edits["symbol"]
    assert len(get_office(store).profiles) == 1
    assert get_document_settings(store).signer_name is None


def test_default_recipients_fill_a_new_report(
    window: MainWindow, qtbot: QtBot, store: Store
) -> None:
    dialog = _open(window, qtbot)
    dialog.recipients.setFocus()
    type_text(dialog.recipients, "Thường trực Đảng ủy xã\nBan Tuyên giáo và Dân vận Thành ủy")
    dialog.signer_name.setFocus()
    qtbot.keyClick(dialog.signer_name, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert get_default_recipients(store) == [
        "Thường trực Đảng ủy xã",
        "Ban Tuyên giáo và Dân vận Thành ủy",
    ]
    page = ReportsPage(store)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: bool(page.recipients.toPlainText()))
    assert page.recipients.toPlainText().splitlines() == get_default_recipients(store)


def test_term_starts_and_the_template_by_keyboard(
    window: MainWindow, qtbot: QtBot, store: Store
) -> None:
    dialog = _open(window, qtbot)
    assert dialog.terms.toPlainText().splitlines() == ["01/10/2020", "01/07/2025"]
    dialog.terms.setFocus()
    qtbot.keyClick(dialog.terms, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    type_text(dialog.terms, "\n1/10/30")
    qtbot.keyClick(dialog.terms, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.template
    qtbot.keyClick(dialog.template, Qt.Key.Key_Down)  # Party → State format
    dialog.signer_name.setFocus()
    qtbot.keyClick(dialog.signer_name, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    settings = get_document_settings(store)
    assert settings.term_starts == (date(2020, 10, 1), date(2025, 7, 1), date(2030, 10, 1))
    assert settings.template.value == "state"


def test_a_term_start_that_is_not_a_date_writes_nothing(
    window: MainWindow, qtbot: QtBot, store: Store
) -> None:
    dialog = _open(window, qtbot)
    dialog.recipients.setFocus()
    type_text(dialog.recipients, "Thường trực Đảng ủy xã")
    dialog.terms.setFocus()
    qtbot.keyClick(dialog.terms, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    type_text(dialog.terms, "\n31/02/2030")
    dialog.signer_name.setFocus()
    qtbot.keyClick(dialog.signer_name, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(dialog.error.text()))
    assert "31/02/2030" in dialog.error.text() and dialog.isVisible()
    assert QApplication.focusWidget() is dialog.terms
    assert get_default_recipients(store) == []
    assert get_document_settings(store).term_starts == (date(2020, 10, 1), date(2025, 7, 1))


def test_the_open_reports_screen_follows_a_new_signer(
    window: MainWindow, qtbot: QtBot, store: Store
) -> None:
    reports = window.reports  # opened before the settings change
    qtbot.waitUntil(lambda: reports.signer_post.text() == "TRƯỞNG BAN")
    dialog = _open(window, qtbot)
    dialog.signer_name.setFocus()
    type_text(dialog.signer_name, "Nguyễn Thị Lan")
    qtbot.keyClick(dialog.signer_name, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: reports.signer_name.text() == "Nguyễn Thị Lan")
    assert reports.signer_choice() is None  # the office's own signer, not an override
