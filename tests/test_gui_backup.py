"""The backup dialog and the app's background integrity check."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QApplication, QMainWindow, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from dvdesk.domain.enums import RecordType
from dvdesk.services import backup as backups
from dvdesk.services.records import add_record, list_records
from dvdesk.services.stick_backup import backup_to_folder
from dvdesk.services.store import Store
from tests.gui_support import activate, answer_file_dialogs, answer_questions, capture_told
from tests.samples import dialogue, inspection
from tests.test_backup import corrupt_pages, held_exclusively, table_rows
from ui import ask
from ui.app import check_in_background
from ui.backup_dialog import BackupDialog
from ui.main_window import MainWindow
from ui.worker import wait_for_tasks


def cell(dialog: BackupDialog, row: int, column: int) -> str:
    item = dialog.table.item(row, column)
    assert item is not None
    return item.text()


def test_back_up_and_restore_from_the_dialog(
    window: MainWindow, store: Store, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_record(store, record_type=RecordType.INSPECTION, data=inspection())
    before = table_rows(store.paths.database)
    dialog = BackupDialog(store.paths, window)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(dialog.backup_button.isEnabled)
    assert dialog.table.rowCount() == 0
    dialog.backup_button.click()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1 and dialog.backup_button.isEnabled())
    assert cell(dialog, 0, 3) == "1"
    assert cell(dialog, 0, 1) == "Sao lưu thủ công"

    add_record(store, record_type=RecordType.DIALOGUE, data=dialogue())
    asked = answer_questions(monkeypatch, QMessageBox.StandardButton.Yes)
    told = capture_told(monkeypatch)
    refreshed: list[bool] = []
    dialog.restored.connect(lambda: refreshed.append(True))
    dialog.table.selectRow(0)
    dialog.restore_selected()
    qtbot.waitUntil(lambda: bool(told))
    wait_for_tasks()
    assert asked and "được sao lưu trước" in asked[0]
    assert refreshed == [True]
    assert table_rows(store.paths.database) == before
    assert len(list_records(store)) == 1
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 2)  # + the copy made before restoring


def test_menu_has_backup_entry(window: MainWindow) -> None:
    texts = [
        action.text()
        for entry in window.menuBar().actions()
        if (menu := entry.menu()) is not None
        for action in menu.actions()  # type: ignore[attr-defined]
    ]
    assert "&Sao lưu / Khôi phục…" in texts


def test_background_check_reports_a_damaged_database(
    app: QApplication, store: Store, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    for index in range(30):
        add_record(store, record_type=RecordType.DIALOGUE, data=dialogue(title=f"Buổi {index}"))
    corrupt_pages(store.paths.database)
    damaged = store.paths.database.read_bytes()
    errors: list[str] = []
    opened: list[bool] = []

    def shown(box: QMessageBox) -> int:  # the message offers to open the backups
        errors.append(box.text())
        [step] = [b for b in box.buttons() if b is box.defaultButton()]
        step.click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", shown)
    widget = QWidget()
    widget.step_handlers = lambda: {"backups": lambda: opened.append(True)}  # type: ignore[attr-defined]
    qtbot.addWidget(widget)
    check_in_background(app, widget, store.paths)
    qtbot.waitUntil(lambda: bool(errors))
    assert "bị hỏng" in errors[0] and "Sao lưu / Khôi phục" in errors[0]
    assert "dvdesk backup" not in errors[0]
    assert opened == [True]
    assert store.paths.database.read_bytes() == damaged
    assert backups.list_backups(store.paths) == []


def test_background_check_makes_the_daily_backup(
    app: QApplication, store: Store, qtbot: QtBot
) -> None:
    widget = QWidget()
    qtbot.addWidget(widget)
    check_in_background(app, widget, store.paths)
    qtbot.waitUntil(lambda: bool(backups.list_backups(store.paths)))
    wait_for_tasks()
    [daily] = backups.list_backups(store.paths)
    assert daily.reason == backups.DAILY


def test_background_check_shows_its_progress(app: QApplication, store: Store, qtbot: QtBot) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    shown: list[str] = []
    window.statusBar().messageChanged.connect(shown.append)
    check_in_background(app, window, store.paths)
    qtbot.waitUntil(lambda: bool(backups.list_backups(store.paths)))
    wait_for_tasks()
    # The worker's progress and its end reach the GUI thread as queued events, in order.
    qtbot.waitUntil(lambda: any("100%" in text for text in shown))
    qtbot.waitUntil(lambda: window.statusBar().currentMessage() == "")
    assert any(text.startswith("Đang kiểm tra cơ sở dữ liệu") for text in shown), shown
    assert any(text.startswith("Đang sao lưu") and "100%" in text for text in shown)


def test_a_busy_database_postpones_the_check_without_a_message_box(
    app: QApplication, store: Store, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another program holds the database at start: a line in the status bar, no box
    (a box would say the database is damaged and send the clerk to restore it)."""
    boxes: list[str] = []

    def shown(box: QMessageBox) -> int:
        boxes.append(box.text())
        return 0

    monkeypatch.setattr(QMessageBox, "exec", shown)
    monkeypatch.setattr(backups, "BUSY_TIMEOUT_MS", 50)
    holder = held_exclusively(store.paths.database)
    window = QMainWindow()
    qtbot.addWidget(window)
    try:
        check_in_background(app, window, store.paths)
        qtbot.waitUntil(lambda: "lần mở sau" in window.statusBar().currentMessage())
        wait_for_tasks()
    finally:
        holder.close()
    assert boxes == []
    assert backups.list_backups(store.paths) == []


