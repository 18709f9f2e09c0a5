"""After Ctrl+Shift+S (submit) and an approval in "Chờ duyệt", the record list shows the new
approval state at once and keeps the record the clerk had selected."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from dvdesk.domain.enums import RecordType
from dvdesk.services.approval import approve_records
from dvdesk.services.records import add_record
from dvdesk.services.store import Store
from tests.gui_support import activate, wait_loaded, wait_rows
from tests.samples import inspection
from ui.main_window import MainWindow
from ui.record_list import RecordListPage
from ui.review import PendingApprovals
from ui.worker import wait_for_tasks

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
TARGET = "Kiểm tra công tác dân vận chính quyền"


def _approval_of(page: RecordListPage, title: str) -> str:
    model = page.model
    column = next(
        c
        for c in range(model.columnCount())
        if model.headerData(c, Qt.Orientation.Horizontal) == "Tình trạng duyệt"
    )
    for row in range(model.rowCount()):
        if model.index(row, 1).data() == title:
            return str(model.index(row, column).data())
    raise AssertionError(f"{title} is not in the list")


def _selected_title(page: RecordListPage) -> str:
    return str(page.model.index(page.view.currentIndex().row(), 1).data())


def test_submit_and_approve_refresh_the_list_keeping_the_selection(
    window: MainWindow, store: Store, qtbot: QtBot, tmp_path: Path
) -> None:
    other = add_record(store, record_type=RecordType.INSPECTION,
                       data=inspection(title="Kiểm tra việc thực hiện Quy chế dân chủ"))  # fmt: skip
    # Approved already: in an office without users its draft would wait in the queue too.
    approve_records(store, record_ids=[other])
    target = add_record(store, record_type=RecordType.INSPECTION, data=inspection(title=TARGET))
    page = window.lists[RecordType.INSPECTION]
    page.select_record(target)
    qtbot.waitUntil(lambda: page.current_record_id() == target)
    wait_rows(qtbot, page)
    assert _approval_of(page, TARGET) == "nháp"
    window.resize(1366, 768)
    activate(window, qtbot)
    page.view.setFocus()
    qtbot.keyClick(page.view, Qt.Key.Key_S, CTRL_SHIFT)
    qtbot.waitUntil(lambda: _approval_of(page, TARGET) == "trình duyệt")
    wait_loaded(qtbot, page)
    qtbot.waitUntil(lambda: page.current_record_id() == target)
    assert _selected_title(page) == TARGET
    window.grab().save(str(tmp_path / "list-after-submit.png"))

    qtbot.keyClick(page.view, Qt.Key.Key_A, CTRL_SHIFT)
    qtbot.waitUntil(lambda: bool(window.findChildren(PendingApprovals)))
    [pending] = window.findChildren(PendingApprovals)
    qtbot.waitUntil(lambda: pending.table.rowCount() == 1)
    activate(pending, qtbot)
    qtbot.keyClick(pending.table, Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)  # &Duyệt
    qtbot.waitUntil(lambda: _approval_of(page, TARGET) == "đã duyệt")
    wait_loaded(qtbot, page)
    qtbot.waitUntil(lambda: page.current_record_id() == target)
    window.grab().save(str(tmp_path / "list-after-approve.png"))
    assert QApplication.activeWindow() is pending, "the refresh does not pull the focus away"
    pending.close()
    wait_for_tasks()
