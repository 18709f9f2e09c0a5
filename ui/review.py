"""Approval and review in the app: "Chờ duyệt" for the head, "Bị trả lại" for the clerk,
the review of received records at the level above, and the requested report's deadline.

Every operation is one core call on the worker; the core checks the user's role.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from dvdesk.formatting import short_date
from dvdesk.i18n import _
from dvdesk.services.approval import approval_queue, approve_records
from dvdesk.services.review import ReviewItem, accept_records, return_record, review_items
from dvdesk.services.store import Store
from dvdesk.sync.receipt import returned_records
from ui.crash import show_error
from ui.modal import run_modal
from ui.screen import fit_to_screen
from ui.worker import run_in_background

if TYPE_CHECKING:
    pass

Row = tuple[str, Sequence[str]]  # the record id and the cells shown


class TableDialog(QDialog):
    """A list of records with buttons acting on the selected ones."""

    # Records changed state: the main window's lists show that state and must reload.
    records_changed = Signal()

    def __init__(
        self, store: Store, *, title: str, headers: Sequence[str], parent: QWidget | None
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.setWindowTitle(title)
        self.table = QTableWidget(0, len(headers))
        self.table.setHorizontalHeaderLabels(list(headers))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)  # a read-only list: Tab moves on, arrows move inside
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setVisible(False)  # row numbers mean nothing here
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.buttons = QHBoxLayout()
        self.buttons.addStretch(1)
        close = QPushButton(_("Close"))
        close.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(self.status)
        layout.addLayout(self.buttons)
        self.buttons.addWidget(close)
        self.ids: list[str] = []
        fit_to_screen(self, 980, 520)

    def add_button(self, text: str, slot: Callable[[], None]) -> QPushButton:
        button = QPushButton(text)
        button.clicked.connect(slot)
        self.buttons.insertWidget(self.buttons.count() - 1, button)
        return button

    def show_rows(self, rows: Sequence[Row], empty: str, *, said: str = "") -> None:
        self.ids = [record_id for record_id, _cells in rows]
        self.table.setRowCount(len(rows))
        for row, (_record_id, cells) in enumerate(rows):
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)  # a long title or reason is cut to its column
                self.table.setItem(row, column, item)
        self._fit_columns()
        self.status.setText(" ".join(t for t in (said, "" if rows else empty) if t))
        if rows:
            self.table.selectRow(0)
        self.table.setFocus()

    def _fit_columns(self) -> None:
        """Every column in view without a sideways scroll bar: the widest (the title) takes
        the width the others leave and is cut short if need be (its tooltip is whole)."""
        table = self.table
        table.resizeColumnsToContents()
        widths = [table.columnWidth(column) for column in range(table.columnCount())]
        if not widths:
            return
        widest = max(range(len(widths)), key=widths.__getitem__)
        header = table.horizontalHeader()
        header.setStretchLastSection(False)
        for column in range(len(widths)):
            mode = (
                QHeaderView.ResizeMode.Stretch
                if column == widest
                else QHeaderView.ResizeMode.ResizeToContents
            )
            header.setSectionResizeMode(column, mode)

    def selected(self) -> list[str]:
        rows = sorted({index.row() for index in self.table.selectedIndexes()})
        if not rows and self.table.currentRow() >= 0:
            rows = [self.table.currentRow()]  # the row the keyboard is on
        return [self.ids[row] for row in rows if row < len(self.ids)]

    def run(self, call: Callable[[], Any], done: Callable[[Any], None]) -> None:
        run_in_background(call, on_done=done, on_failed=lambda e: show_error(self, e))


class PendingApprovals(TableDialog):
    """ "Chờ duyệt": what the clerks submitted or changed, for the head to approve."""

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        headers = [_("Title"), _("Status"), _("Submitted by"), _("Last changed by")]
        super().__init__(store, title=_("Waiting for approval"), headers=headers, parent=parent)
        self.add_button(_("&Approve selected"), self.approve)
        self.reload()

    def reload(self, said: str = "") -> None:
        def shown(items: Any) -> None:
            self.show_rows(
                [
                    (i.record_id, [i.title, i.status.label, i.submitted_by or "", i.updated_by])
                    for i in items
                ],
                _("Nothing is waiting for approval."),
                said=said,
            )

        self.run(lambda: approval_queue(self.store), shown)

    def approve(self) -> None:
        ids = self.selected()
        if not ids:
            self.status.setText(_("Select the records to approve first."))
            return

        def done(approved: Any) -> None:
            self.reload(_("{count} record(s) approved.").format(count=len(approved)))
            self.records_changed.emit()

        self.run(lambda: approve_records(self.store, record_ids=ids), done)


class ReturnedToUs(TableDialog):
    """ "Bị trả lại": records the level above sent back, with the reason and the deadline."""

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        headers = [_("Title"), _("Reason"), _("Due"), _("State")]
        super().__init__(
            store, title=_("Returned by the level above"), headers=headers, parent=parent
        )
        self.run(lambda: returned_records(self.store), self._shown)

    def _shown(self, items: Any) -> None:
        self.show_rows(
            [
                (
                    i.record_id,
                    [
                        i.title,
                        i.comment,
                        short_date(i.deadline) if i.deadline else "",
                        _("corrected") if i.corrected else _("to correct"),
                    ],
                )
                for i in items
            ],
            _("Nothing was returned to this office."),
        )


class ReturnDialog(QDialog):
    """The reason and the deadline of a return."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Return for correction"))
        self.reason = QLineEdit()
        self.deadline = QDateEdit()
        self.deadline.setCalendarPopup(True)
        self.deadline.setDisplayFormat("dd/MM/yyyy")
        soon = date.today() + timedelta(days=7)
        self.deadline.setDate(QDate(soon.year, soon.month, soon.day))
        form = QFormLayout(self)
        form.addRow(_("&Reason:"), self.reason)
        form.addRow(_("&Due back by:"), self.deadline)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.reason.setFocus()

    def values(self) -> tuple[str, date]:
        chosen = self.deadline.date()
        return self.reason.text(), date(chosen.year(), chosen.month(), chosen.day())


