"""Chữ ký số in the app: sign an issued document on the token, check the signatures of any PDF.

The PIN is read from its field once, the field is cleared at once, and the PIN
goes straight to the token; a refusal is shown as the token reported it and
nothing is tried again.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from dvdesk.errors import UserError
from dvdesk.i18n import N_, _
from dvdesk.os_errors import read_reason
from dvdesk.services.office_view import get_office
from dvdesk.services.store import Store
from dvdesk.signatures.documents import (
    SignOutcome,
    default_role,
    sign_issued,
    signature_summary,
)
from dvdesk.signatures.issued import IssuedEntry, issued_entry, printed_on
from dvdesk.signatures.printed import PrintedPerson, same_person
from dvdesk.signatures.revocation_lists import stored_lists
from dvdesk.signatures.settings import get_signing_settings, set_signing_settings
from dvdesk.signatures.sign import Role, SigningRequest, role_label
from dvdesk.signatures.token import TokenInfo, list_tokens
from dvdesk.signatures.travel import ReceivedView, list_received, received_pdf
from dvdesk.signatures.trust_roots import root_certificates
from dvdesk.signatures.verify import (
    REVOCATION_LABELS,
    STATUS_LABELS,
    SignatureCheck,
    Status,
    VerifyResult,
    verify_pdf,
)
from ui.files import FileKind, open_file
from ui.help import add_help_key
from ui.next_steps import app_text
from ui.screen import fit_to_screen
from ui.worker import run_in_background

MAX_PDF = 64 * 1024 * 1024


def _yes(value: bool) -> str:
    return _("yes") if value else _("no")


class VerifyPage(QWidget):
    """Kiểm tra chữ ký số: open any PDF and see every signature's verdict, offline."""

    COLUMNS = (
        N_("Signer"),
        N_("Verdict"),
        N_("Signed at"),
        N_("Intact"),
        N_("Covers"),
        N_("Chain to a trusted root"),
        N_("Revocation"),
    )

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.result: VerifyResult | None = None
        self.open_button = QPushButton(_("&Open a PDF…"))
        self.open_button.clicked.connect(self.choose_file)
        self.file_label = QLabel(_("Open a PDF to check its digital signatures."))
        self.file_label.setWordWrap(True)
        self.verdict = QLabel()
        self.verdict.setWordWrap(True)
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels([_(name) for name in self.COLUMNS])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)  # a read-only list: Tab moves on, arrows move inside
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        # Each heading whole (the chain heading is long); the signer's name takes the rest.
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.problems = QLabel()
        self.problems.setWordWrap(True)
        note = QLabel(
            _(
                "Revocation is checked against the revocation lists (.crl) imported under "
                "Trusted root certificates; without the authority's list a signature shows "
                "“revocation not checked”. Press F1 for more."
            )
        )
        note.setWordWrap(True)
        self.roots_button = QPushButton(_("&Trusted root certificates…"))
        self.roots_button.clicked.connect(self.open_roots)
        top = QHBoxLayout()
        top.addWidget(self.open_button)
        top.addWidget(self.file_label, 1)
        top.addWidget(self.roots_button)
        self.received = ReceivedPanel(store)
        self.received.check_document.connect(self.check_received)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.verdict)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.problems)
        layout.addWidget(note)
        layout.addWidget(self.received, 1)
        QShortcut(QKeySequence.StandardKey.Open, self, self.choose_file)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        self.received.refresh()

    def check_received(self, received_id: int, label: str) -> None:
        self.file_label.setText(label)
        self.verdict.setText(_("Checking…"))
        store = self.store

        def check() -> VerifyResult:
            data = received_pdf(store, received_id=received_id)
            if data is None:
                raise UserError(_("The document is no longer in the database."))
            return verify_pdf(data, roots=root_certificates(store), crls=stored_lists(store))

        run_in_background(check, on_done=self.show_result, on_failed=self._failed)

    def open_roots(self) -> None:
        """The roots signatures are checked against; a check shown is redone on closing."""
        from ui.trusted_roots import TrustedRootsDialog  # noqa: PLC0415 - rarely opened

        dialog = TrustedRootsDialog(self.store, self)
        self.roots_dialog = dialog
        dialog.finished.connect(self._roots_closed)
        dialog.open()

    def _roots_closed(self) -> None:
        checked = self.file_label.text()
        if self.result is not None and Path(checked).is_file():
            self.check_file(Path(checked))

    def choose_file(self) -> None:
        name = open_file(
            self,
            self.store.paths,
            purpose="verify-pdf",
            title=_("Check the digital signatures of a PDF"),
            kind=FileKind.PDF,
        )
        if name:
            self.check_file(Path(name))

    def check_file(self, path: Path) -> None:
        self.file_label.setText(str(path))
        self.verdict.setText(_("Checking…"))
        store = self.store

        def check() -> VerifyResult:
            try:
                if path.stat().st_size > MAX_PDF:
                    raise UserError(_("{file} is too large to be a document.").format(file=path))
                data = path.read_bytes()
            except OSError as error:
                raise UserError(
                    _("Cannot read {file}: {reason}.").format(file=path, reason=read_reason(error))
                ) from None
            return verify_pdf(data, roots=root_certificates(store), crls=stored_lists(store))

        run_in_background(check, on_done=self.show_result, on_failed=self._failed)

    def _failed(self, error: UserError) -> None:
        self.verdict.setText(app_text(error.message))

    def show_result(self, result: VerifyResult) -> None:
        self.result = result
        self.table.setRowCount(len(result.signatures))
        for row, check in enumerate(result.signatures):
            for column, text in enumerate(_cells(check)):
                self.table.setItem(row, column, QTableWidgetItem(text))
        if not result.signatures:
            self.verdict.setText(_("This PDF has no digital signature."))
        elif result.all_valid:
            self.verdict.setText(
                _("Every signature is intact and trusted ({count}).").format(
                    count=len(result.signatures)
                )
            )
        else:
            self.verdict.setText(
                _("Not every signature is valid: {status}. See the reasons below.").format(
                    status=_(STATUS_LABELS[result.overall])
                )
            )
        self.problems.setText(
            "\n".join(
                f"{index}. {said}"
                for index, check in enumerate(result.signatures, start=1)
                for said in _explained(check)
            )
        )


