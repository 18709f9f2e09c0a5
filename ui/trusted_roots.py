"""Chứng thư gốc tin cậy: the root certificates signatures are checked against.

Trusting a root is a security decision, so the dialog first shows the chosen file's
subject and SHA-256 fingerprint and adds it only once the administrator has compared
that fingerprint with the one the certificate authority publishes; the core then
refuses the file if it changed on the stick in between. The revocation lists the
same authorities publish are kept below the roots (:mod:`ui.revocation_lists`).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from dvdesk.errors import UserError
from dvdesk.formatting import short_date
from dvdesk.i18n import N_, _
from dvdesk.services.store import Store
from dvdesk.signatures.trust_roots import RootInfo, remove_root
from ui.files import FileKind, open_file
from ui.modal import run_modal
from ui.next_steps import show_error
from ui.removal import remove_after_asking, selected_row
from ui.revocation_lists import RevocationListsBox
from ui.screen import fit_to_screen
from ui.worker import run_in_background


def valid_until(root: RootInfo) -> str:
    return short_date(date.fromisoformat(root.not_after[:10]))


def grouped(fingerprint: str) -> str:
    """The fingerprint in groups of four, as it is read aloud over the phone."""
    upper = fingerprint.upper()
    return " ".join(upper[start : start + 4] for start in range(0, len(upper), 4))


class TrustedRootsDialog(QDialog):
    COLUMNS = (N_("Certificate authority"), N_("Fingerprint (SHA-256)"), N_("Valid until"))

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.roots: list[RootInfo] = []
        self.said = ""
        self.setWindowTitle(_("Trusted root certificates"))
        intro = QLabel(
            _(
                "Digital signatures are trusted when their chain ends at one of these roots. "
                "Add the root certificate file of the certificate authority that issued your "
                "offices' tokens."
            )
        )
        intro.setWordWrap(True)
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels([_(name) for name in self.COLUMNS])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.add_button = QPushButton(_("&Add a root certificate…"))
        self.add_button.clicked.connect(self.choose_root)
        self.remove_button = QPushButton(_("&Stop trusting"))
        self.remove_button.clicked.connect(self.remove_selected)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        self.crls = RevocationListsBox(store, said=self._said, failed=self._failed)
        roots = QGroupBox(_("Root certificates"))
        roots_layout = QVBoxLayout(roots)
        roots_layout.addWidget(self.table, 1)
        roots_layout.addLayout(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(roots, 1)
        layout.addWidget(self.crls, 1)
        layout.addWidget(self.status)
        layout.addWidget(close)
        fit_to_screen(self, 900, 620)
        self.add_button.setFocus()
        self.refresh()
        self.crls.refresh()

    def refresh(self) -> None:
        from dvdesk.signatures.trust_roots import list_roots  # noqa: PLC0415

        store = self.store
        run_in_background(lambda: list_roots(store), on_done=self._show, on_failed=self._failed)

    def _show(self, roots: list[RootInfo]) -> None:
        self.roots = roots
        self.table.setRowCount(len(roots))
        for row, root in enumerate(roots):
            values = (root.subject, grouped(root.fingerprint), valid_until(root))
            for column, value in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(value))
        if roots:
            self.table.selectRow(0)
        self.remove_button.setEnabled(bool(roots))
        if not roots:
            hint = _("No root is trusted yet: every signature shows as “not trusted”.")
            # After removing the last root, what was done stays in front of the hint.
            self.status.setText(f"{self.said} {hint}" if self.said else hint)

    def choose_root(self) -> None:
        name = open_file(
            self,
            self.store.paths,
            purpose="trust-root",
            title=_("Choose the root certificate file"),
            kind=FileKind.CERTIFICATE,
        )
        if not name:
            return
        from dvdesk.signatures.trust_roots import preview_root  # noqa: PLC0415

        path = Path(name)
        run_in_background(
            lambda: preview_root(path=path),
            on_done=lambda root: self._confirm(path, root),
            on_failed=self._failed,
        )

    def _confirm(self, path: Path, root: RootInfo) -> None:
        question = QMessageBox(
            QMessageBox.Icon.Question,
            _("Trust this root certificate?"),
            _(
                "{subject}\nFingerprint (SHA-256): {fingerprint}\nValid until {date}.\n\n"
                "Trust it only if this fingerprint is the one the certificate authority "
                "publishes: a false root would make forged signatures look valid."
            ).format(
                subject=root.subject,
                fingerprint=grouped(root.fingerprint),
                date=valid_until(root),
            ),
            QMessageBox.StandardButton.Cancel,
            self,
        )
        trust = question.addButton(_("&Trust it"), QMessageBox.ButtonRole.AcceptRole)
        question.setDefaultButton(QMessageBox.StandardButton.Cancel)
        run_modal(question)
        if question.clickedButton() is not trust:
            return
        from dvdesk.signatures.trust_roots import add_root  # noqa: PLC0415

        store = self.store
        run_in_background(
            lambda: add_root(store, path=path, expected=root.fingerprint),
            on_done=lambda added: self._done(
                _("Trusted: {subject}.").format(subject=added.subject)
            ),
            on_failed=self._failed,
        )

    def remove_selected(self) -> None:
        root = selected_row(self.table, self.roots)
        if root is None:
            self.status.setText(_("Select a root first."))
            return
        store = self.store
        remove_after_asking(
            self,
            title=_("Stop trusting"),
            text=_(
                "Stop trusting {subject}? Signatures that chain to it will show as not trusted."
            ).format(subject=root.subject),
            remove=lambda: remove_root(store, fingerprint_prefix=root.fingerprint),
            on_done=lambda removed: self._done(
                _("No longer trusted: {subject}.").format(subject=removed.subject)
            ),
            on_failed=self._failed,
        )

    def _done(self, said: str) -> None:
        self._said(said)
        self.refresh()

    def _said(self, said: str) -> None:
        self.said = said
        self.status.setText(said)

    def _failed(self, error: UserError) -> None:
        self.status.setText("")
        show_error(self, error)
