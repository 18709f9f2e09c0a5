"""Child process of bench/gui_open.py: one measured start of a window, figures as JSON.

python -m bench.gui_child bare|dvdesk PARENT_START DATA_DIR

dvdesk starts the way the installed ``dvdesk`` executable does: through ``ui.main.main``
(the command line read, then the app: the database opened on the worker, the main window,
the drafts and the start-up check), and its first paint is the first one that shows the
text of the list's first row. Qt is imported only when each kind starts, so the app's
modules load in the executable's order. Marks along the way (``*_s``, seconds since the
parent launched this process) say where the time goes.
"""

# ruff: noqa: E402 - LAUNCHED is taken before the imports, to tell them from Python's start

from __future__ import annotations

import time

LAUNCHED = time.time()

import importlib.abc
import importlib.util
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ui.main_window import MainWindow
    from ui.record_list import RecordListPage

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def first_paint_filter(ready: Callable[[], bool], then: Callable[[], None]) -> Any:
    """An event filter that calls ``then`` at the first paint of a viewport that shows
    rows (or any, if bare). Made on demand: Qt is imported only once a kind starts."""
    from PySide6.QtCore import QEvent, QObject, QTimer  # see the docstring

    paint = QEvent.Type.Paint

    class FirstPaint(QObject):
        fired = False

        def eventFilter(self, _watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
            if event.type() == paint and not self.fired and ready():
                self.fired = True
                QTimer.singleShot(0, then)
            return False

    return FirstPaint()


def peak_mib() -> float:
    """This process's own peak resident size (VmHWM), not one shared with siblings."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def bare(parent_start: float) -> dict[str, float]:
    from PySide6.QtWidgets import QApplication, QMainWindow, QTableView

    figures: dict[str, float] = {
        "python_s": LAUNCHED - parent_start,
        "imports_s": time.time() - parent_start,
    }
    app = QApplication([])
    window = QMainWindow()
    view = QTableView()
    window.setCentralWidget(view)

    def painted() -> None:
        figures["first_paint_s"] = time.time() - parent_start
        figures["first_paint_cpu_s"] = time.process_time()
        app.quit()

    watcher = first_paint_filter(lambda: True, painted)
    view.viewport().installEventFilter(watcher)
    window.resize(1200, 760)
    window.show()
    app.exec()
    figures["peak_mib"] = peak_mib()
    return figures


def timed_reload(
    page: Any,
    figures: dict[str, float],
    next_step: Callable[[], None],
    name: str,
    change: Callable[[], None],
) -> Callable[[], None]:
    """A step that applies ``change``, reloads the list, and times the first repaint
    (first screen of keys) and the complete key list."""

    def run() -> None:
        started = time.perf_counter()

        def first_rows() -> None:
            if f"{name}_repaint_s" not in figures and page.model.rowCount():
                page.view.viewport().repaint()  # the visible rows are fetched and drawn
                figures[f"{name}_repaint_s"] = time.perf_counter() - started

        page.model.modelReset.connect(first_rows)

        def done() -> None:
            page.model.modelReset.disconnect(first_rows)
            first_rows()
            page.view.viewport().repaint()
            figures[f"{name}_s"] = time.perf_counter() - started
            figures[f"{name}_rows"] = page.model.rowCount()
            next_step()

        change()
        page.reload(then=done)

    return run


def dvdesk(parent_start: float, data_dir: str) -> dict[str, float]:
    """Start as the ``dvdesk`` executable does (``ui.main.main``), watching the window."""
    import ui.main  # the executable's first import

    figures: dict[str, float] = {"python_s": LAUNCHED - parent_start}

    def wrap(app_module: ModuleType) -> None:
        start_app = app_module.start_app

        def start_watched(app: Any, paths: Any) -> Any:
            figures["imports_s"] = time.time() - parent_start
            session = start_app(app, paths)
            figures["started_s"] = time.time() - parent_start
            watch_session(app, session, figures, parent_start)
            return session

        app_module.start_app = start_watched  # type: ignore[attr-defined]

    # ui.app is wrapped when the executable's own path imports it, not imported here:
    # the order of imports and of the start's first steps stays the executable's.
    sys.meta_path.insert(0, AfterImport("ui.app", wrap))
    if ui.main.main(["--data-dir", data_dir]) != 0:
        raise RuntimeError("dvdesk did not start")
    figures["peak_mib"] = peak_mib()
    return figures


class AfterImport(importlib.abc.MetaPathFinder):
    """Calls ``then`` with the module ``name`` once it has been loaded."""

    def __init__(self, name: str, then: Callable[[ModuleType], None]) -> None:
        self.name, self.then = name, then

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> Any:
        if name != self.name:
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        assert spec is not None and spec.loader is not None
        exec_module, then = spec.loader.exec_module, self.then

        def exec_then(module: ModuleType) -> None:
            exec_module(module)
            then(module)

        spec.loader.exec_module = exec_then  # type: ignore[method-assign]
        return spec


def watch_session(app: Any, session: Any, figures: dict[str, float], parent_start: float) -> None:
    """Marks the first paint, then runs the timed steps, then quits the app."""
    from PySide6.QtCore import QTimer  # loaded by the app already

    from dvdesk.domain.enums import RecordType
    from ui.worker import database_worker

    steps: list[Callable[[], None]] = []
    listed: list[int] = []  # the first list's full length, once it has arrived

    def next_step() -> None:
        steps.pop(0)()

    def when_idle() -> None:
        """The searches are timed once the list is complete and the start-up check and
        daily backup (asked for when it is) are over: they measure the query, not the
        wait behind that job."""
        if not listed or database_worker().is_busy():
            QTimer.singleShot(50, when_idle)
            return
        figures["check_done_s"] = time.time() - parent_start
        next_step()

    def watch(window: MainWindow) -> None:
        figures["window_s"] = time.time() - parent_start
        page = window.lists[RecordType.INSPECTION]
        page.loaded.connect(listed.append)

        def keys_shown() -> None:
            figures["keys_paint_s"] = time.time() - parent_start

        def first_paint() -> None:
            figures["first_paint_s"] = time.time() - parent_start
            figures["first_paint_cpu_s"] = time.process_time()  # every thread's, so far
            next_step()

        for watcher in (
            first_paint_filter(lambda: page.model.rowCount() > 0, keys_shown),
            first_paint_filter(lambda: page.model.row_at(0) is not None, first_paint),
        ):
            watcher.setParent(page)
            page.view.viewport().installEventFilter(watcher)
        steps.extend(list_steps(page, figures, next_step, app.quit))

    session.on_window.append(watch)
    steps.append(when_idle)


def list_steps(
    page: RecordListPage,
    figures: dict[str, float],
    next_step: Callable[[], None],
    end: Callable[[], None],
) -> list[Callable[[], None]]:
    """After the first paint: the search and the sort by title, each timed."""

    def search() -> None:
        figures["rows"] = page.model.rowCount()
        page.search.blockSignals(True)  # time the query itself, not the typing debounce
        page.search.setText("nguyen")
        page.search.blockSignals(False)

    def sort_by_title() -> None:
        page.search.blockSignals(True)
        page.search.setText("")
        page.search.blockSignals(False)
        page.order, page.descending = "title", False

    return [
        timed_reload(page, figures, next_step, "search", search),
        timed_reload(page, figures, next_step, "sort", sort_by_title),
        end,
    ]


def main() -> None:
    kind, parent_start = sys.argv[1], float(sys.argv[2])
    figures = bare(parent_start) if kind == "bare" else dvdesk(parent_start, sys.argv[3])
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
