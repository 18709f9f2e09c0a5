"""The ``dvdesk`` executable: a command runs headless; no command opens the desktop app."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from dvdesk.cli.main import main as cli_main


def _open_gui(data_dir: str | None) -> int:
    from ui.boot import begin_start  # noqa: PLC0415 - Qt loads only when the app opens

    begin_start()
    from ui.app import run_app  # noqa: PLC0415 - after begin_start, see ui/boot.py

    return run_app(data_dir=data_dir)


def check_qt(work: Path) -> str:
    """Self-check: the platform plugin loads, a window draws Vietnamese, the SVG icon renders."""
    from PySide6.QtGui import QIcon  # noqa: PLC0415 - Qt loads only when needed
    from PySide6.QtPdf import QPdfDocument  # noqa: PLC0415
    from PySide6.QtPrintSupport import QPrinter  # noqa: PLC0415
    from PySide6.QtWidgets import QApplication, QLabel  # noqa: PLC0415

    from dvdesk.paths import RESOURCES_DIR  # noqa: PLC0415

    app = QApplication.instance() or QApplication([sys.argv[0]])
    assert isinstance(app, QApplication)
    label = QLabel("Ban Dân vận Huyện ủy — Biên bản kiểm tra")
    label.show()
    app.processEvents()
    shot = work / "window.png"
    if not label.grab().save(str(shot)) or shot.stat().st_size == 0:
        raise RuntimeError("the window could not be drawn and saved as PNG")
    label.close()
    icon = QIcon(str(RESOURCES_DIR / "icons" / "dvdesk.svg")).pixmap(64, 64)
    if icon.isNull():
        raise RuntimeError("the SVG icon could not be rendered (image plugin missing?)")
    QPrinter()  # the print dialog's module and its plugin load
    QPdfDocument()  # the document preview's
    return f"Qt platform {app.platformName()}"


def _add_qt_check() -> None:
    from dvdesk.selfcheck import Check, register_check  # noqa: PLC0415 - only for --self-check

    register_check(Check("qt", check_qt))


def main(argv: Sequence[str] | None = None) -> int:
    return cli_main(argv, open_gui=_open_gui, before_self_check=_add_qt_check)


if __name__ == "__main__":
    sys.exit(main())
