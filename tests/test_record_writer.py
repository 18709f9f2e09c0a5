"""One writer per record: a record imported from another office is read-only here."""

from __future__ import annotations

import io

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLineEdit
from pytestqt.qtbot import QtBot

from dvdesk.cli.main import main
from dvdesk.errors import Conflict
from dvdesk.services.approval import approve_records
from dvdesk.services.office_view import get_office
from dvdesk.services.records import delete_record, get_record, record_writer, update_record
from tests import sync_fixtures
from tests.gui_support import activate
from tests.sync_fixtures import Exchange
from ui.main_window import MainWindow
from ui.worker import wait_for_tasks

exchange_template = sync_fixtures.exchange_template
exchange = sync_fixtures.exchange


def _imported(exchange: Exchange) -> str:
    record_id = exchange.add()
    exchange.import_(exchange.export().path)
    return record_id


def test_the_parent_cannot_change_or_delete_a_childs_record(exchange: Exchange) -> None:
    record_id = _imported(exchange)
    before = get_record(exchange.parent, record_id=record_id)
    writer = record_writer(exchange.parent, record_id=record_id)
    assert (writer.code, writer.own) == ("10105", False)
    assert writer.name == "Ban Xây dựng Đảng Đảng ủy xã Bát Tràng"
    with pytest.raises(Conflict, match="chỉ cơ quan đó được sửa hoặc xóa"):
        update_record(exchange.parent, record_id=record_id, changes={"place": "Nơi khác"})
    with pytest.raises(Conflict, match="Ban Xây dựng Đảng Đảng ủy xã Bát Tràng"):
        delete_record(exchange.parent, record_id=record_id)
    assert get_record(exchange.parent, record_id=record_id) == before
    # The owner still can, and its change reaches the parent with the next package.
    assert record_writer(exchange.child, record_id=record_id).own
    update_record(exchange.child, record_id=record_id, changes={"place": "Nhà văn hóa thôn"})
    approve_records(exchange.child, record_ids=[record_id])
    exchange.import_(exchange.export().path)
    assert get_record(exchange.parent, record_id=record_id).place == "Nhà văn hóa thôn"


def test_cli_update_and_delete_refuse_with_a_vietnamese_reason(
    exchange: Exchange, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    record_id = _imported(exchange)
    before = get_record(exchange.parent, record_id=record_id)
    root = str(exchange.parent.paths.root)
    exchange.parent.close()
    stdin = io.TextIOWrapper(io.BytesIO(b'{"place": "X"}'))
    monkeypatch.setattr("sys.stdin", stdin)
    code = main(["--data-dir", root, "record", "update", record_id, "--json", "-"])
    assert code != 0
    assert "chỉ cơ quan đó được sửa hoặc xóa" in capsys.readouterr().err
    assert main(["--data-dir", root, "record", "delete", record_id]) != 0
    assert "Ban Xây dựng Đảng Đảng ủy xã Bát Tràng" in capsys.readouterr().err
    from dvdesk.paths import DataPaths
    from dvdesk.services.store import open_store

    exchange.parent = open_store(DataPaths(exchange.parent.paths.root), actor="chuyenvien")
    assert get_record(exchange.parent, record_id=record_id) == before


def test_an_imported_record_opens_read_only_with_its_owner(
    exchange: Exchange, app: QApplication, qtbot: QtBot
) -> None:
    record_id = _imported(exchange)
    window = MainWindow(exchange.parent, get_office(exchange.parent))
    qtbot.addWidget(window)
    window.show()
    window.open_record(record_id)
    qtbot.waitUntil(lambda: bool(window.forms))
    form = window.forms[-1]
    assert form.read_only
    assert form.windowTitle() == "Hồ sơ của Ban Xây dựng Đảng Đảng ủy xã Bát Tràng"
    assert form.banner.text().startswith("Hồ sơ của Ban Xây dựng Đảng Đảng ủy xã Bát Tràng")
    title = form.fields["title"].widget
    assert isinstance(title, QLineEdit) and title.isReadOnly()
    assert not form.buttons.button(QDialogButtonBox.StandardButton.Save).isVisible()
    activate(form, qtbot)
    qtbot.keyClick(title, Qt.Key.Key_X)
    qtbot.keyClick(title, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert form.isVisible() and not form.saving
    assert get_record(exchange.parent, record_id=record_id).revision == 1
    form.done(0)
    wait_for_tasks()
