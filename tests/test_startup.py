"""The app's start path stays light: the first list must not wait for heavy libraries."""

from __future__ import annotations

import subprocess
import sys

HEAVY = (
    "sqlalchemy",
    "sqlmodel",
    "pydantic",
    "alembic",
    "reportlab",
    "openpyxl",
    "cryptography",
    "babel",
    "email",  # importlib.metadata's: the version is read only for --version and About
)

SCRIPT = """
import sys
import ui.app
from dvdesk.paths import DataPaths
from dvdesk.services.office_view import get_office
from dvdesk.services.store import open_store
from ui.main_window import MainWindow
from ui.worker import wait_for_tasks

def launch(*, data_dir):
    from PySide6.QtWidgets import QApplication
    app = QApplication([])
    ui.app.configure_application(app, DataPaths(__import__("pathlib").Path(data_dir)))
    store = open_store(DataPaths(__import__("pathlib").Path(data_dir)), actor="t")
    window = MainWindow(store, get_office(store))
    window.show()
    window.offer_drafts()  # no drafts: nothing heavy is loaded to find that out
    wait_for_tasks()
    app.processEvents()
    print(sorted({m.split(".")[0] for m in sys.modules} & set(sys.argv[2].split(","))))
    return 0

ui.app.run_app = launch
import ui.main
sys.exit(ui.main.main(["--data-dir", sys.argv[1]]))
"""


def test_opening_the_app_loads_no_heavy_library(store: object, paths: object) -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(paths.root), ",".join(HEAVY)],  # type: ignore[attr-defined]
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"
