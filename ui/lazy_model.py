"""A table model over millions of rows that holds only their keys.

The keys come from one SQL query (sorted and filtered in SQL, run off the GUI
thread); the contents of a row are fetched a page at a time on the database worker
when the view first asks for it (the row shows empty for that moment), and only a
bounded number of pages is kept.
"""

from __future__ import annotations

from array import array
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from dvdesk.errors import UserError

Row = TypeVar("Row")
PAGE = 128
MAX_PAGES = 64

Index = QModelIndex | QPersistentModelIndex
# The roles a row answers (text, alignment and the colours and font ``decorate`` gives); a view
# asks about ten roles per cell on every paint, the rest are None without a lookup.
ROLES = frozenset(
    {
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.TextAlignmentRole,
        Qt.ItemDataRole.BackgroundRole,
        Qt.ItemDataRole.ForegroundRole,
        Qt.ItemDataRole.FontRole,
    }
)


class Column(Generic[Row]):
    """How one column shows a row."""

    def __init__(
        self,
        title: str,
        text: Callable[[Row], str],
        *,
        order: str | None = None,
        align_right: bool = False,
    ) -> None:
        self.title = title
        self.text = text
        self.order = order
        self.align_right = align_right


class LazyTableModel(QAbstractTableModel, Generic[Row]):
    """Rows are ``fetch(keys)`` results for ``keys``; only visible pages are loaded."""

    def __init__(
        self,
        columns: Sequence[Column[Row]],
        fetch: Callable[[Sequence[int]], list[Row]],
        key_of: Callable[[Row], int],
        *,
        decorate: Callable[[Row, int], Any] | None = None,
    ) -> None:
        super().__init__()
        self._columns = list(columns)
        self._fetch = fetch
        self._key_of = key_of
        self._decorate = decorate
        self._keys: array[int] = array("q")
        self._pages: OrderedDict[int, dict[int, Row]] = OrderedDict()
        self._asked: set[int] = set()  # pages being fetched for the current keys
        self._generation = 0  # bumped whenever loaded pages stop matching the keys
        self.failed: Callable[[UserError], None] = lambda _error: None

    # ----------------------------------------------------------- data source

    def set_keys(self, keys: array[int]) -> None:
        self.beginResetModel()
        self._keys = keys
        self._forget_pages()
        self.endResetModel()

    def _forget_pages(self) -> None:
        self._pages.clear()
        self._asked.clear()
        self._generation += 1

    def complete_keys(self, keys: array[int]) -> None:
        """Replace the first screenful with the full list: appended in place when it
        continues what is shown (scroll and selection stay), else a reset."""
        shown = len(self._keys)
        if shown and len(keys) >= shown and keys[:shown] == self._keys:
            if len(keys) > shown:
                self.beginInsertRows(QModelIndex(), shown, len(keys) - 1)
                self._keys = keys
                self.endInsertRows()
            return
        self.set_keys(keys)

    def refresh_rows(self) -> None:
        """Forget loaded contents (after an edit) without changing the order."""
        self._forget_pages()
        if self._keys:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._keys) - 1, len(self._columns) - 1)
            )

    def row_of(self, key: int) -> int | None:
        """The row showing ``key``, if it is in the list."""
        try:
            return self._keys.index(key)
        except ValueError:
            return None

    def key_at(self, row: int) -> int:
        return self._keys[row]

    def row_at(self, row: int) -> Row | None:
        """The row's contents, or None while its page is being fetched."""
        if not 0 <= row < len(self._keys):
            return None
        page_number = row // PAGE
        page = self._pages.get(page_number)
        if page is None:
            self._ask(page_number)
            return None
        self._pages.move_to_end(page_number)
        return page.get(self._keys[row])

    def fetch_first_page(self, keys: Sequence[int]) -> list[Row]:
        """The rows of the first page of ``keys`` (on the worker, with the keys' query)."""
        return self._fetch(list(keys[:PAGE])) if keys else []

    def add_first_page(self, rows: list[Row]) -> None:
        """Rows fetched with the keys (``fetch_first_page``), so the first paint has text."""
        if self._keys:
            self._loaded(self._generation, 0, rows)

    def _ask(self, page_number: int) -> None:
        from ui.worker import run_in_background  # noqa: PLC0415 - the model stays importable alone

        if page_number in self._asked:
            return
        self._asked.add(page_number)
        keys = list(self._keys[page_number * PAGE : (page_number + 1) * PAGE])
        generation = self._generation
        run_in_background(
            lambda: self._fetch(keys),
            on_done=lambda rows: self._loaded(generation, page_number, rows),
            on_failed=self.failed,
        )

    def _loaded(self, generation: int, page_number: int, rows: list[Row]) -> None:
        if generation != self._generation:
            return  # the keys or the contents changed meanwhile: a newer fetch follows
        self._asked.discard(page_number)
        self._pages[page_number] = {self._key_of(row): row for row in rows}
        while len(self._pages) > MAX_PAGES:
            self._pages.popitem(last=False)
        first = page_number * PAGE
        last = min(first + PAGE, len(self._keys)) - 1
        if last >= first:
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(self._columns) - 1))

    def column(self, number: int) -> Column[Row]:
        return self._columns[number]

    # ----------------------------------------------------------- Qt interface

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt API
        return 0 if parent.isValid() else len(self._keys)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt API
        return 0 if parent.isValid() else len(self._columns)

    def headerData(  # noqa: N802 - Qt API
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal
        if role == Qt.ItemDataRole.DisplayRole and horizontal and 0 <= section < len(self._columns):
            return self._columns[section].title
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in ROLES or not index.isValid():
            return None
        row = self.row_at(index.row())
        if row is None:
            return None
        column = self._columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(row)
        if role == Qt.ItemDataRole.TextAlignmentRole and column.align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if self._decorate is not None:
            return self._decorate(row, role)
        return None
