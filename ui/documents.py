"""Biên bản and báo cáo in the app: fill in what the meeting adds, preview, issue, print.

A preview is a draft: no number, marked DỰ THẢO, the register untouched; it can
also be saved as Word to edit the wording. "Phát hành" first shows the number
the document will take and issues only once that is confirmed; the issued
document is shown, ready to print or save, and is kept in the register.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from dvdesk.clock import today
from dvdesk.documents.settings import DocumentSettings, SignerChoice, get_document_settings
from dvdesk.documents.wording import with_dates
from dvdesk.domain.enums import RecordType
from dvdesk.domain.record_view import RecordView
from dvdesk.errors import UserError, ValidationFailed
from dvdesk.formatting import number, sentence
from dvdesk.i18n import N_, _
from dvdesk.services.report_recipients import get_default_recipients
from dvdesk.services.store import Store
from dvdesk.text import file_name
from ui import ask
from ui.crash import show_error
from ui.files import FileKind, save_file
from ui.forms.widgets import DateField
from ui.glossary import PERIOD, explain
from ui.help import add_help_key
from ui.next_steps import app_text
from ui.office_settings import CAPACITIES, TEMPLATES
from ui.pdf_preview import PdfPreview
from ui.period_picker import fill_period_kinds, select_latest_period
from ui.worker import run_in_background

MINUTES_KINDS = (
    ("working_session", N_("working session with the organisation")),
    ("conclusion", N_("meeting announcing the conclusion")),
    ("dialogue", N_("dialogue session")),
)
RANGE = "range"  # the period kind of a date range typed by the clerk


def issued_name(kind: str, issued: Any, suffix: str) -> str:
    """``Bien-ban-01-BB-BXDD-2026-11-10.pdf``: what it is, its number, symbol and date."""
    return file_name(
        kind, issued.padded, issued.symbol, issued.document_date.isoformat(), suffix=suffix
    )


def confirm_issue(parent: QWidget, preview: Any, *, what: str) -> bool:
    """Ask before issuing, showing the number the document will take."""
    answer = ask.question(
        parent,
        _("Issue {what}").format(what=what),
        _(
            "Issue {what} as number {number}, dated {date}?\n\n"
            "An issued document is kept in the register exactly as issued and cannot be "
            "changed: a mistake is corrected by issuing a replacement, or the document is voided."
        ).format(
            what=what, number=preview.reference, date=preview.document_date.strftime("%d/%m/%Y")
        ),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel,
    )
    return answer == QMessageBox.StandardButton.Yes


def show_pdf(
    parent: QWidget,
    store: Store,
    pdf: bytes,
    *,
    previews: list[PdfPreview],
    title: str,
    note: str,
    name: str,
) -> None:
    """Open a preview window; ``previews`` keeps it alive while it is open."""
    preview = PdfPreview(
        pdf, title=title, file_name=name, note=note, paths=store.paths, parent=parent
    )
    previews.append(preview)
    preview.open()


def issue_once_confirmed(
    parent: QWidget,
    preview: Any,
    *,
    what: str,
    kind: str,
    title: str,
    issue: Callable[[], Any],
    show: Callable[..., None],
    on_failed: Callable[[UserError], None],
) -> None:
    """Ask with the number the document will take; then issue it in the background and
    show what was issued. ``title`` has a ``{number}`` field for the issued reference."""
    if not confirm_issue(parent, preview, what=what):
        return

    def done(issued: Any) -> None:
        label = issued.entry.reference
        show(
            issued.pdf,
            title=title.format(number=label),
            note=_("Issued as number {number}. Print it or save it as PDF.").format(number=label),
            name=issued_name(kind, issued.number, ".pdf"),
        )

    run_in_background(issue, on_done=done, on_failed=on_failed)


class DocumentScreen(Protocol):
    def preview(self) -> None: ...
    def save_word(self) -> None: ...
    def issue(self) -> None: ...


def document_buttons(screen: DocumentScreen) -> tuple[QPushButton, QPushButton, QPushButton]:
    """Preview, Word draft and issue: the actions every document screen offers."""
    preview = QPushButton(_("Previ&ew draft"))
    preview.clicked.connect(screen.preview)
    word = QPushButton(_("Draft as &Word…"))
    word.clicked.connect(screen.save_word)
    issue = QPushButton(_("&Issue…"))
    issue.clicked.connect(screen.issue)
    return preview, word, issue


def word_writer(target: Path, draft: Callable[[], Any]) -> Callable[[], Path]:
    """A background task that renders ``draft()`` to Word at ``target`` and returns it."""

    def write() -> Path:
        from dvdesk.documents.layout import write_file  # noqa: PLC0415 - on demand
        from dvdesk.documents.word import render_docx  # noqa: PLC0415

        write_file(render_docx(draft()), target)
        return target

    return write


def ask_word_file(parent: QWidget, store: Store, name: str) -> Path | None:
    return save_file(
        parent, store.paths, purpose="word", title=_("Save as Word"), name=name, kind=FileKind.DOCX
    )


def saved_text(target: Path) -> str:
    return _("Saved to {file}.").format(file=target)


class MinutesDialog(QDialog):
    """What the meeting adds to the record, then preview or issue the minutes."""

    def __init__(
        self,
        store: Store,
        record: RecordView,
        parent: QWidget | None = None,
        *,
        replaces: Any = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.record = record
        self.replaces = replaces  # the register entry these minutes correct, if any
        self.setWindowTitle(_("Minutes: {title}").format(title=record.title))
        form = self._form(record)
        if replaces is not None:
            form.addRow(QLabel(_("Replaces {number}").format(number=replaces.reference)))
        self.error = QLabel()
        self.error.setObjectName("fieldError")
        self.error.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self._buttons())
        self.previews: list[PdfPreview] = []
        add_help_key(self)
        self.shown_values = self.details()  # what Esc compares with before it asks
        self._offer_last_people()

    def _people_fields(self) -> dict[str, QLineEdit]:
        return {
            "note_taker": self.note_taker,
            "note_taker_post": self.note_taker_post,
            "representative": self.representative,
            "representative_post": self.representative_post,
        }

    def _offer_last_people(self) -> None:
        """Fill in the note-taker and the representative of the office's last minutes."""
        from dvdesk.services.minutes_people import last_minutes_people  # noqa: PLC0415

        def fill(people: Any) -> None:
            untouched = self.details() == self.shown_values
            for name, field in self._people_fields().items():
                if not field.text() and (text := getattr(people, name)):
                    field.setText(text)
            if untouched:  # an offer is not a change: Esc still closes without asking
                self.shown_values = self.details()

        run_in_background(
            lambda: last_minutes_people(self.store), on_done=fill, on_failed=self._failed
        )

    def has_typed_details(self) -> bool:
        """Details typed since the dialog opened (or the minutes were issued)."""
        return self.details() != self.shown_values

    def reject(self) -> None:
        """Esc or Hủy: typed details are not thrown away without asking."""
        if self.has_typed_details():
            answer = ask.question(
                self,
                _("Discard changes?"),
                _("You typed details of the minutes that are not issued. Discard them?"),
                QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Discard:
                return
        super().reject()

    def _form(self, record: RecordView) -> QFormLayout:
        form = QFormLayout()
        self.kind = QComboBox()
        choices = (
            [("dialogue", MINUTES_KINDS[2][1])]
            if record.type is RecordType.DIALOGUE
            else list(MINUTES_KINDS[:2])
        )
        for value, label in choices:
            self.kind.addItem(sentence(_(label)), value)
        self.template = QComboBox()
        for value, label in TEMPLATES:
            self.template.addItem(_(label), value)
        self.note_taker = QLineEdit()
        self.note_taker_post = QLineEdit()
        self.start_time = QLineEdit()
        self.start_time.setPlaceholderText(_("e.g. {example}").format(example="08:00"))
        self.close_time = QLineEdit()
        self.close_time.setPlaceholderText(_("e.g. {example}").format(example="11:30"))
        self.representative = QLineEdit()
        self.representative_post = QLineEdit()
        self.copies = QSpinBox()
        self.copies.setRange(1, 50)
        self.copies.setValue(2)
        # Each detail's key (as the core names it in its messages), label and widget.
        rows: list[tuple[str, str, QWidget]] = [
            ("kind", _("&Meeting"), self.kind),
            ("template", _("&Layout"), self.template),
            ("note_taker", _("&Note-taker"), self.note_taker),
            ("note_taker_post", _("Note-taker's &post"), self.note_taker_post),
            ("start_time", _("&Started at"), self.start_time),
            ("close_time", _("Close&d at"), self.close_time),
        ]
        if record.type is not RecordType.DIALOGUE:
            rows += [
                ("representative", _("Signs for the &organisation"), self.representative),
                ("representative_post", _("Representative's pos&t"), self.representative_post),
            ]
        rows.append(("copies", _("Copies m&ade"), self.copies))
        self.rows = {key: (label, widget) for key, label, widget in rows}
        for _key, label, widget in rows:
            form.addRow(label, widget)
        return form

    def _buttons(self) -> QDialogButtonBox:
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.preview_button, self.word_button, self.issue_button = document_buttons(self)
        for button in (self.preview_button, self.word_button, self.issue_button):
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        # No button is the dialog's default: Enter while typing must not open a preview
        # (or a Word file, or the issue question). A focused button is pressed with Space.
        for pushed in buttons.buttons():
            if isinstance(pushed, QPushButton):
                pushed.setAutoDefault(False)
        buttons.rejected.connect(self.reject)
        return buttons

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        """Enter in a detail goes on to the next one, as Tab does (the record form's single-
        line fields finish with Enter too); in the last one it stays. It never previews."""
        if event.key() not in (Qt.Key.Key_Return, Qt.Key.Key_Enter) or event.modifiers() & ~(
            Qt.KeyboardModifier.KeypadModifier
        ):
            super().keyPressEvent(event)
            return
        event.accept()
        fields = [widget for _label, widget in self.rows.values() if widget.isVisibleTo(self)]
        focused = QApplication.focusWidget()
        if focused is None:
            return
        for index, widget in enumerate(fields[:-1]):
            if focused is widget or widget.isAncestorOf(focused):
                fields[index + 1].setFocus(Qt.FocusReason.TabFocusReason)
                return

    def details(self) -> dict[str, Any]:
        values = {
            "kind": self.kind.currentData(),
            "template": self.template.currentData(),
            "note_taker": self.note_taker.text(),
            "note_taker_post": self.note_taker_post.text(),
            "start_time": self.start_time.text(),
            "close_time": self.close_time.text(),
            "representative": self.representative.text(),
            "representative_post": self.representative_post.text(),
        }
        return {
            **{key: value for key, value in values.items() if value},
            "copies": self.copies.value(),
        }

    def _failed(self, error: UserError) -> None:
        """A detail typed wrong is named by its label, and the cursor goes back to it."""
        if isinstance(error, ValidationFailed) and error.problems:
            key, problem = error.problems[0]
            if key in self.rows:
                label, widget = self.rows[key]
                self.error.setText(
                    _("{label}: {problem}. Correct it, then try again.").format(
                        label=label.replace("&", ""), problem=problem.rstrip(".")
                    )
                )
                widget.setFocus()
                return
        self.error.setText(app_text(error.message))

    def _show(self, pdf: bytes, *, title: str, note: str, name: str) -> None:
        show_pdf(self, self.store, pdf, previews=self.previews, title=title, note=note, name=name)

    def preview(self) -> None:
        from dvdesk.documents.minutes import build_minutes  # noqa: PLC0415 - reportlab on demand

        details = self.details()
        self.error.setText("")
        run_in_background(
            lambda: build_minutes(self.store, record_id=self.record.id, details=details),
            on_done=lambda pdf: self._show(
                pdf,
                title=_("Draft minutes"),
                note=_("Draft: the number is left blank until the minutes are issued."),
                name=file_name(
                    _("Minutes"), _("draft"), self.record.start_date.isoformat(), suffix=".pdf"
                ),
            ),
            on_failed=self._failed,
        )

    def save_word(self) -> None:
        from dvdesk.documents.minutes import draft_minutes  # noqa: PLC0415 - on demand

        target = ask_word_file(
            self,
            self.store,
            file_name(_("Minutes"), _("draft"), self.record.start_date.isoformat(), suffix=".docx"),
        )
        if target is None:
            return
        details = self.details()
        self.error.setText("")

        run_in_background(
            word_writer(
                target,
                lambda: draft_minutes(self.store, record_id=self.record.id, details=details),
            ),
            on_done=lambda path: self.error.setText(saved_text(path)),
            on_failed=self._failed,
        )

    def issue(self) -> None:
        """Show the number the minutes will take; issue only once the clerk confirms it."""
        from dvdesk.documents.minutes import preview_minutes_number  # noqa: PLC0415

        details = self.details()
        self.error.setText("")
        replaces = None if self.replaces is None else self.replaces.id
        run_in_background(
            lambda: preview_minutes_number(
                self.store, record_id=self.record.id, details=details, replaces=replaces
            ),
            on_done=lambda preview: self._issue_confirmed(preview, details, replaces),
            on_failed=self._failed,
        )

    def _issue_confirmed(self, preview: Any, details: dict[str, Any], replaces: Any) -> None:
        from dvdesk.documents.minutes import issue_minutes  # noqa: PLC0415

        issue_once_confirmed(
            self,
            preview,
            what=_("the minutes"),
            kind=_("Minutes"),
            title=_("Minutes {number}"),
            issue=lambda: issue_minutes(
                self.store,
                record_id=self.record.id,
                details=details,
                replaces=replaces,
                expected_number=preview.number,
            ),
            show=partial(self._issued, details),
            on_failed=self._failed,
        )

    def _issued(self, details: dict[str, Any], pdf: bytes, **shown: str) -> None:
        self.shown_values = details  # issued: nothing typed is left to lose
        self._show(pdf, **shown)


class ReportsPage(QWidget):
    """The periodic report: choose the period, write the narrative, preview, issue, export."""

    workbook_saved = Signal(str)
    said = Signal(str)  # a finished action, for the status bar

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.previews: list[PdfPreview] = []
        top = self._period_bar()
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        texts = self._texts_box()
        self._layout(top, texts, self._buttons())
        # Ctrl+S as in the record form; only while the cursor is on this page.
        save = QShortcut(QKeySequence.StandardKey.Save, self)
        save.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        save.activated.connect(self.save_texts)
        self.default_recipients: list[str] = []
        self.default_signer = SignerChoice(capacity=None, post=None, name=None)
        self.load_defaults()

    def load_defaults(self) -> None:
        """Recipients and signer from the office settings (again after they change)."""
        run_in_background(
            lambda: (get_default_recipients(self.store), get_document_settings(self.store)),
            on_done=lambda found: self._got_defaults(*found),
            on_failed=self._failed,
        )

    def _got_defaults(self, recipients: list[str], settings: DocumentSettings) -> None:
        # What the clerk typed for this report stays; only untouched defaults follow.
        typed = self.recipients.toPlainText().strip()
        if not typed or typed.splitlines() == self.default_recipients:
            self.recipients.setPlainText("\n".join(recipients))
        self.default_recipients = recipients
        if self.signer_choice() is None:
            self.signer_capacity.setCurrentText(settings.signer_capacity or "")
            self.signer_post.setText(settings.signer_post or "")
            self.signer_name.setText(settings.signer_name or "")
        self.default_signer = SignerChoice(
            capacity=settings.signer_capacity, post=settings.signer_post, name=settings.signer_name
        )

    def signer_choice(self) -> SignerChoice | None:
        """The signer typed for this report; None while it is the office's own (from settings)."""
        typed = SignerChoice(
            capacity=self.signer_capacity.currentText().strip() or None,
            post=self.signer_post.text().strip() or None,
            name=self.signer_name.text().strip() or None,
        )
        return None if typed == self.default_signer else typed

    def _period_bar(self) -> QHBoxLayout:
        # Made with the page as parent: _default_period shows or hides them before the bar is
        # laid out, and a parentless widget made visible opens as a window of its own (the
        # year box flashed up and took the focus from the main window: trial 3).
        # Made in the order they are read: Ctrl+7 puts the cursor in the kind of period.
        self.kind = QComboBox(self)
        fill_period_kinds(self.kind)
        self.kind.addItem(_("Your own date range"), RANGE)
        self.year = QSpinBox(self)
        self.year.setRange(2000, 2100)
        self.year.setValue(today().year)
        self.range_from = DateField(optional=False, parent=self)
        self.range_to = DateField(optional=False, parent=self)
        self.range_label = QLabel(_("to"), self)
        self.kind.currentIndexChanged.connect(lambda _i: self._show_range())
        self._default_period()
        self.scope = QComboBox()
        self.scope.addItem(_("this office's records"), "own")
        self.scope.addItem(_("with the offices below"), "all")
        top = QHBoxLayout()
        period_label = QLabel(_("Peri&od:"))
        period_label.setBuddy(self.kind)
        explain(period_label, PERIOD)
        scope_label = QLabel(_("S&cope:"))
        scope_label.setBuddy(self.scope)
        for widget in (
            period_label,
            self.kind,
            self.year,
            self.range_from,
            self.range_label,
            self.range_to,
            scope_label,
            self.scope,
        ):
            top.addWidget(widget)
        self.figures_button = QPushButton(_("Show the &figures"))
        self.figures_button.clicked.connect(self.show_figures)
        top.addWidget(self.figures_button)
        top.addStretch(1)
        return top

    def _texts_box(self) -> QGroupBox:
        texts = QGroupBox(_("What the office writes in the report"))
        form = QFormLayout(texts)
        self.situation = QPlainTextEdit()
        self.achievements = QPlainTextEdit()
        self.limitations = QPlainTextEdit()
        self.tasks = QPlainTextEdit()
        for edit in (self.situation, self.achievements, self.limitations, self.tasks):
            edit.setTabChangesFocus(True)
        form.addRow(_("Si&tuation"), self.situation)
        form.addRow(_("&Achievements"), self.achievements)
        form.addRow(_("&Limitations"), self.limitations)
        form.addRow(_("Tas&ks ahead"), self.tasks)
        self.recipients = QPlainTextEdit()
        self.recipients.setTabChangesFocus(True)
        self.recipients.setFixedHeight(self.recipients.fontMetrics().lineSpacing() * 3 + 12)
        self.recipients.setPlaceholderText(
            _("One per line; left empty, the report goes to the office above.")
        )
        form.addRow(_("Recipie&nts"), self.recipients)
        signer_row = self._signer_row()
        form.addRow(self._signer_label(), signer_row)
        return texts

    def _signer_label(self) -> QLabel:
        label = QLabel(_("Signed b&y (this report)"))
        label.setBuddy(self.signer_capacity)
        return label

    def _signer_row(self) -> QHBoxLayout:
        """Filled from the office settings; what is typed here signs this report only."""
        self.signer_capacity = QComboBox()
        self.signer_capacity.setEditable(True)
        self.signer_capacity.addItems(list(CAPACITIES))
        self.signer_capacity.setAccessibleName(_("Signs on behalf (K/T, T/M)"))
        self.signer_capacity.setToolTip(_("Signs on behalf (K/T, T/M)"))
        self.signer_post = QLineEdit()
        self.signer_post.setPlaceholderText(_("Signer's post"))
        self.signer_post.setAccessibleName(_("Signer's post"))
        self.signer_name = QLineEdit()
        self.signer_name.setPlaceholderText(_("Signer's name"))
        self.signer_name.setAccessibleName(_("Signer's name"))
        row = QHBoxLayout()
        row.addWidget(self.signer_capacity, 2)
        row.addWidget(self.signer_post, 2)
        row.addWidget(self.signer_name, 3)
        return row

    def _buttons(self) -> QHBoxLayout:
        buttons = QHBoxLayout()
        self.load_button = QPushButton(_("Loa&d saved texts"))
        self.load_button.clicked.connect(self.load_texts)
        self.save_button = QPushButton(_("Save texts (Ctrl+S)"))
        self.save_button.clicked.connect(self.save_texts)
        self.preview_button, self.word_button, self.issue_button = document_buttons(self)
        self.workbook_button = QPushButton(_("Export work&book…"))
        self.workbook_button.clicked.connect(self.export_workbook)
        for button in (
            self.load_button,
            self.save_button,
            self.preview_button,
            self.word_button,
            self.issue_button,
            self.workbook_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)
        return buttons

    def _layout(self, top: QHBoxLayout, texts: QGroupBox, buttons: QHBoxLayout) -> None:
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(texts, 1)
        layout.addLayout(buttons)

    def _default_period(self) -> None:
        """Open on the report window that ended last (NĐ 09), not always the first half."""
        from dvdesk.documents.period_defaults import latest_ended_period  # noqa: PLC0415

        select_latest_period(self.kind, self.year)
        latest = latest_ended_period(on=today())
        self.range_from.set_value(latest.start.isoformat())
        self.range_to.set_value(latest.end.isoformat())
        self._show_range()

    def _show_range(self) -> None:
        custom = self.kind.currentData() == RANGE
        self.year.setVisible(not custom)
        for widget in (self.range_from, self.range_label, self.range_to):
            widget.setVisible(custom)

    def period_key(self) -> str:
        if self.kind.currentData() == RANGE:
            start, end = self.range_from.typed(), self.range_to.typed()
            if start.value is None or end.value is None:
                raise UserError(start.problem or end.problem or _("Type both dates of the period."))
            return f"{start.value.isoformat()}..{end.value.isoformat()}"
        return f"{self.year.value()}{self.kind.currentData()}"

    def _period(self) -> Any:
        from dvdesk.documents.periods import parse_period  # noqa: PLC0415

        return parse_period(self.period_key())

    def _figures(self) -> Any:
        from dvdesk.documents.figures import Scope, compute_figures  # noqa: PLC0415

        return compute_figures(
            self.store, period=self._period(), scope=Scope(self.scope.currentData())
        )

    def _failed(self, error: UserError) -> None:
        show_error(self, error)

    def show_figures(self) -> None:
        def done(figures: Any) -> None:
            totals = figures.totals
            self.summary.setText(
                _(
                    "{period}: {inspections} inspections of {inspected} organisations; "
                    "{supervisions} supervisions of {supervised}; {dialogues} dialogue "
                    "sessions with {attendees} citizens."
                ).format(
                    # A range's name is its dates already: they are not said twice.
                    period=sentence(
                        with_dates(
                            figures.period.label,
                            figures.period.start.strftime("%d/%m/%Y"),
                            figures.period.end.strftime("%d/%m/%Y"),
                        )
                    ),
                    inspections=number(totals.inspection.sessions),
                    inspected=number(totals.inspection.subjects),
                    supervisions=number(totals.supervision.sessions),
                    supervised=number(totals.supervision.subjects),
                    dialogues=number(totals.dialogue.sessions),
                    attendees=number(totals.dialogue.attendees),
                )
            )

        run_in_background(self._figures, on_done=done, on_failed=self._failed)

    def load_texts(self) -> None:
        from dvdesk.services.narratives import get_narrative  # noqa: PLC0415

        def done(narrative: Any) -> None:
            self.situation.setPlainText(narrative.situation or "")
            self.achievements.setPlainText(narrative.achievements or "")
            self.limitations.setPlainText(narrative.limitations or "")
            self.tasks.setPlainText(narrative.tasks or "")
            saved = list(narrative.recipients) or self.default_recipients
            self.recipients.setPlainText("\n".join(saved))

        run_in_background(
            lambda: get_narrative(self.store, period=self._period()),
            on_done=done,
            on_failed=self._failed,
        )

    def save_texts(self, *, then: Any = None) -> None:
        from dvdesk.services.narratives import save_narrative  # noqa: PLC0415

        changes = {
            "situation": self.situation.toPlainText(),
            "achievements": self.achievements.toPlainText(),
            "limitations": self.limitations.toPlainText(),
            "tasks": self.tasks.toPlainText(),
            "recipients": [
                line.strip().lstrip("-").strip().rstrip(".,;")
                for line in self.recipients.toPlainText().splitlines()
                if line.strip().lstrip("-").strip()
            ],
        }
        run_in_background(
            lambda: save_narrative(self.store, period=self._period(), changes=changes),
            on_done=lambda _n: then() if then else self._texts_saved(),
            on_failed=self._failed,
        )

    def _texts_saved(self) -> None:
        self.said.emit(
            _(
                "Saved the texts of this report's period; “Load saved texts” brings them "
                "back."
            )
        )

    def _show(self, pdf: bytes, *, title: str, note: str, name: str = "") -> None:
        name = name or file_name(_("Report"), _("draft"), self.period_key(), suffix=".pdf")
        show_pdf(self, self.store, pdf, previews=self.previews, title=title, note=note, name=name)

    def preview(self) -> None:
        from dvdesk.documents.report_pdf import build_report_pdf  # noqa: PLC0415

        signer = self.signer_choice()

        def build() -> bytes:
            return build_report_pdf(self.store, figures=self._figures(), signer=signer)

        self.save_texts(
            then=lambda: run_in_background(
                build,
                on_done=lambda pdf: self._show(
                    pdf,
                    title=_("Draft report"),
                    note=_("Draft: the number is left blank until the report is issued."),
                ),
                on_failed=self._failed,
            )
        )

    def save_word(self) -> None:
        from dvdesk.documents.report_pdf import draft_report  # noqa: PLC0415 - on demand

        target = ask_word_file(
            self, self.store, file_name(_("Report"), _("draft"), self.period_key(), suffix=".docx")
        )
        if target is None:
            return

        signer = self.signer_choice()
        write = word_writer(
            target, lambda: draft_report(self.store, figures=self._figures(), signer=signer)
        )
        self.save_texts(
            then=lambda: run_in_background(
                write,
                on_done=lambda path: self.summary.setText(saved_text(path)),
                on_failed=self._failed,
            )
        )

    def issue(self, *, replaces: Any = None) -> None:
        """Save the texts, show the number the report will take, issue once confirmed."""
        from dvdesk.documents.report_pdf import preview_report_number  # noqa: PLC0415

        signer = self.signer_choice()

        def check() -> tuple[Any, Any]:
            figures = self._figures()
            return figures, preview_report_number(
                self.store, figures=figures, replaces=replaces, signer=signer
            )

        self.save_texts(
            then=lambda: run_in_background(
                check,
                on_done=lambda found: self._issue_confirmed(
                    *found, replaces=replaces, signer=signer
                ),
                on_failed=self._failed,
            )
        )

    def _issue_confirmed(
        self, figures: Any, preview: Any, *, replaces: Any, signer: SignerChoice | None
    ) -> None:
        from dvdesk.documents.report_pdf import issue_report  # noqa: PLC0415

        issue_once_confirmed(
            self,
            preview,
            what=_("the report"),
            kind=_("Report"),
            title=_("Report {number}"),
            issue=lambda: issue_report(
                self.store,
                figures=figures,
                replaces=replaces,
                expected_number=preview.number,
                signer=signer,
            ),
            show=self._show,
            on_failed=self._failed,
        )

    def export_workbook(self) -> None:
        from dvdesk.documents.workbook import write_workbook  # noqa: PLC0415
        from dvdesk.services.office_view import get_office  # noqa: PLC0415

        target = save_file(
            self,
            self.store.paths,
            purpose="workbook",
            title=_("Export workbook"),
            name=file_name(_("Figures"), self.period_key(), suffix=".xlsx"),
            kind=FileKind.XLSX,
        )
        if target is None:
            return
        name = str(target)

        def write() -> str:
            office = get_office(self.store).current.name
            write_workbook(self._figures(), office_name=office, target=Path(name))
            return name

        def saved(path: str) -> None:
            self.summary.setText(_("Saved to {file}.").format(file=path))
            self.workbook_saved.emit(path)

        run_in_background(write, on_done=saved, on_failed=self._failed)
