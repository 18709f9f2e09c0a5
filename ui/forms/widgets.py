"""Input widgets for record forms.

None of them filter keystrokes: Unikey/EVKey send backspaces and replacement
characters while composing Vietnamese, so text fields accept any intermediate
text and validation happens on the collected value, shown next to the field.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QDate, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QPlainTextEdit,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from dvdesk.formatting import short_date
from dvdesk.i18n import _

EMPTY_DATE = QDate(1900, 1, 1)
DISPLAY_FORMAT = "dd/MM/yyyy"
VALUE_ROLE = Qt.ItemDataRole.UserRole
ORIGINAL_ROLE = Qt.ItemDataRole.UserRole + 1


def to_qdate(value: str | None) -> QDate:
    if not value:
        return EMPTY_DATE
    parsed = date.fromisoformat(value)
    return QDate(parsed.year, parsed.month, parsed.day)


def from_qdate(value: QDate) -> str | None:
    if not value.isValid() or value == EMPTY_DATE:
        return None
    return date(value.year(), value.month(), value.day()).isoformat()


class DateField(QDateEdit):
    """A dd/mm/yyyy date with a calendar popup; optionally empty (shown blank)."""

    def __init__(self, *, optional: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setCalendarPopup(True)
        self.setDisplayFormat(DISPLAY_FORMAT)
        self.optional = optional
        if optional:
            self.setMinimumDate(EMPTY_DATE)
            self.setSpecialValueText(" ")
            self.setDate(EMPTY_DATE)
        else:
            self.setDate(QDate.currentDate())

    def value(self) -> str | None:
        return from_qdate(self.date())

    def set_value(self, value: str | None) -> None:
        self.setDate(to_qdate(value) if value or self.optional else QDate.currentDate())

    def focusNextPrevChild(self, next: bool) -> bool:  # noqa: N802 - Qt API
        # Qt moves between day/month/year on Tab; typing already advances sections,
        # so Tab leaves the field like in every other field of the form.
        return QWidget.focusNextPrevChild(self, next)


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


class _DateDelegate(QStyledItemDelegate):
    def createEditor(  # noqa: N802 - Qt API
        self,
        parent: QWidget,
        _option: QStyleOptionViewItem,
        _index: QModelIndex | QPersistentModelIndex,
    ) -> QWidget:
        return DateField(optional=True, parent=parent)

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:  # noqa: N802
        assert isinstance(editor, DateField)
        editor.set_value(index.data(VALUE_ROLE))

    def setModelData(  # noqa: N802 - Qt API
        self, editor: QWidget, model: QAbstractItemModel, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        assert isinstance(editor, DateField)
        value = editor.value()
        model.setData(index, value, VALUE_ROLE)
        model.setData(
            index,
            short_date(date.fromisoformat(value)) if value else "",
            Qt.ItemDataRole.DisplayRole,
        )


class _ChoiceDelegate(QStyledItemDelegate):
    def __init__(self, choices: Sequence[tuple[str, str]], parent: QWidget) -> None:
        super().__init__(parent)
        self.choices = list(choices)

    def createEditor(  # noqa: N802 - Qt API
        self,
        parent: QWidget,
        _option: QStyleOptionViewItem,
        _index: QModelIndex | QPersistentModelIndex,
    ) -> QWidget:
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
        self.table = QTableWidget(0, len(self.columns))
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
        self.add_button.clicked.connect(self.add_row)
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
        if item is None:
            self.table.setCurrentCell(row, 0)
            self.table.setFocus()
            self.changed.emit()

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
