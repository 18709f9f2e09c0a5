"""The USB exchange screen: a commune sends its package, the province imports it."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QInputDialog,
    QMessageBox,
    QTableWidget,
)
from pytestqt.qtbot import QtBot

import ui.ask
from dvdesk.domain.enums import RecordType
from dvdesk.paths import DataPaths
from dvdesk.services.approval import approve_records
from dvdesk.services.office import create_office
from dvdesk.services.office_view import get_office
from dvdesk.services.records import add_record, list_records
from dvdesk.services.store import Store, open_store
from dvdesk.sync.keycard import read_card_bytes
from dvdesk.sync.keys import create_keys, write_card
from dvdesk.sync.trust import enroll_card
from tests.gui_support import answer_questions
from tests.samples import dialogue, inspection
from ui import ask
from ui.exchange import ExchangePage
from ui.worker import wait_for_tasks

PASSPHRASE = "mật khẩu của xã Bát Tràng"


@pytest.fixture
def province(tmp_path: Path, app: QApplication) -> Iterator[Store]:
    store = open_store(DataPaths(tmp_path / "province"), actor="tinh", create=True)
    create_office(
        store,
        data={
            "level": "province",
            "code": "01",
            "name": "Ban Tuyên giáo và Dân vận Thành ủy Hà Nội",
            "symbol": "BTGDVTU",
            "place": "Hà Nội",
        },
    )
    create_keys(store, passphrase=PASSPHRASE)
    yield store
    store.close()


def _answer(
    monkeypatch: pytest.MonkeyPatch, *, folder: Path | None = None, files: list[Path] | None = None
) -> list[str]:
    told: list[str] = []
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: (PASSPHRASE, True)))

    def run(dialog: QFileDialog) -> int:
        folders = dialog.fileMode() == QFileDialog.FileMode.Directory
        chosen = [str(folder)] if folders else [str(f) for f in files or []]
        dialog.selectedFiles = lambda: chosen  # type: ignore[method-assign]
        return 1

    monkeypatch.setattr(QFileDialog, "exec", run)
    monkeypatch.setattr(ask, "tell", lambda _p, _t, text, **_k: told.append(text))

    def shown(box: QMessageBox) -> int:  # a box with a step button (ui.next_steps)
        told.append(box.text())
        return 0

    monkeypatch.setattr(QMessageBox, "exec", shown)
    answer_questions(monkeypatch, QMessageBox.StandardButton.Yes)
    return told


def _cell(table: QTableWidget, row: int, column: int) -> str:
    item = table.item(row, column)
    return item.text() if item is not None else ""


def _settle(qtbot: QtBot, page: ExchangePage) -> None:
    with qtbot.waitSignal(page.status_shown):
        page.refresh()


def test_commune_exports_and_province_imports_through_the_screen(
    store: Store, province: Store, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    approve_records(
        store,
        record_ids=[
            add_record(store, record_type=RecordType.INSPECTION, data=inspection()),
            add_record(store, record_type=RecordType.DIALOGUE, data=dialogue()),
        ],
    )
    stick = tmp_path / "usb"
    stick.mkdir()

    # The commune creates its key on the screen and saves its key card to the stick.
    commune_page = ExchangePage(store, get_office(store))
    qtbot.addWidget(commune_page)
    _settle(qtbot, commune_page)
    assert commune_page.create_key_button.isVisibleTo(commune_page)
    told = _answer(monkeypatch, folder=stick)
    commune_page.create_key()
    qtbot.waitUntil(lambda: not commune_page.create_key_button.isVisibleTo(commune_page))
    assert "vân tay" in commune_page.key_label.text()
    commune_page.save_card()
    qtbot.waitUntil(lambda: bool(told))  # written on the worker
    card = next(stick.glob("*"))

    # The province enrols the card after comparing the fingerprint by phone.
    province_page = ExchangePage(province, get_office(province))
    qtbot.addWidget(province_page)
    _answer(monkeypatch, files=[card])
    province_page.enroll()
    qtbot.waitUntil(lambda: province_page.units.rowCount() == 1)
    assert _cell(province_page.units, 0, 1) == "10105"
    card.unlink()

    # The commune exports (encrypted by default) onto the stick.
    # (The commune enrols its parent's card the same way; done here through the service.)
    province_card, _fingerprint = write_card(province, out=tmp_path)
    enroll_card(store, card=read_card_bytes(province_card.read_bytes()))
    told = _answer(monkeypatch, folder=stick)
    commune_page.encrypt.setChecked(True)
    commune_page.export()
    qtbot.waitUntil(lambda: bool(told), timeout=30_000)
    assert "số 1" in told[0]
    package = next(stick.glob("*"))

    # The province imports it and writes a receipt back onto the stick.
    _answer(monkeypatch, files=[package])
    with qtbot.waitSignal(province_page.imported, timeout=30_000):
        province_page.import_packages()
    wait_for_tasks()
    row = [_cell(province_page.summary, 0, c) for c in range(province_page.summary.columnCount())]
    assert row[1:7] == ["Ban Xây dựng Đảng Đảng ủy xã Bát Tràng", "1", "2", "0", "0", "0"]
    assert "biên nhận" in row[7]
    assert {r.office_code for r in list_records(province)} == {"10105"}
    receipt = next(p for p in stick.glob("*") if p != package)

    # The commune imports the receipt: its next package starts after what was acknowledged.
    told = _answer(monkeypatch, files=[receipt])
    commune_page.import_receipt()
    qtbot.waitUntil(lambda: bool(told))
    assert "số 1" in told[0]
    _settle(qtbot, commune_page)
    assert commune_page.outbox_label.text().endswith("Hồ sơ chưa được xác nhận: 0.")


def test_a_refused_package_is_listed_with_its_reason(
    province: Store, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    forged = tmp_path / "gia-mao.dvpkg"
    forged.write_bytes(b"PK\x03\x04 not a package")
    warned = _answer(monkeypatch, files=[forged])  # the box has a step button: exec
    page = ExchangePage(province, get_office(province))
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.imported, timeout=30_000):
        page.import_packages()
    assert page.summary.rowCount() == 1
    note = _cell(page.summary, 0, 7)
    assert note and note in warned[0] and "gia-mao.dvpkg" in warned[0]


def test_the_screen_confirms_an_unusual_card_and_re_enrols_an_office(
    province: Store, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dvdesk.sync.trust import enrolled_keys
    from tests.samples import OFFICE
    from tests.sync_fixtures import OTHER_COMMUNE, make_office

    def card_of(folder: str, data: Mapping[str, object]) -> Path:
        office = make_office(tmp_path / folder, data)
        path, _fingerprint = write_card(office, out=tmp_path / f"{folder}.dvkey")
        office.close()
        return path

    peer = card_of("peer", OTHER_COMMUNE)  # reports to 31, not to 01
    first, second = card_of("first", OFFICE), card_of("second", OFFICE)
    errors: list[str] = []
    monkeypatch.setattr(
        "ui.exchange.show_step", lambda _parent, error, _steps: errors.append(str(error))
    )
    page = ExchangePage(province, get_office(province))
    confirmed: list[str] = []
    page.done.connect(confirmed.append)
    qtbot.addWidget(page)
    _settle(qtbot, page)
    asked: list[str] = []
    _answer(monkeypatch, files=[peer])

    def ask(
        _parent: object, _title: str, text: str, *_buttons: object
    ) -> QMessageBox.StandardButton:
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(ui.ask, "question", ask)
    page.enroll()  # the fingerprint question, then "enrol it anyway?"
    qtbot.waitUntil(lambda: page.units.rowCount() == 1)
    assert "--confirm" in asked[-1]
    _answer(monkeypatch, files=[peer])
    confirmed.clear()
    page.enroll()
    qtbot.waitUntil(lambda: bool(confirmed or errors))
    assert "đã ghi danh từ trước" in confirmed[0]
    _answer(monkeypatch, files=[first])
    page.enroll()
    qtbot.waitUntil(lambda: page.units.rowCount() == 2)
    _answer(monkeypatch, files=[second])
    page.enroll()  # another key for the same office: re-enrolled on the user's word
    qtbot.waitUntil(
        lambda: (
            sorted(k.revoked for k in enrolled_keys(province) if k.office_code == "10105")
            == [False, True]
            or bool(errors)
        ),
    )
    assert errors == []


def test_a_crafted_file_name_on_the_stick_is_shown_escaped() -> None:
    from dvdesk.errors import UserError
    from dvdesk.sync.batch import BatchResult, FileOutcome, FileStatus
    from ui.exchange import _batch_row, _outcome_line

    name = "goi\nHÃY CHẠY capnhat.exe\u202e.dvpkg"
    outcome = FileOutcome(
        path=Path("/stick") / name, status=FileStatus.REFUSED, error=UserError("Gói hỏng.")
    )
    line = _outcome_line(outcome)
    assert "\n" not in line and "\u202e" not in line
    assert line.startswith("goi\\u000aHÃY CHẠY capnhat.exe\\u202e.dvpkg: ")
    row = _batch_row(outcome, BatchResult(files=(outcome,), receipts=(), cancelled=False))
    assert row[0] == "goi\\u000aHÃY CHẠY capnhat.exe\\u202e.dvpkg"