def test_back_up_to_a_usb_stick_from_the_keyboard(
    window: MainWindow, store: Store, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    add_record(store, record_type=RecordType.INSPECTION, data=inspection())
    usb = tmp_path / "USB"
    usb.mkdir()
    shown = answer_file_dialogs(monkeypatch, None, [usb])
    told = capture_told(monkeypatch)
    dialog = BackupDialog(store.paths, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(dialog.stick_button.isEnabled)
    assert dialog.stick_button.text() == "Sao lưu ra &USB…"
    activate(dialog, qtbot)
    dialog.table.setFocus()
    qtbot.keyClick(dialog.table, Qt.Key.Key_U, Qt.KeyboardModifier.AltModifier)  # cancelled
    qtbot.waitUntil(lambda: len(shown) == 1)  # a mnemonic clicks after a short animation
    assert list(usb.iterdir()) == [] and not told
    qtbot.keyClick(dialog.table, Qt.Key.Key_U, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: bool(told))
    wait_for_tasks()
    [made] = usb.iterdir()
    assert made.name.endswith(".sqlite3") and made.name.startswith("dvdesk-")
    assert table_rows(made) == table_rows(store.paths.database)
    assert shown[1].title == "Chọn USB để lưu bản sao lưu"
    assert str(made) in told[0] and "USB" in told[0]
    assert dialog.status.text() == told[0]
    assert backups.list_backups(store.paths) == []  # the data folder's backups: untouched
    window.resize(1366, 768)
    screen = window.grab()
    painter = QPainter(screen)  # the dialog over the window, as a 1366x768 screen shows it
    painter.drawPixmap((1366 - dialog.width()) // 2, (768 - dialog.height()) // 2, dialog.grab())
    painter.end()
    screen.save(str(tmp_path / "backup-dialog-1366x768.png"))


def test_restore_from_a_file_on_a_usb_stick_from_the_keyboard(
    window: MainWindow, store: Store, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    add_record(store, record_type=RecordType.INSPECTION, data=inspection())
    before = table_rows(store.paths.database)
    usb = tmp_path / "USB"
    usb.mkdir()
    file = backup_to_folder(store.paths, folder=usb).path
    add_record(store, record_type=RecordType.DIALOGUE, data=dialogue())
    after = table_rows(store.paths.database)
    shown = answer_file_dialogs(monkeypatch, [file], [file])
    answers = [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes]
    defaults: list[object] = []

    def question(_parent: object, _title: str, _text: str, *args: object) -> object:
        defaults.append(args[-1])
        return answers.pop(0)

    monkeypatch.setattr(ask, "question", question)
    told = capture_told(monkeypatch)
    dialog = BackupDialog(store.paths, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(dialog.file_button.isEnabled)
    assert dialog.file_button.text() == "Khôi phục từ &tệp…"
    activate(dialog, qtbot)
    dialog.table.setFocus()
    qtbot.keyClick(dialog.table, Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)  # then "No"
    qtbot.waitUntil(lambda: len(defaults) == 1)
    wait_for_tasks()
    assert table_rows(store.paths.database) == after and not told
    qtbot.keyClick(dialog.table, Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)  # then "Yes"
    qtbot.waitUntil(lambda: bool(told))
    wait_for_tasks()
    assert defaults == [QMessageBox.StandardButton.No] * 2  # Enter does no harm
    assert shown[0].title == "Chọn tệp sao lưu trên USB"
    assert table_rows(store.paths.database) == before
    assert file.is_file()


def test_a_backup_of_another_office_is_refused_in_the_dialog(
    window: MainWindow, store: Store, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    usb = tmp_path / "USB"
    usb.mkdir()
    file = backup_to_folder(store.paths, folder=usb).path
    connection = sqlite3.connect(file)  # someone's file, made to look like a stick backup
    connection.execute("UPDATE office SET code = '10199'")
    connection.commit()
    connection.close()
    add_record(store, record_type=RecordType.INSPECTION, data=inspection())
    before = table_rows(store.paths.database)
    answer_file_dialogs(monkeypatch, [file])
    answer_questions(monkeypatch, QMessageBox.StandardButton.Yes)
    errors: list[str] = []
    monkeypatch.setattr(
        "ui.backup_dialog.show_error", lambda _parent, error: errors.append(str(error))
    )
    dialog = BackupDialog(store.paths, window)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(dialog.file_button.isEnabled)
    dialog.file_button.click()
    qtbot.waitUntil(lambda: bool(errors))
    wait_for_tasks()
    assert "không phải của cơ quan này (10105)" in errors[0]
    assert table_rows(store.paths.database) == before
    assert dialog.file_button.isEnabled()
