"""The Qt bindings keep Python's reference counts right.

PySide6 6.12.0's wheels, on Python 3.11, dropped a reference to None on every call of a
Qt method that returns nothing or None, and one to True on every signal emitted (they
return the value without a reference of their own, which only Python 3.12's immortal
singletons allow): after a few thousand calls (a clerk's first minutes of work) None was
freed and the app aborted with "Fatal Python error: none_dealloc". dvdesk runs on 3.11.
"""

from __future__ import annotations

import subprocess
import sys

CALLS = 20_000  # more than None's reference count in a fresh interpreter

SCRIPT = f"""
import sys
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QWidget

class Source(QObject):
    changed = Signal()

app = QApplication([])
widget, timer, item, source = QWidget(), QTimer(), QObject(), Source()
before = [sys.getrefcount(value) for value in (None, True, False)]
for _ in range({CALLS}):
    item.setObjectName("x")  # returns nothing
    timer.stop()
    widget.update()
    item.parent()  # returns None
    source.changed.emit()
    widget.isEnabled()
after = [sys.getrefcount(value) for value in (None, True, False)]
print(*(new - old for old, new in zip(before, after)))
"""


def test_qt_calls_keep_none_true_and_false_alive() -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert result.returncode == 0, result.stderr[-2000:]  # 134: the interpreter aborted
    drifts = [int(drift) for drift in result.stdout.split()]
    assert all(abs(drift) < 100 for drift in drifts), f"None, True, False: {drifts}"
