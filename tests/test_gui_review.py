"""The review screen at the level above names the sending office, not only its code."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from dvdesk.services.review import review_items
from tests import sync_fixtures
from tests.sync_fixtures import Exchange
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