class ReceivedPanel(QGroupBox):
    """The documents subordinate offices sent up, with the verdict taken at import."""

    check_document = Signal(int, str)
    COLUMNS = (
        N_("Office"),
        N_("Document number"),
        N_("Date"),
        N_("Digital signature"),
        N_("Signers"),
    )

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(_("Documents received from subordinate offices"), parent)
        self.store = store
        self.items: list[ReceivedView] = []
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels([_(name) for name in self.COLUMNS])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)  # a read-only list: Tab moves on, arrows move inside
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.activated.connect(lambda _index: self.check_selected())
        self.check_button = QPushButton(_("Check the selected document &again"))
        self.check_button.clicked.connect(self.check_selected)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.check_button)

    def refresh(self) -> None:
        store = self.store
        run_in_background(
            lambda: list_received(store), on_done=self._fill, on_failed=lambda _error: None
        )

    def _fill(self, items: list[ReceivedView]) -> None:
        if not isValid(self.table):
            return  # the screen was closed while the list was read
        self.items = items
        self.table.setRowCount(len(items))
        for row, item in enumerate(items):
            cells = [
                item.office_code,
                item.reference,
                item.document_date.strftime("%d/%m/%Y"),
                _(STATUS_LABELS[Status(item.signature_status)]),
                ", ".join(item.signers),
            ]
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.check_button.setEnabled(bool(items))

    def check_selected(self) -> None:
        row = self.table.currentRow()
        if 0 <= row < len(self.items):
            item = self.items[row]
            self.check_document.emit(item.id, f"{item.office_code} · {item.reference}")


def _explained(check: SignatureCheck) -> list[str]:
    """The problems, and what the revocation check found (which list, which time)."""
    if check.revocation in check.problems or not check.signer:
        return list(check.problems)
    return [*check.problems, check.revocation]


