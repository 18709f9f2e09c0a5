"""The Qt bindings keep Python's reference counts right.

PySide6 6.12.0 on Python 3.11 dropped a reference to None on every call of a Qt method
that returns nothing: after a few thousand calls (a clerk's first minutes of typing) None
was freed and the app aborted with "Fatal Python error: none_dealloc". Python 3.12 made
None immortal, which hides the bug there; dvdesk runs on 3.11.
"""

from __future__ import annotations

import subprocess
import sys

CALLS = 20_000  # more than None's reference count in a fresh interpreter

SCRIPT = f"""
import sys
from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

app = QApplication([])
widget, timer, item = QWidget(), QTimer(), QObject()
before = sys.getrefcount(None)
for _ in range({CALLS}):
    item.setObjectName("x")  # returns nothing
    timer.stop()
    widget.update()
print(sys.getrefcount(None) - before)
"""


def test_calls_returning_nothing_keep_none_alive() -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert result.returncode == 0, result.stderr[-2000:]  # 134: the interpreter aborted
    drift = int(result.stdout.strip().splitlines()[-1])
    assert abs(drift) < 100, f"None lost {-drift} references over {3 * CALLS} calls"
