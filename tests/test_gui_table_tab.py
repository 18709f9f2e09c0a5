"""Tab leaves every read-only table (a clerk on the keyboard is never trapped in a list);
the arrow keys still move inside it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QTableWidget, QTableWidgetItem, QWidget
from pytestqt.qtbot import QtBot

from dvdesk.domain.enums import RecordType
from dvdesk.services.store import Store
from tests.gui_support import activate, settle
from ui.backup_dialog import BackupDialog
from ui.counts import CountsDialog
from ui.import_dialog import ImportDialog
from ui.register import RegisterPage
from ui.review import PendingApprovals, ReturnedToUs, ReviewReceived
from ui.signatures import ReceivedPanel, VerifyPage
from ui.worker import wait_for_tasks

Factory = Callable[[Store], QWidget]
SCREENS: dict[str, Factory] = {
    "register": RegisterPage,
    "pending approvals": PendingApprovals,
    "returned to us": ReturnedToUs,
    "review received": ReviewReceived,
    "backups": lambda store: BackupDialog(store.paths),
    "counts": CountsDialog,
    "import": lambda store: ImportDialog(store, RecordType.INSPECTION),
    "verify": VerifyPage,
    "received documents": ReceivedPanel,
}


def _fill(table: QTableWidget) -> None:
    """Two rows at least, as in the trial: an empty table never held the Tab key."""
    if table.rowCount() >= 2:
        return
    table.setRowCount(2)
    for row in range(2):
        for column in range(table.columnCount()):
            table.setItem(row, column, QTableWidgetItem(f"{row}-{column}"))


@pytest.mark.parametrize("name", SCREENS)
def test_tab_walks_out_of_every_table(
    name: str, app: QApplication, store: Store, qtbot: QtBot, tmp_path: Path
) -> None:
    screen = SCREENS[name](store)
    qtbot.addWidget(screen)
    screen.resize(1366, 768)
    screen.show()
    activate(screen, qtbot)
    settle(qtbot)
    tables = screen.findChildren(QTableWidget)
    assert tables, f"{name} has a table"
    visible = [table for table in tables if table.isVisible()]
    assert visible, f"{name} shows its table"
    for table in visible:
        _fill(table)
        table.setCurrentCell(0, 0)
        table.setFocus()
        qtbot.waitUntil(table.hasFocus)
        qtbot.keyClick(table, Qt.Key.Key_Down)
        assert table.currentRow() == 1, f"{name}: the arrows move inside the table"
        qtbot.keyClick(table, Qt.Key.Key_Tab)
        assert not table.hasFocus(), f"{name}: one Tab leaves the table"
        assert table.currentRow() == 1, f"{name}: Tab does not move the selection"
    screen.grab().save(str(tmp_path / f"tab-{name.replace(' ', '-')}.png"))
    wait_for_tasks()
