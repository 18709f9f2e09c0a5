"""Trusted roots for chữ ký số, added from a file on a stick: read only when small and
ordinary, shown before trusted, refused if the file changed after it was shown; and the
app's dialog that does it by keyboard."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from dvdesk.errors import NotFound, UserError
from dvdesk.services.store import Store
from dvdesk.signatures.trust_roots import add_root, list_roots, preview_root, remove_root
from dvdesk.sync.refusals import Refused
from tests.gui_support import activate, answer_file_dialogs
from tests.signature_fixtures import make_ca
from ui.main_window import MainWindow
from ui.trusted_roots import TrustedRootsDialog, grouped
from ui.worker import wait_for_tasks


def test_a_root_is_shown_before_it_is_trusted(store: Store, tmp_path: Path) -> None:
    root = tmp_path / "root.pem"
    root.write_bytes(make_ca("CA Ban Cơ yếu").pem)
    shown = preview_root(path=root)
    assert shown.subject == "CA Ban Cơ yếu" and len(shown.fingerprint) == 64
    assert list_roots(store) == []  # looking changes nothing
    added = add_root(store, path=root, expected=shown.fingerprint)
    assert [listed.fingerprint for listed in list_roots(store)] == [added.fingerprint]


def test_a_root_is_removed_only_by_a_prefix_naming_it_alone(store: Store, tmp_path: Path) -> None:
    root = tmp_path / "root.pem"
    root.write_bytes(make_ca("CA Ban Cơ yếu").pem)
    added = add_root(store, path=root)
    with pytest.raises(UserError, match="ít nhất 8 ký tự"):
        remove_root(store, fingerprint_prefix=added.fingerprint[:7])
    with pytest.raises(NotFound, match="ffffffffff"):
        remove_root(store, fingerprint_prefix="FF:FF:FF:FF:FF")  # colons and case ignored
    assert len(list_roots(store)) == 1  # refusals remove nothing
    spaced = ":".join(added.fingerprint[i : i + 2] for i in range(0, 16, 2)).upper()
    assert remove_root(store, fingerprint_prefix=spaced).subject == "CA Ban Cơ yếu"
    assert list_roots(store) == []


def test_a_file_swapped_after_it_was_shown_is_refused(store: Store, tmp_path: Path) -> None:
    root = tmp_path / "root.pem"
    root.write_bytes(make_ca().pem)
    shown = preview_root(path=root)
    root.write_bytes(make_ca("CA giả mạo").pem)
    with pytest.raises(UserError, match="đã thay đổi"):
        add_root(store, path=root, expected=shown.fingerprint)
    assert list_roots(store) == []


def test_a_huge_file_is_refused_unread(store: Store, tmp_path: Path) -> None:
    huge = tmp_path / "root.cer"
    with huge.open("wb") as handle:  # 2 GiB, sparse: reading it would take the memory
        handle.truncate(2**31)
    with pytest.raises(Refused, match="quá lớn"):
        preview_root(path=huge)
    with pytest.raises(Refused, match="quá lớn"):
        add_root(store, path=huge)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs exist only on POSIX")
def test_a_fifo_is_refused_without_waiting(tmp_path: Path) -> None:
    fifo = tmp_path / "root.pem"
    os.mkfifo(fifo)
    with pytest.raises(Refused):
        preview_root(path=fifo)


def _open_dialog(window: MainWindow, qtbot: QtBot) -> TrustedRootsDialog:
    activate(window, qtbot)
    qtbot.keyClick(window, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    page = window.verify
    qtbot.waitUntil(lambda: window.pages.currentWidget() is page)
    target = QApplication.focusWidget() or page
    qtbot.keyClick(target, Qt.Key.Key_C, Qt.KeyboardModifier.AltModifier)  # Chứng thư gốc tin &cậy…
    qtbot.waitUntil(lambda: getattr(page, "roots_dialog", None) is not None)
    dialog = page.roots_dialog
    qtbot.waitUntil(dialog.isVisible)
    wait_for_tasks()
    return dialog


def test_the_administrator_trusts_a_root_by_keyboard(
    window: MainWindow, store: Store, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ca = make_ca("CA Ban Cơ yếu")
    root = tmp_path / "root.crt"
    root.write_bytes(ca.pem)
    dialog = _open_dialog(window, qtbot)
    qtbot.waitUntil(lambda: "Chưa tin cậy" in dialog.status.text())
    assert QApplication.focusWidget() is dialog.add_button
    shown = answer_file_dialogs(monkeypatch, [root])
    asked: list[str] = []

    def confirm(box: QMessageBox) -> int:
        asked.append(box.text())
        [trust] = [button for button in box.buttons() if "Tin cậy" in button.text()]
        assert box.defaultButton() is not trust  # Enter alone never trusts a root
        trust.click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", confirm)
    qtbot.keyClick(dialog.add_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1)
    assert "Chứng thư số (*.cer *.crt *.pem)" in shown[0].filters
    [root_info] = list_roots(store)
    assert grouped(root_info.fingerprint) in asked[0] and "CA Ban Cơ yếu" in asked[0]
    assert dialog.status.text() == "Đã tin cậy: CA Ban Cơ yếu."
    cell = dialog.table.item(0, 1)
    assert cell is not None and cell.text() == grouped(root_info.fingerprint)


def test_cancelling_the_confirmation_trusts_nothing(
    window: MainWindow, store: Store, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "root.pem"
    root.write_bytes(make_ca().pem)
    dialog = _open_dialog(window, qtbot)
    answer_file_dialogs(monkeypatch, [root])
    asked: list[str] = []

    def cancel(box: QMessageBox) -> int:
        asked.append(box.text())
        return int(QMessageBox.StandardButton.Cancel)

    monkeypatch.setattr(QMessageBox, "exec", cancel)
    qtbot.keyClick(dialog.add_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: bool(asked))
    wait_for_tasks()
    assert list_roots(store) == []
