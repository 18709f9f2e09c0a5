"""The office above in the office settings, by keyboard: a province set up before the
central level names the centre; a wrong code is explained as it is typed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QGroupBox, QLineEdit, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from dvdesk.domain.enums import OfficeLevel
from dvdesk.paths import DataPaths
from dvdesk.services.office import CENTRAL_NAME, OfficeView, create_office, get_office
from dvdesk.services.store import Store, open_store
from tests.gui_support import activate, answer_questions, settle, type_text
from tests.sync_fixtures import PROVINCE
from tests.test_gui_office_settings import _open
from ui.main_window import MainWindow
from ui.office_parent import ParentBox

ORPHAN_PROVINCE = {k: v for k, v in PROVINCE.items() if not k.startswith("parent_")}
HAI_PHONG = "Ban Tuyên giáo và Dân vận Thành ủy Hải Phòng"


@pytest.fixture
def store(paths: DataPaths) -> Iterator[Store]:
    """A province set up before the centre existed: no office above it."""
    made = open_store(paths, actor="chuyenvien", create=True)
    create_office(made, data=dict(ORPHAN_PROVINCE))
    yield made
    made.close()


def test_a_province_names_the_centre_by_keyboard(
    window: MainWindow, qtbot: QtBot, store: Store, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    asked = answer_questions(monkeypatch, QMessageBox.StandardButton.Yes)
    dialog = _open(window, qtbot)
    box = dialog.parent_box
    assert "Chưa có" in box.current.text()
    assert (box.name.text(), box.code.text()) == (CENTRAL_NAME, "00")  # prefilled
    dialog.grab().save(str(tmp_path / "office-settings.png"))
    box.name.setFocus()
    qtbot.keyClick(box.name, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is box.code
    qtbot.keyClick(box.code, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is box.button
    qtbot.keyClick(box.button, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(box.note.text()))
    assert len(asked) == 1 and "(00)" in asked[0]
    assert "gói dữ liệu tiếp theo" in box.note.text()
    assert box.current.text() == f"{CENTRAL_NAME} (00)"
    assert dialog.isVisible()  # the rest of the settings stay open
    office = get_office(store)
    assert (office.parent_code, office.parent_name) == ("00", CENTRAL_NAME)
    # The window rereads the office: the USB exchange screen, built later, sends upward.
    qtbot.waitUntil(lambda: window.office.parent_code == "00")
    settle(qtbot)  # the Reports screen reloading its defaults may have been busy
    assert window.statusBar().currentMessage() == box.note.text()
    dialog.reject()
    exchange = window.exchange
    assert "Gửi dữ liệu lên cấp trên" in [b.title() for b in exchange.findChildren(QGroupBox)]


def test_a_wrong_code_is_explained_as_typed_and_enter_writes_nothing(
    window: MainWindow,
    qtbot: QtBot,
    store: Store,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    asked = answer_questions(monkeypatch, QMessageBox.StandardButton.Yes)
    dialog = _open(window, qtbot)
    box = dialog.parent_box
    box.code.setFocus()
    qtbot.keyClick(box.code, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    type_text(box.code, "31")
    assert "00" in box.problem.text() and not box.button.isEnabled()
    assert "để trống" not in box.problem.text()  # the settings set the office above
    dialog.grab().save(str(tmp_path / "wrong-code.png"))
    qtbot.keyClick(box.code, Qt.Key.Key_Return)
    assert asked == []
    assert dialog.isVisible()  # Enter in the part does not save and close the dialog
    assert QApplication.focusWidget() is box.code
    assert get_office(store).parent_code is None


def test_answering_no_writes_nothing(
    window: MainWindow, qtbot: QtBot, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked = answer_questions(monkeypatch, QMessageBox.StandardButton.No)
    dialog = _open(window, qtbot)
    activate(dialog, qtbot)
    dialog.parent_box.code.setFocus()
    qtbot.keyClick(dialog.parent_box.code, Qt.Key.Key_Return)
    assert len(asked) == 1
    assert dialog.isVisible() and dialog.parent_box.note.text() == ""
    assert get_office(store).parent_code is None


def test_after_the_first_package_the_office_above_is_only_shown(qtbot: QtBot, store: Store) -> None:
    office = OfficeView(
        code="10105",
        code_list="2025-07",
        level=OfficeLevel.COMMUNE,
        profiles=(),
        parent_code="01",
        parent_name="Ban Tuyên giáo và Dân vận Thành ủy Hà Nội",
    )
    box = ParentBox(store, office, changeable=False)
    qtbot.addWidget(box)
    assert box.current.text() == "Ban Tuyên giáo và Dân vận Thành ủy Hà Nội (01)"
    assert box.findChildren(QLineEdit) == [] and box.findChildren(QPushButton) == []


def test_the_open_exchange_screen_shows_the_office_above_once_it_is_set(
    window: MainWindow, qtbot: QtBot, store: Store, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The USB exchange screen, opened before the office above was set, gets its upward
    part (export, the office above named) as soon as Office settings sets it: no restart."""
    answer_questions(monkeypatch, QMessageBox.StandardButton.Yes)
    window.resize(1366, 768)
    window.go_to(window._exchange_index)
    exchange = window.exchange
    qtbot.waitUntil(lambda: bool(exchange.key_label.text()))
    assert not hasattr(exchange, "export_button")
    dialog = _open(window, qtbot)
    activate(dialog, qtbot)
    dialog.parent_box.code.setFocus()
    qtbot.keyClick(dialog.parent_box.code, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.office.parent_code == "00")
    dialog.reject()
    qtbot.waitUntil(
        lambda: hasattr(exchange, "outbox_label") and bool(exchange.outbox_label.text())
    )
    assert f"{CENTRAL_NAME} (00)" in exchange.outbox_label.text()
    assert exchange.export_button.isVisibleTo(window) and exchange.export_button.isEnabled()
    assert "Gửi dữ liệu lên cấp trên" in [b.title() for b in exchange.findChildren(QGroupBox)]
    window.grab().save(str(tmp_path / "exchange-after-parent.png"))
