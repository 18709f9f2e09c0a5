"""What the lock screen hides besides the main window's contents: every other window of
the app (forms, dialogs, questions, messages), and how each comes back at the unlock.

A hidden window shows nothing and takes no key, so Enter pressed while locked cannot
answer a hidden question. Forms and dialogs are hidden, not closed, and come back as
they were. A question run by :func:`ui.modal.run_modal` is opened again by it. A
message box opened by Qt's own static functions ends when hidden (it belongs to Qt), so
its words are kept and shown again in a new box.
"""

from __future__ import annotations

from dataclasses import dataclass

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from ui.modal import PUT_AWAY, RUNNING

_PASSING = (Qt.WindowType.ToolTip, Qt.WindowType.Popup, Qt.WindowType.SplashScreen)


@dataclass(frozen=True)
class Message:
    """The words of a message box, to show it again if Qt deleted it meanwhile."""

    icon: QMessageBox.Icon
    title: str
    text: str
    parent: QWidget | None


@dataclass(frozen=True)
class Hidden:
    widget: QWidget
    reopened_by_run_modal: bool
    message: Message | None


def _hidden(widget: QWidget) -> Hidden:
    running = bool(widget.property(RUNNING))
    message = None
    if isinstance(widget, QMessageBox) and not running:
        parent = widget.parentWidget()
        message = Message(widget.icon(), widget.windowTitle(), widget.text(), parent)
    return Hidden(widget, running, message)


def put_away(window: QWidget, screen: QWidget | None) -> list[Hidden]:
    """Hide every visible window of the app but ``window`` (and the lock ``screen``)."""
    while (popup := QApplication.activePopupWidget()) is not None:
        popup.close()  # an open menu or a combo's list
    hidden = [
        _hidden(widget)
        for widget in QApplication.topLevelWidgets()
        if widget.isVisible()
        and widget is not window
        and widget is not screen
        and widget.windowType() not in _PASSING
    ]
    for item in hidden:
        if item.reopened_by_run_modal:
            item.widget.setProperty(PUT_AWAY, True)
        item.widget.hide()
    return hidden


def bring_back(hidden: list[Hidden]) -> None:
    """Show again what :func:`put_away` hid; run_modal reopens its own questions after."""
    for item in hidden:
        alive = shiboken6.isValid(item.widget)
        if item.reopened_by_run_modal and alive:
            continue
        if alive:
            item.widget.show()
        elif item.message is not None:
            _show_again(item.message)


def _show_again(message: Message) -> None:
    parent = message.parent
    if parent is not None and not shiboken6.isValid(parent):
        parent = None  # closed meanwhile
    box = QMessageBox(message.icon, message.title, message.text, QMessageBox.StandardButton.Ok)
    if parent is not None:
        box.setParent(parent, box.windowFlags())
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
