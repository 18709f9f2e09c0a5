"""A table model over millions of rows that holds only their keys.

The keys come from one SQL query (sorted and filtered in SQL, run off the GUI
thread); the contents of a row are fetched a page at a time when the view asks
for it, and only a bounded number of pages is kept.
"""

from __future__ import annotations

from array import array
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

Row = TypeVar("Row")
PAGE = 128
MAX_PAGES = 64

Index = QModelIndex | QPersistentModelIndex


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

    # ----------------------------------------------------------- data source

    def set_keys(self, keys: array[int]) -> None:
        self.beginResetModel()
        self._keys = keys
        self._pages.clear()
        self.endResetModel()

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
        self._pages.clear()
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
        if not 0 <= row < len(self._keys):
            return None
        page_number = row // PAGE
        page = self._pages.get(page_number)
        if page is None:
            page = self._load(page_number)
        else:
            self._pages.move_to_end(page_number)
        return page.get(self._keys[row])

    def _load(self, page_number: int) -> dict[int, Row]:
        keys = self._keys[page_number * PAGE : (page_number + 1) * PAGE]
        page = {self._key_of(row): row for row in self._fetch(list(keys))}
        self._pages[page_number] = page
        while len(self._pages) > MAX_PAGES:
            self._pages.popitem(last=False)
        return page

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
        if not index.isValid():
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
