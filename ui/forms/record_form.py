"""The form to create or edit one record, by keyboard from top to bottom.

Values are collected into the same dict ``dvdesk record add`` takes and validated
by the same pydantic model; each problem is shown under its field (Vorta's way,
no pop-ups). Every change is snapshotted for undo and written to a crash-safe
draft; Ctrl+S saves, Esc asks before throwing changes away.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import Any

from pydantic import BaseModel
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
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
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from dvdesk.domain.enums import (
    DirectiveKind,
    FollowUpStatus,
    IssueKind,
    IssuerLevel,
    ModelField,
    RecognitionLevel,
    RecordStatus,
    RecordType,
    SupervisionKind,
)
from dvdesk.domain.inputs import INPUT_MODELS, DialogueIssueInput, RecommendationInput
from dvdesk.domain.record_view import RecordView, input_values
from dvdesk.domain.validation import required_fields, validate
from dvdesk.errors import UserError, ValidationFailed
from dvdesk.formatting import sentence
from dvdesk.i18n import N_, _
from dvdesk.services.records import add_record, update_record
from dvdesk.services.store import Store
from ui import ask
from ui.crash import show_error
from ui.forms.drafts import Draft, delete_draft, draft_key, save_draft
from ui.forms.notes_panel import NOTES_SHORTCUT, NotesPanel
from ui.forms.widgets import DateField, LinesField, LongTextField, PartColumn, PartsTable
from ui.screen import fit_to_screen
from ui.worker import database_worker, run_in_background

SNAPSHOT_DELAY_MS = 400
LEGAL_BASES = (
    "Quyết định 23-QĐ/TW",
    "Kết luận 120-KL/TW",
    "Quyết định 99-QĐ/TW",
    "Luật Thực hiện dân chủ ở cơ sở năm 2022",
    "Quy định 124-QĐ/TW",
)
TITLES = {
    RecordType.INSPECTION: (N_("New inspection"), N_("Edit inspection")),
    RecordType.SUPERVISION: (N_("New supervision"), N_("Edit supervision")),
    RecordType.DIALOGUE: (N_("New dialogue session"), N_("Edit dialogue session")),
    RecordType.DIRECTIVE: (N_("New leadership document"), N_("Edit leadership document")),
    RecordType.MODEL: (N_('New "Dân vận khéo" model'), N_('Edit "Dân vận khéo" model')),
}
# Parts tables whose empty cells are left out of the input, like the form's own fields.
PART_KEYS = ("recommendations", "issues", "recognitions")


def _set_text(edit: QLineEdit, value: str | None) -> None:
    edit.setText(value or "")


def _set_combo_text(combo: QComboBox, value: str | None) -> None:
    combo.setCurrentText(value or "")


def _set_number(spin: QSpinBox, value: int | None) -> None:
    spin.setValue(int(value or 0))


class _Snapshot(QUndoCommand):
    def __init__(self, form: RecordForm, before: dict[str, Any], after: dict[str, Any]) -> None:
        super().__init__(_("change"))
        self.form, self.before, self.after = form, before, after
        self._first = True

    def redo(self) -> None:
        if self._first:  # the change is already on screen when the command is pushed
            self._first = False
            return
        self.form.apply_state(self.after)

    def undo(self) -> None:
        self.form.apply_state(self.before)


class _Field:
    """A widget with its error label and how to read and set its value."""

    def __init__(self, widget: QWidget, get: Callable[[], Any], put: Callable[[Any], None]) -> None:
        self.widget, self.get, self.put = widget, get, put
        self.error = QLabel()
        self.error.setObjectName("fieldError")
        self.error.setWordWrap(True)
        self.error.hide()
        self.container = QWidget()
        layout = QVBoxLayout(self.container)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(widget)
        layout.addWidget(self.error)

    def show_error(self, message: str | None) -> None:
        self.error.setText(message or "")
        self.error.setVisible(bool(message))
        self.widget.setProperty("invalid", bool(message))
        self.widget.style().unpolish(self.widget)
        self.widget.style().polish(self.widget)


class RecordForm(QDialog):
    """Create (``record`` is None) or edit a record of ``record_type``."""

    saved = Signal(str)

    def __init__(
        self,
        store: Store,
        record_type: RecordType,
        record: RecordView | None = None,
        *,
        draft: Draft | None = None,
        owner_name: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.record_type = record_type
        self.record_id: str | None = record.id if record else None
        self.revision: int | None = record.revision if record else None
        self.fields: dict[str, _Field] = {}
        self.invalid_keys: list[str] = []
        self.touched: set[str] = set()
        self.show_all_errors = False
        self.saving = False
        self.closed_for_exit = False  # the main window closed it: its draft is never deleted
        self.setWindowTitle(_(TITLES[record_type][0 if record is None else 1]))
        self.undo_stack = QUndoStack(self)
        self.initial: dict[str, Any] | None = None  # None while the form is being filled in
        self._build()
        if record is not None:
            self.apply_state(self._state_from_record(record))
        self.initial = self.collect()
        if draft is not None:
            if self.notes is not None and draft.note:
                self.notes.restore(text=draft.note, editing=draft.note_editing)
            if owner_name is None:  # another office's record: only the typed note comes back
                self.apply_state(draft.state)
                self.touched.update(draft.state)
        self.last_state = self.collect()
        self._snapshot_timer = QTimer(self, singleShot=True, interval=SNAPSHOT_DELAY_MS)
        self._snapshot_timer.timeout.connect(self.snapshot)
        self._connect_changes()
        self.validate_now()
        self.read_only = owner_name is not None
        if owner_name is not None:
            self._make_read_only(owner_name)
        # A dialogue's matters table has eight columns: at 960 px its content was ~80 px.
        fit_to_screen(self, 1240 if record_type is RecordType.DIALOGUE else 960, 660)
        self.first_field().setFocus()  # the cursor is where the clerk types first
        if self.notes is not None:
            self.notes.load()

    def say(self, message: str) -> None:
        """Confirm a finished step in the form's status line."""
        self.status.setText(message)

    def _make_read_only(self, owner_name: str) -> None:
        """Another office's record: shown for reading; only its own office may change it."""
        self.setWindowTitle(_("Record of {office}").format(office=owner_name))
        self.banner = QLabel(
            _(
                "Record of {office}: read only. Only that office may change or delete it; "
                "ask them to correct it and send a new package. This office's own notes go "
                "at the bottom ({key})."
            ).format(office=owner_name, key=NOTES_SHORTCUT)
        )
        self.banner.setObjectName("readOnlyBanner")
        self.banner.setWordWrap(True)
        layout = self.layout()
        if isinstance(layout, QVBoxLayout):
            layout.insertWidget(0, self.banner)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, (QLineEdit, QPlainTextEdit, QSpinBox)):
                widget.setReadOnly(True)
            elif isinstance(widget, PartsTable):
                widget.set_read_only()
            else:
                widget.setEnabled(False)
        self.save_action.setEnabled(False)
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        save.hide()
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Close"))

    def show_help(self) -> None:
        from ui.help import HelpDialog  # noqa: PLC0415 - rarely opened

        self.help_dialog = HelpDialog("records", parent=self)
        self.help_dialog.open()

    def first_field(self) -> QWidget:
        return next(iter(self.fields.values())).widget

    # ------------------------------------------------------------------ layout

    def _build(self) -> None:
        body = QWidget()
        sections = QVBoxLayout(body)
        for section in self._sections():
            sections.addWidget(section)
        self.notes: NotesPanel | None = None
        if self.record_id is not None:  # a saved record (own or another office's) takes notes
            self.notes = NotesPanel(self.store, self.record_id, say=self.say, parent=body)
            sections.addWidget(self.notes)
        sections.addStretch(1)
        self.scroller = scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        # Not a Tab stop: from the last button, Tab goes back to the first field instead
        # of to the scroll area, where the cursor would vanish.
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        scroll.setWidget(body)

        self._actions()
        self._footer(scroll)

    def _actions(self) -> None:
        """Undo, redo, save and help: keys that work anywhere in the form."""
        self.undo_action = self.undo_stack.createUndoAction(self, _("Undo"))
        self.undo_action.setShortcuts([QKeySequence(QKeySequence.StandardKey.Undo)])
        self.redo_action = self.undo_stack.createRedoAction(self, _("Redo"))
        self.redo_action.setShortcuts(
            [QKeySequence(QKeySequence.StandardKey.Redo), QKeySequence("Ctrl+Y")]
        )
        for action in (self.undo_action, self.redo_action):
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.addAction(action)
        self.save_action = QAction(_("Save"), self)
        self.save_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Save))
        self.save_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.save_action.triggered.connect(self.save)
        self.addAction(self.save_action)
        help_action = QAction(_("Help"), self)
        help_action.setShortcut(QKeySequence(QKeySequence.StandardKey.HelpContents))
        help_action.triggered.connect(self.show_help)
        self.addAction(help_action)

    def _footer(self, scroll: QScrollArea) -> None:
        undo_button = QPushButton(_("Undo"))
        undo_button.clicked.connect(self.undo_stack.undo)
        self.undo_stack.canUndoChanged.connect(undo_button.setEnabled)
        undo_button.setEnabled(False)
        redo_button = QPushButton(_("Redo"))
        redo_button.clicked.connect(self.undo_stack.redo)
        self.undo_stack.canRedoChanged.connect(redo_button.setEnabled)
        redo_button.setEnabled(False)
        for button in (undo_button, redo_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)

        self.status = QLabel()
        self.status.setObjectName("formStatus")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setToolTip(_("Save (Ctrl+S)"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        footer = QHBoxLayout()
        footer.addWidget(undo_button)
        footer.addWidget(redo_button)
        footer.addWidget(self.status, 1)
        footer.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addLayout(footer)

    def _sections(self) -> list[QGroupBox]:
        """The form's sections for its record type, top to bottom."""
        sections = [self._general_section()]
        if self.record_type is RecordType.DIALOGUE:
            sections += [self._dialogue_section(), self._issues_section()]
        elif self.record_type is RecordType.DIRECTIVE:
            sections.append(self._directive_section())
        elif self.record_type is RecordType.MODEL:
            sections += [self._model_section(), self._recognitions_section()]
        else:
            sections.append(self._session_section())
        if self.record_type not in (RecordType.DIRECTIVE, RecordType.MODEL):
            sections.append(self._recommendations_section())
        return sections

    def _add(self, form: QFormLayout, key: str, label: str, field: _Field) -> None:
        self.fields[key] = field
        form.addRow(_marked(label, key, INPUT_MODELS[self.record_type]), field.container)

    def _line(self, form: QFormLayout, key: str, label: str, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit()
        edit.setPlaceholderText(placeholder)
        self._add(form, key, label, _Field(edit, edit.text, partial(_set_text, edit)))
        return edit

    def _date(self, form: QFormLayout, key: str, label: str, *, optional: bool) -> None:
        edit = DateField(optional=optional)
        self._add(form, key, label, _Field(edit, edit.state, edit.set_state))

    def _lines(self, form: QFormLayout, key: str, label: str, placeholder: str) -> None:
        edit = LinesField(placeholder)
        self._add(form, key, label, _Field(edit, edit.value, edit.set_value))

    def _long(self, form: QFormLayout, key: str, label: str) -> None:
        edit = LongTextField()
        self._add(form, key, label, _Field(edit, edit.value, edit.set_value))

    def _combo(
        self, form: QFormLayout, key: str, label: str, choices: list[tuple[str | None, str]]
    ) -> None:
        combo = QComboBox()
        for value, text in choices:
            combo.addItem(text, value)

        def put(value: Any, c: QComboBox = combo) -> None:
            c.setCurrentIndex(max(c.findData(value), 0))

        self._add(form, key, label, _Field(combo, combo.currentData, put))

    def _general_section(self) -> QGroupBox:
        box = QGroupBox(_("General"))
        form = QFormLayout(box)
        title_label, start_label, example = {
            RecordType.DIRECTIVE: (
                _("Subject"),
                _("Date of issue"),
                _("e.g. On strengthening mass mobilisation work in the new situation"),
            ),
            RecordType.MODEL: (
                _("Name of the model"),
                _("Date registered"),
                _("e.g. Model “Citizens ask, the authorities answer”"),
            ),
            RecordType.SUPERVISION: (
                _("Title"),
                _("Start date"),
                _("e.g. Supervision of the grassroots democracy rules at …"),
            ),
            RecordType.DIALOGUE: (
                _("Title"),
                _("Start date"),
                _("e.g. Dialogue of the Party secretary with the people on …"),
            ),
        }.get(
            self.record_type,
            (
                _("Title"),
                _("Start date"),
                _("e.g. Inspection of the grassroots democracy rules at …"),
            ),
        )
        # No maxLength: a too-long pasted title is kept whole and its field says so
        # (Qt would cut it silently and the tail would be lost).
        self._line(form, "title", title_label, example)
        self._date(form, "start_date", start_label, optional=False)
        self._date(form, "end_date", _("End date"), optional=True)
        self._line(form, "place", _("Place"))
        self._lines(
            form, "fields", _("Fields of work"), _("One per line, e.g. Quy chế dân chủ ở cơ sở")
        )
        legal = QComboBox()
        legal.setEditable(True)
        legal.addItem("")
        legal.addItems(list(LEGAL_BASES))
        legal.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self._add(
            form,
            "legal_basis",
            _("Legal basis"),
            _Field(legal, legal.currentText, partial(_set_combo_text, legal)),
        )
        statuses: list[tuple[str | None, str]] = [(None, _("(by date)"))]
        statuses += [(s.value, sentence(s.label)) for s in RecordStatus]
        self._combo(form, "status", _("Status"), statuses)
        self._long(form, "conclusion", _("Conclusion"))
        return box

    def _session_section(self) -> QGroupBox:
        is_inspection = self.record_type is RecordType.INSPECTION
        box = QGroupBox(_("Inspection team") if is_inspection else _("Supervision team"))
        form = QFormLayout(box)
        self._lines(form, "subjects", _("Organisations"), _("One organisation per line"))
        if not is_inspection:
            self._combo(
                form,
                "kind",
                _("Supervision kind"),
                [(k.value, sentence(k.label)) for k in SupervisionKind],
            )
        self._line(form, "decision_number", _("Decision number"), "12-QĐ/BTGDVTU")
        self._date(form, "decision_date", _("Decision date"), optional=True)
        self._line(form, "lead", _("Team lead"))
        self._lines(form, "members", _("Team members"), _("One person per line"))
        self._long(form, "findings", _("Findings"))
        self._line(form, "conclusion_number", _("Conclusion notice number"))
        self._date(form, "conclusion_date", _("Conclusion notice date"), optional=True)
        return box

    def _dialogue_section(self) -> QGroupBox:
        box = QGroupBox(_("Dialogue session"))
        form = QFormLayout(box)
        self._line(form, "chair", _("Chair"))
        self._line(form, "chair_post", _("Chair's post"), _("e.g. Bí thư Đảng ủy xã"))
        self._lines(form, "co_chairs", _("Co-chairs"), _("One person per line"))
        attendees = QSpinBox()
        attendees.setRange(0, 1_000_000)
        attendees.setGroupSeparatorShown(True)
        self._add(
            form,
            "attendees",
            _("Citizens attending"),
            _Field(attendees, attendees.value, partial(_set_number, attendees)),
        )
        self._line(form, "attendee_groups", _("Who attended"))
        return box

    def _directive_section(self) -> QGroupBox:
        box = QGroupBox(_("Leadership document"))
        form = QFormLayout(box)
        self._line(form, "number", _("Number and symbol *"), "12-NQ/TU")
        self._combo(
            form,
            "kind",
            _("Kind of document *"),
            [(k.value, sentence(k.label)) for k in DirectiveKind],
        )
        self._line(form, "kind_name", _("Name of the other kind"), _("e.g. Thông báo"))
        self._line(form, "issuer", _("Issued by *"), _("e.g. Ban Thường vụ Tỉnh ủy"))
        levels: list[tuple[str | None, str]] = [(None, "")]
        levels += [(level.value, sentence(level.label)) for level in IssuerLevel]
        self._combo(form, "issuer_level", _("Level of the issuer"), levels)
        return box

    def _model_section(self) -> QGroupBox:
        box = QGroupBox(_('"Dân vận khéo" model'))
        form = QFormLayout(box)
        self._combo(
            form,
            "field",
            _("Field of the model *"),
            [(f.value, sentence(f.label)) for f in ModelField],
        )
        self._line(form, "owner", _("Built by (unit or person) *"), _("e.g. Hội Nông dân xã"))
        return box

    def _recognitions_section(self) -> QGroupBox:
        box = QGroupBox(_("Recognitions"))
        layout = QVBoxLayout(box)
        table = PartsTable(
            [
                PartColumn(
                    "level",
                    _("Level *"),
                    "choice",
                    [(level.value, sentence(level.label)) for level in RecognitionLevel],
                    RecognitionLevel.XA.value,
                    140,
                ),
                PartColumn("date", _("Date *"), "date", width=110),
                PartColumn("decision", _("Decision")),
            ],
            _("Add a recognition"),
        )
        self._add_table("recognitions", table, layout)
        return box

    def _issues_section(self) -> QGroupBox:
        box = QGroupBox(_("Matters raised by citizens"))
        layout = QVBoxLayout(box)
        table = PartsTable(
            _marked_columns(
                DialogueIssueInput,
                PartColumn("content", _("Content")),
                PartColumn(
                    "kind",
                    _("Classification"),
                    "choice",
                    [(k.value, sentence(k.label)) for k in IssueKind],
                    IssueKind.KIEN_NGHI.value,
                    120,
                ),
                PartColumn("raised_by", _("Raised by"), width=130),
                PartColumn("protect_identity", _("Keep name secret"), "check", width=150),
                PartColumn("answer", _("Answer on the spot")),
                PartColumn("assignee", _("Assigned to"), width=120),
                PartColumn("deadline", _("Deadline"), "date", width=100),
                _status_column(None, 130),
            ),
            _("Add a matter"),
        )
        self._add_table("issues", table, layout)
        return box

    def _recommendations_section(self) -> QGroupBox:
        box = QGroupBox(_("Recommendations to follow up"))
        layout = QVBoxLayout(box)
        table = PartsTable(
            _marked_columns(
                RecommendationInput,
                PartColumn("content", _("Content")),
                PartColumn("addressee", _("Addressed to"), width=180),
                PartColumn("deadline", _("Deadline"), "date", width=100),
                _status_column(FollowUpStatus.OPEN.value, 130),
            ),
            _("Add a recommendation"),
        )
        self._add_table("recommendations", table, layout)
        return box

    def _add_table(self, key: str, table: PartsTable, layout: QVBoxLayout) -> None:
        field = _Field(table, table.value, table.set_value)
        self.fields[key] = field
        layout.addWidget(field.container)

    # ------------------------------------------------------------------ state

    def _state_from_record(self, record: RecordView) -> dict[str, Any]:
        values = input_values(record)
        return {key: values.get(key) for key in self.fields}

    def collect(self) -> dict[str, Any]:
        return {key: field.get() for key, field in self.fields.items()}

    def apply_state(self, state: dict[str, Any]) -> None:
        for key, value in state.items():
            field = self.fields.get(key)
            if field is None:
                continue
            field.widget.blockSignals(True)
            if isinstance(field.widget, PartsTable):
                field.widget.table.blockSignals(True)
            field.put(value)
            if isinstance(field.widget, PartsTable):
                field.widget.table.blockSignals(False)
            field.widget.blockSignals(False)
        self.last_state = self.collect()
        self.validate_now()
        self._write_draft()

    def input_data(self) -> dict[str, Any]:
        """The collected values in the shape the input model takes."""
        # A date typed wrong ({"typed": …}) is left out: validate_now names its problem.
        data = {
            key: value
            for key, value in self.collect().items()
            if value not in (None, "") and not isinstance(value, dict)
        }
        for key in PART_KEYS:
            if key in data:
                data[key] = [
                    {k: v for k, v in item.items() if v not in (None, "")} for item in data[key]
                ]
        return data

    def is_dirty(self) -> bool:
        return self.collect() != self.initial

    # ------------------------------------------------------------- reactions

    def _connect_changes(self) -> None:
        for key, field in self.fields.items():
            widget = field.widget
            signal = None
            if isinstance(widget, (QLineEdit, LinesField, LongTextField)):
                signal = widget.textChanged
            elif isinstance(widget, QSpinBox):
                signal = widget.valueChanged
            elif isinstance(widget, QComboBox):
                signal = widget.currentTextChanged
            elif isinstance(widget, PartsTable):
                signal = widget.changed
            if signal is not None:
                signal.connect(lambda *_args, k=key: self._changed(k))
            if isinstance(widget, DateField):  # typed dates are judged when the field is left
                widget.editingFinished.connect(self.validate_now)
        if self.notes is not None:  # a note typed but not yet added is kept in the draft too
            self.notes.editor.textChanged.connect(self._snapshot_timer.start)

    def _changed(self, key: str) -> None:
        self.touched.add(key)
        self._snapshot_timer.start()
        self.validate_now()

    def snapshot(self) -> None:
        """Record the current state for undo and in the draft file."""
        self._snapshot_timer.stop()
        state = self.collect()
        if state != self.last_state:
            self.undo_stack.push(_Snapshot(self, self.last_state, state))
            self.last_state = state
        self._write_draft()  # also when only the note box changed

    def _write_draft(self) -> None:
        if self.initial is None:
            return
        key = draft_key(self.record_type.value, self.record_id)
        state = self.collect()
        changed = state != self.initial
        note = self.notes.unsaved_text() if self.notes is not None else ""
        if not changed and not note:
            delete_draft(self.store.paths, key)
            return
        try:
            save_draft(
                self.store.paths,
                Draft(
                    key=key,
                    record_type=self.record_type.value,
                    record_id=self.record_id,
                    revision=self.revision,
                    state=state if changed else {},  # only the note: the record comes as saved
                    saved_at="",
                    note=note,
                    note_editing=self.notes.editing if self.notes is not None and note else None,
                ),
            )
        except OSError:
            self.status.setText(_("Could not save a draft: check the disk."))

    def validate_now(self) -> list[tuple[str, str]]:
        problems: list[tuple[str, str]] = []
        try:
            validate(INPUT_MODELS[self.record_type], self.input_data())
        except ValidationFailed as failure:
            problems = failure.problems
        by_key: dict[str, list[str]] = {}
        for path, message in problems:
            key = path.split(".")[0].split("[")[0]
            by_key.setdefault(key, []).append(self._describe(path, message))
        for key, field in self.fields.items():
            if isinstance(field.widget, DateField) and (problem := field.widget.problem()):
                problems.append((key, problem))
                # Half-typed dates are not judged until the clerk leaves the field.
                typing = field.widget.hasFocus() and not self.show_all_errors
                by_key[key] = [] if typing else [problem]
        self.invalid_keys = [key for key in self.fields if by_key.get(key)]
        for key, field in self.fields.items():
            visible = self.show_all_errors or key in self.touched
            field.show_error("; ".join(by_key[key]) if visible and key in by_key else None)
            if isinstance(field.widget, PartsTable):
                self._mark_cells(field.widget, key, problems if visible else [])
        return problems

    def _describe(self, path: str, message: str) -> str:
        if "[" not in path:
            return message[:1].upper() + message[1:]
        row = int(path.split("[")[1].split("]", maxsplit=1)[0]) + 1
        column = path.rsplit("].", maxsplit=1)[-1] if "]." in path else ""
        table = self.fields[path.split("[", maxsplit=1)[0]].widget
        titles = (
            {c.key: c.title.rstrip(" *") for c in table.columns}
            if isinstance(table, PartsTable)
            else {}
        )
        return _("row {row}, {column}: {message}").format(
            row=row, column=titles.get(column, column), message=message
        )

    def _mark_cells(self, table: PartsTable, key: str, problems: list[tuple[str, str]]) -> None:
        for row in range(table.table.rowCount()):
            for column in table.columns:
                table.mark_cell(row, column.key, None)
        for path, message in problems:
            if path.startswith(f"{key}[") and "]." in path:
                row = int(path.split("[")[1].split("]")[0])
                table.mark_cell(row, path.split("].")[-1], message)

    # ------------------------------------------------------------- save/close

    def save(self) -> None:
        if self.saving or self.read_only:
            return
        self.snapshot()
        self.show_all_errors = True
        problems = self.validate_now()
        if problems:
            self.status.setText(_("Fix the fields marked in red, then save again."))
            self.focus_first_invalid(problems)
            return
        data = self.input_data()
        self.saving = True
        self.setEnabled(False)
        # One worker runs every database job in turn: behind a long one (an import), the
        # save waits its turn, and says so, instead of failing on a locked database.
        self.status.setText(
            _("Busy… the record is saved as soon as the current job finishes.")
            if database_worker().is_busy()
            else _("Saving…")
        )
        run_in_background(self._save_call(data), on_done=self._saved, on_failed=self._save_failed)

    def focus_first_invalid(self, problems: list[tuple[str, str]]) -> None:
        """Put the cursor in the first red field on screen and scroll it into view."""
        if not self.invalid_keys:
            return
        key = self.invalid_keys[0]
        field = self.fields[key]
        self.scroller.ensureWidgetVisible(field.container)
        if isinstance(field.widget, PartsTable):
            rows = [
                int(path.split("[")[1].split("]")[0])
                for path, _message in problems
                if path.startswith(f"{key}[")
            ]
            field.widget.focus_cell(min(rows) if rows else 0, 0)
        else:
            field.widget.setFocus(Qt.FocusReason.OtherFocusReason)

    def _save_call(self, data: dict[str, Any]) -> Callable[[], str]:
        """What saving does, as a call for the worker thread; it returns the record id."""
        record_id = self.record_id
        if record_id is None:
            return partial(add_record, self.store, record_type=self.record_type, data=data)
        changes = data | {"revision": self.revision}

        def update() -> str:
            update_record(self.store, record_id=record_id, changes=changes)
            return record_id

        return update

    def _saved(self, record_id: str) -> None:
        self.saving = False
        self.setEnabled(True)
        delete_draft(self.store.paths, draft_key(self.record_type.value, self.record_id))
        self.initial = self.collect()
        self.saved.emit(record_id)
        self.accept()

    def _save_failed(self, error: UserError) -> None:
        self.saving = False
        self.setEnabled(True)
        self.status.setText(_("Not saved."))
        show_error(self, error)

    def reject(self) -> None:
        if self.saving or self.closed_for_exit:
            return
        if self.is_dirty() or (self.notes is not None and self.notes.has_unsaved_text()):
            answer = ask.question(
                self,
                _("Discard changes?"),
                _("You have changes that are not saved. Discard them?"),
                QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel,
            )
            # While the question was open the main window may have closed the form and
            # kept its draft: a late "Discard" must not delete that draft.
            if answer != QMessageBox.StandardButton.Discard or self.closed_for_exit:
                return
        delete_draft(self.store.paths, draft_key(self.record_type.value, self.record_id))
        super().reject()

    def close_keeping_draft(self) -> None:
        """The main window is closing (Alt+F4, log-off, shutdown): keep what was typed as a
        draft (offered back at the next start) and close without asking."""
        self.closed_for_exit = True
        self._snapshot_timer.stop()
        self.last_state = self.collect()
        self._write_draft()  # the last keystrokes, even those the snapshot timer still held
        for question in self.findChildren(QMessageBox):
            question.reject()  # a question already on screen is withdrawn, not answered
        self.done(QDialog.DialogCode.Rejected)


def _marked(label: str, key: str, model: type[BaseModel]) -> str:
    """The label with the required mark if the input model requires ``key`` (once: some
    labels of the registers' sections carry the mark already)."""
    if label.endswith(" *"):
        return label
    return f"{label} *" if key in required_fields(model) else label


def _marked_columns(model: type[BaseModel], *columns: PartColumn) -> list[PartColumn]:
    return [replace(c, title=_marked(c.title, c.key, model)) for c in columns]


def _status_column(default: str | None, width: int) -> PartColumn:
    statuses = [(s.value, sentence(s.label)) for s in FollowUpStatus]
    return PartColumn("status", _("Status"), "choice", statuses, default, width)
