"""Removing the row selected in a table, after asking: the lists of the signature settings
(revocation lists, trusted roots) remove the same way."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from PySide6.QtWidgets import QTableWidget, QWidget

from dvdesk.errors import UserError
from ui import ask
from ui.worker import run_in_background

Row = TypeVar("Row")
Removed = TypeVar("Removed")


def selected_row(table: QTableWidget, rows: Sequence[Row]) -> Row | None:
    """The item of ``rows`` shown on the table's current row, or None if none is."""
    index = table.currentRow()
    return rows[index] if 0 <= index < len(rows) else None


def remove_after_asking(
    parent: QWidget,
    *,
    title: str,
    text: str,
    remove: Callable[[], Removed],
    on_done: Callable[[Removed], None],
    on_failed: Callable[[UserError], None],
) -> None:
    """Only Yes runs ``remove`` (on the database worker); No is the default, so Enter
    alone removes nothing."""
    if ask.confirm(parent, title=title, text=text):
        run_in_background(remove, on_done=on_done, on_failed=on_failed)
