"""The one database worker: every database and file job runs on one background thread.

Anki's rule: the GUI never waits on the database, and the collection is touched by
one thread at a time. Jobs run in the order they were asked for on a single-thread
executor, so the app's own writes never compete for SQLite's lock (a save asked for
during a long import waits its turn instead of failing after the busy timeout). A
:class:`Task` carries typed callbacks that run on the GUI thread. Exceptions are never
swallowed: a known :class:`UserError` goes to ``on_failed``, anything else to the
application's crash handler; a :class:`Cancelled` job reports nothing.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_futures
from functools import partial
from typing import Generic, TypeVar

import shiboken6
from PySide6.QtCore import QObject, Signal, SignalInstance

from dvdesk.errors import Cancelled, UserError

T = TypeVar("T")
Delivery = Callable[[], None]


class _Relay(QObject):
    """Lives on the GUI thread: signals emitted on the worker arrive there queued."""

    deliver = Signal(object)  # a Delivery to run on the GUI thread
    busy_changed = Signal(bool)


class Task(Generic[T]):
    """One job for the worker; its callbacks run on the GUI thread unless it was cancelled."""

    def __init__(
        self,
        call: Callable[[], T],
        *,
        on_done: Callable[[T], None],
        on_failed: Callable[[UserError], None],
    ) -> None:
        self.call = call
        self.on_done = on_done
        self.on_failed = on_failed
        self.cancelled = False
        self.finished = False  # the callback (if any) has run on the GUI thread

    def cancel(self) -> None:
        """Drop the result: a newer request replaces this one."""
        self.cancelled = True

    def run(self) -> Delivery:
        """On the worker thread: run the job and say what the GUI thread does next."""
        if self.cancelled:
            return self._nothing
        try:
            result = self.call()
        except Cancelled:
            return self._nothing
        except UserError as error:
            return partial(self._deliver, partial(self.on_failed, error))
        except Exception as bug:  # hand it to the GUI thread's crash handler
            return partial(self._deliver, partial(_crash, bug))
        return partial(self._deliver, partial(self.on_done, result))

    def _nothing(self) -> None:
        self.finished = True

    def _deliver(self, callback: Delivery) -> None:
        self.finished = True
        if not self.cancelled and not _receiver_gone(callback):
            callback()


def _receiver_gone(callback: Delivery) -> bool:
    """A result for a screen that was closed while its job ran (a window closed during a
    save): its widgets are deleted, so the callback has nobody left to tell. The screen is
    the bound method's object, or a widget a lambda or partial holds (``lambda path:
    self.status.setText(...)``): calling into a deleted widget raises in the next screen's
    event processing, or crashes."""
    return any(
        isinstance(held, QObject) and not shiboken6.isValid(held) for held in _held(callback, 3)
    )


def _held(call: object, depth: int) -> list[object]:
    """The objects a callable reaches: a partial's function and arguments, a bound
    method's object, a function's closure cells (``depth`` levels down)."""
    if depth == 0:
        return []
    if isinstance(call, partial):
        direct = [call.func, *call.args, *call.keywords.values()]
    elif hasattr(call, "__self__"):
        direct = [call.__self__]
    else:
        cells = getattr(call, "__closure__", None) or ()
        direct = [cell.cell_contents for cell in cells if _filled(cell)]
    found = list(direct)
    for item in direct:
        if callable(item) and not isinstance(item, QObject):
            found.extend(_held(item, depth - 1))
    return found


def _filled(cell: object) -> bool:
    try:
        getattr(cell, "cell_contents")  # noqa: B009 - an empty cell raises ValueError
    except ValueError:
        return False
    return True


class DatabaseWorker:
    """A single-thread executor plus the relay that brings results back to the GUI."""

    def __init__(self) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="dvdesk-db")
        self._relay = _Relay()
        self._relay.deliver.connect(self._receive)
        self._lock = threading.Lock()
        self._futures: set[Future[None]] = set()
        # Jobs asked for whose result has not yet been handed to the GUI thread. Busy and
        # idle are counted here, on the GUI side, not when the worker thread finishes: the
        # thread's "finished" came before the result's callback (its confirmation) had run.
        self._undelivered = 0
        self._delivering = 0  # callbacks running now (one may wait in a modal question)
        self.thread: threading.Thread | None = None

    @property
    def busy_changed(self) -> SignalInstance:
        """True when a job has to wait behind another, False once every result is in."""
        return self._relay.busy_changed

    def is_busy(self) -> bool:
        with self._lock:
            return self._undelivered > 0

    def settled(self) -> bool:
        """Every job asked for has run and its callback has run on the GUI thread."""
        with self._lock:
            return self._undelivered == 0 and self._delivering == 0

    def submit(self, task: Task[T]) -> Task[T]:
        with self._lock:
            waiting = self._undelivered > 0
            self._undelivered += 1
            future = self._executor.submit(self._run, task)
            self._futures.add(future)
        future.add_done_callback(self._forget)
        if waiting:
            self._relay.busy_changed.emit(True)
        return task

    def _run(self, task: Task[T]) -> None:
        self.thread = threading.current_thread()
        self._relay.deliver.emit(task.run())

    def _forget(self, future: Future[None]) -> None:
        with self._lock:
            self._futures.discard(future)

    def _receive(self, delivery: Delivery) -> None:
        """On the GUI thread: one job's result. Counted before its callback runs, so a job
        the callback asks for (a list reloaded after a save) does not count as waiting."""
        with self._lock:
            self._undelivered -= 1
            self._delivering += 1
        try:
            _run_guarded(delivery)
        finally:
            with self._lock:
                self._delivering -= 1
                idle = self._undelivered == 0
            if idle:
                self._relay.busy_changed.emit(False)

    def wait(self, timeout_ms: int) -> bool:
        """Block until every job asked for so far has run on the worker thread (shutdown
        and tests); their callbacks may still be waiting for the GUI thread's event loop."""
        with self._lock:
            pending = list(self._futures)
        _done, not_done = wait_futures(pending, timeout=timeout_ms / 1000)
        return not not_done


def _crash(bug: Exception) -> None:
    sys.excepthook(type(bug), bug, bug.__traceback__)


def _run_guarded(delivery: Delivery) -> None:
    """Exceptions must not unwind into Qt's signal machinery: hand them to the crash handler."""
    try:
        delivery()
    except Exception:
        sys.excepthook(*sys.exc_info())


_worker: DatabaseWorker | None = None


def database_worker() -> DatabaseWorker:
    """The app's one worker (made on first use, from the GUI thread)."""
    global _worker  # noqa: PLW0603 - one worker per process, as there is one database
    if _worker is None:
        _worker = DatabaseWorker()
    return _worker


def run_in_background(
    call: Callable[[], T],
    *,
    on_done: Callable[[T], None],
    on_failed: Callable[[UserError], None],
) -> Task[T]:
    """Run ``call`` on the database worker; ``on_done``/``on_failed`` run on the GUI thread."""
    return database_worker().submit(Task(call, on_done=on_done, on_failed=on_failed))


def wait_for_tasks(timeout_ms: int = 10_000) -> bool:
    """Block until the worker has run every job asked for so far."""
    return database_worker().wait(timeout_ms)
