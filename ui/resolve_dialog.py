"""Mark a recommendation resolved: what was done (kết quả giải quyết) and on which day.

A small dialog, all by keyboard: the cursor starts in the result, Tab goes to the date
(today, typed as dd/mm/yyyy), Enter confirms, Esc cancels and changes nothing. The
result is required: a resolved recommendation is reported and answered by its result.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from dvdesk.errors import ValidationFailed
from dvdesk.i18n import _
from dvdesk.services.browse import FollowUpRow
from dvdesk.services.follow_ups import check_resolution
from ui.forms.widgets import DateField, typed_date_text


class ResolveDialog(QDialog):
    """Asks the result and its date; ``result_text`` and ``result_date`` hold them once accepted."""

    def __init__(self, row: FollowUpRow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Mark resolved"))
        self.result_text = ""
        self.result_date: date | None = None
        content = QLabel(row.content)
        content.setWordWrap(True)
        self.result_field = QLineEdit(row.result or "")
        self.result_field.setPlaceholderText(
            _("e.g. {example}").format(example="UBND xã đã sửa xong đường liên thôn")
        )
        self.result_field.setMinimumWidth(520)
        self.date_field = DateField(optional=False)
        if row.result_date is not None:
            self.date_field.setText(typed_date_text(row.result_date))
        form = QFormLayout()
        form.addRow(_("Recommendation"), content)
        form.addRow(_("Result (what was done)"), self.result_field)
        form.addRow(_("Resolved on"), self.date_field)
        self.problem = QLabel()
        self.problem.setObjectName("fieldError")
        self.problem.setWordWrap(True)
        self.problem.setVisible(False)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        for field in (self.result_field, self.date_field):
            field.textEdited.connect(lambda _text: self.problem.setVisible(False))  # retyped
        self.result_field.setFocus()

    def _refuse(self, message: str, field: QWidget) -> None:
        self.problem.setText(message)
        self.problem.setVisible(True)
        field.setFocus()

    def accept(self) -> None:
        """Enter: checked here (the core's own check) and kept open, saying what is wrong."""
        typed = self.date_field.typed()
        if typed.value is None:
            problem = typed.problem or _("Type the day it was resolved, e.g. 10/11/2026.")
            self._refuse(problem, self.date_field)
            return
        try:
            self.result_text = check_resolution(
                result=self.result_field.text(), result_date=typed.value
            )
        except ValidationFailed as error:
            field = self.date_field if error.problems[0][0] == "result_date" else self.result_field
            self._refuse(error.message, field)
            return
        self.result_date = typed.value
        super().accept()
