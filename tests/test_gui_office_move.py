"""Moving an office that has sent packages to a new office above, by keyboard, in the
office settings (docs/reparenting.md): the passphrase, a confirmation whose default is
"Không", and the next steps said inline."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from dvdesk.services.office import get_office
from dvdesk.services.store import Store
from dvdesk.sync import keys
from tests import sync_fixtures
from tests.conftest import database_digest
from tests.gui_support import answer_questions, type_text
from tests.sync_fixtures import OTHER_PROVINCE, PASSPHRASE, Hierarchy
from tests.test_gui_office_settings import _open
from ui.main_window import MainWindow
from ui.office_parent import ParentBox

hierarchy_template = sync_fixtures.hierarchy_template
hierarchy = sync_fixtures.hierarchy

HAI_PHONG = str(OTHER_PROVINCE["name"])


@pytest.fixture
def store(hierarchy: Hierarchy) -> Store:
    """A commune that has sent a package to Hà Nội (01)."""
    hierarchy.add(hierarchy.commune, title="Kiểm tra Quy chế dân chủ ở cơ sở xã Bát Tràng")
    hierarchy.export(hierarchy.commune)
    return hierarchy.commune


def _type_move(qtbot: QtBot, box: ParentBox, passphrase: str) -> None:
    """Name, Tab, code, Tab, passphrase, Tab, Enter on the button: keyboard only."""
    box.name.setFocus()
    type_text(box.name, HAI_PHONG)
    qtbot.keyClick(box.name, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is box.code
    type_text(box.code, "31")
    qtbot.keyClick(box.code, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is box.passphrase
    type_text(box.passphrase, passphrase)
    qtbot.keyClick(box.passphrase, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is box.button
    qtbot.keyClick(box.button, Qt.Key.Key_Return)


def test_a_commune_moves_to_its_new_province_by_keyboard(
    window: MainWindow, qtbot: QtBot, store: Store, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    asked = answer_questions(monkeypatch, QMessageBox.StandardButton.Yes)
    dialog = _open(window, qtbot)
    box = dialog.parent_box
    assert box.moving and box.name.text() == "" and "(01)" in box.current.text()
    _type_move(qtbot, box, PASSPHRASE)
    qtbot.waitUntil(lambda: bool(box.note.text()), timeout=20_000)
    assert len(asked) == 1 and "(31)" in asked[0] and "thẻ khóa mới" in asked[0]
    fingerprint = keys.active_card(store).fingerprint
    assert fingerprint in box.note.text() and "điện thoại" in box.note.text()
    assert box.current.text() == f"{HAI_PHONG} (31)" and box.passphrase.text() == ""
    assert get_office(store).parent_code == "31"
    qtbot.waitUntil(lambda: window.office.parent_code == "31")
    assert window.statusBar().currentMessage() == box.note.text()
    dialog.resize(1366, 768)
    dialog.grab().save(str(tmp_path / "office-move.png"))


def test_answering_no_or_a_wrong_passphrase_changes_nothing(
    window: MainWindow, qtbot: QtBot, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = database_digest(store.paths)
    asked = answer_questions(monkeypatch, QMessageBox.StandardButton.No)
    dialog = _open(window, qtbot)
    box = dialog.parent_box
    _type_move(qtbot, box, PASSPHRASE)
    assert len(asked) == 1 and box.note.text() == ""
    assert database_digest(store.paths) == before
    # Yes, but the passphrase is wrong: said inline, nothing changed.
    monkeypatch.undo()
    answer_questions(monkeypatch, QMessageBox.StandardButton.Yes)
    box.passphrase.clear()
    box.passphrase.setFocus()
    type_text(box.passphrase, "không phải mật khẩu này")
    qtbot.keyClick(box.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(box.problem.text()), timeout=20_000)
    assert "mật khẩu" in box.problem.text().lower()
    assert dialog.isVisible() and get_office(store).parent_code == "01"
    assert database_digest(store.paths) == before
