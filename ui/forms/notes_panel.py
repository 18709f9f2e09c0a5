"""“Ghi chú của cơ quan”: this office's notes on the record the form shows.

On another office's record the form is read only; a note is the one thing this office
may add (the record itself never changes). Each note is saved at once, on its own,
apart from the form's Save: it is this office's data and is never sent in packages.
Ctrl+G puts the cursor in the note box; Ctrl+Enter adds (or saves the note being
edited); only one's own notes can be edited or deleted.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from dvdesk.errors import UserError
from dvdesk.formatting import local_time
from dvdesk.i18n import _
from dvdesk.services.notes import NoteView, add_note, delete_note, edit_note, list_notes
from dvdesk.services.store import Store
from ui.ask import confirm
from ui.crash import show_error
from ui.worker import run_in_background

NOTES_SHORTCUT = "Ctrl+G"
NOTE_ROLE = Qt.ItemDataRole.UserRole


def note_heading(note: NoteView) -> str:
    edited = ""
    if note.updated_at:
        edited = _(" (edited {when})").format(when=local_time(note.updated_at))
    return f"{local_time(note.created_at)} · {note.author}{edited}"


class NotesPanel(QGroupBox):
    """The notes of one saved record, with a box to add one and buttons for one's own."""

    changed = Signal()

    def __init__(
        self, store: Store, record_id: str, *, say: Callable[[str], None], parent: QWidget | None
    ) -> None:
        super().__init__(_("This office's notes ({key})").format(key=NOTES_SHORTCUT), parent)
        self.setObjectName("notesPanel")
        self.store, self.record_id, self.say = store, record_id, say
        self.notes: list[NoteView] = []
        self.editing: str | None = None  # the id of the note being edited, if any
        self.busy = False
        self._build()
        self.focus_action = QAction(_("This office's notes"), self)
        self.focus_action.setShortcut(QKeySequence(NOTES_SHORTCUT))
        self.focus_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.focus_action.triggered.connect(self.focus_editor)
        self.addAction(self.focus_action)  # WindowShortcut: works anywhere in the form
        add_shortcut = QAction(self)
        add_shortcut.setShortcuts([QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")])
        add_shortcut.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        add_shortcut.triggered.connect(self.submit)
        self.editor.addAction(add_shortcut)

    def _build(self) -> None:
        hint = QLabel(
            _(
                "Notes stay in this office: they are not sent in packages and do not change "
                "the record. Ctrl+Enter adds the note."
            )
        )
        hint.setWordWrap(True)
        self.list = QListWidget()
        self.list.setAccessibleName(_("This office's notes"))
        self.list.setWordWrap(True)
        self.list.setSpacing(3)
        self.list.setMaximumHeight(150)
        self.list.currentItemChanged.connect(lambda *_args: self._enable())
        self.editor = QPlainTextEdit()
        self.editor.setTabChangesFocus(True)
        self.editor.setAccessibleName(_("New note"))
        self.editor.setPlaceholderText(_("e.g. Passed to the Ban Tuyên giáo for an answer"))
        self.editor.setFixedHeight(self.editor.fontMetrics().lineSpacing() * 3 + 14)
        self.add_button = QPushButton(_("Add &note"))
        self.add_button.clicked.connect(self.submit)
        self.edit_button = QPushButton(_("&Edit my note"))
        self.edit_button.clicked.connect(self.start_edit)
        self.delete_button = QPushButton(_("&Delete my note"))
        self.delete_button.clicked.connect(self.delete_selected)
        self.cancel_button = QPushButton(_("Stop editing"))
        self.cancel_button.clicked.connect(self.stop_edit)
        self.cancel_button.hide()
        buttons = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.delete_button, self.cancel_button):
            button.setAutoDefault(False)  # Enter in the form must not add a note
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.list)
        layout.addWidget(self.editor)
        layout.addLayout(buttons)
        self._enable()

    # ----------------------------------------------------------------- state

    def selected_note(self) -> NoteView | None:
        item = self.list.currentItem()
        note_id = item.data(NOTE_ROLE) if item is not None else None
        return next((note for note in self.notes if note.id == note_id), None)

    def _enable(self) -> None:
        note = self.selected_note()
        mine = note is not None and note.mine and not self.busy
        self.edit_button.setEnabled(mine and self.editing is None)
        self.delete_button.setEnabled(mine and self.editing is None)
        self.add_button.setEnabled(not self.busy)

    def has_unsaved_text(self) -> bool:
        return bool(self.editor.toPlainText().strip())

    def unsaved_text(self) -> str:
        """What the form's draft keeps of this panel: the typed text, if any."""
        return self.editor.toPlainText() if self.has_unsaved_text() else ""

    def restore(self, *, text: str, editing: str | None) -> None:
        """Put a draft's typed note back, as a new note or as the edit it was."""
        if editing is not None:
            self._begin_edit(editing, text)
        else:
            self.editor.setPlainText(text)

    def focus_editor(self) -> None:
        """Ctrl+G: the cursor into the note box, scrolled into view."""
        area = self.parent()
        while area is not None and not isinstance(area, QScrollArea):
            area = area.parent()
        if isinstance(area, QScrollArea):  # the buttons under the box in view too
            area.ensureWidgetVisible(self.add_button)
            area.ensureWidgetVisible(self.editor)
        self.editor.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.say(_("Type the note, then Ctrl+Enter to add it."))

    # ------------------------------------------------------------- database

    def load(self, *, select: str | None = None) -> None:
        record_id = self.record_id
        run_in_background(
            lambda: list_notes(self.store, record_id=record_id),
            on_done=lambda notes: self._show(notes, select),
            on_failed=self._failed,
        )

    def _show(self, notes: list[NoteView], select: str | None) -> None:
        self.notes = notes
        self.list.clear()
        for note in notes:
            item = QListWidgetItem(f"{note_heading(note)}\n{note.text}")
            item.setData(NOTE_ROLE, note.id)
            self.list.addItem(item)
            if note.id == select:
                self.list.setCurrentItem(item)
        if not notes:
            placeholder = QListWidgetItem(_("No notes yet."))
            placeholder.setFlags(Qt.ItemFlag.NoItemFlags)
            self.list.addItem(placeholder)
        self._enable()

    def _failed(self, error: UserError) -> None:
        self.busy = False
        self._enable()
        self.say(_("The note was not saved."))
        show_error(self, error)

    def submit(self) -> None:
        """Add the typed note, or save the note being edited."""
        if self.busy:
            return
        text = self.editor.toPlainText()
        if not text.strip():
            self.say(_("The note is empty: type it first, then Ctrl+Enter."))
            self.editor.setFocus()
            return
        self.busy = True
        self._enable()
        editing = self.editing
        if editing is None:
            record_id = self.record_id
            run_in_background(
                lambda: add_note(self.store, record_id=record_id, text=text),
                on_done=lambda note: self._saved(note, _("Note added. It stays in this office.")),
                on_failed=self._failed,
            )
        else:
            run_in_background(
                lambda: edit_note(self.store, note_id=editing, text=text),
                on_done=lambda note: self._saved(note, _("The note was changed.")),
                on_failed=self._failed,
            )

    def _saved(self, note: NoteView, message: str) -> None:
        self.busy = False
        self.editor.clear()
        self.stop_edit()
        self.say(message)
        self.load(select=note.id)
        self.changed.emit()

    def start_edit(self) -> None:
        note = self.selected_note()
        if note is None or not note.mine:
            self.say(_("Select one of your own notes first."))
            return
        self._begin_edit(note.id, note.text)
        self.editor.setFocus()
        self.say(_("Change the note, then Ctrl+Enter to save it."))

    def _begin_edit(self, note_id: str, text: str) -> None:
        self.editing = note_id
        self.editor.setPlainText(text)
        self.add_button.setText(_("Save the &note"))
        self.cancel_button.show()
        self._enable()

    def stop_edit(self) -> None:
        if self.editing is not None:
            self.editor.clear()
        self.editing = None
        self.add_button.setText(_("Add &note"))
        self.cancel_button.hide()
        self._enable()

    def delete_selected(self) -> None:
        note = self.selected_note()
        if note is None or not note.mine or self.busy:
            self.say(_("Select one of your own notes first."))
            return
        if not confirm(
            self,
            title=_("Delete note?"),
            text=_("Delete your note of {when}? The audit log keeps what it said.").format(
                when=local_time(note.created_at)
            ),
        ):
            return
        self.busy = True
        self._enable()

        def deleted(_result: None) -> None:
            self.busy = False
            self.say(_("The note was deleted."))
            self.load()
            self.list.setFocus()
            self.changed.emit()

        run_in_background(
            lambda: delete_note(self.store, note_id=note.id),
            on_done=deleted,
            on_failed=self._failed,
        )
