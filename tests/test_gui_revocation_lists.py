"""The revocation lists part of the trusted roots dialog, by keyboard: a list is shown
before it is kept, a subordinate authority's list asks for its certificate, a list can
be removed; and a screenshot at 1366×768."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from dvdesk.services.store import Store
from dvdesk.signatures.revocation_lists import list_crls
from dvdesk.signatures.trust_roots import add_root, list_roots
from tests.crl_fixtures import make_crl, make_intermediate
from tests.gui_support import activate, answer_file_dialogs
from tests.signature_fixtures import Authority, make_ca
from tests.test_trust_roots import _open_dialog
from ui import ask
from ui.main_window import MainWindow
from ui.trusted_roots import TrustedRootsDialog
from ui.worker import wait_for_tasks

SCREENSHOT = os.environ.get("DVDESK_SCREENSHOT_DIR")


@pytest.fixture
def ca(store: Store, tmp_path: Path) -> Authority:
    authority = make_ca("CA Ban Cơ yếu Chính phủ")
    root = tmp_path / "root.pem"
    root.write_bytes(authority.pem)
    add_root(store, path=root)
    return authority


def _answer(monkeypatch: pytest.MonkeyPatch, *buttons: str) -> list[str]:
    """Click, in each message box in turn, the button whose text holds the given words."""
    asked: list[str] = []
    queue = list(buttons)

    def click(box: QMessageBox) -> int:
        asked.append(box.text())
        wanted = queue.pop(0)
        if wanted == "Cancel":
            box.button(QMessageBox.StandardButton.Cancel).click()
            return 0
        [button] = [button for button in box.buttons() if wanted in button.text()]
        if "Nhập" in wanted:
            assert box.defaultButton() is not button  # Enter alone never imports a list
        button.click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", click)
    return asked


def _dialog(window: MainWindow, qtbot: QtBot) -> TrustedRootsDialog:
    dialog = _open_dialog(window, qtbot)
    activate(dialog, qtbot)
    return dialog


def test_the_administrator_imports_a_list_by_keyboard(
    window: MainWindow,
    store: Store,
    ca: Authority,
    qtbot: QtBot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = tmp_path / "bcy.crl"
    path.write_bytes(make_crl(ca, revoked=((12345, make_ca().cert.not_valid_before_utc),)))
    dialog = _dialog(window, qtbot)
    shown = answer_file_dialogs(monkeypatch, [path])
    asked = _answer(monkeypatch, "Nhập danh sách này")
    qtbot.keyClick(dialog, Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: dialog.crls.table.rowCount() == 1)
    assert "Danh sách thu hồi chứng thư (*.crl *.pem)" in shown[0].filters
    assert "CA Ban Cơ yếu Chính phủ" in asked[0] and "1 chứng thư bị thu hồi" in asked[0]
    assert dialog.status.text().startswith("Đã nhập danh sách thu hồi của CA Ban Cơ yếu")
    cell = dialog.crls.table.item(0, 3)
    assert cell is not None and cell.text() == "1"
    if SCREENSHOT:
        dialog.resize(1366, 768)
        dialog.grab().save(str(Path(SCREENSHOT) / "revocation_lists.png"))
    defaults: list[object] = []

    def question(*args: object) -> QMessageBox.StandardButton:
        defaults.append(args[4] if len(args) > 4 else None)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(ask, "question", question)
    qtbot.keyClick(dialog, Qt.Key.Key_G, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: dialog.crls.table.rowCount() == 0)
    wait_for_tasks()
    assert list_crls(store) == []
    assert defaults == [QMessageBox.StandardButton.No], "Enter alone must not remove a list"


def test_a_subordinate_authority_list_asks_for_its_certificate(
    window: MainWindow,
    store: Store,
    ca: Authority,
    qtbot: QtBot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sub = make_intermediate(ca, "CA cấp dưới")
    path = tmp_path / "sub.crl"
    path.write_bytes(make_crl(sub))
    issuer = tmp_path / "sub.crt"
    issuer.write_bytes(sub.pem)
    dialog = _dialog(window, qtbot)
    answer_file_dialogs(monkeypatch, [path], [issuer])
    asked = _answer(monkeypatch, "Chọn chứng thư", "Nhập danh sách này")
    qtbot.keyClick(dialog.crls.add_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: dialog.crls.table.rowCount() == 1)
    assert "CA cấp dưới" in asked[0] and "không phải chứng thư gốc tin cậy" in asked[0]
    [kept] = list_crls(store)
    assert kept.issuer == "CA cấp dưới"


def test_a_list_from_a_stranger_is_refused_and_nothing_kept(
    window: MainWindow,
    store: Store,
    ca: Authority,
    qtbot: QtBot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = tmp_path / "la.crl"
    path.write_bytes(make_crl(make_ca("CA lạ")))
    dialog = _dialog(window, qtbot)
    answer_file_dialogs(monkeypatch, [path])
    asked = _answer(monkeypatch, "Cancel")
    qtbot.keyClick(dialog.crls.add_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: bool(asked))
    wait_for_tasks()
    assert "CA lạ" in asked[0]  # offered its certificate; the administrator cancels
    assert list_crls(store) == [] and dialog.crls.table.rowCount() == 0


def test_an_outdated_list_is_marked_in_the_table(
    window: MainWindow, store: Store, ca: Authority, qtbot: QtBot, tmp_path: Path
) -> None:
    from datetime import UTC, datetime, timedelta

    from dvdesk.signatures.revocation_lists import add_crl

    old = datetime.now(UTC) - timedelta(days=30)
    path = tmp_path / "old.crl"
    path.write_bytes(make_crl(ca, this_update=old, next_update=old + timedelta(days=7)))
    add_crl(store, path=path)
    dialog = _dialog(window, qtbot)
    qtbot.waitUntil(lambda: dialog.crls.table.rowCount() == 1)
    cell = dialog.crls.table.item(0, 2)
    assert cell is not None and cell.text().endswith("(quá hạn: cần lấy danh sách mới)")


def test_stopping_trust_in_a_root_asks_first_and_no_keeps_it(
    window: MainWindow,
    store: Store,
    ca: Authority,
    qtbot: QtBot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dialog = _dialog(window, qtbot)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1)
    dialog.table.setCurrentCell(0, 0)
    asked: list[tuple[str, object]] = []
    answers = [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes]

    def question(*args: object) -> QMessageBox.StandardButton:
        asked.append((str(args[2]), args[4] if len(args) > 4 else None))
        return answers.pop(0)

    monkeypatch.setattr(ask, "question", question)
    qtbot.keyClick(dialog, Qt.Key.Key_B, Qt.KeyboardModifier.AltModifier)  # “&Bỏ tin cậy”
    qtbot.waitUntil(lambda: len(asked) == 1)
    wait_for_tasks()
    assert [root.subject for root in list_roots(store)] == ["CA Ban Cơ yếu Chính phủ"]
    assert "CA Ban Cơ yếu Chính phủ" in asked[0][0]
    assert asked[0][1] == QMessageBox.StandardButton.No, "Enter alone must keep the root"
    qtbot.keyClick(dialog, Qt.Key.Key_B, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 0)
    assert list_roots(store) == []
    assert dialog.status.text().startswith("Đã thôi tin cậy: CA Ban Cơ yếu Chính phủ. Chưa")
    dialog.resize(1366, 768)
    dialog.grab().save(str(tmp_path / "root-removed.png"))
