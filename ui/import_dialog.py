"""Importing records from a file: choose it and its type, check it, then import all of it.

The same core call as ``dvdesk record import``: every row is checked first; any problem
refuses the whole file and is listed in the table (row, column, reason), nothing changed.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
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

from dvdesk.bulk.importer import ImportRefused, ImportReport, import_file
from dvdesk.domain.enums import RecordType
from dvdesk.errors import UserError
from dvdesk.formatting import sentence
from dvdesk.i18n import _
from dvdesk.services.store import Store
from ui.screen import fit_to_screen
from ui.worker import run_in_background


class ImportDialog(QDialog):
    imported = Signal()

    def __init__(
        self, store: Store, record_type: RecordType, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.setWindowTitle(_("Import records from a file"))
        self.path = QLineEdit()
        self.path.setPlaceholderText(_("An .xlsx, .csv or .jsonl file"))
        browse = QPushButton(_("Choose…"))
        browse.clicked.connect(self.choose)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        self.kind = QComboBox()
        for item in RecordType:
            self.kind.addItem(sentence(item.label), item.value)
        self.kind.setCurrentIndex(self.kind.findData(record_type.value))
        form = QFormLayout()
        form.addRow(_("File"), row)
        form.addRow(_("Kind of record"), self.kind)
        self.check_button = QPushButton(_("Check"))
        self.check_button.clicked.connect(lambda: self.run(dry_run=True))
        self.import_button = QPushButton(_("Import"))
        self.import_button.clicked.connect(lambda: self.run(dry_run=False))
        close = QPushButton(_("Close"))
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.check_button, self.import_button, close):
            buttons.addWidget(button)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.problems = QTableWidget(0, 3)
        self.problems.setHorizontalHeaderLabels([_("Row"), _("Column"), _("Problem")])
        header = self.problems.horizontalHeader()
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.problems.verticalHeader().hide()
        self.problems.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        # A read-only list: Tab moves on, arrows move inside.
        self.problems.setTabKeyNavigation(False)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.status)
        layout.addWidget(self.problems, 1)
        layout.addLayout(buttons)
        fit_to_screen(self, 900, 520)

    def choose(self) -> None:
        chosen, _filter = QFileDialog.getOpenFileName(
            self, _("Import records from a file"), "", _("Data files (*.xlsx *.csv *.jsonl)")
        )
        if chosen:
            self.path.setText(chosen)

    def record_type(self) -> RecordType:
        return RecordType(self.kind.currentData())

    def run(self, *, dry_run: bool) -> None:
        text = self.path.text().strip()
        if not text:
            self.status.setText(_("Choose a file first."))
            return
        path, record_type = Path(text), self.record_type()
        self._busy(True)
        self.status.setText(_("Checking every row…"))
        run_in_background(
            lambda: import_file(self.store, path=path, record_type=record_type, dry_run=dry_run),
            on_done=self.show_report,
            on_failed=self.show_failure,
        )

    def _busy(self, busy: bool) -> None:
        for button in (self.check_button, self.import_button):
            button.setEnabled(not busy)

    def show_report(self, report: ImportReport) -> None:
        self._busy(False)
        self.problems.setRowCount(0)
        self.status.setText("\n".join(report.summary()))
        if not report.dry_run:
            self.imported.emit()

    def show_failure(self, error: UserError) -> None:
        self._busy(False)
        self.problems.setRowCount(0)
        if not isinstance(error, ImportRefused):
            self.status.setText(error.message)
            return
        self.status.setText(error.message.split("\n", 1)[0])
        self.problems.setRowCount(len(error.rows))
        for index, problem in enumerate(error.rows):
            for column, value in enumerate((str(problem.row), problem.column, problem.reason)):
                self.problems.setItem(index, column, QTableWidgetItem(value))
        self.problems.resizeColumnsToContents()
        self.problems.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
