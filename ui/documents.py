"""Biên bản and báo cáo in the app: fill in what the meeting adds, preview, issue, print.

A preview is a draft: no number, marked DỰ THẢO, the register untouched; it can
also be saved as Word to edit the wording. "Phát hành" first shows the number
the document will take and issues only once that is confirmed; the issued
document is shown, ready to print or save, and is kept in the register.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
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
from dvdesk.errors import UserError
from dvdesk.formatting import number, sentence
from dvdesk.i18n import N_, _
from dvdesk.services.store import Store
from ui.crash import show_error
from ui.pdf_preview import PdfPreview
from ui.worker import run_in_background

MINUTES_KINDS = (
    ("working_session", N_("working session with the organisation")),
    ("conclusion", N_("meeting announcing the conclusion")),
    ("dialogue", N_("dialogue session")),
)
TEMPLATES = (
    ("party", N_("Party format (Hướng dẫn 36-HD/VPTW)")),
    ("state", N_("State format (Nghị định 30/2020/NĐ-CP)")),
)
PERIOD_KINDS = (
    ("", N_("whole year")),
    ("-H1", N_("first 6 months")),
    ("-H2", N_("last 6 months")),
    ("-9M", N_("9 months")),
    ("-Q1", N_("quarter I")),
    ("-Q2", N_("quarter II")),
    ("-Q3", N_("quarter III")),
    ("-Q4", N_("quarter IV")),
)
MONTH_LABEL = N_("month {month}")


def confirm_issue(parent: QWidget, preview: Any, *, what: str) -> bool:
    """Ask before issuing, showing the number the document will take."""
    answer = QMessageBox.question(
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


def ask_word_file(parent: QWidget, default_name: str) -> Path | None:
    name, _filter = QFileDialog.getSaveFileName(
        parent, _("Save as Word"), default_name, _("Word documents (*.docx)")
    )
    if not name:
        return None
    return Path(name if name.lower().endswith(".docx") else f"{name}.docx")


def word_saved(parent: QWidget, target: Path) -> None:
    QMessageBox.information(parent, _("Saved"), _("Saved to {file}.").format(file=target))


class MinutesDialog(QDialog):
    """What the meeting adds to the record, then preview or issue the minutes."""

    def __init__(
        self,
        store: Store,
        record: dict[str, Any],
        parent: QWidget | None = None,
        *,
        replaces: Any = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.record = record
        self.replaces = replaces  # the register entry these minutes correct, if any
        self.setWindowTitle(_("Minutes: {title}").format(title=record["title"]))
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

    def _form(self, record: dict[str, Any]) -> QFormLayout:
        form = QFormLayout()
        self.kind = QComboBox()
        choices = (
            [("dialogue", MINUTES_KINDS[2][1])]
            if record["type"] == "dialogue"
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
        form.addRow(_("Meeting"), self.kind)
        form.addRow(_("Layout"), self.template)
        form.addRow(_("Note-taker"), self.note_taker)
        form.addRow(_("Note-taker's post"), self.note_taker_post)
        form.addRow(_("Started at"), self.start_time)
        form.addRow(_("Closed at"), self.close_time)
        self.representative = QLineEdit()
        self.representative_post = QLineEdit()
        if record["type"] != "dialogue":
            form.addRow(_("Signs for the organisation"), self.representative)
            form.addRow(_("Representative's post"), self.representative_post)
        self.copies = QSpinBox()
        self.copies.setRange(1, 50)
        self.copies.setValue(2)
        form.addRow(_("Copies made"), self.copies)
        return form

    def _buttons(self) -> QDialogButtonBox:
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.preview_button = QPushButton(_("Preview draft"))
        self.preview_button.clicked.connect(self.preview)
        self.word_button = QPushButton(_("Draft as Word…"))
        self.word_button.clicked.connect(self.save_word)
        self.issue_button = QPushButton(_("Issue…"))
        self.issue_button.clicked.connect(self.issue)
        for button in (self.preview_button, self.word_button, self.issue_button):
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        return buttons

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
        self.error.setText(error.message)

    def _show(self, pdf: bytes, *, title: str, note: str) -> None:
        preview = PdfPreview(
            pdf,
            title=title,
            file_name=f"bien-ban-{self.record['id'][:8]}.pdf",
            note=note,
            parent=self,
        )
        self.previews.append(preview)
        preview.open()

    def preview(self) -> None:
        from dvdesk.documents.minutes import build_minutes  # noqa: PLC0415 - reportlab on demand

        details = self.details()
        self.error.setText("")
        run_in_background(
            lambda: build_minutes(self.store, record_id=self.record["id"], details=details),
            on_done=lambda pdf: self._show(
                pdf,
                title=_("Draft minutes"),
                note=_("Draft: the number is left blank until the minutes are issued."),
            ),
            on_failed=self._failed,
        )

    def save_word(self) -> None:
        from dvdesk.documents.layout import write_file  # noqa: PLC0415 - on demand
        from dvdesk.documents.minutes import draft_minutes  # noqa: PLC0415
        from dvdesk.documents.word import render_docx  # noqa: PLC0415

        target = ask_word_file(self, f"du-thao-bien-ban-{self.record['id'][:8]}.docx")
        if target is None:
            return
        details = self.details()
        self.error.setText("")

        def write() -> Path:
            draft = draft_minutes(self.store, record_id=self.record["id"], details=details)
            write_file(render_docx(draft), target)
            return target

        run_in_background(
            write, on_done=lambda path: word_saved(self, path), on_failed=self._failed
        )

    def issue(self) -> None:
        """Show the number the minutes will take; issue only once the clerk confirms it."""
        from dvdesk.documents.minutes import preview_minutes_number  # noqa: PLC0415

        details = self.details()
        self.error.setText("")
        replaces = None if self.replaces is None else self.replaces.id
        run_in_background(
            lambda: preview_minutes_number(
                self.store, record_id=self.record["id"], details=details, replaces=replaces
            ),
            on_done=lambda preview: self._issue_confirmed(preview, details, replaces),
            on_failed=self._failed,
        )

    def _issue_confirmed(self, preview: Any, details: dict[str, Any], replaces: Any) -> None:
        from dvdesk.documents.minutes import issue_minutes  # noqa: PLC0415

        if not confirm_issue(self, preview, what=_("the minutes")):
            return

        def done(issued: Any) -> None:
            label = issued.entry.reference
            self._show(
                issued.pdf,
                title=_("Minutes {number}").format(number=label),
                note=_("Issued as number {number}. Print it or save it as PDF.").format(
                    number=label
                ),
            )

        run_in_background(
            lambda: issue_minutes(
                self.store,
                record_id=self.record["id"],
                details=details,
                replaces=replaces,
                expected_number=preview.number,
            ),
            on_done=done,
            on_failed=self._failed,
        )


class ReportsPage(QWidget):
    """The periodic report: choose the period, write the narrative, preview, issue, export."""

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.previews: list[PdfPreview] = []
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(today().year)
        self.kind = QComboBox()
        for suffix, label in PERIOD_KINDS:
            self.kind.addItem(sentence(_(label)), suffix)
        for month in range(1, 13):
            self.kind.addItem(sentence(_(MONTH_LABEL).format(month=month)), f"-M{month:02d}")
        self.kind.setCurrentIndex(1)
        self.scope = QComboBox()
        self.scope.addItem(_("this office's records"), "own")
        self.scope.addItem(_("with the offices below"), "all")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        top = QHBoxLayout()
        for widget in (QLabel(_("Period:")), self.kind, self.year, QLabel(_("Scope:")), self.scope):
            top.addWidget(widget)
        self.figures_button = QPushButton(_("Show the figures"))
        self.figures_button.clicked.connect(self.show_figures)
        top.addWidget(self.figures_button)
        top.addStretch(1)
        texts = self._texts()
        buttons = self._buttons()
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(texts, 1)
        layout.addLayout(buttons)

    def _texts(self) -> QGroupBox:
        texts = QGroupBox(_("What the office writes in the report"))
        form = QFormLayout(texts)
        self.situation = QPlainTextEdit()
        self.achievements = QPlainTextEdit()
        self.limitations = QPlainTextEdit()
        self.tasks = QPlainTextEdit()
        self.recipients = QPlainTextEdit()
        self.recipients.setPlaceholderText(_("one recipient a line; the archive copy is added"))
        for edit in (
            self.situation,
            self.achievements,
            self.limitations,
            self.tasks,
            self.recipients,
        ):
            edit.setTabChangesFocus(True)
        form.addRow(_("Situation"), self.situation)
        form.addRow(_("Achievements"), self.achievements)
        form.addRow(_("Limitations"), self.limitations)
        form.addRow(_("Tasks ahead"), self.tasks)
        form.addRow(_("Recipients"), self.recipients)
        return texts

    def _buttons(self) -> QHBoxLayout:
        buttons = QHBoxLayout()
        self.load_button = QPushButton(_("Load saved texts"))
        self.load_button.clicked.connect(self.load_texts)
        self.save_button = QPushButton(_("Save texts"))
        self.save_button.clicked.connect(self.save_texts)
        self.preview_button = QPushButton(_("Preview draft"))
        self.preview_button.clicked.connect(self.preview)
        self.word_button = QPushButton(_("Draft as Word…"))
        self.word_button.clicked.connect(self.save_word)
        self.issue_button = QPushButton(_("Issue…"))
        self.issue_button.clicked.connect(self.issue)
        self.workbook_button = QPushButton(_("Export workbook…"))
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

    def period_key(self) -> str:
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
                    "{period} ({start} – {end}): {inspections} inspections of {inspected} "
                    "organisations; {supervisions} supervisions of {supervised}; {dialogues} "
                    "dialogue sessions with {attendees} citizens."
                ).format(
                    period=figures.period.label,
                    start=figures.period.start.strftime("%d/%m/%Y"),
                    end=figures.period.end.strftime("%d/%m/%Y"),
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
            self.recipients.setPlainText("\n".join(narrative.recipients))
            self.achievements.setPlainText(narrative.achievements or "")
            self.limitations.setPlainText(narrative.limitations or "")
            self.tasks.setPlainText(narrative.tasks or "")

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
            on_done=lambda _n: then() if then else None,
            on_failed=self._failed,
        )

    def _show(self, pdf: bytes, *, title: str, note: str) -> None:
        preview = PdfPreview(
            pdf, title=title, file_name=f"bao-cao-{self.period_key()}.pdf", note=note, parent=self
        )
        self.previews.append(preview)
        preview.open()

    def preview(self) -> None:
        from dvdesk.documents.report_pdf import build_report_pdf  # noqa: PLC0415

        def build() -> bytes:
            return build_report_pdf(self.store, figures=self._figures())

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
        from dvdesk.documents.layout import write_file  # noqa: PLC0415 - on demand
        from dvdesk.documents.report_pdf import draft_report  # noqa: PLC0415
        from dvdesk.documents.word import render_docx  # noqa: PLC0415

        target = ask_word_file(self, f"du-thao-bao-cao-{self.period_key()}.docx")
        if target is None:
            return

        def write() -> Path:
            write_file(render_docx(draft_report(self.store, figures=self._figures())), target)
            return target

        self.save_texts(
            then=lambda: run_in_background(
                write, on_done=lambda path: word_saved(self, path), on_failed=self._failed
            )
        )

    def issue(self, *, replaces: Any = None) -> None:
        """Save the texts, show the number the report will take, issue once confirmed."""
        from dvdesk.documents.report_pdf import preview_report_number  # noqa: PLC0415

        def check() -> tuple[Any, Any]:
            figures = self._figures()
            return figures, preview_report_number(self.store, figures=figures, replaces=replaces)

        self.save_texts(
            then=lambda: run_in_background(
                check,
                on_done=lambda found: self._issue_confirmed(*found, replaces=replaces),
                on_failed=self._failed,
            )
        )

    def _issue_confirmed(self, figures: Any, preview: Any, *, replaces: Any) -> None:
        from dvdesk.documents.report_pdf import issue_report  # noqa: PLC0415

        if not confirm_issue(self, preview, what=_("the report")):
            return

        def done(issued: Any) -> None:
            label = issued.entry.reference
            self._show(
                issued.pdf,
                title=_("Report {number}").format(number=label),
                note=_("Issued as number {number}. Print it or save it as PDF.").format(
                    number=label
                ),
            )

        run_in_background(
            lambda: issue_report(
                self.store,
                figures=figures,
                replaces=replaces,
                expected_number=preview.number,
            ),
            on_done=done,
            on_failed=self._failed,
        )

    def export_workbook(self) -> None:
        from dvdesk.documents.workbook import write_workbook  # noqa: PLC0415
        from dvdesk.services.office_view import get_office  # noqa: PLC0415

        name, _filter = QFileDialog.getSaveFileName(
            self,
            _("Export workbook"),
            f"thong-ke-{self.period_key()}.xlsx",
            _("Excel workbooks (*.xlsx)"),
        )
        if not name:
            return

        def write() -> str:
            office = get_office(self.store).current.name
            write_workbook(self._figures(), office_name=office, target=Path(name))
            return name

        def saved(path: str) -> None:
            QMessageBox.information(self, _("Saved"), _("Saved to {file}.").format(file=path))

        run_in_background(write, on_done=saved, on_failed=self._failed)
