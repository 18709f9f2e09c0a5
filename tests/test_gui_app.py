"""First run and start-up: the wizard, and the app opening straight into its window."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QWizard
from pytestqt.qtbot import QtBot

from dvdesk.paths import DataPaths
from dvdesk.services.office import get_office
from dvdesk.services.records import list_records
from dvdesk.services.store import Store, open_store
from tests.gui_support import type_text
from ui.app import configure_application, run_app
from ui.main_window import MainWindow
from ui.wizard import SetupWizard


@pytest.fixture
def empty_store(paths: DataPaths, qapp: QApplication) -> Iterator[Store]:
    configure_application(qapp, paths)
    store = open_store(paths, actor="chuyenvien", create=True)
    yield store
    store.close()


def test_wizard_sets_up_the_office_by_keyboard(empty_store: Store, qtbot: QtBot) -> None:
    wizard = SetupWizard(empty_store)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is wizard)
    next_button = wizard.button(QWizard.WizardButton.NextButton)
    assert next_button.text().replace("&", "") == "Tiếp theo >"
    wizard.next()
    page = wizard.office_page
    assert not next_button.isEnabled(), "Next waits for a valid office"
    values = {
        "name": "Ban Xây dựng Đảng Đảng ủy xã Bát Tràng",
        "header_name": "Ban Xây dựng Đảng",
        "superior": "Đảng ủy xã Bát Tràng",
        "code": "1010",
        "symbol": "BXDĐ",
        "place": "Bát Tràng",
    }
    page.edits["name"].setFocus()
    for key, value in values.items():
        edit = page.edits[key]
        assert QApplication.focusWidget() is edit, f"Tab order reaches {key}"
        type_text(edit, value)
        qtbot.keyClick(edit, Qt.Key.Key_Tab)
    assert page.errors["code"].isVisible()
    assert "5 chữ số" in page.errors["code"].text()
    assert not next_button.isEnabled()
    type_text(page.edits["code"], "5")
    assert page.errors["code"].isHidden()
    assert next_button.isEnabled()
    wizard.next()
    wizard.demo_page.demo.setChecked(True)
    wizard.accept()
    office = get_office(empty_store)
    assert (office.code, office.current.symbol, office.current.place) == (
        "10105",
        "BXDĐ",
        "Bát Tràng",
    )
    assert len(list_records(empty_store)) == 200


def test_app_opens_straight_into_the_main_window(
    store: Store, qapp: QApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.close()  # run_app opens the office itself
    shown: list[str] = []

    def look_and_quit() -> None:
        windows = [
            w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()
        ]
        shown.extend(w.windowTitle() for w in windows)
        for window in windows:
            window.close()
        qapp.quit()

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # run_app installs its own
    QTimer.singleShot(300, look_and_quit)
    assert run_app(data_dir=str(store.paths.root)) == 0
    assert shown == ["dvdesk — Ban Xây dựng Đảng Đảng ủy xã Bát Tràng"]
