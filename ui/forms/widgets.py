"""Input widgets for record forms.

None of them filter keystrokes: Unikey/EVKey send backspaces and replacement
characters while composing Vietnamese, so text fields accept any intermediate
text and validation happens on the collected value, shown next to the field.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QDate, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QFocusEvent, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QCalendarWidget,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from dvdesk.clock import today
from dvdesk.formatting import short_date
from dvdesk.i18n import _
from dvdesk.typed_dates import TypedDate, parse_typed_date

VALUE_ROLE = Qt.ItemDataRole.UserRole
ORIGINAL_ROLE = Qt.ItemDataRole.UserRole + 1


def typed_date_text(value: date) -> str:
    """How a date field shows a date: always day/month/year, the order it reads back."""
    return value.strftime("%d/%m/%Y")


# A date field's text that is no date, as kept in a draft: {"typed": "31/02/2026"}.
TYPED = "typed"
DateState = str | dict[str, str] | None


class DateField(QLineEdit):
    """A date typed as text (``10/11/2026``, ``10112026``, ``10/11/26`` …).

    A plain line edit, read on focus-out or save: a section editor (QDateEdit)
    jumps on every ``/`` and fights Unikey. Empty means no date; F4 or Alt+Down
    opens a calendar.
    """

    problem_changed = Signal(str)

    def __init__(self, *, optional: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.optional = optional
        self.setPlaceholderText(_("dd/mm/yyyy"))
        self.setToolTip(
            _("Type day/month/year, e.g. 10/11/2026, 10112026 or 10/11/26; F4 opens a calendar.")
        )
        self.setMaxLength(20)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("00/00/00000") + 40)
        calendar = self.addAction(
            self.style().standardIcon(QStyle.StandardPixmap.SP_ArrowDown),
            QLineEdit.ActionPosition.TrailingPosition,
        )
        calendar.setToolTip(_("Calendar (F4)"))
        calendar.triggered.connect(self.open_calendar)
        self.calendar: QCalendarWidget | None = None
        self.editingFinished.connect(self.tidy)
        if not optional:
            self.setText(typed_date_text(today()))

    def typed(self) -> TypedDate:
        return parse_typed_date(self.text(), today=today())

    def value(self) -> str | None:
        parsed = self.typed().value
        return parsed.isoformat() if parsed else None

    def problem(self) -> str | None:
        return self.typed().problem

    def set_value(self, value: str | None) -> None:
        self.setText(typed_date_text(date.fromisoformat(value)) if value else "")

    def state(self) -> DateState:
        """What undo and the draft keep: the date, or, when the text is no date (31/02/2026),
        exactly what was typed, so a restored draft gives the clerk's text back."""
        parsed = self.typed().value
        if parsed is not None:
            return parsed.isoformat()
        return {TYPED: self.text()} if self.text().strip() else None

    def set_state(self, state: DateState | object) -> None:
        if isinstance(state, dict):
            self.setText(str(state.get(TYPED, "")))
            self.problem_changed.emit(self.problem() or "")
        else:
            self.set_value(state if isinstance(state, str) else None)

    def tidy(self) -> None:
        """Show a readable date the way it will be kept, or say what is wrong."""
        parsed = self.typed()
        if parsed.value is not None and self.text() != typed_date_text(parsed.value):
            self.setText(typed_date_text(parsed.value))
        self.problem_changed.emit(parsed.problem or "")

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        # Only F4 and Alt+Down are taken; letters and Backspace stay with the input method.
        alt_down = event.key() == Qt.Key.Key_Down and bool(
            event.modifiers() & Qt.KeyboardModifier.AltModifier
        )
        if event.key() == Qt.Key.Key_F4 or alt_down:
            self.open_calendar()
            return
        super().keyPressEvent(event)

    def open_calendar(self) -> None:
        if self.isReadOnly():
            return
        # A child of the field, so a table's editor does not close while it is open.
        calendar = QCalendarWidget(self)
        calendar.setWindowFlags(Qt.WindowType.Popup)
        calendar.setGridVisible(True)
        calendar.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        shown = self.typed().value or today()
        calendar.setSelectedDate(QDate(shown.year, shown.month, shown.day))
        calendar.activated.connect(self._picked)
        calendar.clicked.connect(self._picked)
        calendar.move(self.mapToGlobal(self.rect().bottomLeft()))
        self.calendar = calendar
        calendar.show()
        calendar.setFocus()

    def _picked(self, picked: QDate) -> None:
        self.setText(typed_date_text(date(picked.year(), picked.month(), picked.day())))
        if self.calendar is not None:
            self.calendar.close()
            self.calendar.deleteLater()
            self.calendar = None
        self.setFocus()
        self.tidy()


class LinesField(QPlainTextEdit):
    """A list of short texts, one per line (organisations, team members …)."""

    def __init__(self, placeholder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText(placeholder)
        self.setTabChangesFocus(True)
        self.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 12)

    def value(self) -> list[str]:
        return [line.strip() for line in self.toPlainText().splitlines() if line.strip()]

    def set_value(self, values: Sequence[str] | None) -> None:
        self.setPlainText("\n".join(values or []))


