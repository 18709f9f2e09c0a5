"""F1: the user guide's section for the screen in front of the clerk, offline.

The texts are the README's guide, bundled as Markdown in resources/help/vi
(Vietnamese is the language of every office; the English UI shows the same text).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from dvdesk.i18n import _
from dvdesk.paths import RESOURCES_DIR
from ui.screen import fit_to_screen

HELP_DIR = RESOURCES_DIR / "help" / "vi"
TOPICS = (
    "records",
    "follow_ups",
    "reports",
    "exchange",
    "backup",
    "signatures",
    "counts",
    "minutes",
)


def topic_of(page: QWidget | None) -> str:
    """The help topic of a screen, by the kind of page it is."""
    name = type(page).__name__ if page is not None else ""
    return {
        "FollowUpPage": "follow_ups",
        "ReportsPage": "reports",
        "ExchangePage": "exchange",
        "BackupDialog": "backup",
        "MinutesDialog": "minutes",
        "VerifyPage": "signatures",
        "SignDialog": "signatures",
        "CountsDialog": "counts",
    }.get(name, "records")


def help_file(topic: str) -> Path:
    return HELP_DIR / f"{topic}.md"


class HelpDialog(QDialog):
    def __init__(self, topic: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Help"))
        self.text = QTextBrowser()
        self.text.setOpenExternalLinks(False)
        try:
            self.text.setMarkdown(help_file(topic).read_text(encoding="utf-8"))
        except OSError:
            self.text.setPlainText(
                _("The help file {file} is missing: reinstall dvdesk to get it back.").format(
                    file=help_file(topic)
                )
            )
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)
        fit_to_screen(self, 720, 560)


def add_help_key(dialog: QDialog) -> None:
    """F1 in ``dialog`` opens its own topic (the main window's F1 does not reach a dialog)."""
    action = QAction(_("Help"), dialog)
    action.setShortcut(QKeySequence(QKeySequence.StandardKey.HelpContents))
    action.triggered.connect(lambda: _open_help(dialog))
    dialog.addAction(action)


def _open_help(dialog: QDialog) -> None:
    # Owned by the dialog (Qt parent), so it stays alive and closes with it.
    HelpDialog(topic_of(dialog), parent=dialog).open()
