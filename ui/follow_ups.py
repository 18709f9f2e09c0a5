"""Kiến nghị: every recommendation and assigned petition, overdue ones at a glance."""

from __future__ import annotations

from array import array
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QComboBox, QDialog, QLabel, QPushButton, QWidget

from dvdesk.domain.enums import FollowUpStatus
from dvdesk.errors import UserError
from dvdesk.formatting import number, sentence, short_date
from dvdesk.i18n import _
from dvdesk.services.browse import FollowUpQuery, FollowUpRow, follow_up_keys, follow_up_rows
from dvdesk.services.store import Store
from ui.crash import show_error
from ui.lazy_model import Column
from ui.list_page import ListPage
from ui.modal import run_modal
from ui.worker import run_in_background

OVERDUE_BACKGROUND = QColor("#fde2e1")
OVERDUE_TEXT = QColor("#9b1c1c")


def _status_text(row: FollowUpRow) -> str:
    return sentence(_("overdue") if row.overdue else row.status.label)


def _result_text(row: FollowUpRow) -> str:
    """What was done, and on which day once resolved (a day alone for older items)."""
    if row.status is not FollowUpStatus.RESOLVED or row.result_date is None:
        return row.result or ""
    if not row.result:
        return short_date(row.result_date)
    return _("{result} ({date})").format(result=row.result, date=short_date(row.result_date))


def follow_up_columns() -> list[Column[FollowUpRow]]:
    return [
        Column(_("Deadline"), lambda r: short_date(r.deadline), order="deadline"),
        Column(_("Content"), lambda r: r.content, order="content"),
        Column(_("Addressed to"), lambda r: r.addressee or "", order="addressee"),
        Column(_("Status"), _status_text, order="status"),
        Column(_("Result"), _result_text),
        Column(_("From record"), lambda r: r.record_title, order="record"),
    ]


class FollowUpPage(ListPage[FollowUpRow]):
    open_record = Signal(str)
    changed = Signal()
    said = Signal(str)  # a line for the status bar: what happened, or why nothing did

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(
            store,
            follow_up_columns(),
            keys_for=self.keys_call,
            fetch=self.fetch_rows,
            search_hint=_("Search recommendations: content, addressee, record …"),
            order="deadline",
            descending=False,
            widths=(100, 340, 170, 110, 300, 240),
            stretch=1,
            parent=parent,
        )
        self.view.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.state = QComboBox()
        for value, label in (
            ("open", _("Not yet resolved")),
            ("overdue", _("Overdue")),
            ("resolved", _("Resolved")),
            ("all", _("All")),
        ):
            self.state.addItem(label, value)
        self.state.currentIndexChanged.connect(lambda _i: self.reload())
        self.resolve_button = QPushButton(_("Mark resolved"))
        self.resolve_button.clicked.connect(self.resolve_current)
        self.open_button = QPushButton(_("Open record"))
        self.open_button.clicked.connect(self._open_current)
        for widget in (QLabel(_("Show:")), self.state, self.resolve_button, self.open_button):
            self.bar.addWidget(widget)
        self.activated_row.connect(lambda row: self.open_record.emit(row.record_id))

    def keys_call(self, limit: int | None, cancel: Callable[[], bool]) -> Callable[[], array[int]]:
        query = FollowUpQuery(
            search=self.search.text(),
            state=self.state.currentData(),
            order=self.order,
            descending=self.descending,
        )
        return lambda: follow_up_keys(self.store, query=query, limit=limit, cancel=cancel)

    def fetch_rows(self, keys: Sequence[int]) -> list[FollowUpRow]:
        return follow_up_rows(self.store, keys=keys)

    def count_text(self, shown: int) -> str:
        return _("{count} recommendation(s) shown").format(count=number(shown))

    def decorate(self, row: FollowUpRow, role: int) -> Any:
        if not row.overdue:
            return None
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(OVERDUE_BACKGROUND)
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(OVERDUE_TEXT)
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        return None

    def _open_current(self) -> None:
        row = self.current_row()
        if row is not None:
            self.open_record.emit(row.record_id)

    def resolve_current(self) -> None:
        """Ask what was done and when (Enter confirms, Esc changes nothing), then write it."""
        # Writing loads the record services; the list itself stays light (fast start-up).
        from dvdesk.services.follow_ups import resolve_follow_up  # noqa: PLC0415
        from ui.resolve_dialog import ResolveDialog  # noqa: PLC0415

        row = self.current_row()
        if row is None:
            self.said.emit(
                _("Choose a recommendation in the list first (arrow keys), then mark it resolved.")
            )
            return
        if row.status is FollowUpStatus.RESOLVED:
            self.said.emit(_("This recommendation is already resolved; nothing changed."))
            return
        dialog = ResolveDialog(row, self)
        self.resolve_dialog = dialog  # reachable while open (tests, the lock screen)
        if run_modal(dialog) != QDialog.DialogCode.Accepted or dialog.result_date is None:
            self.said.emit(_("Not marked resolved; nothing changed."))
            return
        result, on = dialog.result_text, dialog.result_date

        def done(_revision: int) -> None:
            self.said.emit(
                _("Marked resolved on {date}: {content}. Result: {result}").format(
                    date=short_date(on), content=row.content, result=result
                )
            )
            self.changed.emit()
            self.reload()

        def failed(error: UserError) -> None:
            show_error(self, error)

        run_in_background(
            lambda: resolve_follow_up(
                self.store, source=row.source, item_id=row.id, result=result, result_date=on
            ),
            on_done=done,
            on_failed=failed,
        )