class LongTextField(QPlainTextEdit):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self.setFixedHeight(self.fontMetrics().lineSpacing() * 5 + 12)

    def value(self) -> str:
        return self.toPlainText()

    def set_value(self, value: str | None) -> None:
        self.setPlainText(value or "")


@dataclass(frozen=True)
class PartColumn:
    key: str
    title: str
    kind: str = "text"  # text | date | choice | check
    choices: Sequence[tuple[str, str]] = field(default_factory=tuple)
    default: Any = None
    width: int = 0


class _EditorDelegate(QStyledItemDelegate):
    """Qt's editor factory reduced to the one thing the cell kinds differ in: the widget,
    made by ``make_editor``."""

    def __init__(self, make_editor: Callable[[QWidget], QWidget], parent: QWidget) -> None:
        super().__init__(parent)
        self._make_editor = make_editor

    def createEditor(  # noqa: N802 - Qt API
        self,
        parent: QWidget,
        _option: QStyleOptionViewItem,
        _index: QModelIndex | QPersistentModelIndex,
    ) -> QWidget:
        return self._make_editor(parent)


class _DateDelegate(_EditorDelegate):
    """Edits a date cell with the same typed field as the forms; a wrong date is not kept."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(lambda cell: DateField(optional=True, parent=cell), parent)

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:  # noqa: N802
        assert isinstance(editor, DateField)
        editor.set_value(index.data(VALUE_ROLE))

    def setModelData(  # noqa: N802 - Qt API
        self, editor: QWidget, model: QAbstractItemModel, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        assert isinstance(editor, DateField)
        parsed = editor.typed()
        if parsed.problem:
            model.setData(index, parsed.problem, Qt.ItemDataRole.ToolTipRole)
            return
        model.setData(index, parsed.value.isoformat() if parsed.value else None, VALUE_ROLE)
        model.setData(
            index,
            short_date(parsed.value) if parsed.value else "",
            Qt.ItemDataRole.DisplayRole,
        )


class _ChoiceDelegate(_EditorDelegate):
    def __init__(self, choices: Sequence[tuple[str, str]], parent: QWidget) -> None:
        super().__init__(self._combo, parent)
        self.choices = list(choices)

    def _combo(self, parent: QWidget) -> QWidget:
        combo = QComboBox(parent)
        for value, label in self.choices:
            combo.addItem(label, value)
        return combo

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:  # noqa: N802
        assert isinstance(editor, QComboBox)
        position = editor.findData(index.data(VALUE_ROLE))
        editor.setCurrentIndex(max(position, 0))

    def setModelData(  # noqa: N802 - Qt API
        self, editor: QWidget, model: QAbstractItemModel, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData(), VALUE_ROLE)
        model.setData(index, editor.currentText(), Qt.ItemDataRole.DisplayRole)


class _PartsGrid(QTableWidget):
    """Tab moves through a row's cells while editing and leaves the table after the last,
    so the keyboard never gets stuck inside (Tab without an editor leaves at once).

    A cell without an editor (the "keep name secret" tick) is a stop of its own in the
    row: Space ticks it and the next Tab goes on to the cell after it, so the cells behind
    it (answer, assignee, deadline) are reached and nothing typed there goes astray.
    """

    def __init__(self, rows: int, columns: int, parent: QWidget | None = None) -> None:
        super().__init__(rows, columns, parent)
        self._on_plain_cell = False  # walking a row, stopped on a cell that has no editor

    def closeEditor(  # noqa: N802 - Qt API
        self, editor: QWidget, hint: QAbstractItemDelegate.EndEditHint
    ) -> None:
        forward = hint == QAbstractItemDelegate.EndEditHint.EditNextItem
        if forward or hint == QAbstractItemDelegate.EndEditHint.EditPreviousItem:
            super().closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)
            self._step(forward)
            return
        super().closeEditor(editor, hint)

    def focusNextPrevChild(self, next: bool) -> bool:  # noqa: N802 - Qt API
        if self._on_plain_cell:
            self._step(next)
            return True
        return super().focusNextPrevChild(next)

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt API
        if self.state() != QAbstractItemView.State.EditingState:
            self._on_plain_cell = False
        super().focusOutEvent(event)

    def _step(self, forward: bool) -> None:
        """Go to the row's next (or previous) cell, editing it if it has an editor;
        past the row's end the focus leaves the table."""
        self._on_plain_cell = False
        column = self.currentColumn() + (1 if forward else -1)
        if not 0 <= column < self.columnCount():
            QWidget.focusNextPrevChild(self, forward)
            return
        self.setCurrentCell(self.currentRow(), column)
        item = self.currentItem()
        if item is not None and item.flags() & Qt.ItemFlag.ItemIsEditable:
            self.editItem(item)
        else:
            self._on_plain_cell = True


