"""One list screen per record type: search as you type, year and status filters."""

from __future__ import annotations

from array import array
from collections.abc import Callable, Sequence
from datetime import date
from functools import cache
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QComboBox, QLabel, QPushButton, QWidget

from dvdesk.clock import today
from dvdesk.domain.enums import RecordStatus, RecordType
from dvdesk.domain.people import ApprovalStatus
from dvdesk.formatting import number, sentence, short_date
from dvdesk.i18n import _
from dvdesk.services.browse import (
    RecordQuery,
    RecordSummary,
    holds_other_offices,
    record_key,
    record_keys,
    record_rows,
)
from dvdesk.services.store import Store
from dvdesk.services.units import list_units
from ui.crash import show_error
from ui.lazy_model import Column
from ui.list_page import ListPage
from ui.worker import run_in_background

FIRST_YEAR = 2015
# The approval filter: what waits for someone first.
APPROVAL_FILTER = (
    ApprovalStatus.DRAFT,
    ApprovalStatus.SUBMITTED,
    ApprovalStatus.CHANGED,
    ApprovalStatus.RETURNED,
    ApprovalStatus.APPROVED,
)


OFFICE_COLUMN = 5  # in record_columns


def _approval_text(row: RecordSummary) -> str:
    """The approval state; a demo record says so instead: it never leaves the office."""
    if row.demo:
        return _("demo (never sent)")
    return row.approval.label if row.approval else ""


def record_columns(
    office_names: dict[str, str], record_type: RecordType | None = None
) -> list[Column[RecordSummary]]:
    # A directive has a number and symbol where the other records have a place.
    third: Column[RecordSummary] = (
        Column(_("Number and symbol"), lambda r: r.number or "", order="number")
        if record_type is RecordType.DIRECTIVE
        else Column(_("Place"), lambda r: r.place or "", order="place")
    )
    return [
        Column(_("Date"), lambda r: short_date(r.start_date), order="date"),
        Column(_("Title"), lambda r: r.title, order="title"),
        third,
        Column(_("Status"), lambda r: sentence(RecordStatus(r.status).label), order="status"),
        Column(_("Approval state"), _approval_text, order="approval"),
        Column(
            _("Office"), lambda r: office_names.get(r.office_code, r.office_code), order="office"
        ),
    ]


@cache
def _planned_brush() -> QBrush:
    """Planned records in blue; one brush for every cell that asks (painting asks often)."""
    return QBrush(QColor("#1f5fa8"))


class RecordListPage(ListPage[RecordSummary]):
    """Records of one type, newest first."""

    open_record = Signal(str)
    new_record = Signal()

    def __init__(
        self,
        store: Store,
        record_type: RecordType,
        parent: QWidget | None = None,
    ) -> None:
        self.record_type = record_type
        # Filled by the worker before the first rows arrive (jobs run in order).
        self.office_names: dict[str, str] = {}
        super().__init__(
            store,
            record_columns(self.office_names, record_type),
            keys_for=self.keys_call,
            fetch=self.fetch_rows,
            search_hint=_("Search: title, place, organisation, person … (accents optional)"),
            order="date",
            descending=True,
            widths=(100, 400, 150, 130, 150, 220),
            stretch=1,
            parent=parent,
        )
        self.view.horizontalHeader().setSortIndicator(0, Qt.SortOrder.DescendingOrder)
        # Until a record from another office arrives, every record is the office's own:
        # the column would only repeat its name and take the width the title needs.
        self.view.setColumnHidden(OFFICE_COLUMN, True)
        self.year = QComboBox()
        self.year.addItem(_("All years"), None)
        for year in range(today().year, FIRST_YEAR - 1, -1):
            self.year.addItem(str(year), year)
        self.year.currentIndexChanged.connect(lambda _i: self.reload())
        self.status = QComboBox()
        self.status.addItem(_("All statuses"), None)
        for status in RecordStatus:
            self.status.addItem(sentence(status.label), status.value)
        self.status.currentIndexChanged.connect(lambda _i: self.reload())
        self.approval = QComboBox()
        self.approval.addItem(_("All"), None)
        for approval in APPROVAL_FILTER:
            self.approval.addItem(approval.label, approval.value)
        self.approval.currentIndexChanged.connect(lambda _i: self.reload())
        self.add_button = QPushButton(_("New (Ctrl+N)"))
        self.add_button.clicked.connect(self.new_record.emit)
        for widget in (
            QLabel(_("Year:")),
            self.year,
            QLabel(_("Status:")),
            self.status,
            QLabel(_("Approval:")),
            self.approval,
            self.add_button,
        ):
            self.bar.addWidget(widget)
        self.activated_row.connect(lambda row: self.open_record.emit(row.id))
        run_in_background(
            lambda: {unit.code: unit.name for unit in list_units(store)},
            on_done=self.office_names.update,
            on_failed=lambda error: show_error(self, error),
        )

    def show_approval(self, status: ApprovalStatus) -> None:
        """Only the records at ``status`` (e.g. the drafts an export left at home)."""
        self.approval.setCurrentIndex(self.approval.findData(status.value))

    def reload(self, *, then: Callable[[], None] | None = None) -> None:
        # Queued before the rows (jobs run in order), so the column is right at their paint.
        run_in_background(
            lambda: holds_other_offices(self.store),
            on_done=self._show_office_column,
            on_failed=lambda error: show_error(self, error),
        )
        super().reload(then=then)

    def _show_office_column(self, needed: bool) -> None:
        self.view.setColumnHidden(OFFICE_COLUMN, not needed)

    def query(self) -> RecordQuery:
        year = self.year.currentData()
        approval = self.approval.currentData()  # Qt hands the enum back as its text
        return RecordQuery(
            record_type=self.record_type,
            search=self.search.text(),
            date_from=date(year, 1, 1) if year else None,
            date_to=date(year, 12, 31) if year else None,
            status=self.status.currentData(),
            approval=ApprovalStatus(approval) if approval else None,
            order=self.order,
            descending=self.descending,
        )

    def keys_call(self, limit: int | None, cancel: Callable[[], bool]) -> Callable[[], array[int]]:
        query = self.query()
        return lambda: record_keys(self.store, query=query, limit=limit, cancel=cancel)

    def fetch_rows(self, keys: Sequence[int]) -> list[RecordSummary]:
        return record_rows(self.store, keys=keys)

    def count_text(self, shown: int) -> str:
        if shown == 0:
            # An empty list says why and what to do next (trial 3: "0 hồ sơ" said neither).
            typed = self.search.text().strip()
            if typed:
                return _(
                    "No record matches “{text}”. Check the words (accents are not needed), or "
                    "clear the search box to see every record."
                ).format(text=typed)
            if any(box.currentIndex() > 0 for box in (self.year, self.status, self.approval)):
                return _(
                    "No record within these filters. Choose the first choice (all) in Year, "
                    "Status and Approval to see every record."
                )
            return _("No record here yet. Add the first with Ctrl+N.")
        return _("{count} record(s) shown").format(count=number(shown))

    def decorate(self, row: RecordSummary, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and row.status == RecordStatus.PLANNED:
            return _planned_brush()
        return None

    def select_record(self, record_id: str) -> None:
        """Reload, then select ``record_id`` (just saved) with the focus on the list."""

        def find() -> None:
            run_in_background(
                lambda: record_key(self.store, record_id=record_id),
                on_done=self.select_key,
                on_failed=lambda error: show_error(self, error),
            )

        self.reload(then=find)

    def current_record_id(self) -> str | None:
        row = self.current_row()
        return row.id if row else None
