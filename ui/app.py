"""Starting the desktop app: Qt set-up, Vietnamese, error handling, first run."""

from __future__ import annotations

import logging
import os
import sys
import threading

from PySide6.QtCore import QCoreApplication, QLocale
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QStyleFactory, QWidget

from dvdesk.db.migrate import BackupCancelled
from dvdesk.errors import UserError
from dvdesk.i18n import LANGUAGES, _, set_language
from dvdesk.logs import setup_logging
from dvdesk.paths import RESOURCES_DIR, DataPaths, resolve_data_dir
from dvdesk.services.backup import damaged_message, startup_check
from dvdesk.services.office_view import has_office
from dvdesk.services.store import Store, open_store
from ui.crash import CrashHandler, crash_files, route_qt_messages, show_error
from ui.main_window import MainWindow
from ui.qt_vi import QtVietnamese
from ui.settings import load_ui_settings
from ui.sign_in import sign_in_at_start
from ui.worker import run_in_background, wait_for_tasks

log = logging.getLogger("dvdesk.ui")
# Set to quit as soon as the first list is shown (used by start-up smoke tests).
SMOKE_TEST_ENV = "DVDESK_SMOKE_TEST"
STYLE = """
QWidget[invalid="true"] { border: 1px solid #c0392b; border-radius: 2px; }
QLabel#fieldError { color: #b03a2e; }
QLabel#formStatus { color: #b03a2e; }
QListWidget#navigation { font-size: 11pt; }
QListWidget#navigation::item { padding: 8px 10px; }
QLabel#listCount { color: #555555; }
"""


def configure_application(app: QApplication, paths: DataPaths) -> QtVietnamese:
    """Everything the app needs before its first window: language, look, translations."""
    language = load_ui_settings(paths).get("language", "vi")
    set_language(language if language in LANGUAGES else "vi")
    QLocale.setDefault(QLocale(QLocale.Language.Vietnamese, QLocale.Country.Vietnam))
    app.setApplicationName("dvdesk")
    app.setApplicationDisplayName("dvdesk")
    app.setWindowIcon(QIcon(str(RESOURCES_DIR / "icons" / "dvdesk.svg")))
    if "Fusion" in QStyleFactory.keys():  # noqa: SIM118 - keys() is a list here, not a dict
        app.setStyle("Fusion")
    app.setStyleSheet(STYLE)
    translator = QtVietnamese(app)
    QCoreApplication.installTranslator(translator)
    return translator


def open_office(paths: DataPaths) -> Store | None:
    """Open the database, running the first-run wizard if no office is set up."""
    store = open_store(paths, actor=_login_name(), create=True)
    if has_office(store):
        return store
    from ui.wizard import SetupWizard  # noqa: PLC0415 - only on the first run

    wizard = SetupWizard(store)
    if wizard.exec() and has_office(store):
        return store
    store.close()
    return None


def _login_name() -> str:
    import getpass  # noqa: PLC0415

    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


def _quit_when_listed(app: QApplication, window: MainWindow) -> None:
    """Smoke test of an installed build: start, show the first list, say so, quit."""
    page = window.lists[next(iter(window.lists))]

    def listed(count: int) -> None:
        sys.stdout.write(f"{window.windowTitle()}\n{count}\n")
        sys.stdout.flush()
        app.quit()

    page.loaded.connect(listed)


def check_in_background(app: QApplication, window: QWidget, paths: DataPaths) -> None:
    """The database's integrity check (about 15 s for a million records), then the daily
    backup, off the GUI thread; both stop when the app closes. Damage is reported."""
    closing = threading.Event()
    app.aboutToQuit.connect(closing.set)

    def check() -> list[str]:
        try:
            return startup_check(paths, cancelled=closing.is_set)
        except BackupCancelled:
            return []

    def done(problems: object) -> None:
        if problems:
            QMessageBox.critical(
                window, _("The database is damaged"), damaged_message(paths.database)
            )

    run_in_background(check, on_done=done, on_failed=lambda error: show_error(window, error))


def run_app(*, data_dir: str | None) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    paths = resolve_data_dir(data_dir)
    paths.ensure()
    setup_logging(paths)
    route_qt_messages()
    configure_application(app, paths)
    CrashHandler(paths).install()
    previous_crashes = crash_files(paths)
    try:
        store = open_office(paths)
    except UserError as error:
        QMessageBox.critical(None, _("dvdesk cannot start"), error.message)
        return 1
    if store is None:
        return 0
    if not sign_in_at_start(store):
        store.close()
        return 0
    window = MainWindow(store)
    window.show()
    if previous_crashes:
        window.statusBar().showMessage(
            _("dvdesk stopped because of an error last time; details are in {file}.").format(
                file=previous_crashes[-1]
            ),
            15_000,
        )
    window.offer_drafts()
    check_in_background(app, window, paths)
    if os.environ.get(SMOKE_TEST_ENV):
        _quit_when_listed(app, window)
    try:
        return app.exec()
    finally:
        wait_for_tasks()
        store.close()
