"""The screens dvdesk must fit, and sizing windows to them.

The office PCs have 1366×768 screens with a taskbar (about 40 px) and title bars
(about 30 px): at most 1366×700 of client area. A 1920×1080 laptop at 150 % gives
1280×720 logical pixels; less the taskbar (40 logical) and the title bar (30) that
leaves 1280×650. Every window and dialog opens within both and keeps its buttons
inside; long content scrolls inside the window, never the window itself.
"""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QWidget

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
