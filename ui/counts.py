"""Counts without the items: the figures a unit reports only as numbers (docs/counts.md).

One small dialog, opened from the Reports menu: the office's counts in a table, and
a form under it to add one, change the value of the selected one, or delete it. Every
write goes through the core's own set_counts/delete_count (the ones the command line
calls), on the database worker; the core's refusals show inline, in the form.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from dvdesk.domain.counts import FIGURES, figure_label
from dvdesk.errors import UserError, ValidationFailed
from dvdesk.formatting import number, short_date
from dvdesk.i18n import N_, _
from dvdesk.services.counts import CountRow, delete_count, list_counts, set_counts
from dvdesk.services.store import Store
from dvdesk.services.units import Unit, list_units
from ui import ask
from ui.forms.widgets import DateField
from ui.next_steps import app_text
from ui.screen import fit_to_screen
from ui.worker import run_in_background

COLUMNS = (
    N_("Unit"),
    N_("From"),
    N_("To"),
    N_("Figure"),
    N_("Value"),
    N_("Figures only"),
    N_("Note"),
)
MAX_VALUE = 100_000_000


@dataclass(frozen=True)
class CountsView:
    """What the dialog shows: the counts and the units they may be entered for."""

    counts: list[CountRow]
    units: list[Unit]


def load_counts_view(store: Store) -> CountsView:
    """Runs on the database worker. The level above is no unit to count for."""
    units = [unit for unit in list_units(store) if unit.relation != "parent"]
    return CountsView(counts=list_counts(store), units=units)


def figure_title(figure: str) -> str:
    """The figure's label as a list entry: capitalised (the core's reads mid-sentence)."""
    label = figure_label(figure)
    return label[:1].upper() + label[1:]


class CountsDialog(QDialog):
    """Add, change and delete aggregate counts by keyboard (Ctrl+S saves, Del deletes)."""

    changed = Signal(str)

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.rows: list[CountRow] = []
        self.unit_names: dict[str, str] = {}
        self.editing: CountRow | None = None
        self.help_dialog: QDialog | None = None
        self.setWindowTitle(_("Counts without the items"))
        layout = QVBoxLayout(self)
        intro = QLabel(
            _(
                "Figures a unit reports only as numbers, for a period. A report uses a count "
                "whose period lies inside its own; two counts of one unit and figure may not "
                "overlap."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addWidget(self._table(), 1)
        layout.addLayout(self._form())
        self.error = QLabel()
        self.error.setObjectName("fieldError")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        # A finished action is said in plain text; only refusals are in the error colour.
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        layout.addWidget(self._buttons())
        for key, slot in (
            (QKeySequence.StandardKey.Save, self.save),
            (QKeySequence.StandardKey.New, self.new_count),
            (QKeySequence.StandardKey.HelpContents, self.help),
        ):
            QShortcut(key, self).activated.connect(slot)
        fit_to_screen(self, 1000, 640)
        self.reload()

    # ----------------------------------------------------------------- layout

    def _table(self) -> QTableWidget:
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([_(title) for title in COLUMNS])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)  # a read-only list: Tab moves on, arrows move inside
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.setAccessibleName(_("Counts"))
        self.table.itemSelectionChanged.connect(self._selected)
        delete = QShortcut(QKeySequence(Qt.Key.Key_Delete), self.table)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(self.delete_selected)
        return self.table

    def _form(self) -> QFormLayout:
        form = QFormLayout()
        self.unit = QComboBox()
        self.start = DateField(optional=True)
        self.end = DateField(optional=True)
        period = QHBoxLayout()
        period.addWidget(self.start)
        period.addWidget(QLabel(_("to")))
        period.addWidget(self.end)
        period.addStretch(1)
        self.figure = QComboBox()
        for figure in FIGURES:
            self.figure.addItem(figure_title(figure), figure)
        self.value = QSpinBox()
        self.value.setRange(0, MAX_VALUE)
        self.value.setGroupSeparatorShown(True)
        self.value.setMaximumWidth(240)
        self.figures_only = QCheckBox(
            _("The unit reports only figures for this period (its items are replaced)")
        )
        self.note = QLineEdit()
        form.addRow(_("Unit *"), self.unit)
        form.addRow(_("Period from *"), period)
        form.addRow(_("Figure *"), self.figure)
        form.addRow(_("Value *"), self.value)
        form.addRow("", self.figures_only)
        form.addRow(_("Note"), self.note)
        self.mode = QLabel()
        self.mode.setWordWrap(True)
        form.addRow("", self.mode)
        self.key_fields: tuple[QWidget, ...] = (self.unit, self.start, self.end, self.figure)
        return form

    def _buttons(self) -> QDialogButtonBox:
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.new_button = QPushButton(_("New count (Ctrl+N)"))
        self.save_button = QPushButton(_("Save (Ctrl+S)"))
        self.delete_button = QPushButton(_("Delete (Del)"))
        for button in (self.new_button, self.save_button, self.delete_button):
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
            button.setAutoDefault(False)
        # Enter in a field saves, as in the record forms; it must not close the dialog.
        self.save_button.setDefault(True)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setAutoDefault(False)
        self.new_button.clicked.connect(self.new_count)
        self.save_button.clicked.connect(self.save)
        self.delete_button.clicked.connect(self.delete_selected)
        buttons.rejected.connect(self.reject)
        return buttons

    # ------------------------------------------------------------------ data

    def reload(self, message: str = "") -> None:
        self._busy(True)
        run_in_background(
            lambda: load_counts_view(self.store),
            on_done=lambda view: self._show(view, message),
            on_failed=self._refused,
        )

    def _show(self, view: CountsView, message: str) -> None:
        self.rows = view.counts
        self.unit_names = {unit.code: unit.name for unit in view.units}
        current = self.unit.currentData()
        self.unit.clear()
        for unit in view.units:
            self.unit.addItem(f"{unit.code} — {unit.name}", unit.code)
        if current is not None:
            self.unit.setCurrentIndex(max(self.unit.findData(current), 0))
        self._fill_table(view.counts)
        self._busy(False)
        self.new_count()
        self.status.setText(message)

    def _fill_table(self, rows: Sequence[CountRow]) -> None:
        self.table.blockSignals(True)
        self.table.setRowCount(len(rows))
        for index, row in enumerate(rows):
            cells = (
                f"{row.unit_code} — {self.unit_names.get(row.unit_code, '')}".rstrip(" —"),
                short_date(row.period_start),
                short_date(row.period_end),
                figure_title(row.figure),
                number(row.value),
                _("yes") if row.figures_only else "",
                row.note or "",
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 4:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(index, column, item)
        self.table.blockSignals(False)

    def _busy(self, busy: bool) -> None:
        for button in (self.new_button, self.save_button, self.delete_button):
            button.setEnabled(not busy)

    # --------------------------------------------------------------- editing

    def selected(self) -> CountRow | None:
        index = self.table.currentRow()
        if not self.table.selectionModel().hasSelection() or not 0 <= index < len(self.rows):
            return None
        return self.rows[index]

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        # Destroying the table clears its selection; its signal must not reach this
        # half-destroyed dialog (seen as a rare crash on close).
        self.table.blockSignals(True)
        super().closeEvent(event)

    def done(self, result: int) -> None:
        self.table.blockSignals(True)
        super().done(result)

    def _selected(self) -> None:
        row = self.selected()
        if row is None:
            return
        self.editing = row
        self.unit.setCurrentIndex(max(self.unit.findData(row.unit_code), 0))
        self.start.set_value(row.period_start.isoformat())
        self.end.set_value(row.period_end.isoformat())
        self.figure.setCurrentIndex(max(self.figure.findData(row.figure), 0))
        self.value.setValue(row.value)
        self.figures_only.setChecked(row.figures_only)
        self.note.setText(row.note or "")
        for widget in self.key_fields:
            widget.setEnabled(False)
        self.mode.setText(
            _(
                "Changing the selected count: its value, note and “figures only”. To change "
                "its unit, period or figure, delete it and add a new one."
            )
        )
        self.error.clear()

    def new_count(self) -> None:
        """An empty form for a new count; the unit and period stay for the next figure."""
        self.editing = None
        # No current row either, so Down in the table selects the first count.
        self.table.blockSignals(True)
        self.table.clearSelection()
        self.table.setCurrentCell(-1, -1)
        self.table.blockSignals(False)
        for widget in self.key_fields:
            widget.setEnabled(True)
        self.value.setValue(0)
        self.figures_only.setChecked(False)
        self.note.clear()
        self.mode.setText(_("Adding a new count."))
        self.error.clear()
        self.status.clear()
        self.unit.setFocus()

    def count_data(self) -> dict[str, object]:
        """The form as the core's CountInput; an unreadable date is refused here."""
        dates: dict[str, str] = {}
        for key, field, missing in (
            ("period_start", self.start, _("Type the first day of the period.")),
            ("period_end", self.end, _("Type the last day of the period.")),
        ):
            typed = field.typed()
            if typed.value is None:
                field.setFocus()
                raise UserError(typed.problem or missing)
            dates[key] = typed.value.isoformat()
        unit = self.unit.currentData()
        if unit is None:
            self.unit.setFocus()
            raise UserError(_("There is no unit to count for. Set up the office first."))
        return {
            "unit_code": unit,
            **dates,
            "figures": {self.figure.currentData(): self.value.value()},
            "figures_only": self.figures_only.isChecked(),
            "note": self.note.text().strip() or None,
        }

    def save(self) -> None:
        if not self.save_button.isEnabled():
            return
        try:
            data = self.count_data()
        except UserError as error:
            self.error.setText(app_text(error.message))
            return
        self._busy(True)
        run_in_background(
            lambda: set_counts(self.store, data=data),
            on_done=lambda _rows: self._written(_("The count was saved.")),
            on_failed=self._refused,
        )

    def delete_selected(self) -> None:
        row = self.selected()
        if row is None:
            self.error.setText(_("Select a count in the table first, then press Delete."))
            self.table.setFocus()
            return
        # No is the default: Enter alone deletes nothing.
        if not ask.confirm(
            self,
            title=_("Delete the count"),
            text=_(
                "Delete the count “{figure}” = {value} of unit {unit} for {start}–{end}?"
            ).format(
                figure=figure_label(row.figure),
                value=number(row.value),
                unit=row.unit_code,
                start=short_date(row.period_start),
                end=short_date(row.period_end),
            ),
        ):
            return
        self._busy(True)
        run_in_background(
            lambda: delete_count(self.store, count_id=row.id),
            on_done=lambda _none: self._written(_("The count was deleted.")),
            on_failed=self._refused,
        )

    def _written(self, message: str) -> None:
        self.changed.emit(message)
        self.reload(message)

    def _refused(self, error: UserError) -> None:
        self._busy(False)
        self.status.clear()
        if isinstance(error, ValidationFailed) and error.problems:
            field, message = error.problems[0]
            self.error.setText(self._problem_text(field, message))
            self._focus_field(field)
            return
        self.error.setText(app_text(error.message))

    def _problem_text(self, field: str, message: str) -> str:
        label = {
            "unit_code": _("Unit"),
            "period_start": _("Period from"),
            "period_end": _("Period to"),
            "note": _("Note"),
        }.get(field)
        if label is None and field.startswith("figures"):
            label = self.figure.currentText()
        message = message.rstrip(".") + "."
        return f"{label}: {message}" if label else f"{message[:1].upper()}{message[1:]}"

    def _focus_field(self, field: str) -> None:
        target: QWidget = {
            "unit_code": self.unit,
            "period_start": self.start,
            "period_end": self.end,
            "note": self.note,
        }.get(field, self.value)
        if target.isEnabled():
            target.setFocus()

    def help(self) -> None:
        from ui.help import HelpDialog  # noqa: PLC0415 - rarely opened

        self.help_dialog = HelpDialog("counts", parent=self)
        self.help_dialog.open()
