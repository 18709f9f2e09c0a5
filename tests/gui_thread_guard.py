"""A connection hook that catches SQLite work on the GUI thread.

Every sqlite3 connection opened while it is installed (plain ``sqlite3.connect`` and
SQLAlchemy's, which calls ``sqlite3.dbapi2.connect``) gets a trace callback. The
callback runs on the thread executing each statement; a statement run on the main
(Qt GUI) thread with app code (``ui/``) on the stack is recorded as a violation.
Test code itself may prepare data on the main thread: only the app may not.
"""

from __future__ import annotations

import sqlite3
import sys
import threading
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

import pytest

import ui

UI_DIR = str(Path(ui.__file__).resolve().parent)
APP_DIRS = (UI_DIR, str(Path(ui.__file__).resolve().parent.parent / "dvdesk"))


def _from_app(frame: FrameType | None) -> bool:
    while frame is not None:
        if frame.f_code.co_filename.startswith(UI_DIR):
            return True
        frame = frame.f_back
    return False


class GuiThreadGuard:
    def __init__(self) -> None:
        self.violations: list[str] = []
        self._main = threading.main_thread()

    def check(self, statement: str) -> None:
        if threading.current_thread() is self._main and _from_app(sys._getframe(1)):
            frames = traceback.extract_stack()[:-1]
            ours = [f for f in frames if f.filename.startswith(APP_DIRS)]
            stack = "".join(traceback.format_list(ours[-8:]))
            self.violations.append(f"{statement[:100]!r} on the GUI thread:\n{stack}")

    def wrap(self, connect: Callable[..., sqlite3.Connection]) -> Callable[..., sqlite3.Connection]:
        def checked_connect(*args: object, **kwargs: object) -> sqlite3.Connection:
            connection = connect(*args, **kwargs)
            connection.set_trace_callback(self.check)
            return connection

        return checked_connect


@contextmanager
def guarding(monkeypatch: pytest.MonkeyPatch) -> Iterator[GuiThreadGuard]:
    guard = GuiThreadGuard()
    checked = guard.wrap(sqlite3.connect)
    monkeypatch.setattr(sqlite3, "connect", checked)
    monkeypatch.setattr(sqlite3.dbapi2, "connect", checked)
    yield guard
