"""The wizard's page for the first administrator: optional, since a one-person office
works without sign-in; filled in, sign-in is required from then on."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QFormLayout, QLineEdit, QVBoxLayout, QWidget, QWizardPage

from dvdesk.i18n import _
from ui.small_widgets import password_edit, status_label


@dataclass(frozen=True)
class FirstAdmin:
    name: str
    full_name: str
    password: str


class AdminPage(QWizardPage):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(_("Administrator (optional)"))
        self.setSubTitle(
            _(
                "Leave this empty if one person uses dvdesk: nobody signs in. Fill it in and "
                "everyone signs in with their own name; you can add the others later."
            )
        )
        self.name = QLineEdit()
        self.name.setPlaceholderText(_("e.g. nguyenvana"))
        self.full_name = QLineEdit()
        self.password = password_edit()
        self.again = password_edit()
        self.message = status_label()
        form = QFormLayout()
        form.addRow(_("&User name:"), self.name)
        form.addRow(_("&Full name:"), self.full_name)
        form.addRow(_("&Password:"), self.password)
        form.addRow(_("Password &again:"), self.again)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addStretch(1)

    def admin(self) -> FirstAdmin | None:
        name = self.name.text().strip()
        if not name and not self.password.text():
            return None
        return FirstAdmin(name, self.full_name.text().strip(), self.password.text())

    def validatePage(self) -> bool:  # noqa: N802 - Qt API
        admin = self.admin()
        if admin is None:
            return True
        problem = None
        if not admin.name:
            problem = _("Type the administrator's user name, or clear the password.")
        elif len(admin.password) < 8:
            problem = _("The password is too short: use at least 8 characters, then try again.")
        elif admin.password != self.again.text():
            problem = _("The two passwords differ: type the same password twice.")
        self.message.setText(problem or "")
        return problem is None
