"""Danh sách thu hồi chứng thư (CRL): the lists signatures are checked against for revocation.

Part of the trusted roots dialog. A list is shown (authority, dates, entries,
fingerprint) before it is kept; the core refuses one no trusted authority signed, one
older than the list already kept, and a file that changed after it was shown. When a
subordinate authority signed the list, the administrator is offered to choose that
authority's certificate (which a trusted root must have issued).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtWidgets import (
    QAbstractItemView,
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
from dvdesk.signatures.revocation_lists import CrlInfo, UnknownIssuer, remove_crl, summary
from ui.files import FileKind, open_file
from ui.modal import run_modal
from ui.removal import remove_after_asking, selected_row
from ui.worker import run_in_background


def _day(info: CrlInfo, *, following: bool) -> str:
    moment = info.next_update if following else info.this_update
    if moment is None:
        return _("not given")
    day = short_date(moment.astimezone().date())
    if following and moment < datetime.now(UTC):
        return _("{date} (outdated: get a new list)").format(date=day)
    return day


class RevocationListsBox(QGroupBox):
    """The kept lists, and adding or removing one; says what it did through ``said``."""

    COLUMNS = (
        N_("Certificate authority"),
        N_("Issued"),
        N_("Next update"),
        N_("Revoked certificates"),
    )

    def __init__(
        self,
        store: Store,
        *,
        said: Callable[[str], None],
        failed: Callable[[UserError], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(_("Certificate revocation lists (CRL)"), parent)
        self.store = store
        self.said = said
        self.failed = failed
        self.lists: list[CrlInfo] = []
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
        self.add_button = QPushButton(_("Add a re&vocation list…"))
        self.add_button.clicked.connect(self.choose_list)
        self.remove_button = QPushButton(_("&Remove the list"))
        self.remove_button.clicked.connect(self.remove_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        intro = QLabel(
            _(
                "A certificate authority publishes a list of the certificates it revoked. "
                "Import its newest list whenever you receive one: signatures are then checked "
                "against it."
            )
        )
        intro.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

    def refresh(self) -> None:
        from dvdesk.signatures.revocation_lists import list_crls  # noqa: PLC0415

        store = self.store
        run_in_background(lambda: list_crls(store), on_done=self._show, on_failed=self.failed)

    def _show(self, lists: list[CrlInfo]) -> None:
        self.lists = lists
        self.table.setRowCount(len(lists))
        for row, info in enumerate(lists):
            values = (
                info.issuer,
                _day(info, following=False),
                _day(info, following=True),
                str(info.revoked),
            )
            for column, value in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(value))
        if lists:
            self.table.selectRow(0)
        self.remove_button.setEnabled(bool(lists))

    def choose_list(self) -> None:
        name = open_file(
            self,
            self.store.paths,
            purpose="revocation-list",
            title=_("Choose the certificate revocation list (.crl)"),
            kind=FileKind.REVOCATION_LIST,
        )
        if name:
            self._preview(Path(name), None)

    def _preview(self, path: Path, issuer: Path | None) -> None:
        from dvdesk.signatures.revocation_lists import preview_crl  # noqa: PLC0415

        store = self.store
        run_in_background(
            lambda: preview_crl(store, path=path, issuer_path=issuer),
            on_done=lambda info: self._confirm(path, issuer, info),
            on_failed=lambda error: self._preview_failed(path, issuer, error),
        )

    def _preview_failed(self, path: Path, issuer: Path | None, error: UserError) -> None:
        if not isinstance(error, UnknownIssuer) or issuer is not None:
            self.failed(error)
            return
        question = QMessageBox(
            QMessageBox.Icon.Question,
            _("Who signed this list?"),
            _(
                "The list names {issuer}, which is not a trusted root. If a subordinate "
                "authority of a trusted root issued it, choose that authority's certificate."
            ).format(issuer=error.issuer),
            QMessageBox.StandardButton.Cancel,
            self,
        )
        choose = question.addButton(
            _("&Choose its certificate…"), QMessageBox.ButtonRole.AcceptRole
        )
        question.setDefaultButton(choose)
        run_modal(question)
        if question.clickedButton() is not choose:
            return
        name = open_file(
            self,
            self.store.paths,
            purpose="trust-root",
            title=_("Choose the certificate of the authority that signed the list"),
            kind=FileKind.CERTIFICATE,
        )
        if name:
            self._preview(path, Path(name))

    def _confirm(self, path: Path, issuer: Path | None, info: CrlInfo) -> None:
        question = QMessageBox(
            QMessageBox.Icon.Question,
            _("Import this revocation list?"),
            _(
                "{issuer}\n{summary}\nFingerprint (SHA-256): {fingerprint}\n\n"
                "Signatures by certificates on this list will show as revoked. An older list "
                "of the same authority is replaced."
            ).format(issuer=info.issuer, summary=summary(info), fingerprint=info.fingerprint),
            QMessageBox.StandardButton.Cancel,
            self,
        )
        take = question.addButton(_("&Import it"), QMessageBox.ButtonRole.AcceptRole)
        question.setDefaultButton(QMessageBox.StandardButton.Cancel)
        run_modal(question)
        if question.clickedButton() is not take:
            return
        from dvdesk.signatures.revocation_lists import add_crl  # noqa: PLC0415

        store = self.store
        run_in_background(
            lambda: add_crl(store, path=path, issuer_path=issuer, expected=info.fingerprint),
            on_done=lambda added: self._done(
                _("Imported the revocation list of {issuer}: {line}").format(
                    issuer=added.issuer, line=summary(added)
                )
            ),
            on_failed=self.failed,
        )

    def remove_selected(self) -> None:
        info = selected_row(self.table, self.lists)
        if info is None:
            self.said(_("Select a list first."))
            return
        store = self.store
        remove_after_asking(
            self,
            title=_("Remove the list"),
            text=_(
                "Remove the revocation list of {issuer}? Its signatures will show as "
                "“revocation not checked” until a list is imported again."
            ).format(issuer=info.issuer),
            remove=lambda: remove_crl(store, issuer_key_prefix=info.issuer_key),
            on_done=lambda removed: self._done(
                _("Removed the revocation list of {issuer}.").format(issuer=removed.issuer)
            ),
            on_failed=self.failed,
        )

    def _done(self, said: str) -> None:
        self.said(said)
        self.refresh()
