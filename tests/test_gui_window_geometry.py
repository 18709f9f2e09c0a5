"""The main window opens maximised on a small screen the first time, then as it was left."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QScreen
from PySide6.QtWidgets import QApplication, QMainWindow
from pytestqt.qtbot import QtBot

from dvdesk.paths import DataPaths
from dvdesk.services.office_view import get_office
from dvdesk.services.store import Store
from ui.main_window import MainWindow
from ui.screen import GEOMETRY_KEY, open_like_last_time
from ui.settings import load_ui_settings, save_ui_setting
from ui.worker import wait_for_tasks


def _screen(monkeypatch: pytest.MonkeyPatch, width: int, height: int) -> None:
    monkeypatch.setattr(QScreen, "availableGeometry", lambda _screen: QRect(0, 0, width, height))


def _open(store: Store, qtbot: QtBot) -> MainWindow:
    window = MainWindow(store, get_office(store))
    qtbot.addWidget(window)
    return window


def _close(window: MainWindow) -> None:
    window.close()
    wait_for_tasks()
    QApplication.processEvents()


def test_a_first_run_on_an_office_pc_opens_maximised(
    app: QApplication, store: Store, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    _screen(monkeypatch, 1366, 728)  # 1366×768 less the taskbar
    window = _open(store, qtbot)
    assert window.isMaximized() or window.windowState().name == "WindowMaximized"
    assert window.width() <= 1366 and window.height() <= 728  # un-maximised, it still fits
    _close(window)


def test_a_first_run_on_a_large_screen_opens_at_a_roomy_size(
    app: QApplication, store: Store, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    _screen(monkeypatch, 1920, 1040)
    window = _open(store, qtbot)
    assert not window.isMaximized()
    assert (window.width(), window.height()) == (1440, 860)
    _close(window)


def test_size_position_and_maximised_state_are_remembered(
    app: QApplication, store: Store, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    save_ui_setting(store.paths, "language", "vi")
    _screen(monkeypatch, 1366, 728)
    first = _open(store, qtbot)
    first.show()
    QApplication.processEvents()
    first.showNormal()
    QApplication.processEvents()
    _close(first)
    assert GEOMETRY_KEY in load_ui_settings(store.paths)
    second = _open(store, qtbot)
    second.show()
    QApplication.processEvents()
    assert not second.isMaximized()  # un-maximised by the clerk: stays so
    second.showMaximized()
    QApplication.processEvents()
    _close(second)
    third = _open(store, qtbot)
    third.show()
    QApplication.processEvents()
    assert third.isMaximized()
    _close(third)
    # The other settings in the file are kept.
    assert json.loads((store.paths.root / "ui-settings.json").read_text())["language"] == "vi"


def test_a_window_reopens_where_and_as_large_as_it_was_closed(
    app: QApplication, paths: DataPaths, qtbot: QtBot
) -> None:
    """On the offscreen platform's 800×800 screen: a plain window, small enough to fit."""
    paths.root.mkdir(parents=True, exist_ok=True)
    first = QMainWindow()
    qtbot.addWidget(first)
    open_like_last_time(first, paths)
    first.show()
    first.showNormal()
    first.setGeometry(30, 40, 500, 300)
    QApplication.processEvents()
    first.close()
    second = QMainWindow()
    qtbot.addWidget(second)
    open_like_last_time(second, paths)
    second.show()
    QApplication.processEvents()
    assert not second.isMaximized()
    assert second.geometry() == QRect(30, 40, 500, 300)


def test_an_unreadable_saved_size_falls_back_to_the_first_run(
    app: QApplication, store: Store, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    save_ui_setting(store.paths, GEOMETRY_KEY, "not a geometry")
    _screen(monkeypatch, 1366, 728)
    window = _open(store, qtbot)
    assert window.windowState().name == "WindowMaximized"
    _close(window)
