"""Replacing an issued report: the replacement starts from the replaced report's own
signer and recipients (a correction goes where the original went, under the same
signature), not from today's office settings; the clerk may change them first."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from dvdesk.documents.report_pdf import ReplacementChoice
from dvdesk.documents.settings import SignerChoice
from dvdesk.i18n import _
from ui.office_settings import CAPACITIES
from ui.screen import fit_to_screen


class ReplaceReportDialog(QDialog):
    """Signer and recipients of the replacement, filled from the report it replaces."""

    def __init__(
        self,
        *,
        reference: str,
        choice: ReplacementChoice,
        default: SignerChoice,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Replace report {number}").format(number=reference))
        signer = choice.signer or default
        intro = QLabel(
            _(
                "The replacement takes a new number and replaces {number} in the register. "
                "It starts with the signer and recipients of {number}; change them if needed."
            ).format(number=reference)
            if choice.signer is not None
            else _(
                "{number} was issued before the register kept its content: the signer is "
                "taken from the office settings. Check it before issuing."
            ).format(number=reference)
        )
        intro.setWordWrap(True)
        self.capacity = QComboBox()
        self.capacity.setEditable(True)
        self.capacity.addItems(list(CAPACITIES))
        self.capacity.setCurrentText(signer.capacity or "")
        self.post = QLineEdit(signer.post or "")
        self.name = QLineEdit(signer.name or "")
        self.recipients = QPlainTextEdit("\n".join(choice.recipients or []))
        self.recipients.setTabChangesFocus(True)
        self.recipients.setPlaceholderText(
            _("One per line; left empty, the report goes to the office above.")
        )
        form = QFormLayout()
        form.addRow(_("Signs on behalf (K/T, T/M)"), self.capacity)
        form.addRow(_("Signer's post"), self.post)
        form.addRow(_("Signer's name"), self.name)
        form.addRow(_("Recipients"), self.recipients)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("&Issue the replacement…"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(buttons)
        fit_to_screen(self, 640, 420)
        self.name.setFocus()

    def signer(self) -> SignerChoice:
        return SignerChoice(
            capacity=self.capacity.currentText().strip() or None,
            post=self.post.text().strip() or None,
            name=self.name.text().strip() or None,
        )

    def recipient_lines(self) -> list[str]:
        return [line.strip() for line in self.recipients.toPlainText().splitlines() if line.strip()]
