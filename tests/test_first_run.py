"""First start of the app: the database is opened on the worker, the wizard sets the office
up, then the main window opens (a real start, offscreen, in its own process)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

START = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
import ui.app

app = QApplication([])
seen = []

def shown(name):
    return next(
        (w for w in QApplication.topLevelWidgets() if w.isVisible() and type(w).__name__ == name),
        None,
    )

def fill_wizard():
    wizard = shown("SetupWizard")
    if wizard is None:
        QTimer.singleShot(100, fill_wizard)
        return
    seen.append("wizard")
    wizard.next()
    for key, value in (
        ("name", "Ban Xây dựng Đảng Đảng ủy xã Bát Tràng"),
        ("code", "10105"),
        ("symbol", "BXDĐ"),
        ("place", "Bát Tràng"),
    ):
        wizard.office_page.edits[key].setText(value)
    wizard.next()
    wizard.accept()
    wait_for_window()

def wait_for_window():
    window = shown("MainWindow")
    if window is None:
        QTimer.singleShot(100, wait_for_window)
        return
    seen.append(window.windowTitle())
    print("\\n".join(seen))
    app.quit()

QTimer.singleShot(0, fill_wizard)
sys.exit(ui.app.run_app(data_dir=sys.argv[1]))
"""


def test_first_start_goes_through_the_wizard_to_the_main_window(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", START, str(tmp_path / "office")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "wizard",
        "dvdesk — Ban Xây dựng Đảng Đảng ủy xã Bát Tràng",
    ]