class ReviewReceived(TableDialog):
    """The level above: accept a received record, or return it with a reason and a date."""

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        headers = [_("Office"), _("Title"), _("State"), _("Reason"), _("Due")]
        super().__init__(store, title=_("Review received records"), headers=headers, parent=parent)
        self.add_button(_("A&ccept selected"), self.accept_selected)
        self.add_button(_("&Return selected…"), self.return_selected)
        self.reload()

    @staticmethod
    def _cells(item: ReviewItem) -> list[str]:
        state = item.state.label
        if not item.approved:
            state += " · " + _("not approved by the office")
        due = short_date(item.deadline) if item.deadline else ""
        return [item.office_name, item.title, state, item.reason or "", due]

    def reload(self) -> None:
        def shown(items: Any) -> None:
            self.show_rows(
                [(i.record_id, self._cells(i)) for i in items],
                _("No records were received from the offices below yet."),
            )
            for row, item in enumerate(items):  # the code, for the clerk who speaks in codes
                cell = self.table.item(row, 0)
                if cell is not None:
                    cell.setToolTip(
                        _("{name} (code {code})").format(
                            name=item.office_name, code=item.office_code
                        )
                    )

        self.run(lambda: review_items(self.store), shown)

    def accept_selected(self) -> None:
        ids = self.selected()
        if ids:
            self.run(lambda: accept_records(self.store, record_ids=ids), self._changed)

    def _changed(self, _result: object = None) -> None:
        self.reload()
        self.records_changed.emit()

    def return_selected(self) -> None:
        ids = self.selected()
        if len(ids) != 1:
            self.status.setText(_("Select one record to return."))
            return
        dialog = ReturnDialog(self)
        if run_modal(dialog) != QDialog.DialogCode.Accepted:
            return
        reason, deadline = dialog.values()
        self.run(
            lambda: return_record(self.store, record_id=ids[0], reason=reason, deadline=deadline),
            self._changed,
        )
