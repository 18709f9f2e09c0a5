"""The directives list shows each document's number and symbol where others show a place."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from dvdesk.domain.enums import RecordType
from dvdesk.services.browse import RecordQuery, record_keys, record_rows
from dvdesk.services.records import add_record
from dvdesk.services.store import Store
from tests.gui_support import wait_loaded
from tests.register_fixtures import directive
from ui.main_window import MainWindow


def test_ctrl_4_lists_directives_with_their_number_and_symbol(
    window: MainWindow, store: Store, qtbot: QtBot, tmp_path: Path
) -> None:
    add_record(store, record_type=RecordType.DIRECTIVE, data=directive())
    add_record(
        store,
        record_type=RecordType.DIRECTIVE,
        data=directive(number="05-CT/TU", kind="chi_thi", title="Về công tác dân vận"),
    )
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    page = window.lists[RecordType.DIRECTIVE]
    assert window.pages.currentWidget() is page
    page.reload()
    wait_loaded(qtbot, page)
    model = page.model
    header = model.headerData(2, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
    assert header == "Số, ký hiệu"
    shown = {model.index(row, 2).data() for row in range(model.rowCount())}
    assert shown == {"12-NQ/TU", "05-CT/TU"}
    # The other lists keep their place column.
    inspections = window.lists[RecordType.INSPECTION].model
    place = inspections.headerData(2, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
    assert place == "Địa điểm"
    window.resize(1366, 768)
    window.grab().save(str(tmp_path / "directive-list.png"))


def test_directives_sort_by_number(store: Store) -> None:
    for number in ("12-NQ/TU", "05-CT/TU", "07-KL/TU"):
        add_record(store, record_type=RecordType.DIRECTIVE, data=directive(number=number))
    query = RecordQuery(record_type=RecordType.DIRECTIVE, order="number", descending=False)
    rows = record_rows(store, keys=record_keys(store, query=query))
    assert [row.number for row in rows] == ["05-CT/TU", "07-KL/TU", "12-NQ/TU"]
