"""The approval column and filter of a record list, by keyboard (offscreen)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from dvdesk.domain.enums import RecordType
from dvdesk.services.approval import approve_records, submit_record
from dvdesk.services.browse import RecordQuery, record_keys, record_rows
from dvdesk.services.records import add_record
from dvdesk.services.store import Store
from tests.gui_support import wait_loaded, wait_rows
from tests.samples import inspection
from ui.main_window import MainWindow
from ui.record_list import RecordListPage

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def _column(page_model: object, title: str) -> int:
    model = page_model
    for column in range(model.columnCount()):  # type: ignore[attr-defined]
        if model.headerData(column, Qt.Orientation.Horizontal) == title:  # type: ignore[attr-defined]
            return column
    raise AssertionError(title)


def test_the_list_shows_and_filters_the_approval(
    window: MainWindow, store: Store, qtbot: QtBot, tmp_path: Path
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
    window.grab().save(str(tmp_path / "list-approval.png"))
    # Keyboard: from the status filter, Tab reaches the approval filter; Down picks "nháp".
    page.status.setFocus()
    qtbot.keyClick(page.status, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is page.approval
    qtbot.keyClick(page.approval, Qt.Key.Key_Down)
    assert page.approval.currentText() == "nháp"
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    wait_rows(qtbot, page)
    assert page.model.index(0, column).data() == "nháp"


def test_the_approval_column_sorts_by_keyboard(
    app: QApplication, store: Store, qtbot: QtBot, tmp_path: Path
) -> None:
    for title in ("Kiểm tra xã Tân Lập", "Kiểm tra xã Gia Lâm", "Kiểm tra phường Bát Tràng"):
        add_record(store, record_type=RecordType.INSPECTION, data=inspection(title=title))
    ids = {row.title: row.id for row in record_rows(store, keys=list(record_keys(
        store, query=RecordQuery(record_type=RecordType.INSPECTION))))}  # fmt: skip
    approve_records(store, record_ids=[ids["Kiểm tra xã Tân Lập"]])
    submit_record(store, record_id=ids["Kiểm tra xã Gia Lâm"])
    page = RecordListPage(store, RecordType.INSPECTION)
    qtbot.addWidget(page)
    page.resize(1366, 700)
    page.show()
    page.reload()
    wait_loaded(qtbot, page)
    page.focus_list()
    column = _column(page.model, "Tình trạng duyệt")
    for _step in range(column):  # the cursor to "Tình trạng duyệt"
        qtbot.keyClick(page.view, Qt.Key.Key_Right)
    assert page.view.currentIndex().column() == column
    qtbot.keyClick(page.view, Qt.Key.Key_O, CTRL | SHIFT)  # sort by it: what needs work first
    qtbot.waitUntil(lambda: page.order == "approval")
    wait_loaded(qtbot, page)

    def states() -> list[str]:
        return [page.model.data(page.model.index(r, column)) for r in range(page.model.rowCount())]

    assert states() == ["nháp", "trình duyệt", "đã duyệt"]
    page.grab().save(str(tmp_path / "approval-sorted.png"))
    qtbot.keyClick(page.view, Qt.Key.Key_O, CTRL | SHIFT)  # again: the other way
    qtbot.waitUntil(lambda: states() == ["đã duyệt", "trình duyệt", "nháp"])
