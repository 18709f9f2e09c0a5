"""Message boxes that name a step have a button that does it, pressed by keyboard:
the step's button is the default (Enter) and has a mnemonic (Alt+letter)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QInputDialog, QMessageBox
from pytestqt.qtbot import QtBot

from dvdesk.documents.settings import set_document_settings
from dvdesk.domain.enums import RecordType
from dvdesk.errors import Conflict, StorageError
from dvdesk.i18n import _
from dvdesk.services.backup import damaged_message
from dvdesk.services.office_view import get_office
from dvdesk.services.records import add_record
from dvdesk.services.store import Store
from dvdesk.sync.keys import active_key
from tests import sync_fixtures
from tests.samples import inspection
from tests.sync_fixtures import PASSPHRASE, Exchange
from ui import next_steps
from ui.backup_dialog import BackupDialog
from ui.main_window import MainWindow
from ui.office_settings import OfficeSettingsDialog
from ui.review import PendingApprovals
from ui.trusted_roots import TrustedRootsDialog
from ui.worker import wait_for_tasks

exchange_template = sync_fixtures.exchange_template
exchange = sync_fixtures.exchange

ALT = Qt.KeyboardModifier.AltModifier


@dataclass
class Shown:
    text: str
    buttons: list[str]
    default: str | None


def press_in_boxes(
    monkeypatch: pytest.MonkeyPatch,
    qtbot: QtBot,
    key: Qt.Key,
    modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
) -> list[Shown]:
    """Show each message box and press ``key`` in it, as the clerk would."""
    shown: list[Shown] = []

    def run(box: QMessageBox) -> int:
        box.show()
        box.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is box)
        default = box.defaultButton()
        label = default.text() if default is not None else None
        shown.append(Shown(box.text(), [b.text() for b in box.buttons()], label))
        assert default is None or QApplication.focusWidget() is default
        qtbot.keyClick(QApplication.focusWidget() or box, key, modifier)
        # A mnemonic presses its button after a short animation.
        qtbot.waitUntil(lambda: box.clickedButton() is not None)
        box.hide()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", run)
    return shown


def _main(store: Store, qtbot: QtBot) -> MainWindow:
    window = MainWindow(store, get_office(store))
    qtbot.addWidget(window)
    window.show()
    return window


def test_a_report_without_a_signer_opens_the_office_settings_on_enter(
    window: MainWindow, store: Store, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    set_document_settings(store, changes={"signer_name": None, "signer_post": None})
    window.go_to(window._reports_index)
    page = window.reports
    wait_for_tasks()
    for edit in (page.situation, page.achievements, page.limitations, page.tasks):
        edit.setPlainText("Đã viết.")
    page.signer_name.setText("")
    page.signer_post.setText("")
    shown = press_in_boxes(monkeypatch, qtbot, Qt.Key.Key_Return)
    page.issue()
    qtbot.waitUntil(lambda: bool(shown), timeout=20_000)
    assert "họ tên người ký" in shown[0].text
    assert shown[0].default == "Mở &Cài đặt cơ quan…"
    qtbot.waitUntil(lambda: any(isinstance(d, OfficeSettingsDialog) for d in window.dialogs))


def test_a_missing_key_is_created_from_the_message(
    window: MainWindow, store: Store, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: (PASSPHRASE, True)))

    def choose(dialog: QFileDialog) -> int:
        dialog.selectedFiles = lambda: [str(tmp_path)]  # type: ignore[method-assign]
        return 1

    monkeypatch.setattr(QFileDialog, "exec", choose)
    shown = press_in_boxes(monkeypatch, qtbot, Qt.Key.Key_T, ALT)  # “&Tạo khóa…”
    window.on_exchange("save_card")  # no key yet: the card cannot be written
    qtbot.waitUntil(lambda: bool(shown), timeout=20_000)
    assert "dvdesk" not in shown[0].text and "“Tạo khóa…”" in shown[0].text
    assert "&Tạo khóa…" in shown[0].buttons
    window.activateWindow()
    qtbot.waitUntil(lambda: window.exchange.key_label.text().count("vân tay") > 0, timeout=20_000)
    wait_for_tasks()
    assert active_key(store) is not None


def test_a_damaged_database_message_opens_the_backups(
    window: MainWindow, store: Store, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []
    monkeypatch.setattr(BackupDialog, "exec", lambda dialog: opened.append(dialog.windowTitle()))
    shown = press_in_boxes(monkeypatch, qtbot, Qt.Key.Key_S, ALT)  # “Mở &Sao lưu / Khôi phục…”
    next_steps.show_error(
        window.pages.currentWidget(), StorageError(damaged_message(store.paths.database))
    )
    assert "dvdesk backup" not in shown[0].text
    assert shown[0].default == "Mở &Sao lưu / Khôi phục…"
    assert opened == ["Sao lưu / Khôi phục"]


def test_a_reprint_message_opens_the_register_screen(
    window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    press_in_boxes(monkeypatch, qtbot, Qt.Key.Key_Return)
    error = Conflict(
        "Văn bản này đã được phát hành số 01-BB/BXDĐ. In lại bằng 'dvdesk document show 01', "
        "hoặc phát hành văn bản thay thế."
    )
    next_steps.show_error(window.pages.currentWidget(), error)
    assert window.pages.currentIndex() == window._register_index


def test_unapproved_records_after_an_export_open_the_approval_queue(
    exchange: Exchange,
    app: QApplication,
    qtbot: QtBot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    exchange.add()  # approved: it is sent
    add_record(exchange.child, record_type=RecordType.INSPECTION, data=inspection())  # a draft
    window = _main(exchange.child, qtbot)
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: (PASSPHRASE, True)))

    def choose(dialog: QFileDialog) -> int:
        dialog.selectedFiles = lambda: [str(exchange.stick)]  # type: ignore[method-assign]
        return 1

    monkeypatch.setattr(QFileDialog, "exec", choose)
    shown = press_in_boxes(monkeypatch, qtbot, Qt.Key.Key_Return)
    window.on_exchange("export")
    qtbot.waitUntil(lambda: bool(shown), timeout=30_000)
    assert "1 hồ sơ còn là bản nháp" in shown[0].text
    assert shown[0].default == "Mở danh sách &Chờ duyệt…"
    qtbot.waitUntil(lambda: any(isinstance(d, PendingApprovals) for d in window.dialogs))
    for dialog in window.dialogs:
        dialog.close()
    wait_for_tasks()


def test_labels_in_the_app_name_no_commands(app: QApplication) -> None:
    """Messages shown in a dialog's own label are rendered too: the signing dialog names
    its own “Find my token” button instead of a command."""
    text = next_steps.app_text(
        "Không tìm thấy thiết bị ký số. Cắm thiết bị vào rồi chạy 'dvdesk token list'."
    )
    assert text.endswith("dùng “Tìm thiết bị ký số”.")


def test_two_commands_of_one_step_are_named_once(app: QApplication) -> None:
    text = next_steps.app_text(damaged_message(Path("dvdesk.sqlite3")))
    assert text.count("“Hồ sơ → Sao lưu / Khôi phục…”") == 1, text


def test_a_message_about_trusted_roots_opens_them(
    window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown = press_in_boxes(monkeypatch, qtbot, Qt.Key.Key_Return)
    next_steps.show_error(
        window.pages.currentWidget(),
        Conflict("Chưa tin cậy chứng thư gốc nào. Thêm bằng 'dvdesk trust add-root FILE'."),
    )
    assert "dvdesk" not in shown[0].text and "Chứng thư gốc tin cậy…" in shown[0].text
    assert shown[0].default == "Mở chứng thư gốc &tin cậy…"
    qtbot.waitUntil(lambda: isinstance(window.verify.roots_dialog, TrustedRootsDialog))
    assert window.pages.currentWidget() is window.verify
    wait_for_tasks()


@pytest.mark.parametrize(
    ("command", "button"),
    [("user list", "&Quản lý người dùng…"), ("request set", "&Yêu cầu báo cáo…")],
)
def test_user_and_request_commands_name_their_screens(command: str, button: str) -> None:
    rendered = next_steps.render(f"Xem bằng lệnh 'dvdesk {command}'.")
    assert "dvdesk" not in rendered.text
    [action] = rendered.actions
    assert _(next_steps.BUTTONS[action]) == button
