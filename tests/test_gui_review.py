"""The review screen at the level above names the sending office, not only its code; a
commune, with no offices below, is offered neither the review nor an "office" column."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from dvdesk.domain.enums import RecordType
from dvdesk.services.office_view import get_office
from dvdesk.services.review import review_items
from tests import sync_fixtures
from tests.gui_support import wait_loaded
from tests.sync_fixtures import Exchange
from ui.main_window import MainWindow
from ui.record_list import OFFICE_COLUMN
from ui.review import ReviewReceived
from ui.worker import wait_for_tasks

exchange_template = sync_fixtures.exchange_template
exchange = sync_fixtures.exchange


def test_the_review_screen_shows_the_sending_offices_name(
    app: QApplication, exchange: Exchange, qtbot: QtBot
) -> None:
    exchange.add()
    exchange.import_(exchange.export().path)
    [item] = review_items(exchange.parent)
    name = item.office_name
    assert item.office_code == "10105" and name not in ("", "10105")
    assert "Bát Tràng" in name  # the name the child enrolled under
    review = ReviewReceived(exchange.parent)
    qtbot.addWidget(review)
    review.resize(1366, 700)
    review.show()
    qtbot.waitUntil(lambda: review.table.rowCount() == 1)
    cell = review.table.item(0, 0)
    assert cell is not None
    assert cell.text() == name
    assert "10105" in cell.toolTip()
    wait_for_tasks()


def _review_action(window: MainWindow) -> QAction:
    [action] = [
        a for a in window.findChildren(QAction) if a.text() == "&Xem xét hồ sơ cấp dưới gửi…"
    ]
    return action


def test_a_commune_is_not_offered_the_review_of_offices_below(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    action = _review_action(window)
    assert not action.isEnabled()
    assert "không có cơ quan cấp dưới" in action.toolTip()
    assert action.statusTip() == action.toolTip()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    shortcut = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(window, Qt.Key.Key_R, shortcut)
    wait_for_tasks()
    assert not window.findChildren(ReviewReceived)
    # Every record is the commune's own: no "Cơ quan" column repeating its name.
    for page in window.lists.values():
        assert page.view.isColumnHidden(OFFICE_COLUMN)
    window.resize(1366, 768)
    window.grab().save(str(tmp_path / "commune-list.png"))


def test_a_province_reviews_and_sees_whose_record_it_is(
    app: QApplication, exchange: Exchange, qtbot: QtBot, tmp_path: Path
) -> None:
    window = MainWindow(exchange.parent, get_office(exchange.parent))
    qtbot.addWidget(window)
    window.show()
    wait_loaded(qtbot, window.lists[next(iter(window.lists))])
    assert _review_action(window).isEnabled()
    # Nothing has come from below yet: every record is the province's own, no column.
    for page in window.lists.values():
        assert page.view.isColumnHidden(OFFICE_COLUMN)
    exchange.add(title="Kiểm tra việc thực hiện Quy chế dân chủ ở xã Gia Lâm")
    exchange.import_(exchange.export().path)
    window.resize(1366, 768)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window, Qt.Key.Key_F5)  # Xem › Làm mới
    inspections = window.lists[RecordType.INSPECTION]
    qtbot.waitUntil(lambda: not inspections.view.isColumnHidden(OFFICE_COLUMN))
    wait_loaded(qtbot, inspections)
    window.grab().save(str(tmp_path / "province-list-office-column.png"))
    assert all(not page.view.isColumnHidden(OFFICE_COLUMN) for page in window.lists.values())
    wait_for_tasks()
