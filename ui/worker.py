"""Running core calls off the GUI thread, with results and errors delivered back to it.

Anki's rule: the GUI never waits on the database. A :class:`Task` runs one callable
on the global thread pool; its ``done`` or ``failed`` signal arrives on the GUI
thread. Exceptions are never swallowed: a known :class:`UserError` goes to
``failed``, anything else to the application's crash handler.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from dvdesk.errors import UserError


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object)
    crashed = Signal(object)


class Task(QRunnable):
    """One call on the thread pool. Connect to ``signals`` before :meth:`start`."""

    def __init__(self, call: Callable[[], Any]) -> None:
        super().__init__()
        self.call = call
        self.signals = _Signals()
        self.cancelled = False
        self.setAutoDelete(False)

    def run(self) -> None:
        try:
            self._run()
        except RuntimeError as error:
            # The receiving objects are gone: the application is shutting down.
            if "deleted" not in str(error):
                raise

    def _run(self) -> None:
        try:
            result = self.call()
        except UserError as error:
            if not self.cancelled:
                self.signals.failed.emit(error)
            return
        except Exception:  # a bug: hand it to the GUI thread's crash handler
            self.signals.crashed.emit(sys.exc_info())
            return
        if not self.cancelled:
            self.signals.done.emit(result)


_running: set[Task] = set()


def run_in_background(
    call: Callable[[], Any],
    *,
    on_done: Callable[[Any], None],
    on_failed: Callable[[UserError], None],
) -> Task:
    """Run ``call`` on the pool; ``on_done``/``on_failed`` run on the GUI thread."""
    task = Task(call)
    task.signals.done.connect(_guarded(on_done))
    task.signals.failed.connect(_guarded(on_failed))
    task.signals.crashed.connect(_reraise)
    _running.add(task)
    for signal in (task.signals.done, task.signals.failed, task.signals.crashed):
        signal.connect(lambda *_args, t=task: _running.discard(t))
    QThreadPool.globalInstance().start(task)
    return task


def _guarded(callback: Callable[[Any], None]) -> Callable[[Any], None]:
    """Exceptions must not unwind into Qt's signal machinery: hand them to the crash handler."""

    def guarded(value: Any) -> None:
        try:
            callback(value)
        except Exception:
            sys.excepthook(*sys.exc_info())

    return guarded


def _reraise(info: tuple[type[BaseException], BaseException, Any]) -> None:
    sys.excepthook(*info)


def wait_for_tasks(timeout_ms: int = 10_000) -> bool:
    """Block until the pool is idle (for shutdown and tests)."""
    return QThreadPool.globalInstance().waitForDone(timeout_ms)
