"""Questions before an action that replaces or removes something, and messages that say
what happened: both outlast a lock of the screen (see ui.modal)."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from ui.modal import run_modal

Button = QMessageBox.StandardButton
YES_NO = Button.Yes | Button.No


def question(
    parent: QWidget | None,
    title: str,
    text: str,
    buttons: Button = YES_NO,
    default: Button = Button.NoButton,
) -> Button:
    """Like ``QMessageBox.question``, but the question outlasts a lock of the screen:
    the lock hides it, the unlock shows it again, and only the user's answer counts."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, buttons, parent)
    if default != Button.NoButton:
        box.setDefaultButton(default)
    run_modal(box)
    answer = box.standardButton(box.clickedButton())
    box.deleteLater()  # it has a parent, which would keep it otherwise
    return answer


def confirm(parent: QWidget, *, title: str, text: str) -> bool:
    """True only when the user chose Yes; No is the default so Enter does no harm."""
    return question(parent, title, text, YES_NO, Button.No) == Button.Yes


def tell(
    parent: QWidget | None,
    title: str,
    text: str,
    *,
    icon: QMessageBox.Icon = QMessageBox.Icon.Information,
) -> None:
    """Like ``QMessageBox.information``, but hidden at a lock and shown again after it
    (what it says — an import's offices, a file's place — is not for whoever walks by)."""
    box = QMessageBox(icon, title, text, Button.Ok, parent)
    run_modal(box)
    box.deleteLater()
