"""The screens dvdesk must fit, and sizing windows to them.

The office PCs have 1366×768 screens with a taskbar (about 40 px) and title bars
(about 30 px): at most 1366×700 of client area. A 1920×1080 laptop at 150 % gives
1280×720 logical pixels; less the taskbar (40 logical) and the title bar (30) that
leaves 1280×650. Every window and dialog opens within both and keeps its buttons
inside; long content scrolls inside the window, never the window itself.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from PySide6.QtCore import QByteArray, QEvent, QObject, QSize, Qt
from PySide6.QtWidgets import QWidget

from dvdesk.paths import DataPaths
from ui.settings import load_ui_settings, save_ui_setting

OFFICE_PC = QSize(1366, 700)
LAPTOP_150 = QSize(1280, 650)
SMALLEST = QSize(
    min(OFFICE_PC.width(), LAPTOP_150.width()), min(OFFICE_PC.height(), LAPTOP_150.height())
)
# Room left for the window frame and title bar when the screen is smaller still.
FRAME = QSize(16, 40)


def fit_to_screen(widget: QWidget, width: int, height: int) -> None:
    """Open ``widget`` at ``width``×``height``, or smaller if its screen is smaller."""
    width, height = min(width, SMALLEST.width()), min(height, SMALLEST.height())
    screen = widget.screen()
    if screen is not None:
        available = screen.availableGeometry().size() - FRAME
        width, height = min(width, available.width()), min(height, available.height())
    widget.resize(width, height)


# A first run on a screen smaller than this opens maximised: 1366×768, 1440×900 and
# 1920×1080 at 125 or 150 % are all the clerk gets, and every pixel of list is wanted.
ROOMY = QSize(1600, 900)
# On a larger screen a first run opens at this size (within the screen).
ROOMY_WINDOW = QSize(1440, 860)
GEOMETRY_KEY = "main_window_geometry"


class _GeometryKeeper(QObject):
    """Saves its window's size, position and maximised state when the window closes."""

    def __init__(self, window: QWidget, save: Callable[[str], None]) -> None:
        super().__init__(window)
        self.window, self.save = window, save

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if watched is self.window and event.type() == QEvent.Type.Close:
            saved = bytes(self.window.saveGeometry().toBase64().data()).decode("ascii")
            # A read-only data folder costs the remembered size, nothing more.
            with contextlib.suppress(OSError):
                self.save(saved)
        return False


def open_like_last_time(window: QWidget, paths: DataPaths) -> None:
    """Give ``window`` the size, position and maximised state it had when it was last
    closed, or on a first run open it maximised on a small screen; remember it on close."""
    saved = load_ui_settings(paths).get(GEOMETRY_KEY)
    restored = isinstance(saved, str) and window.restoreGeometry(
        QByteArray.fromBase64(saved.encode("ascii"))
    )
    if not restored:
        screen = window.screen()
        available = screen.availableGeometry().size() if screen is not None else SMALLEST
        if available.width() < ROOMY.width() or available.height() < ROOMY.height():
            window.resize(available - FRAME)  # the size it returns to when un-maximised
            window.setWindowState(window.windowState() | Qt.WindowState.WindowMaximized)
        else:
            fit_to_screen_size(window, ROOMY_WINDOW)
    window.installEventFilter(
        _GeometryKeeper(window, lambda value: save_ui_setting(paths, GEOMETRY_KEY, value))
    )


def fit_to_screen_size(widget: QWidget, size: QSize) -> None:
    """Like :func:`fit_to_screen` for sizes larger than the smallest screen's."""
    screen = widget.screen()
    if screen is not None:
        size = size.boundedTo(screen.availableGeometry().size() - FRAME)
    widget.resize(size)
