"""The office's settings after set-up: its dated name and header, and how documents look.

A name, symbol or place change is a new profile valid from a date (older documents
keep the old name); signers, margins and numbering are the document settings. Both
are written by the core's own functions, the same ones the command line uses.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from dvdesk.clock import today
from dvdesk.documents.settings import DocumentSettings, NumberingRule
from dvdesk.errors import UserError, ValidationFailed
from dvdesk.i18n import N_, _
from dvdesk.services.office_settings import OfficeSettings, save_office_settings
from dvdesk.services.office_view import Profile
from dvdesk.services.people_light import MAX_LOCK_MINUTES
from dvdesk.services.store import Store
from dvdesk.typed_dates import parse_typed_date
from ui.forms.widgets import DateField, LinesField, typed_date_text
from ui.next_steps import app_text
from ui.office_parent import ParentBox
from ui.screen import fit_to_screen
from ui.worker import run_in_background

PROFILE_FIELDS = (
    ("name", N_("Full name of the office *")),
    ("header_name", N_("Issuing body as printed in document headers")),
    ("superior", N_("Party committee above, printed over the issuing body")),
    ("symbol", N_("Document symbol *")),
    ("place", N_("Place name on the date line *")),
)
TEMPLATES = (
    ("party", N_("Party format (Hướng dẫn 36-HD/VPTW)")),
    ("state", N_("State format (Nghị định 30/2020/NĐ-CP)")),
)
CAPACITIES = ("", "K/T TRƯỞNG BAN", "T/M BAN THƯỜNG VỤ", "T/M BAN CHẤP HÀNH")
MARGINS = (
    ("margin_top", N_("Top margin (mm)")),
    ("margin_bottom", N_("Bottom margin (mm)")),
    ("margin_left", N_("Left margin (mm)")),
    ("margin_right", N_("Right margin (mm)")),
)


class OfficeSettingsDialog(QDialog):
    """Edit the office profile (from a date on) and the document settings."""

    saved = Signal(str)

    def __init__(
        self, store: Store, current: OfficeSettings, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.setWindowTitle(_("Office settings"))
        self.profile: Profile = current.office.current
        self.settings: DocumentSettings = current.documents
        self.current_recipients = current.recipients
        body = QWidget()
        column = QVBoxLayout(body)
        column.addWidget(self._profile_box())
        self.parent_box = ParentBox(
            store,
            current.office,
            changeable=current.parent_changeable,
            movable=current.parent_movable,
            parent=body,
        )
        column.addWidget(self.parent_box)
        column.addWidget(self._documents_box())
        column.addWidget(self._lock_box(current.lock_minutes))
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        self.error = QLabel()
        self.error.setObjectName("fieldError")
        self.error.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        fit_to_screen(self, 760, 640)
        self.edits["name"].setFocus()

    def _profile_box(self) -> QGroupBox:
        box = QGroupBox(_("Name and header (a change takes effect from a date)"))
        form = QFormLayout(box)
        self.edits: dict[str, QLineEdit] = {}
        for key, label in PROFILE_FIELDS:
            edit = QLineEdit(getattr(self.profile, key) or "")
            form.addRow(_(label), edit)
            self.edits[key] = edit
        self.valid_from = DateField(optional=False)
        self.valid_from.set_value(today().isoformat())
        form.addRow(_("Takes effect from *"), self.valid_from)
        return box

    def _documents_box(self) -> QGroupBox:
        box = QGroupBox(_("Documents"))
        form = QFormLayout(box)
        self.capacity = QComboBox()
        self.capacity.setEditable(True)
        self.capacity.addItems(list(CAPACITIES))
        self.capacity.setCurrentText(self.settings.signer_capacity or "")
        self.signer_post = QLineEdit(self.settings.signer_post or "")
        self.signer_name = QLineEdit(self.settings.signer_name or "")
        form.addRow(_("Signs on behalf (K/T, T/M)"), self.capacity)
        form.addRow(_("Signer's post"), self.signer_post)
        form.addRow(_("Signer's name"), self.signer_name)
        self.numbering = QComboBox()
        self.numbering.addItem(_("from 01 at each committee term"), NumberingRule.TERM.value)
        self.numbering.addItem(_("from 01 each calendar year"), NumberingRule.YEAR.value)
        self.numbering.setCurrentIndex(max(self.numbering.findData(self.settings.numbering), 0))
        form.addRow(_("Document numbers start"), self.numbering)
        self.terms = LinesField(_("One date per line, e.g. 1/10/2020"))
        self.terms.set_value([typed_date_text(start) for start in self.settings.term_starts])
        self.terms.setFixedHeight(self.terms.fontMetrics().lineSpacing() * 3 + 12)
        self.terms.setToolTip(
            _(
                "The first day of each committee term, oldest first. Numbered by term, "
                "documents start again from 01 on each of these days."
            )
        )
        form.addRow(_("Committee terms start on"), self.terms)
        self.template = QComboBox()
        for value, label in TEMPLATES:
            self.template.addItem(_(label), value)
        self.template.setCurrentIndex(max(self.template.findData(self.settings.template.value), 0))
        form.addRow(_("Document format"), self.template)
        margins = QHBoxLayout()
        self.margins: dict[str, QDoubleSpinBox] = {}
        for key, label in MARGINS:
            spin = QDoubleSpinBox()
            spin.setRange(5, 60)
            spin.setDecimals(0)
            spin.setValue(getattr(self.settings, key))
            spin.setToolTip(_(label))
            spin.setAccessibleName(_(label))
            margins.addWidget(spin)
            self.margins[key] = spin
        form.addRow(_("Margins: top, bottom, left, right (mm)"), margins)
        self.recipients = QPlainTextEdit("\n".join(self.current_recipients))
        self.recipients.setTabChangesFocus(True)
        self.recipients.setFixedHeight(self.recipients.fontMetrics().lineSpacing() * 3 + 12)
        self.recipients.setPlaceholderText(
            _("One per line; left empty, the report goes to the office above.")
        )
        form.addRow(_("Default recipients of reports"), self.recipients)
        return box

    def _lock_box(self, minutes: int) -> QGroupBox:
        box = QGroupBox(_("Lock screen"))
        form = QFormLayout(box)
        self.lock_minutes = QSpinBox()
        self.lock_minutes.setRange(0, MAX_LOCK_MINUTES)
        self.lock_minutes.setValue(minutes)
        self.lock_minutes.setMaximumWidth(220)
        self.lock_minutes.setSpecialValueText(_("never"))
        self.lock_minutes.setSuffix(_(" minutes"))
        self.lock_minutes.setToolTip(
            _(
                "When the office has users: after this long without keyboard or mouse, the "
                "window hides its data until the password is typed again. 0: never."
            )
        )
        form.addRow(_("Lock after no input for"), self.lock_minutes)
        return box

    def profile_changes(self) -> dict[str, Any] | None:
        """The new profile, or None if the name, header, symbol and place did not change."""
        values = {key: edit.text().strip() for key, edit in self.edits.items()}
        if all(values[key] == (getattr(self.profile, key) or "") for key in values):
            return None
        typed = self.valid_from.typed()
        if typed.value is None:
            raise UserError(typed.problem or _("Type the date the new name takes effect."))
        data: dict[str, Any] = {key: value for key, value in values.items() if value}
        return data | {"valid_from": typed.value.isoformat()}

    def term_starts(self) -> list[str]:
        """The typed term starts as ISO dates; a line that is not a date is refused."""
        starts: list[str] = []
        for line in self.terms.value():
            typed = parse_typed_date(line, today=today())
            if typed.value is None:
                message = _("Term start “{text}”: {problem}").format(
                    text=line, problem=typed.problem or ""
                )
                raise ValidationFailed(message, [("term_starts", message)])
            starts.append(typed.value.isoformat())
        return starts

    def document_changes(self) -> dict[str, Any]:
        return {
            "signer_capacity": self.capacity.currentText().strip() or None,
            "signer_post": self.signer_post.text().strip() or None,
            "signer_name": self.signer_name.text().strip() or None,
            "numbering": self.numbering.currentData(),
            "template": self.template.currentData(),
            "term_starts": self.term_starts(),
        } | {key: spin.value() for key, spin in self.margins.items()}

    def save(self) -> None:
        """The core checks every part before writing any (on the database worker)."""
        try:
            profile = self.profile_changes()
            documents = self.document_changes()
        except UserError as error:
            self._show_problem(error)
            return
        recipients = self.recipients.toPlainText().splitlines()
        lock = self.lock_minutes.value()
        self.buttons.setEnabled(False)
        run_in_background(
            lambda: save_office_settings(
                self.store,
                profile=profile,
                documents=documents,
                recipients=recipients,
                lock_minutes=lock,
            ),
            on_done=lambda _none: self._saved(),
            on_failed=self._refused,
        )

    def _saved(self) -> None:
        self.saved.emit(_("The office settings were saved."))
        self.accept()

    def _refused(self, error: UserError) -> None:
        self.buttons.setEnabled(True)
        self._show_problem(error)

    def _show_problem(self, error: UserError) -> None:
        if isinstance(error, ValidationFailed) and error.problems:
            field, message = error.problems[0]
            self.error.setText(f"{message[:1].upper()}{message[1:]}")
            target = self.terms if field == "term_starts" else self.edits.get(field)
            if target is not None:
                target.setFocus()
            return
        self.error.setText(app_text(error.message))
