"""The first steps of opening the app (ui/boot.py), each in a process of its own:
they change process-wide state (the garbage collector, PySide's import hook)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from dvdesk.domain.enums import RecordType
from dvdesk.services.records import add_record
from dvdesk.services.store import Store
from tests.samples import inspection


def run_python(script: str, *args: str) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-c", script, *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
        cwd=Path(__file__).resolve().parents[1],
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.split()


FEATURE_SCAN = """
import inspect
read = []
real_getsource = inspect.getsource
def getsource(obj):
    read.append(obj.__name__)
    return real_getsource(obj)
inspect.getsource = getsource

from ui.boot import begin_start
begin_start()
from ui.small_widgets import __name__ as loaded  # a module of ours that uses PySide6
from shibokensupport import feature
print(read.count("ui.small_widgets"), feature.pyside_feature_dict["ui.small_widgets"])
"""


def test_pyside_reads_no_source_of_our_modules() -> None:
    # An upgrade of PySide6 that drops this hook makes begin_start leave it alone;
    # this test then says so, rather than the start silently slowing down.
    assert run_python(FEATURE_SCAN) == ["0", "-1"]


GC_AFTER_FIRST_LIST = """
import gc, sys
from pathlib import Path
from ui.boot import begin_start
begin_start()
print(gc.isenabled())
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from dvdesk.paths import DataPaths
from ui.app import start_app
from ui.worker import wait_for_tasks

app = QApplication([])
session = start_app(app, DataPaths(Path(sys.argv[1])))

def report():
    print(gc.isenabled())
    app.quit()

def shown(window):
    page = next(iter(window.lists.values()))
    if page.count.text() and not page.count.text().startswith("Đang tải"):
        QTimer.singleShot(0, report)  # the list was complete before the window showed
    else:  # after the start's own handler of the same signal, connected before this one
        page.loaded.connect(lambda _count: QTimer.singleShot(0, report))

session.on_window.append(shown)
app.exec()
wait_for_tasks()
session.close()
"""


def test_garbage_collection_is_back_once_the_first_list_is_shown(store: Store) -> None:
    add_record(store, record_type=RecordType.INSPECTION, data=inspection())
    store.close()
    assert run_python(GC_AFTER_FIRST_LIST, str(store.paths.root)) == ["False", "True"]


QT_MESSAGES = """
import logging, sys
from PySide6.QtCore import qWarning
from PySide6.QtWidgets import QApplication
from ui.crash import route_qt_messages

class Seen(logging.Handler):
    def emit(self, record):
        print(record.getMessage().replace(" ", "_"))

logging.getLogger("dvdesk.qt").addHandler(Seen())
app = QApplication([])
route_qt_messages()
qWarning("This plugin does not support propagateSizeHints()")
qWarning("QPainter::begin: Paint device returned engine == 0")
"""


def test_platform_notices_stay_out_of_the_log_and_real_warnings_go_in() -> None:
    assert run_python(QT_MESSAGES) == ["QPainter::begin:_Paint_device_returned_engine_==_0"]
