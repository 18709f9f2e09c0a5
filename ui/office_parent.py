"""The office one level up, in the office settings: shown, set, or moved.

An office set up without a parent (every province before the central level existed) names
it here; before the first package is sent a mistyped one can be corrected. Afterwards a
change is a move to a new office above (docs/reparenting.md): it needs the key passphrase,
makes a new key card, and the part says what to do next.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QLineEdit, QPushButton, QWidget

from dvdesk.domain.enums import OfficeLevel
from dvdesk.errors import UserError, ValidationFailed
from dvdesk.i18n import _
from dvdesk.services.office import (
    CENTRAL_CODE,
    CENTRAL_NAME,
    OfficeView,
    check_parent,
    set_parent,
)
from dvdesk.services.store import Store
from dvdesk.sync.card_advice import move_advice, parent_advice
from dvdesk.sync.move import MoveResult, move_to_parent
from ui import ask
from ui.next_steps import app_text
from ui.small_widgets import password_edit
from ui.worker import run_in_background

_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


def parent_text(office: OfficeView) -> str:
    if office.level is OfficeLevel.CENTRAL:
        return _("None: the central office is the top of the hierarchy.")
    if office.parent_code is None:
        return _("Not set yet: packages cannot be sent up until it is.")
    return _("{name} ({code})").format(name=office.parent_name, code=office.parent_code)


class ParentBox(QGroupBox):
    """Shows the office above; with ``changeable``, two fields and a button to set it."""

    # The office above was set (the message says so): the window rereads the office.
    parent_set = Signal(str)

    def __init__(
        self,
        store: Store,
        office: OfficeView,
        *,
        changeable: bool,
        movable: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(_("Office above (receives this office's packages)"), parent)
        self.store = store
        self.office = office
        self.level = office.level
        self.moving = movable and not changeable
        form = self.form = QFormLayout(self)
        self.current = QLabel(parent_text(office))
        self.current.setWordWrap(True)
        form.addRow(_("Currently"), self.current)
        self.name = QLineEdit()
        self.code = QLineEdit()
        self.passphrase = password_edit()
        self.button = QPushButton(_("Set the office above"))
        self.problem = QLabel()
        self.problem.setObjectName("fieldError")
        self.problem.setWordWrap(True)
        self.note = QLabel()
        self.note.setWordWrap(True)
        if not changeable and not movable:
            return
        if self.moving:
            self.button.setText(_("Move to the new office above"))
            explained = QLabel(
                _(
                    "This office has sent packages to the office above. If it now reports to "
                    "another office (as after the reorganisation of 1 July 2025), type that "
                    "office and the key passphrase: this office gets a new key card, which the "
                    "new office above must enrol."
                )
            )
            explained.setWordWrap(True)
            form.addRow("", explained)
        else:
            name, code = _prefill(office)
            self.name.setText(name)
            self.code.setText(code)
        self.name.setPlaceholderText(_("e.g. Ban Tuyên giáo và Dân vận Thành ủy Hà Nội"))
        self.code.setPlaceholderText(_("e.g. 01"))
        self.code.setMaximumWidth(120)
        form.addRow(_("Name of the office above"), self.name)
        form.addRow(_("Its code"), self.code)
        if self.moving:
            form.addRow(_("Key passphrase"), self.passphrase)
            self.passphrase.returnPressed.connect(self.save)
        form.addRow("", self.button)
        form.addRow("", self.problem)
        form.addRow("", self.note)
        self._show(self.note, "")
        self.name.textChanged.connect(self._check)
        self.code.textChanged.connect(self._check)
        self.name.returnPressed.connect(self.save)
        self.code.returnPressed.connect(self.save)
        self.button.clicked.connect(self.save)
        self._check()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        # Enter in the two fields sets the parent; it must not also save and close the dialog.
        if event.key() in _ENTER:
            event.accept()
            return
        super().keyPressEvent(event)

    def _values(self) -> tuple[str, str]:
        return self.code.text().strip(), self.name.text().strip()

    def _check(self) -> bool:
        """Check the shape as the user types (the core's own check; no database)."""
        code, name = self._values()
        try:
            check_parent(level=self.level, code=code, name=name)
        except ValidationFailed as error:
            typed = bool(code or name)
            self._show(self.problem, error.problems[0][1] if typed and error.problems else "")
            self.button.setEnabled(False)
            return False
        self._show(self.problem, "")
        self.button.setEnabled(True)
        return True

    def _show(self, label: QLabel, text: str) -> None:
        """An empty message takes no room in the form."""
        label.setText(text)
        self.form.setRowVisible(label, bool(text))

    def save(self) -> None:
        if not self._check():
            (self.code if self.name.text().strip() else self.name).setFocus()
            if not self.problem.text():
                self._show(self.problem, _("Type the name and the code of the office above."))
            return
        code, name = self._values()
        if self.moving:
            self._move(code, name)
            return
        if not ask.confirm(
            self,
            title=_("Office above"),
            text=_(
                "From now on this office's packages go to {name} ({code}). Once a package "
                "is sent, changing it is a move that makes a new key card. Set it?"
            ).format(name=name, code=code),
        ):
            return
        self.button.setEnabled(False)
        self._show(self.note, "")
        run_in_background(
            lambda: set_parent(self.store, code=code, name=name),
            on_done=self._done,
            on_failed=self._refused,
        )

    def _move(self, code: str, name: str) -> None:
        passphrase = self.passphrase.text()
        if not passphrase:
            self._show(self.problem, _("Type the key passphrase: a move makes a new key card."))
            self.passphrase.setFocus()
            return
        if not ask.confirm(
            self,
            title=_("Move to a new office above"),
            text=_(
                "From now on this office reports to {name} ({code}) instead of {old}. It gets "
                "a new key card, which {name} must enrol after you read it the fingerprint by "
                "phone; nothing more is sent to {old}. Move it?"
            ).format(name=name, code=code, old=self.office.parent_name),
        ):
            return
        self.button.setEnabled(False)
        self._show(self.note, "")
        self._show(self.problem, "")
        run_in_background(
            lambda: move_to_parent(self.store, code=code, name=name, passphrase=passphrase),
            on_done=self._moved,
            on_failed=self._refused,
        )

    def _moved(self, moved: MoveResult) -> None:
        self.office = moved.office
        self.passphrase.clear()
        self.current.setText(parent_text(moved.office))
        self.button.setEnabled(True)
        advice = move_advice(
            old_name=moved.old_name,
            new_name=moved.office.parent_name or "",
            new_code=moved.office.parent_code or "",
            fingerprint=moved.fingerprint,
        )
        self._show(self.note, advice)
        self.parent_set.emit(advice)

    def _done(self, office: OfficeView) -> None:
        self.current.setText(parent_text(office))
        self.button.setEnabled(True)
        self._show(self.note, parent_advice(office))
        self.parent_set.emit(parent_advice(office))

    def _refused(self, error: UserError) -> None:
        self.button.setEnabled(True)
        self._show(self.problem, app_text(error.message))
        self.code.setFocus()


def _prefill(office: OfficeView) -> tuple[str, str]:
    if office.parent_code is not None:
        return office.parent_name or "", office.parent_code
    if office.level is OfficeLevel.PROVINCE:
        return CENTRAL_NAME, CENTRAL_CODE
    return "", ""
