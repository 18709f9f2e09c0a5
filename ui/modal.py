"""Modal dialogs that survive the lock screen.

A dialog waiting in ``exec()`` ends its wait when it is hidden, and the code that
opened it would take that for "Cancel" (or, for a question, "No"). The lock screen must
hide every dialog, so dialogs are run through :func:`run_modal`: when the lock put the
dialog away, it waits for the unlock and opens the same dialog again, in the state it
had, and only an answer the user gave returns.

A native dialog (Windows' print dialog) cannot be hidden: it stays on screen over the
lock and its wait ends only when one of its buttons is pressed. An answer given while
a lock happened is not the signed-in user's: it is dropped and the dialog asked again.
"""

from __future__ import annotations

from typing import Final

from PySide6.QtCore import QEventLoop, QObject, Signal
from PySide6.QtWidgets import QDialog

# Set on a dialog the lock hid; cleared by run_modal once it has opened it again.
PUT_AWAY: Final = "dvdeskPutAway"
# Set while run_modal waits on a dialog: the lock leaves opening it again to run_modal.
RUNNING: Final = "dvdeskRunModal"


class LockState(QObject):
    """Whether the screen is locked; ``released`` is emitted at the unlock."""

    released = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.locked = False
        self.locks = 0  # how many times the screen was locked: a lock in between shows

    def lock(self) -> None:
        self.locked = True
        self.locks += 1

    def release(self) -> None:
        self.locked = False
        self.released.emit()


_STATE: list[LockState] = []  # one, made on first use (after the QApplication)


def lock_state() -> LockState:
    if not _STATE:
        _STATE.append(LockState())
    return _STATE[0]


def run_modal(dialog: QDialog) -> int:
    """``dialog.exec()``, opened again after an unlock if the lock hid it meanwhile."""
    state = lock_state()
    dialog.setProperty(RUNNING, True)
    try:
        while True:
            locks = state.locks
            result = dialog.exec()
            if not dialog.property(PUT_AWAY) and state.locks == locks:
                return result
            dialog.setProperty(PUT_AWAY, False)
            if state.locked:
                waiting = QEventLoop()
                state.released.connect(waiting.quit)
                waiting.exec()
                state.released.disconnect(waiting.quit)
            if state.locked:  # the wait ended without an unlock: the app is quitting
                return int(QDialog.DialogCode.Rejected)
    finally:
        dialog.setProperty(RUNNING, False)
