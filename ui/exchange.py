"""Trao đổi USB: send this office's package up, take packages from the offices below.

Every operation runs on the thread pool with a progress dialog that can cancel;
the services verify everything before they write, so a cancel or a pulled stick
changes nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QObject, Qt, QThread, Signal
from PySide6.QtGui import QShowEvent, QTextDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from dvdesk.clock import today
from dvdesk.errors import NotFound, UserError
from dvdesk.formatting import number, short_date
from dvdesk.i18n import _
from dvdesk.services.office_view import OfficeView
from dvdesk.services.store import Store
from dvdesk.sync.card_advice import card_advice, fingerprint_advice
from dvdesk.text import shown
from ui import ask
from ui.ask import confirm
from ui.crash import show_error
from ui.files import FileKind, choose_folder, open_file, open_files
from ui.forms.widgets import DateField
from ui.glossary import FINGERPRINT, KEY_CARD, RECEIPT, explain
from ui.modal import run_modal
from ui.next_steps import app_text, show_steps
from ui.next_steps import show_error as show_step
from ui.request_choice import RequestChoice
from ui.worker import run_in_background

if TYPE_CHECKING:
    from dvdesk.services.requests import DeadlineStatus
    from dvdesk.sync.batch import BatchResult, BatchStep, FileOutcome, PassphraseRequest
    from dvdesk.sync.export import ExportResult
    from dvdesk.sync.held_back import HeldBack
    from dvdesk.sync.keycard import Card
    from dvdesk.sync.receipt import ReceiptResult
    from dvdesk.sync.status import OutboxStatus, UnitStatus
    from dvdesk.sync.trust import EnrolledKey


T = TypeVar("T")


class _ProgressRelay(QObject):
    """Carries progress from the worker thread to the dialog on the GUI thread."""

    moved = Signal(int, int)


def ask_passphrase(parent: QWidget, prompt: str) -> str | None:
    text, ok = QInputDialog.getText(
        parent, _("Key passphrase"), prompt, QLineEdit.EchoMode.Password
    )
    return text if ok and text else None


class PassphraseAsker(QObject):
    """Asks for the passphrase on the GUI thread for a job running on the worker thread,
    which waits for the answer (it holds no transaction while it asks)."""

    _asked = Signal(object)

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._parent = parent
        self._answer: str | None = None
        self._asked.connect(self._ask_here, Qt.ConnectionType.BlockingQueuedConnection)

    def ask(self, request: PassphraseRequest) -> str | None:
        if QThread.currentThread() is self.thread():
            self._ask_here(request)
        else:
            self._asked.emit(request)
        return self._answer

    def _ask_here(self, request: PassphraseRequest) -> None:
        from dvdesk.sync.batch import PassphraseNeed  # noqa: PLC0415

        prompt = (
            _("Some packages are encrypted. The key passphrase, to open them:")
            if request.need is PassphraseNeed.OPEN
            else _("The key passphrase, to sign the receipt:")
        )
        if request.wrong:
            prompt = _("The passphrase is wrong. Type the office's key passphrase again.")
        self._answer = ask_passphrase(self._parent, prompt)


def _percent(step: BatchStep) -> int:
    return step.done * 100 // max(step.total, 1)


def _batch_note(outcome: FileOutcome, result: BatchResult) -> str:
    from dvdesk.sync.batch import FileStatus  # noqa: PLC0415

    if outcome.error is not None:
        return app_text(outcome.error.message)
    notes: dict[FileStatus, str] = {
        FileStatus.ALREADY_IMPORTED: _("already imported"),
        FileStatus.CHECKED: _("checked only"),
        FileStatus.CANCELLED: _("stopped before importing: nothing of it changed"),
    }
    note = notes.get(outcome.status, "")
    receipt = result.receipt_for(outcome.origin)
    if outcome.status is FileStatus.IMPORTED and receipt is not None:
        note = (
            _("receipt written: {file}").format(file=receipt.path.name)
            if receipt.path is not None
            else _("no receipt written") + (f": {receipt.error.message}" if receipt.error else "")
        )
    if outcome.summary is not None:  # packages a relay withheld show as gaps, by office
        for code, numbers in outcome.summary.missing.items():
            note += " " + _("{code}: packages {numbers} never received").format(
                code=code, numbers=", ".join(str(n) for n in numbers[:20])
            )
    return note.strip()


def _harmless(error: UserError) -> bool:
    """A package older than one already imported: nothing to do, so not a warning."""
    from dvdesk.sync.refusals import Reason  # noqa: PLC0415

    return getattr(error, "reason", None) is Reason.OLD_PACKAGE


def _file_name(outcome: FileOutcome) -> str:
    """A name found on a stick: whoever wrote the stick chose it (line breaks, bidi marks)."""
    return shown(outcome.path.name)


def _outcome_line(outcome: FileOutcome, *, raw: bool = False) -> str:
    message = outcome.error.message if outcome.error is not None else ""
    return f"{_file_name(outcome)}: {message if raw else app_text(message)}"


def _batch_row(outcome: FileOutcome, result: BatchResult) -> list[str]:
    summary = outcome.summary
    if summary is None:
        return [_file_name(outcome), "", "", "", "", "", "", _batch_note(outcome, result)]
    return [
        _file_name(outcome),
        summary.origin_name,
        str(summary.sequence),
        number(summary.new),
        number(summary.updated),
        number(summary.unchanged),
        number(summary.refused),
        _batch_note(outcome, result),
    ]


def _encrypted(path: Path) -> bool:
    """Whether a package says it is encrypted; an unreadable one is refused in its turn."""
    from dvdesk.sync.verify import peek_manifest  # noqa: PLC0415

    try:
        return peek_manifest(path).encryption is not None
    except UserError:
        return False


def run_with_progress(
    parent: QWidget,
    title: str,
    call: Callable[[Callable[[int, int], None], Callable[[], bool]], T],
    on_done: Callable[[T], None],
    on_failed: Callable[[UserError], None] | None = None,
) -> None:
    """Run ``call(progress, cancel)`` in the background behind a cancellable progress dialog."""
    dialog = QProgressDialog(title, _("Cancel"), 0, 100, parent)
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(300)
    relay = _ProgressRelay(dialog)
    stop = threading.Event()
    dialog.canceled.connect(stop.set)

    def moved(done: int, total: int) -> None:
        dialog.setMaximum(max(total, 1))
        dialog.setValue(min(done, max(total, 1)))

    relay.moved.connect(moved)

    def finish(result: T) -> None:
        dialog.reset()
        on_done(result)

    def failed(error: UserError) -> None:
        dialog.reset()
        if on_failed is not None:
            on_failed(error)
        else:
            show_error(parent, error)

    run_in_background(lambda: call(relay.moved.emit, stop.is_set), on_done=finish, on_failed=failed)


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move inside it
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().setVisible(False)
    # Names and numbers whole; the last column (a note, a state) takes the rest of the width,
    # so a refusal's reason is not cut to a few words.
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    return table


def _cell_text(table: QTableWidget, row: int, column: int) -> str:
    item = table.item(row, column)
    return item.text() if item is not None else ""


def _header_text(table: QTableWidget, column: int) -> str:
    item = table.horizontalHeaderItem(column)
    return item.text() if item is not None else ""


def _fill(table: QTableWidget, rows: list[list[str]]) -> None:
    table.setRowCount(0)
    for values in rows:
        row = table.rowCount()
        table.insertRow(row)
        for column, value in enumerate(values):
            item = QTableWidgetItem(value)
            item.setToolTip(value)  # a refusal's reason is longer than its column
            if column > 0 and value.replace(".", "").isdigit():
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(row, column, item)


@dataclass(frozen=True)
class _Status:
    fingerprint: str | None
    outbox: OutboxStatus | None
    units: list[UnitStatus]


class ExchangePage(QWidget):
    """The USB exchange screen."""

    imported = Signal()
    status_shown = Signal()
    done = Signal(str)  # a finished step, confirmed in the main window's status bar
    drafts_wanted = Signal(str)  # open this record type's list, filtered to drafts

    def __init__(self, store: Store, office: OfficeView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.office = office
        self.known_children = 0
        self._focus_pending = True
        self.column = layout = QVBoxLayout(self)
        layout.addWidget(self._key_box())
        if self.office.parent_code:
            layout.addWidget(self._upward_box())
        if self.office.has_offices_below:
            layout.addWidget(self._import_box(), 1)
            layout.addWidget(self._units_box(), 1)
        else:
            layout.addStretch(1)

    def set_office(self, office: OfficeView) -> None:
        """The office changed in Office settings (the office above was set): the screen
        shows the new state at once, the upward part included, without a restart."""
        self.office = office
        if office.parent_code and not hasattr(self, "export_button"):
            self.column.insertWidget(1, self._upward_box())
        self.refresh()

    def _finished(self, message: str) -> None:
        """Refresh the screen and confirm the finished step in the status bar."""
        self.refresh()
        self.done.emit(message)

    def failed(self, error: UserError) -> None:
        """Show ``error``; a step this screen can do (enrol a card, create the key) is a button."""
        show_step(
            self,
            error,
            {"enroll": self.enroll, "create_key": self.create_key, "replace_key": self.replace_key},
        )

    # ----------------------------------------------------------------- key

    def _key_box(self) -> QGroupBox:
        box = QGroupBox(_("This office's key"))
        row = QHBoxLayout(box)
        self.key_label = QLabel()
        self.key_label.setWordWrap(True)
        self.key_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.create_key_button = QPushButton(_("Create the key…"))
        self.create_key_button.clicked.connect(self.create_key)
        # Until the status is known, neither key button shows: a key may exist, and
        # Space on a focused "Create the key…" would ask for a new passphrase for nothing.
        self.create_key_button.setVisible(False)
        self.replace_key_button = QPushButton(_("Replace the key…"))
        self.replace_key_button.clicked.connect(self.replace_key)
        self.replace_key_button.setVisible(False)
        self.card_button = QPushButton(_("Save the key card…"))
        self.card_button.clicked.connect(self.save_card)
        self.card_button.setEnabled(False)
        self.enroll_button = QPushButton(_("Enrol the key card of the office above or below…"))
        self.enroll_button.clicked.connect(self.enroll)
        explain(self.key_label, FINGERPRINT)
        explain(self.card_button, KEY_CARD)
        explain(self.enroll_button, KEY_CARD)
        row.addWidget(self.key_label, 1)
        for button in (
            self.create_key_button,
            self.card_button,
            self.enroll_button,
            self.replace_key_button,
        ):
            row.addWidget(button)
        return box

    # -------------------------------------------------------------- upward

    def _upward_box(self) -> QGroupBox:
        box = QGroupBox(_("Send to the level above"))
        column = QVBoxLayout(box)
        self.outbox_label = QLabel()
        self.outbox_label.setWordWrap(True)
        self.encrypt = QCheckBox(_("Encrypt the package (a lost USB stick reveals nothing)"))
        self.encrypt.setChecked(True)
        self.export_button = QPushButton(_("Export the package to a USB stick…"))
        self.export_button.clicked.connect(self.export)
        self.receipt_button = QPushButton(_("Import a receipt from the level above…"))
        self.receipt_button.clicked.connect(self.import_receipt)
        explain(self.receipt_button, RECEIPT)
        buttons = QHBoxLayout()
        buttons.addWidget(self.encrypt, 1)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.receipt_button)
        column.addWidget(self.outbox_label)
        column.addLayout(buttons)
        return box

    # ------------------------------------------------------------- imports

    def _import_box(self) -> QGroupBox:
        box = QGroupBox(_("Receive from the offices below"))
        column = QVBoxLayout(box)
        self.dry_run = QCheckBox(_("Only check, do not import"))
        self.write_receipts = QCheckBox(_("Write a receipt onto the stick after importing"))
        self.write_receipts.setChecked(True)
        explain(self.write_receipts, RECEIPT)
        self.import_button = QPushButton(_("Import packages…"))
        self.import_button.clicked.connect(self.import_packages)
        buttons = QHBoxLayout()
        buttons.addWidget(self.dry_run)
        buttons.addWidget(self.write_receipts)
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        self.summary = _table(
            [
                _("Package"),
                _("From office"),
                _("Number"),
                _("New"),
                _("Updated"),
                _("Unchanged"),
                _("Refused"),
                _("Note"),
            ]
        )
        column.addLayout(buttons)
        column.addWidget(self.summary)
        return box

    # --------------------------------------------------------------- units

    def _units_box(self) -> QGroupBox:
        box = QGroupBox(_("Offices below"))
        column = QVBoxLayout(box)
        self.units = _table(
            [
                _("Office"),
                _("Code"),
                _("Fingerprint"),
                _("Last package"),
                _("Imported on"),
                _("Packages"),
                _("State"),
            ]
        )
        self.units.horizontalHeader().resizeSection(2, 260)
        fingerprint_header = self.units.horizontalHeaderItem(2)
        if fingerprint_header is not None:
            fingerprint_header.setToolTip(_(FINGERPRINT))
        self.since = DateField(optional=False)
        self.since.set_value((today() - timedelta(days=30)).isoformat())
        self.until = DateField(optional=False)
        self.missing_button = QPushButton(_("Who has not reported?"))
        self.missing_button.clicked.connect(self.show_missing)
        self.all_button = QPushButton(_("Show all"))
        self.all_button.clicked.connect(self.refresh)
        filters = QHBoxLayout()
        filters.addWidget(QLabel(_("From")))
        filters.addWidget(self.since)
        filters.addWidget(QLabel(_("to")))
        filters.addWidget(self.until)
        self.print_missing_button = QPushButton(_("Print the list…"))
        self.print_missing_button.clicked.connect(self.print_missing)
        self.print_missing_button.setEnabled(False)
        self.request_button = QPushButton(_("Request a report…"))
        self.request_button.clicked.connect(self.ask_report)
        filters.addWidget(self.missing_button)
        filters.addWidget(self.all_button)
        filters.addWidget(self.print_missing_button)
        filters.addWidget(self.request_button)
        filters.addStretch(1)
        self.missing_note = QLabel()
        self.missing_note.setWordWrap(True)
        self.request_choice = RequestChoice()
        self.request_choice.changed.connect(self.show_missing)
        column.addLayout(filters)
        column.addWidget(self.request_choice)
        column.addWidget(self.missing_note)
        column.addWidget(self.units)
        return box

    # ----------------------------------------------------------- behaviour

    def load_status(self) -> _Status:
        """Everything the screen shows (runs on the thread pool)."""
        from dvdesk.sync.keys import own_keys  # noqa: PLC0415 - cryptography loads on demand
        from dvdesk.sync.status import outbox, unit_statuses  # noqa: PLC0415

        keys = [key for key in own_keys(self.store) if key.active]
        parent = self.office.parent_code
        return _Status(
            fingerprint=keys[0].fingerprint if keys else None,
            outbox=outbox(self.store, destination=parent) if parent else None,
            units=unit_statuses(self.store),
        )

    def show_status(self, status: _Status) -> None:
        if status.fingerprint:
            self.key_label.setText(fingerprint_advice(self.office, status.fingerprint))
        else:
            self.key_label.setText(
                _(
                    "This office has no signing key yet: create it before "
                    "sending or receiving packages."
                )
            )
        self.create_key_button.setVisible(status.fingerprint is None)
        self.replace_key_button.setVisible(status.fingerprint is not None)
        self.card_button.setEnabled(status.fingerprint is not None)
        if status.outbox is not None:
            self.outbox_label.setText(
                _(
                    "Level above: {name} ({code}). Last package sent: number {sent}; confirmed by "
                    "receipt: number {acked}. Records not yet confirmed: {pending}."
                ).format(
                    name=self.office.parent_name,
                    code=self.office.parent_code,
                    sent=status.outbox.last_sequence,
                    acked=status.outbox.acknowledged_sequence,
                    pending=number(status.outbox.unacknowledged_records),
                )
            )
        self._show_units(status.units, missing=False)
        if self._focus_pending:
            self._focus_pending = False
            self._focus_next_step(has_key=status.fingerprint is not None)
        self.status_shown.emit()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt API
        # Each time the screen opens, the next status moves the focus to the step expected.
        self._focus_pending = True
        super().showEvent(event)

    def _focus_next_step(self, *, has_key: bool) -> None:
        """Focus what comes next: make the key, else send up, else take packages in.
        Only when the focus is on this screen (not in a dialog or another screen)."""
        focused = QApplication.focusWidget()
        if focused is not None and focused is not self and not self.isAncestorOf(focused):
            return
        if not has_key:
            self.create_key_button.setFocus()
        elif hasattr(self, "export_button"):
            self.export_button.setFocus()
        elif hasattr(self, "import_button"):
            self.import_button.setFocus()

    def refresh(self) -> None:
        run_in_background(
            self.load_status,
            on_done=self.show_status,
            on_failed=self.failed,
        )

    def _show_units(self, units: list[UnitStatus], *, missing: bool) -> None:
        if not hasattr(self, "units"):
            return
        rows = []
        for unit in (u for u in units if u.relation in ("child", "delegated")):
            state = _("revoked") if unit.revoked else (_("not reported") if missing else "")
            if unit.missing:  # withheld on the way by the office that relays it
                state = _("packages never received: {numbers}").format(
                    numbers=", ".join(str(n) for n in unit.missing)
                )
            rows.append(
                [
                    unit.office_name,
                    unit.office_code,
                    unit.fingerprint or "",
                    str(unit.last_sequence or ""),
                    short_date(unit.last_imported_on),
                    str(unit.packages),
                    state,
                ]
            )
        _fill(self.units, rows)
        if missing:
            self.missing_note.setText(self._missing_sentence(len(rows)))
            self.print_missing_button.setEnabled(True)
        else:
            self.known_children = len(rows)
            self.missing_note.setText("")
            self.print_missing_button.setEnabled(False)

    def _missing_sentence(self, missing: int) -> str:
        period = {"start": self.since.text(), "end": self.until.text()}
        if self.known_children == 0:
            return _(
                "No office below is known yet: enrol the key cards of the offices below first."
            )
        if missing == 0:
            return _("All {count} offices below have sent a package from {start} to {end}.").format(
                count=number(self.known_children), **period
            )
        return _(
            "{missing} of {count} offices below have sent no package from {start} to {end}."
        ).format(missing=number(missing), count=number(self.known_children), **period)

    def missing_document(self) -> QTextDocument:
        """The list of who has not reported, as a printable page."""
        shown = (0, 1, 4, 6)  # office, code, last package's date, state against the deadline
        rows = "".join(
            "<tr>"
            + "".join(f"<td>{escape(_cell_text(self.units, row, c))}</td>" for c in shown)
            + "</tr>"
            for row in range(self.units.rowCount())
        )
        headers = "".join(
            f"<th>{escape(_header_text(self.units, column))}</th>" for column in shown
        )
        document = QTextDocument()
        document.setHtml(
            f"<h3>{escape(self.office.current.name)}</h3>"
            f"<h2>{escape(_('Offices that have not reported'))}</h2>"
            f"<p>{escape(self.missing_note.text())}</p>"
            f"<table border='1' cellspacing='0' cellpadding='4'><tr>{headers}</tr>{rows}</table>"
        )
        return document

    def print_missing(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        if run_modal(QPrintDialog(printer, self)) == QPrintDialog.DialogCode.Accepted:
            self.missing_document().print_(printer)
            self.done.emit(_("The list of offices that have not reported was printed."))

    def show_missing(self) -> None:
        """Against the request chosen (the one set last by default); without one, the dates."""
        from dvdesk.services.requests import deadline_status  # noqa: PLC0415
        from dvdesk.sync.status import not_reported, unit_statuses  # noqa: PLC0415

        start, end = self.since.typed(), self.until.typed()
        if start.value is None or end.value is None:
            problem = start.problem or end.problem or _("Type both dates of the period.")
            show_error(self, UserError(problem))
            return
        first, last = start.value, end.value
        period, deadline = self.request_choice.chosen() or (None, None)

        def load() -> tuple[DeadlineStatus | None, list[UnitStatus]]:
            status = deadline_status(self.store, period=period, deadline=deadline)
            if status is not None:
                return status, unit_statuses(self.store)
            return None, not_reported(self.store, start=first, end=last)

        run_in_background(load, on_done=self._show_missing, on_failed=self.failed)

    def _show_missing(self, found: tuple[DeadlineStatus | None, list[UnitStatus]]) -> None:
        from ui.report_requests import deadline_rows, deadline_sentence  # noqa: PLC0415

        status, units = found
        if status is None:
            self._show_units(units, missing=True)
            return
        _fill(self.units, deadline_rows(status, units))
        self.units.resizeColumnToContents(6)  # "chưa gửi — còn 10 ngày" on one line
        self.missing_note.setText(deadline_sentence(status))
        self.request_choice.fill(status)
        self.print_missing_button.setEnabled(True)

    def ask_report(self) -> None:
        """The head sets the period, deadline and note every office below reports against."""
        from ui.report_requests import RequestDialog  # noqa: PLC0415 - rarely opened

        dialog = RequestDialog(self.store, self)
        self.request_dialog = dialog

        def requested() -> None:
            self.done.emit(dialog.said)
            self.request_choice.reset()  # the list follows the new request
            self.show_missing()

        dialog.accepted.connect(requested)
        dialog.open()

    def create_key(self) -> None:
        from dvdesk.sync.keys import create_keys  # noqa: PLC0415

        first = ask_passphrase(
            self,
            _(
                "Choose a passphrase for the office's key: at least 12 characters, "
                "a few words are easiest (e.g. 'hoa sen nở sớm mai'). Keep it safe: "
                "without it no package can be sent."
            ),
        )
        if first is None:
            return
        second = ask_passphrase(self, _("Type the passphrase again."))
        if second != first:
            ask.tell(
                self,
                _("Key passphrase"),
                _("The two passphrases differ; nothing was created. Try again."),
                icon=QMessageBox.Icon.Warning,
            )
            return
        run_in_background(
            lambda: create_keys(self.store, passphrase=first),
            on_done=lambda _key: self._finished(_("The office's key was created.")),
            on_failed=self.failed,
        )

    def replace_key(self) -> None:
        """A new key certified by the current one (the level above trusts it from the proof
        in the next package); the old key is destroyed. No is the default."""
        from dvdesk.sync.keys import rotate_keys  # noqa: PLC0415

        if not confirm(
            self,
            title=_("Replace the key?"),
            text=_(
                "Replace this office's key only if it may be known to others (a lost or stolen "
                "computer or USB stick) or your rules require it. A new key is made and "
                "certified by the current one, which is then destroyed; the next package "
                "carries the proof, so the level above trusts the new key without a new "
                "enrolment. Afterwards save the new key card for the offices below."
            ),
        ):
            return
        passphrase = ask_passphrase(self, _("The key passphrase (it stays the same):"))
        if passphrase is None:
            return
        run_in_background(
            lambda: rotate_keys(self.store, passphrase=passphrase),
            on_done=lambda key: self._finished(
                _("The key was replaced. New fingerprint: {fingerprint}.").format(
                    fingerprint=key.fingerprint
                )
            ),
            on_failed=self.failed,
        )

    def save_card(self) -> None:
        from dvdesk.sync.keys import write_card  # noqa: PLC0415

        folder = choose_folder(
            self,
            self.store.paths,
            purpose="key-card",
            title=_("Where to save the key card"),
            usb=True,
        )
        if not folder:
            return

        def saved(written: tuple[Path, str]) -> None:
            self.done.emit(_("The key card was saved to {file}.").format(file=written[0]))
            ask.tell(
                self,
                _("Key card"),
                _("The key card was saved to {file}.").format(file=written[0])
                + " "
                + card_advice(self.office),
            )

        run_in_background(
            lambda: write_card(self.store, out=Path(folder)),
            on_done=saved,
            on_failed=self.failed,
        )

    def enroll(self) -> None:
        from dvdesk.sync.keycard import read_card_file  # noqa: PLC0415

        name = open_file(
            self,
            self.store.paths,
            purpose="key-card-in",
            title=_("Key card of the office above or below"),
            kind=FileKind.KEY_CARD,
        )
        if not name:
            return
        run_in_background(
            lambda: read_card_file(Path(name)),
            on_done=self._confirm_enrolment,
            on_failed=self.failed,
        )

    def _confirm_enrolment(self, card: Card) -> None:
        # No is the default: Enter alone never enrols a card whose fingerprint was not read.
        if confirm(
            self,
            title=_("Enrol key card"),
            text=_(
                "Office: {name} ({code}).\nFingerprint: {fingerprint}\n\nCall that office and "
                "have them read their fingerprint to you. Enrol only if it is the same."
            ).format(name=card.office_name, code=card.office_code, fingerprint=card.fingerprint),
        ):
            self._enrol(card, confirm=False)

    def _enrol(self, card: Card, *, confirm: bool) -> None:
        from dvdesk.sync.trust import enroll_card  # noqa: PLC0415

        run_in_background(
            lambda: enroll_card(self.store, card=card, confirm=confirm),
            on_done=self._enrolled,
            on_failed=lambda error: self._enrol_failed(card, error),
        )

    def _enrolled(self, key: EnrolledKey) -> None:
        message = (
            _("The key of {office} ({code}) was already enrolled before; nothing changed.")
            if key.already
            else _("The key card of {name} ({code}) was enrolled.")
        )
        self._finished(
            message.format(office=key.office_name, name=key.office_name, code=key.office_code)
        )

    def _enrol_failed(self, card: Card, error: UserError) -> None:
        """An unusual card can still be enrolled, or a compromised office re-enrolled,
        on the user's explicit word after the phone call."""
        from dvdesk.sync.refusals import Reason  # noqa: PLC0415
        from dvdesk.sync.trust import reenrol_office  # noqa: PLC0415

        reason = getattr(error, "reason", None)
        if reason not in (Reason.NOT_OUR_CHILD, Reason.LOOKALIKE_NAME, Reason.ALREADY_ENROLLED):
            self.failed(error)
            return
        question = (
            _("Re-enrol this office with its new key? Its old keys are revoked.")
            if reason is Reason.ALREADY_ENROLLED
            else _("Enrol it anyway? Only if you read its fingerprint by phone.")
        )
        if not confirm(
            self, title=_("Enrol key card"), text=f"{app_text(error.message)}\n\n{question}"
        ):
            return
        if reason is not Reason.ALREADY_ENROLLED:
            self._enrol(card, confirm=True)
            return
        run_in_background(
            lambda: reenrol_office(self.store, card=card),
            on_done=lambda key: self._finished(
                _("The key card of {name} ({code}) was enrolled.").format(
                    name=key.office_name, code=key.office_code
                )
            ),
            on_failed=self.failed,
        )

    def export(self) -> None:
        folder = choose_folder(
            self, self.store.paths, purpose="export", title=_("Choose the USB stick"), usb=True
        )
        if not folder:
            return
        from dvdesk.sync.export import check_something_to_send  # noqa: PLC0415

        # Nothing to send is said before the passphrase is asked (and no number is used).
        run_in_background(
            lambda: check_something_to_send(self.store),
            on_done=lambda _none: self._export_to(
                folder, _("The key passphrase, to sign the package:")
            ),
            on_failed=self._export_failed,
        )

    def _export_failed(self, error: UserError, retry: Callable[[str], None] | None = None) -> None:
        from dvdesk.errors import WrongPassphrase  # noqa: PLC0415
        from dvdesk.sync.held_back import NothingToSend  # noqa: PLC0415

        if isinstance(error, WrongPassphrase) and retry is not None:
            retry(error.message)  # asks again, saying the passphrase was wrong
            return
        if not isinstance(error, NothingToSend):
            self.failed(error)
            return
        drafts = error.held.draft_type
        show_steps(
            self,
            title=_("Nothing to send"),
            text=error.message,
            steps=[error.step] if error.step else [],
            actions={"drafts": lambda: self.drafts_wanted.emit(drafts or "inspection")},
            icon=QMessageBox.Icon.Information,
        )

    def _export_to(self, folder: Path, prompt: str) -> None:
        """Export to ``folder``; a wrong passphrase (found on the worker) asks again."""
        from dvdesk.sync.export import export_package, records_kept  # noqa: PLC0415

        passphrase = ask_passphrase(self, prompt)
        if passphrase is None:
            return
        encrypt = self.encrypt.isChecked()

        def call(
            progress: Callable[[int, int], None], cancel: Callable[[], bool]
        ) -> tuple[ExportResult, HeldBack]:
            # The clerk chose a folder: gone now (stick pulled), the core would take its
            # name for the package's file name and write beside it.
            if not Path(folder).is_dir():
                raise NotFound(
                    _(
                        "The folder {folder} does not exist. Plug in the USB stick or choose "
                        "another folder."
                    ).format(folder=folder)
                )
            result = export_package(
                self.store,
                out=Path(folder),
                passphrase=passphrase,
                encrypt=encrypt,
                progress=progress,
                cancel=cancel,
            )
            return result, records_kept(self.store)

        run_with_progress(
            self,
            _("Exporting the package…"),
            call,
            lambda found: self._exported(*found),
            lambda error: self._export_failed(
                error, retry=lambda message: self._export_to(folder, f"{message}\n\n{prompt}")
            ),
        )

    def _exported(self, result: ExportResult, held: HeldBack) -> None:
        """Say what was written, and what stayed home and why (with the next step's button)."""
        from dvdesk.sync.held_back import held_lines, next_step  # noqa: PLC0415

        self._finished(
            _("Package number {sequence} exported to {file}.").format(
                sequence=result.sequence, file=result.path
            )
        )
        text = _(
            "Package number {sequence} for {office} was written and checked: {file} "
            "({records} records). You can now remove the USB stick."
        ).format(
            sequence=result.sequence,
            office=result.destination_name,
            file=result.path,
            records=number(result.records),
        )
        step = next_step(held)
        show_steps(
            self,
            title=_("Package exported"),
            text="\n\n".join([text, *held_lines(held)]),
            steps=[step] if step else [],
            actions={"drafts": lambda: self.drafts_wanted.emit(held.draft_type or "inspection")},
            icon=QMessageBox.Icon.Information,
        )

    def import_packages(self) -> None:
        from dvdesk.sync.batch import import_batch  # noqa: PLC0415

        names = open_files(
            self,
            self.store.paths,
            purpose="import",
            title=_("Packages from lower offices"),
            kind=FileKind.PACKAGE,
            many=True,
        )
        if not names:
            return
        paths = [Path(name) for name in names]
        dry_run = self.dry_run.isChecked()
        receipts = self.write_receipts.isChecked()
        asker = PassphraseAsker(self)

        def call(progress: Callable[[int, int], None], cancel: Callable[[], bool]) -> BatchResult:
            return import_batch(
                self.store,
                paths=paths,
                ask_passphrase=asker.ask,
                dry_run=dry_run,
                receipts=receipts,
                progress=lambda step: progress(step.index * 100 + _percent(step), step.count * 100),
                cancel=cancel,
            )

        run_with_progress(self, _("Importing the packages…"), call, self._show_batch, self.failed)

    def _show_batch(self, result: BatchResult) -> None:
        from dvdesk.sync.batch import FileStatus  # noqa: PLC0415

        _fill(self.summary, [_batch_row(outcome, result) for outcome in result.files])
        self.imported.emit()
        harmless = [o for o in result.files if o.error is not None and _harmless(o.error)]
        refused = [o for o in result.files if o.error is not None and not _harmless(o.error)]
        taken = [o for o in result.files if o.status in (FileStatus.IMPORTED, FileStatus.CHECKED)]
        self._finished(_("{count} package(s) processed.").format(count=len(taken)))
        if refused:
            lead = (
                _("The other packages were imported. Not imported:")
                if taken
                else _("No package was imported:")
            )
            show_steps(
                self,
                title=_("Some packages were not imported"),
                # Raw messages: show_steps replaces their commands and offers the buttons.
                text="\n\n".join(
                    [lead, *(_outcome_line(o, raw=True) for o in [*refused, *harmless])]
                ),
                actions={"enroll": self.enroll},
            )
        elif harmless:
            ask.tell(
                self,
                _("Nothing changed"),
                "\n\n".join(
                    [
                        _("These packages were already covered by a later one; nothing changed:"),
                        *(_outcome_line(o) for o in harmless),
                    ]
                ),
            )

    def import_receipt(self) -> None:
        from dvdesk.sync.receipt import import_receipt  # noqa: PLC0415

        name = open_file(
            self,
            self.store.paths,
            purpose="receipt",
            title=_("Receipt from the level above"),
            kind=FileKind.RECEIPT,
        )
        if not name:
            return

        def done(result: ReceiptResult) -> None:
            self._finished(
                _("Receipt imported: packages up to number {sequence} confirmed.").format(
                    sequence=result.acknowledged_sequence
                )
            )
            returned = len(result.returned)
            ask.tell(
                self,
                _("Receipt imported"),
                _(
                    "The level above confirmed packages up to number {sequence}. Records sent back "
                    "for correction: {returned}."
                ).format(sequence=result.acknowledged_sequence, returned=returned),
            )

        run_in_background(
            lambda: import_receipt(self.store, path=Path(name)),
            on_done=done,
            on_failed=self.failed,
        )
