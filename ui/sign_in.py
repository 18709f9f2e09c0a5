"""Sign-in at start, once the office has users: keyboard first, in Vietnamese.

The password is checked by the core (dvdesk.services.auth) on the worker, so a slow
argon2 hash never freezes the window; a wrong password gets the growing delay.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from dvdesk.errors import UserError
from dvdesk.i18n import _
from dvdesk.services.store import Store
from ui.screen import fit_to_screen
from ui.small_widgets import password_edit, status_label
from ui.worker import run_in_background


class SignInDialog(QDialog):
    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.setWindowTitle(_("Sign in to dvdesk"))
        self.user = QLineEdit()
        self.user.setPlaceholderText(_("e.g. nguyenvana"))
        self.password = password_edit()
        self.message = status_label()
        form = QFormLayout()
        form.addRow(_("&User name:"), self.user)
        form.addRow(_("&Password:"), self.password)
        buttons = QDialogButtonBox()
        self.ok = buttons.addButton(_("Sign in"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(_("Quit"), QDialogButtonBox.ButtonRole.RejectRole)
        self.ok.setDefault(True)
        buttons.accepted.connect(self._try)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        intro = QLabel(_("This office has users: sign in with your user name and password."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.user.setFocus()
        fit_to_screen(self, 440, 220)

    def _try(self) -> None:
        name, password = self.user.text().strip(), self.password.text()
        if not name or not password:
            self.message.setText(_("Type your user name and password, then press Enter."))
            return
        self.ok.setEnabled(False)
        self.message.setText(_("Checking…"))

        def failed(error: UserError) -> None:
            self.ok.setEnabled(True)
            self.message.setText(error.message)
            self.password.clear()
            self.password.setFocus()

        from dvdesk.services.auth import sign_in  # noqa: PLC0415 - argon2, only when needed

        run_in_background(
            lambda: sign_in(self.store, name=name, password=password),
            on_done=lambda _user: self.accept(),
            on_failed=failed,
        )