class PartsTable(QWidget):
    """An editable table of repeating parts (recommendations, dialogue issues).

    Each row keeps the item it was loaded from, so keys the table does not show
    (ids, results …) survive an edit.
    """

    changed = Signal()

    def __init__(
        self, columns: Sequence[PartColumn], add_label: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self.table = _PartsGrid(0, len(self.columns))
        self.table.setHorizontalHeaderLabels([c.title for c in self.columns])
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.table.setTabKeyNavigation(False)
        self.table.setWordWrap(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        for number, column in enumerate(self.columns):
            if column.kind == "date":
                self.table.setItemDelegateForColumn(number, _DateDelegate(self.table))
            elif column.kind == "choice":
                self.table.setItemDelegateForColumn(
                    number, _ChoiceDelegate(column.choices, self.table)
                )
            if column.width:
                header.resizeSection(number, column.width)
            else:
                header.setSectionResizeMode(number, QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumHeight(150)
        self.table.itemChanged.connect(lambda _item: self.changed.emit())
        self.add_button = QPushButton(add_label)
        self.add_button.clicked.connect(self.new_row)
        self.remove_button = QPushButton(_("Remove selected row"))
        self.remove_button.clicked.connect(self.remove_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)

    def add_row(self, item: dict[str, Any] | None = None) -> None:
        data = dict(item or {})
        row = self.table.rowCount()
        self.table.blockSignals(True)
        self.table.insertRow(row)
        for number, column in enumerate(self.columns):
            self.table.setItem(
                row, number, self._cell(column, data.get(column.key, column.default))
            )
        self.cell(row, 0).setData(ORIGINAL_ROLE, data)
        self.table.blockSignals(False)

    def set_read_only(self) -> None:
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        for row in range(self.table.rowCount()):
            for column in range(self.table.columnCount()):
                cell = self.cell(row, column)
                cell.setFlags(cell.flags() & ~Qt.ItemFlag.ItemIsUserCheckable)
        self.add_button.setEnabled(False)
        self.remove_button.setEnabled(False)

    def new_row(self) -> None:
        """An empty row, with the cursor typing in its first cell (the form records it)."""
        self.add_row()
        self.changed.emit()
        self.focus_cell(self.table.rowCount() - 1, 0, edit=True)

    def focus_cell(self, row: int, column: int, *, edit: bool = False) -> None:
        if not 0 <= row < self.table.rowCount():
            self.table.setFocus()
            return
        self.table.setFocus()
        self.table.setCurrentCell(row, column)
        self.table.scrollToItem(self.cell(row, column))
        if edit:
            self.table.editItem(self.cell(row, column))

    def _cell(self, column: PartColumn, value: Any) -> QTableWidgetItem:
        cell = QTableWidgetItem()
        if column.kind == "check":
            cell.setFlags(cell.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            cell.setFlags(cell.flags() & ~Qt.ItemFlag.ItemIsEditable)
            cell.setCheckState(Qt.CheckState.Checked if value else Qt.CheckState.Unchecked)
        elif column.kind == "date":
            cell.setData(VALUE_ROLE, value)
            cell.setText(short_date(date.fromisoformat(value)) if value else "")
        elif column.kind == "choice":
            cell.setData(VALUE_ROLE, value)
            cell.setText(dict(column.choices).get(value, ""))
        else:
            cell.setText(value or "")
        return cell

    def cell(self, row: int, column: int) -> QTableWidgetItem:
        item = self.table.item(row, column)
        assert item is not None, "every cell is created with its row"
        return item

    def remove_selected(self) -> None:
        rows = sorted({index.row() for index in self.table.selectedIndexes()}, reverse=True)
        if not rows and self.table.currentRow() >= 0:
            rows = [self.table.currentRow()]
        for row in rows:
            self.table.removeRow(row)
        if rows:
            self.changed.emit()

    def value(self) -> list[dict[str, Any]]:
        items = []
        for row in range(self.table.rowCount()):
            original = self.cell(row, 0).data(ORIGINAL_ROLE) or {}
            item = dict(original)
            for number, column in enumerate(self.columns):
                cell = self.cell(row, number)
                if column.kind == "check":
                    item[column.key] = cell.checkState() == Qt.CheckState.Checked
                elif column.kind in ("date", "choice"):
                    item[column.key] = cell.data(VALUE_ROLE)
                else:
                    item[column.key] = cell.text()
            items.append(item)
        return items

    def set_value(self, items: Sequence[dict[str, Any]] | None) -> None:
        self.table.setRowCount(0)
        for item in items or []:
            self.add_row(dict(item))

    def mark_cell(self, row: int, key: str, message: str | None) -> None:
        numbers = [n for n, c in enumerate(self.columns) if c.key == key]
        if not numbers or row >= self.table.rowCount():
            return
        cell = self.cell(row, numbers[0])
        self.table.blockSignals(True)
        cell.setToolTip(message or "")
        cell.setData(Qt.ItemDataRole.BackgroundRole, None if message is None else QColor("#fde2e1"))
        self.table.blockSignals(False)
