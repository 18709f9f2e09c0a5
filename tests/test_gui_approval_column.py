"""The approval column and filter of a record list, by keyboard (offscreen)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from dvdesk.domain.enums import RecordType
from dvdesk.services.approval import submit_record
from dvdesk.services.records import add_record
from dvdesk.services.store import Store
from tests.gui_support import wait_loaded, wait_rows
from tests.samples import inspection
from ui.main_window import MainWindow

SHOTS = Path("/tmp/dvdesk-people-shots")


def _column(page_model: object, title: str) -> int:
    model = page_model
    for column in range(model.columnCount()):  # type: ignore[attr-defined]
        if model.headerData(column, Qt.Orientation.Horizontal) == title:  # type: ignore[attr-defined]
            return column
    raise AssertionError(title)


def test_the_list_shows_and_filters_the_approval(
    window: MainWindow, store: Store, qtbot: QtBot
) -> None:
    add_record(store, record_type=RecordType.INSPECTION,
               data=inspection(title="Kiểm tra việc thực hiện Quy chế dân chủ"))  # fmt: skip
    submitted = add_record(store, record_type=RecordType.INSPECTION,
                           data=inspection(title="Kiểm tra công tác dân vận chính quyền"))  # fmt: skip
    submit_record(store, record_id=submitted)
    page = window.lists[RecordType.INSPECTION]
    page.reload()
    wait_loaded(qtbot, page)
    wait_rows(qtbot, page)
    column = _column(page.model, "Tình trạng duyệt")
    shown = {
        page.model.index(row, 1).data(): page.model.index(row, column).data()
        for row in range(page.model.rowCount())
    }
    assert shown == {
        "Kiểm tra việc thực hiện Quy chế dân chủ": "nháp",
        "Kiểm tra công tác dân vận chính quyền": "trình duyệt",
    }
    window.resize(1366, 768)
    SHOTS.mkdir(exist_ok=True)
    window.grab().save(str(SHOTS / "list-approval.png"))
    # Keyboard: from the status filter, Tab reaches the approval filter; Down picks "nháp".
    page.status.setFocus()
    qtbot.keyClick(page.status, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is page.approval
    qtbot.keyClick(page.approval, Qt.Key.Key_Down)
    assert page.approval.currentText() == "nháp"
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=5000)
    wait_rows(qtbot, page)
    assert page.model.index(0, column).data() == "nháp"
