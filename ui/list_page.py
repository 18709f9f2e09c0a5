"""The shared shape of list screens: a filter bar, a lazy table, a count.

Subclasses say how to get ordered keys for the current filters (run on the
thread pool; the newest request wins, so fast typing never shows stale
results) and how to fetch the rows of a page.
"""

from __future__ import annotations

import threading
from array import array
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from dvdesk.errors import UserError
from dvdesk.i18n import _
from dvdesk.services.store import Store
from ui.crash import show_error
from ui.lazy_model import Column, LazyTableModel
from ui.worker import Task, run_in_background

Row = TypeVar("Row")
SEARCH_DELAY_MS = 150
# Rows fetched first with a LIMIT query the indexes answer at once, so the list paints
# before the full ordered key list of a large office has arrived.
FIRST_SCREEN = 200
# keys_for(limit, cancel) -> a call for the worker thread that returns the ordered keys.
KeysFor = Callable[[int | None, Callable[[], bool]], Callable[[], "array[int]"]]


class SearchBox(QLineEdit):
    """Filters as the user types; only Down is taken (into the list), so Unikey works."""

    down = Signal()

    def __init__(self, placeholder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText(placeholder)
        self.setClearButtonEnabled(True)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        if event.key() == Qt.Key.Key_Down and not event.modifiers():
            self.down.emit()
            return
        super().keyPressEvent(event)


SORT_KEYS = "Ctrl+Shift+O"  # order by the current column


class ListPage(QWidget, Generic[Row]):
    loaded = Signal(int)
    activated_row = Signal(object)

    def __init__(
        self,
        store: Store,
        columns: Sequence[Column[Row]],
        *,
        keys_for: KeysFor,
        fetch: Callable[[Sequence[int]], list[Row]],
        search_hint: str,
        order: str,
        descending: bool,
        widths: Sequence[int],
        stretch: int,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.order = order
        self.descending = descending
        self._task: Task[Any] | None = None
        self._stop = threading.Event()
        self._generation = 0
        self._keys_for = keys_for
        self.model: LazyTableModel[Row] = LazyTableModel(
            columns, fetch, self.key_of, decorate=self.decorate
        )
        self.model.failed = self._rows_failed
        # Set while a long list waits for its first rows (see _rows_arrived).
        self._after_first_rows: Callable[[], None] | None = None
        self._shown_soon = False  # see rows_before_shown
        self._then_painted: Callable[[], None] | None = None
        self.model.dataChanged.connect(self._rows_arrived)
        self.search = SearchBox(search_hint)
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.reload)
        self.search.textChanged.connect(lambda _text: self._search_timer.start())
        self.search.down.connect(self.focus_list)
        self.bar = QHBoxLayout()
        self.bar.addWidget(self.search, 1)
        self.view = self._make_view(widths, stretch)
        self.count = QLabel()
        self.count.setObjectName("listCount")
        layout = QVBoxLayout(self)
        layout.addLayout(self.bar)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.count)

    def _make_view(self, widths: Sequence[int], stretch: int) -> QTableView:
        view = QTableView()
        view.setModel(self.model)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setAlternatingRowColors(True)
        view.setTabKeyNavigation(False)  # Tab leaves the list; arrows move inside it
        view.setWordWrap(False)
        view.verticalHeader().setVisible(False)
        view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = view.horizontalHeader()
        header.setSortIndicatorShown(True)
        header.sectionClicked.connect(self._sort_by)
        for section, width in enumerate(widths):
            header.resizeSection(section, width)
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
        view.activated.connect(self._activated)
        # The keyboard's header click: sort by the column the cursor is in (again: reverse).
        sort = QShortcut(QKeySequence(SORT_KEYS), view)
        sort.setContext(Qt.ShortcutContext.WidgetShortcut)
        sort.activated.connect(lambda: self._sort_by(max(view.currentIndex().column(), 0)))
        return view

    # ------------------------------------------------------- for subclasses

    def key_of(self, row: Row) -> int:
        return int(row.key)  # type: ignore[attr-defined]

    def decorate(self, row: Row, role: int) -> Any:
        return None

    def count_text(self, shown: int) -> str:
        return str(shown)

    # ------------------------------------------------------------ behaviour

    def reload(self, *, then: Callable[[], None] | None = None) -> None:
        """First screen, then everything; the newest reload wins over older ones."""
        self._generation += 1
        generation = self._generation
        self._stop.set()  # interrupts the superseded queries inside SQLite
        self._stop = stop = threading.Event()
        self.count.setText(_("Loading…"))
        self._after_first_rows = None
        complete = False

        def first_screen(found: tuple[array[int], list[Row]]) -> None:
            keys, rows = found
            if generation != self._generation or complete:
                return
            self.model.set_keys(keys)
            whole = len(keys) < FIRST_SCREEN  # that is the whole list
            if not whole:
                self._after_first_rows = full_list  # once these rows are painted
            self.model.add_first_page(rows)
            if whole:
                done(keys)

        def full_list() -> None:
            if generation == self._generation:
                self._task = run_in_background(
                    self._keys_for(None, stop.is_set), on_done=done, on_failed=failed
                )

        def done(keys: array[int]) -> None:
            nonlocal complete
            if generation != self._generation:
                return
            complete = True
            self.model.complete_keys(keys)
            self.count.setText(self.count_text(len(keys)))
            self.loaded.emit(len(keys))
            if then is not None:
                then()

        def failed(error: UserError) -> None:
            if generation == self._generation:
                self.count.setText("")
                show_error(self, error)

        self._task = run_in_background(
            self._first_screen(stop.is_set), on_done=first_screen, on_failed=failed
        )

    def _first_screen(
        self, cancel: Callable[[], bool]
    ) -> Callable[[], tuple[array[int], list[Row]]]:
        """The first screen's keys and the rows of its first page, in one job: a second
        round trip through the worker and a paint of empty rows came before the text."""
        keys_call, fetch = self._keys_for(FIRST_SCREEN, cancel), self.model.fetch_first_page

        def run() -> tuple[array[int], list[Row]]:
            keys = keys_call()
            return keys, fetch(keys)

        return run

    def _rows_arrived(self, *_args: object) -> None:
        """The first rows of a long list are painted: now its full key list is asked for.

        That query is long at a million records and its loop holds Python's lock, while
        painting calls into Python for every cell: run together on a busy two-core PC,
        the first screen's text waited for the keys (bench/gui_open.py).
        """
        then, self._after_first_rows = self._after_first_rows, None
        shown_soon, self._shown_soon = self._shown_soon, False  # for the first rows only
        if then is None:
            return
        if shown_soon and not self.view.isVisible():
            self._then_painted = then  # asked for once they are on the screen
            self.view.viewport().installEventFilter(self)
            return
        self.view.viewport().repaint()
        then()

    def rows_before_shown(self) -> None:
        """This page's window is about to be shown (at start-up, with the first rows
        already in): the full list waits for its first paint, not just its rows."""
        self._shown_soon = True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        """The first paint after ``rows_before_shown``: then the full list is asked for."""
        if event.type() == QEvent.Type.Paint and self._then_painted is not None:
            watched.removeEventFilter(self)
            then, self._then_painted = self._then_painted, None
            QTimer.singleShot(0, self, then)  # after this paint; not at all once the page is gone
        return False

    def _rows_failed(self, error: UserError) -> None:
        if self._after_first_rows is not None:
            self._after_first_rows = None  # the full list is not asked for
            self.count.setText("")
        show_error(self, error)

    def _sort_by(self, section: int) -> None:
        column = self.model.column(section)
        if column.order is None:
            return
        if column.order == self.order:
            self.descending = not self.descending
        else:
            self.order = column.order
            self.descending = False
        order = Qt.SortOrder.DescendingOrder if self.descending else Qt.SortOrder.AscendingOrder
        self.view.horizontalHeader().setSortIndicator(section, order)
        self.reload()

    def _activated(self, index: QModelIndex) -> None:
        row = self.model.row_at(index.row())
        if row is not None:
            self.activated_row.emit(row)

    def current_row(self) -> Row | None:
        index = self.view.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def focus_list(self) -> None:
        """Move the cursor into the list, on the current row or the first one."""
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)
        if not self.view.currentIndex().isValid() and self.model.rowCount():
            self.view.selectRow(0)

    def select_key(self, key: int | None) -> None:
        """Select the row of ``key`` (a record just saved) and give the list the focus."""
        row = self.model.row_of(key) if key is not None else None
        if row is not None:
            self.view.selectRow(row)
            self.view.scrollTo(self.model.index(row, 0))
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()
