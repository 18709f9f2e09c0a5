"""Bugs and known errors, as the user sees them.

Known errors (:class:`UserError`) get a plain message box. Anything else is a
bug: its traceback goes to the log and to a crash file kept for the next start,
and a dialog shows the log tail with a button to copy it.
"""

from __future__ import annotations

import faulthandler
import logging
import sys
import traceback
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import TextIO

from PySide6.QtCore import QtMsgType, qInstallMessageHandler
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from dvdesk.errors import UserError
from dvdesk.i18n import _
from dvdesk.paths import DataPaths
from ui.modal import run_modal
from ui.screen import fit_to_screen

log = logging.getLogger("dvdesk.ui")
TAIL_LINES = 60
# Notices of Qt's windowless platforms (offscreen, minimal), which say nothing about
# dvdesk; logging them at start would load the log file's handler before the first paint.
IGNORED_QT_MESSAGES = frozenset({"This plugin does not support propagateSizeHints()"})
# faulthandler writes a native crash (in Qt, a driver …) here; the next start turns a
# non-empty file into a crash log, so it is reported like any other crash.
NATIVE_FAULTS = "native-faults.log"


def show_error(parent: QWidget | None, error: UserError) -> None:
    """A known error in a message box; commands in it become the app's own buttons."""
    from ui.next_steps import show_error as show_step  # noqa: PLC0415 - avoids a cycle

    show_step(parent, error)


def crash_files(paths: DataPaths) -> list[Path]:
    return sorted(paths.logs.glob("crash-*.log"))


class CrashDialog(QDialog):
    def __init__(self, report: str, crash_file: Path | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("dvdesk met an unexpected error"))
        layout = QVBoxLayout(self)
        where = str(crash_file) if crash_file else _("(no log file could be written)")
        intro = QLabel(
            _(
                "Something went wrong inside dvdesk. What you saved before is safe; an open "
                "form keeps its draft. Please copy the details below and send them to support. "
                "They are also saved in: {file}"
            ).format(file=where)
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.details = QPlainTextEdit(report)
        self.details.setReadOnly(True)
        layout.addWidget(self.details)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        copy = QPushButton(_("Copy details"))
        copy.clicked.connect(self.copy)
        buttons.addButton(copy, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        fit_to_screen(self, 720, 480)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.details.toPlainText())


class CrashHandler:
    """Installed as ``sys.excepthook`` while the app runs."""

    def __init__(self, paths: DataPaths, *, show_dialog: bool = True) -> None:
        self.paths = paths
        self.show_dialog = show_dialog
        self._busy = False
        self.last_report: str | None = None
        self.native_faults: TextIO | None = None

    def install(self) -> None:
        sys.excepthook = self
        self.native_faults = trace_native_faults(self.paths)

    def __call__(
        self,
        kind: type[BaseException],
        error: BaseException,
        trace: TracebackType | None,
    ) -> None:
        if isinstance(error, UserError):
            show_error(QApplication.activeWindow(), error)
            return
        report = "".join(traceback.format_exception(kind, error, trace))
        log.error("unexpected error:\n%s", report)
        crash_file = self._write(report)
        self.last_report = report
        if self._busy or not self.show_dialog or QApplication.instance() is None:
            return
        self._busy = True
        try:
            tail = _log_tail(self.paths.log_file) or report
            dialog = CrashDialog(tail, crash_file, QApplication.activeWindow())
            # Lock-aware: the lock screen hides it (the details may quote the office's
            # data) and it comes back after the unlock; only the user closes it.
            run_modal(dialog)
            dialog.deleteLater()  # it has a parent, which would keep it otherwise
        finally:
            self._busy = False

    def _write(self, report: str) -> Path | None:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        target = self.paths.logs / f"crash-{stamp}.log"
        try:
            self.paths.logs.mkdir(parents=True, exist_ok=True)
            target.write_text(report, encoding="utf-8")
        except OSError:
            return None
        return target


def trace_native_faults(paths: DataPaths) -> TextIO | None:
    """Let a native crash leave the Python stacks of every thread in the logs folder.

    The file stays open for the life of the process (faulthandler writes to its
    descriptor when the process is already dying). Returns it, or None if the logs
    folder cannot be written.
    """
    current = paths.logs / NATIVE_FAULTS
    try:
        paths.logs.mkdir(parents=True, exist_ok=True)
        if current.is_file() and current.stat().st_size > 0:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
            current.replace(paths.logs / f"crash-{stamp}-native.log")
        handle = current.open("w", encoding="utf-8")
    except OSError:
        return None
    faulthandler.enable(file=handle, all_threads=True)
    return handle


def _log_tail(log_file: Path) -> str:
    try:
        lines = log_file.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    return "\n".join(lines[-TAIL_LINES:])


def route_qt_messages() -> None:
    """Send Qt's own warnings to dvdesk's log instead of the console."""

    def handler(kind: QtMsgType, _context: object, message: str) -> None:
        if message in IGNORED_QT_MESSAGES:
            return
        level = logging.WARNING if kind != QtMsgType.QtDebugMsg else logging.DEBUG
        if kind in (QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg):
            level = logging.ERROR
        logging.getLogger("dvdesk.qt").log(level, "%s", message)

    qInstallMessageHandler(handler)
