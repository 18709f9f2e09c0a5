"""Shows the progress of the background integrity check and daily backup.

The check runs on the thread pool; its progress crosses to the GUI thread through
a signal and appears in the main window's status bar until it is over.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMainWindow, QWidget

from dvdesk.i18n import _
from dvdesk.services.backup import StartupStage


def stage_text(stage: StartupStage, percent: int) -> str:
    if stage is StartupStage.CHECK:
        return _(
            "Checking the database in the background ({percent}%); you can keep working."
        ).format(percent=percent)
    return _("Making today's backup ({percent}%); you can keep working.").format(percent=percent)


POSTPONED_MS = 20_000


class CheckProgress(QObject):
    """Call :meth:`report` from any thread; the text shows on the GUI thread."""

    moved = Signal(object, int)

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.window = window
        self.last = ""
        self.moved.connect(self._show)

    def report(self, stage: StartupStage, percent: int) -> None:
        self.moved.emit(stage, percent)

    def _show(self, stage: StartupStage, percent: int) -> None:
        self.last = stage_text(stage, percent)
        if isinstance(self.window, QMainWindow):
            self.window.statusBar().showMessage(self.last)

    def postponed(self) -> None:
        """The database was held by another program: no check today, and no alarm."""
        self.last = ""
        if isinstance(self.window, QMainWindow):
            self.window.statusBar().showMessage(
                _(
                    "The database could not be checked now because another program is using "
                    "it; dvdesk checks it again the next time it opens."
                ),
                POSTPONED_MS,
            )

    def finish(self) -> None:
        if isinstance(self.window, QMainWindow) and self.last:
            self.window.statusBar().clearMessage()
        self.last = ""
