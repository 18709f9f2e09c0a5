"""Starting the desktop app: Qt set-up, Vietnamese, error handling, first run."""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QLocale, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from dvdesk.errors import Cancelled, UserError
from dvdesk.i18n import LANGUAGES, _, set_language
from dvdesk.logs import setup_logging
from dvdesk.paths import RESOURCES_DIR, DataPaths, resolve_data_dir
from dvdesk.services.office_view import OfficeView, get_office, has_office
from dvdesk.services.people_light import office_has_users
from dvdesk.services.store import Store, open_store
from ui.boot import start_done
from ui.crash import CrashHandler, crash_files, route_qt_messages, show_error
from ui.main_window import MainWindow
from ui.next_steps import show_steps
from ui.qt_vi import QtVietnamese
from ui.settings import load_ui_settings
from ui.worker import run_in_background, wait_for_tasks

log = logging.getLogger("dvdesk.ui")
# Set to quit as soon as the first list is shown (used by start-up smoke tests).
SMOKE_TEST_ENV = "DVDESK_SMOKE_TEST"
# The start-up check begins at the latest this long after the main window is shown.
CHECK_FALLBACK_MS = 10_000
STYLE = """
QWidget[invalid="true"] { border: 1px solid #c0392b; border-radius: 2px; }
QLabel#fieldError { color: #b03a2e; }
QLabel#formStatus { color: #b03a2e; }
QListWidget#navigation { font-size: 11pt; }
QListWidget#navigation::item { padding: 8px 10px; }
QLabel#listCount { color: #555555; }
"""


def application_arguments(argv: list[str]) -> list[str]:
    """The arguments the QApplication is made with: ``argv`` plus the look, Fusion on
    every system (the same on Windows 7 to 11, and in the screenshots of the help).

    Qt's own ``-style`` argument, not ``setStyle``: that returns the new style, and
    wrapping it makes PySide build every enum of QStyle, about 10 ms of the start.
    """
    return [*argv[:1], "-style", "Fusion", *argv[1:]]


def set_ui_language(paths: DataPaths) -> None:
    """The language the office chose for the app (Vietnamese unless it chose English)."""
    language = load_ui_settings(paths).get("language", "vi")
    set_language(language if language in LANGUAGES else "vi")


def configure_application(app: QApplication, paths: DataPaths) -> QtVietnamese:
    """Everything the app needs before its first window: language, look, translations."""
    set_ui_language(paths)
    QLocale.setDefault(QLocale(QLocale.Language.Vietnamese, QLocale.Country.Vietnam))
    app.setApplicationName("dvdesk")
    app.setApplicationDisplayName("dvdesk")
    app.setWindowIcon(QIcon(str(RESOURCES_DIR / "icons" / "dvdesk.svg")))
    app.setStyleSheet(STYLE)
    translator = QtVietnamese(app)
    QCoreApplication.installTranslator(translator)
    return translator


@dataclass(frozen=True)
class Opened:
    store: Store
    office: OfficeView | None  # None: no office yet, the wizard sets one up
    needs_sign_in: bool = False  # the office has users: sign in before the main window