def _cells(check: SignatureCheck) -> list[str]:
    signed_at = ""
    if check.signed_at is not None:
        source = _("timestamp") if check.timestamped else _("the signer's own clock")
        signed_at = f"{check.signed_at.astimezone().strftime('%d/%m/%Y %H:%M')} ({source})"
    covers = (
        _("the whole document")
        if check.whole_document
        else _("the document as it was; added after: {what}").format(what=check.added_after)
    )
    signer = check.signer + (f" ({check.organisation})" if check.organisation else "")
    return [
        signer,
        _(STATUS_LABELS[check.status]),
        signed_at,
        _yes(check.intact),
        covers,
        _yes(check.chain_trusted),
        _(REVOCATION_LABELS[check.revocation_state]),
    ]


def signature_labels(store: Store, document_ids: list[int]) -> list[str]:
    """For the register: "not signed", or who signed and the level of the latest signature."""
    labels = []
    for document_id in document_ids:
        summary = signature_summary(store, document_id=document_id)
        if not summary.count:
            labels.append(_(STATUS_LABELS[Status.UNSIGNED]))
        else:
            labels.append(f"{', '.join(summary.signers)} ({summary.level})")
    return labels


@dataclass(frozen=True)
class SignContext:
    """What the dialog shows before anything is typed; read off the GUI thread."""

    entry: IssuedEntry
    module: str
    printed: tuple[PrintedPerson, ...] = ()  # who the document names under its signatures


def load_sign_context(store: Store, *, document: str) -> SignContext:
    entry = issued_entry(store, number=document)
    return SignContext(
        entry=entry,
        module=get_signing_settings(store).module or "",
        printed=printed_on(store, entry=entry),
    )


def _request(store: Store, form: dict[str, Any]) -> SigningRequest:
    """The signing request: the form's choices plus the office's settings (worker thread)."""
    settings = get_signing_settings(store)
    if form["module"] != settings.module:
        set_signing_settings(store, module=form["module"])
    return SigningRequest(
        module=form["module"],
        role=Role(form["role"]),
        office_name=get_office(store).current.name,
        token_label=form["token"],
        key_label=form["key"],
        timestamp_url=settings.timestamp_url,
        seal_image=settings.seal_path,
        extra_certificates=tuple(cert.dump() for cert in root_certificates(store)),
    )


