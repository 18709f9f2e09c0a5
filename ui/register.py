"""The register of issued documents: list, reprint exactly as issued, void, replace.

Everything is reachable from the keyboard: the table takes the focus, Enter
shows the selected document, Delete voids it (after asking for the reason), and
every button has a mnemonic.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from dvdesk.domain.record_view import RecordView
from dvdesk.errors import UserError
from dvdesk.i18n import _
from dvdesk.services.store import Store
from ui.crash import show_error
from ui.documents import MinutesDialog, ask_word_file, confirm_issue, issued_name, saved_text
from ui.pdf_preview import PdfPreview
from ui.worker import run_in_background

TYPE_LABELS = {"BB": "Biên bản", "BC": "Báo cáo"}


class RegisterPage(QWidget):
    """Every number issued, newest first, with what can be done with it."""

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.entries: list[Any] = []
        self.previews: list[PdfPreview] = []
        self.dialogs: list[MinutesDialog] = []
        self.replacements: list[QDialog] = []  # of reports (ui.replace_report)
        self.confirmation = ""  # said once with the next count, after a refresh
        self.table = QTableWidget(0, 6)
        self.table.setHorizontalHeaderLabels(
            [
                _("Document no."),
                _("Date"),
                _("Type"),
                _("About"),
                _("Status"),
                _("Digital signature"),
            ]
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)  # a read-only list: Tab moves on, arrows move inside
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.activated.connect(lambda _index: self.show_selected())
        self.table.installEventFilter(self)  # Delete voids the selected document
        self.status = QLabel()
        self.status.setWordWrap(True)
        buttons = QHBoxLayout()
        self.show_button = self._button(_("&Show and print"), self.show_selected)
        self.word_button = self._button(_("Save as &Word…"), self.save_word)
        self.replace_button = self._button(_("&Replace…"), self.replace_selected)
        self.void_button = self._button(_("&Void…"), self.void_selected)
        self.sign_button = self._button(_("Digitally &sign…"), self.sign_selected)
        self.refresh_button = self._button(_("Re&fresh"), self.refresh)
        for button in (
            self.show_button,
            self.word_button,
            self.replace_button,
            self.void_button,
            self.sign_button,
            self.refresh_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(_("Documents issued by this office, newest first.")))
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addLayout(buttons)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if (
            watched is self.table
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Delete
        ):
            self.void_selected()
            return True
        return super().eventFilter(watched, event)

    def _button(self, label: str, action: Any) -> QPushButton:
        button = QPushButton(label)
        button.clicked.connect(action)
        return button

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        self.refresh()

    def _failed(self, error: UserError) -> None:
        show_error(self, error)

    def refresh(self) -> None:
        from dvdesk.documents.register import list_issued  # noqa: PLC0415 - on demand

        run_in_background(
            lambda: list(reversed(list_issued(self.store))),
            on_done=self._fill,
            on_failed=self._failed,
        )

    def _fill(self, entries: list[Any]) -> None:
        self.entries = entries
        self.table.setRowCount(len(entries))
        for row, entry in enumerate(entries):
            values = [
                entry.reference,
                entry.document_date.strftime("%d/%m/%Y"),
                TYPE_LABELS.get(entry.doc_type, entry.doc_type),
                entry.title or entry.subject_key,
                entry.status,
            ]
            for column, value in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(value))
        if entries and not self.table.selectedItems():
            self.table.selectRow(0)
        counted = _("{count} documents in the register.").format(count=len(entries))
        if not entries:
            counted = _(
                "The register is empty. To issue minutes, select an inspection, supervision or "
                "dialogue in its list and press Ctrl+P; to issue a report, open Reports "
                "(Ctrl+7) and press Issue…."
            )
        self.status.setText(f"{self.confirmation} {counted}".strip())
        self.confirmation = ""
        self._fill_signatures(entries)

    def _fill_signatures(self, entries: list[Any]) -> None:
        """The chữ ký số column: who signed each document (read after the list shows)."""
        from ui.signatures import signature_labels  # noqa: PLC0415 - loads pyHanko's neighbours

        ids = [entry.id for entry in entries]

        def shown(labels: list[str]) -> None:
            if not isValid(self.table) or [entry.id for entry in self.entries] != ids:
                return  # the page was closed, or the list changed meanwhile
            for row, label in enumerate(labels):
                self.table.setItem(row, 5, QTableWidgetItem(label))

        run_in_background(
            lambda: signature_labels(self.store, ids), on_done=shown, on_failed=self._failed
        )

    def sign_selected(self) -> None:
        from ui.signatures import SignContext, SignDialog, load_sign_context  # noqa: PLC0415

        entry = self.selected()
        if entry is None:
            return

        def opened(context: SignContext) -> None:
            dialog = SignDialog(self.store, context=context, parent=self)
            dialog.finished.connect(lambda _result: self.refresh())
            dialog.open()

        run_in_background(
            lambda: load_sign_context(self.store, document=f"#{entry.id}"),
            on_done=opened,
            on_failed=self._failed,
        )

    def selected(self) -> Any:
        row = self.table.currentRow()
        if row < 0 or row >= len(self.entries):
            self.status.setText(_("Select a document in the list first."))
            return None
        return self.entries[row]

    def show_selected(self) -> None:
        from dvdesk.documents.register import reprint  # noqa: PLC0415

        entry = self.selected()
        if entry is None:
            return

        def shown(issued: Any) -> None:
            preview = PdfPreview(
                issued.pdf,
                title=_("Document {number}").format(number=entry.reference),
                file_name=f"{entry.reference.replace('/', '_')}.pdf",
                note=_("Exactly as issued on {date}.").format(
                    date=entry.document_date.strftime("%d/%m/%Y")
                ),
                parent=self,
            )
            self.previews.append(preview)
            preview.open()

        run_in_background(
            lambda: reprint(self.store, entry_id=entry.id), on_done=shown, on_failed=self._failed
        )

    def save_word(self) -> None:
        from dvdesk.documents.layout import write_file  # noqa: PLC0415
        from dvdesk.documents.register import reprint  # noqa: PLC0415

        entry = self.selected()
        if entry is None:
            return
        target = ask_word_file(
            self, self.store, issued_name(TYPE_LABELS[entry.doc_type], entry, ".docx")
        )
        if target is None:
            return

        def write() -> Path:
            issued = reprint(self.store, entry_id=entry.id)
            if issued.docx is None:
                raise UserError(
                    _("No Word copy was kept for {number}; save it as PDF.").format(
                        number=entry.reference
                    )
                )
            write_file(issued.docx, target)
            return target

        run_in_background(
            write,
            on_done=lambda path: self.status.setText(saved_text(path)),
            on_failed=self._failed,
        )

    def void_selected(self) -> None:
        from dvdesk.documents.register import void_document  # noqa: PLC0415

        entry = self.selected()
        if entry is None:
            return
        reason, accepted = QInputDialog.getText(
            self,
            _("Void {number}").format(number=entry.reference),
            _("Why is document {number} void? Its number will not be given again.").format(
                number=entry.reference
            ),
        )
        if not accepted:
            return
        run_in_background(
            lambda: void_document(self.store, document_id=entry.id, reason=reason),
            on_done=lambda _entry: self.refresh(),
            on_failed=self._failed,
        )

    def replace_selected(self) -> None:
        """Issue a corrected document that replaces the selected one."""
        entry = self.selected()
        if entry is None:
            return
        if entry.doc_type == "BB" and entry.record_id:
            self._replace_minutes(entry)
        else:
            self._replace_report(entry)

    def _replace_minutes(self, entry: Any) -> None:
        from dvdesk.services.records import get_record  # noqa: PLC0415

        def opened(record: RecordView) -> None:
            dialog = MinutesDialog(self.store, record, parent=self, replaces=entry)
            dialog.finished.connect(lambda _code: self.refresh())
            self.dialogs.append(dialog)
            dialog.open()

        run_in_background(
            lambda: get_record(self.store, record_id=entry.record_id),
            on_done=opened,
            on_failed=self._failed,
        )

    def _replace_report(self, entry: Any) -> None:
        """Ask the signer and recipients (from the replaced report), then issue."""
        from dvdesk.documents.report_pdf import replacement_choice  # noqa: PLC0415
        from dvdesk.documents.settings import (  # noqa: PLC0415
            SignerChoice,
            get_document_settings,
        )

        def load() -> tuple[Any, SignerChoice]:
            settings = get_document_settings(self.store)
            default = SignerChoice(
                capacity=settings.signer_capacity,
                post=settings.signer_post,
                name=settings.signer_name,
            )
            return replacement_choice(self.store, entry_id=entry.id), default

        def opened(found: tuple[Any, SignerChoice]) -> None:
            from ui.replace_report import ReplaceReportDialog  # noqa: PLC0415

            choice, default = found
            dialog = ReplaceReportDialog(
                reference=entry.reference, choice=choice, default=default, parent=self
            )
            dialog.accepted.connect(lambda: self._issue_replacement(entry, dialog, choice))
            self.replacements.append(dialog)
            dialog.open()

        run_in_background(load, on_done=opened, on_failed=self._failed)

    def _issue_replacement(self, entry: Any, dialog: Any, choice: Any) -> None:
        from dvdesk.documents.report_pdf import (  # noqa: PLC0415
            figures_for_entry,
            issue_report,
            preview_report_number,
        )

        signer = dialog.signer()
        lines = dialog.recipient_lines()
        # A report issued before the register kept content: its recipients are unknown,
        # so an empty box keeps the ones saved with the period's texts.
        recipients = lines if lines or choice.recipients is not None else None

        def check() -> tuple[Any, Any]:
            figures = figures_for_entry(self.store, entry_id=entry.id)
            preview = preview_report_number(
                self.store,
                figures=figures,
                replaces=entry.id,
                signer=signer,
                recipients=recipients,
            )
            return figures, preview

        def confirmed(found: tuple[Any, Any]) -> None:
            figures, preview = found
            if not confirm_issue(self, preview, what=_("the report")):
                return
            run_in_background(
                lambda: issue_report(
                    self.store,
                    figures=figures,
                    replaces=entry.id,
                    expected_number=preview.number,
                    signer=signer,
                    recipients=recipients,
                ),
                on_done=self._replaced,
                on_failed=self._failed,
            )

        run_in_background(check, on_done=confirmed, on_failed=self._failed)

    def _replaced(self, issued: Any) -> None:
        self.confirmation = _("Issued {number}; it replaces the earlier report.").format(
            number=issued.entry.reference
        )
        self.refresh()
