"""Vietnamese for Qt's own buttons and dialogs, which Qt does not translate itself.

Qt asks every installed QTranslator for (context, source text). This one answers
from dvdesk's catalog for the strings of standard buttons, message boxes, the
wizard, text-field context menus and the file dialog; the source texts are
listed here (marked with ``N_``) so extraction keeps them in the catalog.
"""

from __future__ import annotations

from PySide6.QtCore import QTranslator

from dvdesk.i18n import N_, _, current_language

# The context menu of a line edit; a rich text control adds its own entries after it.
_EDIT_MENU = (
    N_("&Undo"),
    N_("&Redo"),
    N_("Cu&t"),
    N_("&Copy"),
    N_("&Paste"),
    N_("Delete"),
    N_("Select All"),
)

QT_STRINGS: dict[str, tuple[str, ...]] = {
    "QPlatformTheme": (
        N_("OK"),
        N_("Save"),
        N_("Save All"),
        N_("Open"),
        N_("&Yes"),
        N_("Yes to &All"),
        N_("&No"),
        N_("N&o to All"),
        N_("Abort"),
        N_("Retry"),
        N_("Ignore"),
        N_("Close"),
        N_("Cancel"),
        N_("Discard"),
        N_("Help"),
        N_("Apply"),
        N_("Reset"),
        N_("Restore Defaults"),
        N_("Don't Save"),
        N_("Close without Saving"),
    ),
    "QMessageBox": (N_("Show Details..."), N_("Hide Details..."), N_("OK")),
    "QDialogButtonBox": (N_("OK"), N_("Cancel"), N_("&OK"), N_("&Cancel")),
    "QWizard": (
        N_("< &Back"),
        N_("&Next >"),
        N_("&Finish"),
        N_("Cancel"),
        N_("&Help"),
        N_("Go Back"),
        N_("Continue"),
        N_("Commit"),
        N_("Done"),
        N_("Help"),
    ),
    "QLineEdit": _EDIT_MENU,
    "QWidgetTextControl": (*_EDIT_MENU, N_("Copy &Link Location")),
    "QFileDialog": (
        N_("Look in:"),
        N_("File &name:"),
        N_("Files of type:"),
        N_("&Open"),
        N_("&Save"),
        N_("Cancel"),
        N_("Back"),
        N_("Forward"),
        N_("Parent Directory"),
        N_("Create New Folder"),
        N_("List View"),
        N_("Detail View"),
        N_("All Files (*)"),
        N_("Directories"),
        N_("Directory:"),
        N_("&Choose"),
        N_("New Folder"),
        N_("&Delete"),
        N_("&Rename"),
        N_("Show &hidden files"),
        N_("Open"),
        N_("Save As"),
        N_("Find Directory"),
        N_("Recent Places"),
        N_("My Computer"),
        N_("Computer"),
        N_("%1 already exists.\nDo you want to replace it?"),
        N_("%1\nFile not found.\nPlease verify the correct file name was given."),
    ),
    "QFileSystemModel": (N_("Name"), N_("Size"), N_("Type"), N_("Date Modified"), N_("Kind")),
    "QAbstractSpinBox": (N_("&Step up"), N_("Step &down"), N_("&Select All")),
    "QPrintDialog": (N_("Print"), N_("&Print"), N_("Printer"), N_("Print to File (PDF)")),
}
_KNOWN = {(context, text) for context, texts in QT_STRINGS.items() for text in texts}


class QtVietnamese(QTranslator):
    """Answers Qt's own strings from dvdesk's catalog while the language is Vietnamese."""

    def translate(
        self,
        context: str,
        sourceText: str,  # noqa: N803 - Qt's parameter name
        disambiguation: str | None = None,
        n: int = -1,
    ) -> str | None:
        # None (a null QString) means "not translated here"; "" would replace Qt's text
        # with an empty string.
        if current_language() == "en" or (context, sourceText) not in _KNOWN:
            return None
        return _(sourceText)

    def isEmpty(self) -> bool:  # noqa: N802 - Qt API
        return False