class SignDialog(QDialog):
    """Ký số one issued document: find the token, choose the certificate, type the PIN."""

    def __init__(
        self,
        store: Store,
        *,
        context: SignContext,
        issued: bytes | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        entry = context.entry
        self.document = f"#{entry.id}"
        self.issued = issued
        self.outcome: SignOutcome | None = None
        self.tokens: list[TokenInfo] = []
        self.setWindowTitle(_("Digital signature: {number}").format(number=entry.reference))
        self.module = QLineEdit(context.module)
        module_row = self._module_row()
        self.token = QComboBox()
        self.token.currentIndexChanged.connect(self._fill_certificates)
        self.certificate = QComboBox()
        self.printed = context.printed
        self.holders: list[str] = []
        self.certificate.currentIndexChanged.connect(self._role_of_holder)
        self.role = QComboBox()
        for role in Role:
            self.role.addItem(role_label(role), role.value)
        self.role.setCurrentIndex(self.role.findData(default_role(entry).value))
        self.pin = QLineEdit()
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setPlaceholderText(_("asked each time, never saved"))
        form = QFormLayout()
        module_label = QLabel(_("Token &driver:"))
        module_label.setBuddy(self.module)  # a layout row has no buddy of its own
        form.addRow(module_label, module_row)
        form.addRow(_("&Token:"), self.token)
        form.addRow(_("&Certificate:"), self.certificate)
        form.addRow(_("Signs &as:"), self.role)
        form.addRow(_("&PIN:"), self.pin)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.hide()
        self.message = QLabel(_("Plug the token in, then press “Find my token”."))
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.sign_button = self.buttons.addButton(
            _("&Sign"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.sign_button.setDefault(True)
        self.sign_button.clicked.connect(self.sign)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        fit_to_screen(self, 680, 340)
        add_help_key(self)  # F1: where the driver's file is, what the roles mean

    def _module_row(self) -> QHBoxLayout:
        self.module.setPlaceholderText(_("the token driver's PKCS#11 module (.dll)"))
        browse = QPushButton(_("&Browse…"))
        browse.clicked.connect(self.choose_module)
        find = QPushButton(_("&Find my token"))
        find.clicked.connect(self.find_tokens)
        # Enter after the PIN must sign: an auto-default helper button took the default
        # once it had been focused, and Enter opened the file chooser instead (trial 3).
        for button in (browse, find):
            button.setAutoDefault(False)
        row = QHBoxLayout()
        row.addWidget(self.module, 1)
        row.addWidget(browse)
        row.addWidget(find)
        return row

    def choose_module(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(
            self, _("The token driver's PKCS#11 module"), "", _("Libraries (*.dll *.so *.dylib)")
        )
        if name:
            self.module.setText(name)

    def _busy(self, busy: bool, text: str = "") -> None:
        self.progress.setVisible(busy)
        self.sign_button.setEnabled(not busy)
        if text:
            self.message.setText(text)

    def find_tokens(self) -> None:
        module = self.module.text().strip()
        if not module:
            self.message.setText(
                _("Choose the token driver's file first (press F1 for where to find it).")
            )
            return
        self._busy(True, _("Looking for tokens…"))
        run_in_background(
            lambda: list_tokens(module=module), on_done=self._tokens_found, on_failed=self._failed
        )

    def _tokens_found(self, tokens: list[TokenInfo]) -> None:
        self._busy(False)
        self.tokens = tokens
        self.token.clear()
        for token in tokens:
            self.token.addItem(f"{token.label} ({token.manufacturer}, {token.serial})", token.label)
        if not tokens:
            self.message.setText(_("No token found. Plug the token in, then run this again."))
            return
        warning = tokens[0].pin_warning
        self.message.setText(
            warning or _("Choose the certificate, type the PIN, then press “Sign”.")
        )
        self.pin.setFocus()

    def _fill_certificates(self, index: int) -> None:
        self.holders = []
        self.certificate.clear()
        if not 0 <= index < len(self.tokens):
            return
        for cert in self.tokens[index].certificates:
            if cert.subject == cert.issuer:
                continue  # a CA certificate on the token: nothing to sign with
            self.holders.append(cert.subject)
            self.certificate.addItem(f"{cert.subject} — {cert.issuer}", cert.label)

    def _role_of_holder(self, index: int) -> None:
        """The role the document prints the chosen certificate's holder in, if any: the
        note-taker's own card then signs in the note-taker's place without a choice."""
        if not 0 <= index < len(self.holders):
            return
        for person in self.printed:
            if same_person(self.holders[index], person.name):
                self.role.setCurrentIndex(self.role.findData(person.role))
                return

    def sign(self) -> None:
        pin = self.pin.text()
        self.pin.clear()  # read once; never kept in the dialog
        if not self.tokens or self.certificate.currentIndex() < 0:
            self.message.setText(_("Find the token and choose a certificate first."))
            return
        if not pin:
            self.message.setText(_("The PIN is empty; nothing was signed."))
            return
        form = {
            "module": self.module.text().strip(),
            "role": self.role.currentData(),
            "token": self.token.currentData(),
            "key": self.certificate.currentData(),
        }
        store, document, issued = self.store, self.document, self.issued
        self._busy(True, _("Signing on the token…"))
        run_in_background(
            lambda: sign_issued(
                store, document=document, request=_request(store, form), pin=pin, issued=issued
            ),
            on_done=self._signed,
            on_failed=self._failed,
        )

    def _signed(self, outcome: SignOutcome) -> None:
        self._busy(False)
        self.outcome = outcome
        lines = [
            _("Signed {number} as {role}: {signer}, {level} ({count} signature(s) now).").format(
                number=outcome.reference,
                role=role_label(outcome.role),
                signer=outcome.signer,
                level=outcome.level.value,
                count=outcome.signatures,
            )
        ]
        if outcome.timestamp_problem:
            lines.append(outcome.timestamp_problem)
        elif outcome.level.value.endswith("B-B"):
            lines.append(
                _("No timestamp server is set: the signing time is the computer's own clock.")
            )
        self.message.setText("\n".join(lines))

    def _failed(self, error: UserError) -> None:
        self._busy(False, app_text(error.message))