def open_office(paths: DataPaths) -> Opened:
    """Open (making, migrating and backing up as needed) the database: on the worker."""
    store = open_store(paths, actor=_login_name(), create=True)
    if not has_office(store):
        return Opened(store, None)
    return Opened(store, get_office(store), needs_sign_in=office_has_users(store))


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
    backup, off the GUI thread with their progress in the status bar; both stop when the
    app closes. Damage is reported; a database held by another program is not damage."""
    # Loaded here, after the first list: nothing of the check is needed to show it.
    from dvdesk.services.backup import (  # noqa: PLC0415
        DatabaseBusy,
        damaged_message,
        startup_check,
    )
    from ui.check_progress import CheckProgress  # noqa: PLC0415

    closing = threading.Event()
    app.aboutToQuit.connect(closing.set)
    shown = CheckProgress(window)

    def check() -> list[str]:
        try:
            return startup_check(paths, cancelled=closing.is_set, progress=shown.report)
        except Cancelled:
            return []

    def done(problems: object) -> None:
        shown.finish()
        if problems:  # the message says to restore a backup: its button opens them
            show_steps(
                window,
                title=_("The database is damaged"),
                text=damaged_message(paths.database),
                steps=["backups"],
                icon=QMessageBox.Icon.Critical,
            )

    def failed(error: UserError) -> None:
        shown.finish()
        if isinstance(error, DatabaseBusy):  # held by another program: not damage
            log.warning("start-up check postponed: %s", error.message)
            shown.postponed()
            return
        show_error(window, error)

    run_in_background(check, on_done=done, on_failed=failed)


def after_first_list(window: MainWindow, then: Callable[[], None]) -> None:
    """Call ``then`` once the first list has its keys and its first rows are asked for.

    The database worker runs jobs in order, and the start-up check reads the whole file
    (seconds at a million records): queued at once, it would hold back the rows of the
    first screen. A list that fails to load must not skip the check: it starts after
    CHECK_FALLBACK_MS whatever happens.
    """
    page = window.lists[next(iter(window.lists))]
    started = False

    def start(_count: int = 0) -> None:
        nonlocal started
        if started:
            return
        started = True
        page.loaded.disconnect(start)
        page.model.row_at(0)  # the first page of rows is asked for before ``then``'s jobs
        then()

    page.loaded.connect(start)
    QTimer.singleShot(CHECK_FALLBACK_MS, window, start)


class _Session:
    """The app from the opened database to the main window (via the wizard on first run)."""

    def __init__(self, app: QApplication, paths: DataPaths) -> None:
        self.app = app
        self.paths = paths
        self.previous_crashes = crash_files(paths)
        self.store: Store | None = None
        self.window: MainWindow | None = None
        self.wizard: QWidget | None = None
        # Called with the main window once it is shown (the benchmark watches its paint).
        self.on_window: list[Callable[[MainWindow], None]] = []

    def opened(self, opened: Opened) -> None:
        self.store = opened.store
        if opened.office is not None and not opened.needs_sign_in:
            self.show_window(opened.office)
            return
        start_done()  # a dialog comes first: nothing to hurry for
        if opened.office is not None:
            self.sign_in(opened.office)
            return
        from ui.wizard import SetupWizard  # noqa: PLC0415 - only on the first run

        wizard = SetupWizard(opened.store)
        wizard.office_created.connect(self.show_window)
        wizard.rejected.connect(self.app.quit)
        self.wizard = wizard
        wizard.show()

    def sign_in(self, office: OfficeView) -> None:
        from ui.sign_in import SignInDialog  # noqa: PLC0415 - only for offices with users

        assert self.store is not None
        dialog = SignInDialog(self.store)
        dialog.accepted.connect(lambda: self.show_window(office))
        dialog.rejected.connect(self.app.quit)
        self.wizard = dialog
        dialog.show()

    def cannot_start(self, error: UserError) -> None:
        start_done()
        QMessageBox.critical(None, _("dvdesk cannot start"), error.message)
        self.app.exit(1)

    def show_window(self, office: OfficeView) -> None:
        assert self.store is not None
        window = MainWindow(self.store, office)
        self.window = window
        if self.previous_crashes:
            window.statusBar().showMessage(
                _("dvdesk stopped because of an error last time; details are in {file}.").format(
                    file=self.previous_crashes[-1]
                ),
                15_000,
            )
        after_first_list(window, lambda: self.after_first_list(window))
        if os.environ.get(SMOKE_TEST_ENV):
            _quit_when_listed(self.app, window)
        # The first rows, fetched on the worker while the window was built, are put in
        # before it is shown: its first paint then has their text, not empty rows.
        window.lists[next(iter(window.lists))].rows_before_shown()
        QCoreApplication.sendPostedEvents()
        window.show()
        for shown in self.on_window:
            shown(window)

    def after_first_list(self, window: MainWindow) -> None:
        """Start-up work that must not hold back the first list's rows on the worker."""
        start_done()
        window.offer_drafts()
        check_in_background(self.app, window, self.paths)

    def close(self) -> None:
        if self.store is not None:
            self.store.close()


def start_app(app: QApplication, paths: DataPaths) -> _Session:
    """Everything up to the main window; the window comes when the database is open."""
    setup_logging(paths)
    set_ui_language(paths)  # before the worker words any message
    session = _Session(app, paths)
    # Opening may migrate and back up a large database: never on the GUI thread. Asked
    # for before Qt is set up, which it overlaps: SQLite lets go of Python's lock.
    run_in_background(
        lambda: open_office(paths), on_done=session.opened, on_failed=session.cannot_start
    )
    route_qt_messages()
    configure_application(app, paths)
    CrashHandler(paths).install()
    return session


def run_app(*, data_dir: str | None) -> int:
    app = QApplication.instance() or QApplication(application_arguments(sys.argv))
    assert isinstance(app, QApplication)
    paths = resolve_data_dir(data_dir)
    paths.ensure()
    session = start_app(app, paths)
    try:
        return app.exec()
    finally:
        start_done()  # whatever path the start took
        wait_for_tasks()
        session.close()
