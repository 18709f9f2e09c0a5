"""Helpers for GUI tests: a configured app, answering message boxes, waiting for lists."""

from __future__ import annotations

import time
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFileDialog,
    QLineEdit,
    QMessageBox,
    QWidget,
)
from pytestqt.qtbot import QtBot

from dvdesk.services.office_view import get_office
from dvdesk.services.store import Store
from tests.gui_thread_guard import guarding
from ui import ask
from ui.app import configure_application
from ui.forms.record_form import RecordForm
from ui.list_page import ListPage
from ui.main_window import MainWindow
from ui.qt_vi import QtVietnamese
from ui.worker import database_worker, wait_for_tasks

MODAL_PATIENCE_S = 30.0  # far longer than any test answers a dialog it expects
# How long a GUI test waits for a condition (qtbot.waitUntil, waitSignal …) before it
# fails. pytest-qt's 5 s, and the 3–10 s tests used to pass, were exceeded on a loaded CI
# machine (key sealing, PDF rendering and a second worker on two cores); a wait that
# is met returns at once, so only a real hang waits this long.
PATIENCE_MS = 30_000
_WAITS = ("waitUntil", "waitSignal", "waitSignals", "waitExposed", "waitActive", "waitCallback")


@pytest.fixture(scope="session", autouse=True)
def _patient_waits() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        for name in _WAITS:
            defaults = getattr(QtBot, name).__kwdefaults__
            assert defaults["timeout"] == 5000, f"pytest-qt changed QtBot.{name}"
            patch.setitem(defaults, "timeout", PATIENCE_MS)
        yield


class ModalWatchdog:
    """A modal dialog that no test answers would hang the whole run (its exec() never
    returns, in a test or in a teardown's event processing): after MODAL_PATIENCE_S it
    is closed, and the test that was running fails, naming it."""

    def __init__(self) -> None:
        self.stuck: list[str] = []
        self._seen: QWidget | None = None
        self._since = 0.0
        self._timer = QTimer()
        self._timer.setInterval(500)
        self._timer.timeout.connect(self._check)
        self._timer.start()

    def _check(self) -> None:
        modal = QApplication.activeModalWidget()
        if modal is not self._seen:
            self._seen, self._since = modal, time.monotonic()
            return
        if modal is None or time.monotonic() - self._since < MODAL_PATIENCE_S:
            return
        text = modal.text() if isinstance(modal, QMessageBox) else modal.windowTitle()
        self.stuck.append(f"{type(modal).__name__} left open: {text}")
        self._seen = None
        if isinstance(modal, QDialog):
            modal.reject()
        else:
            modal.close()


_watchdog: list[ModalWatchdog] = []  # one for the session, made by the first GUI test


def modal_watchdog() -> ModalWatchdog:
    if not _watchdog:
        _watchdog.append(ModalWatchdog())
    return _watchdog[0]


@pytest.fixture(autouse=True)
def _no_database_on_gui_thread(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """In every GUI test: fail if the app runs any SQLite statement on the GUI thread,
    or leaves a modal dialog open that nobody answers."""
    if not {"qtbot", "qapp", "app", "window"} & set(request.fixturenames):
        yield
        return
    request.getfixturevalue("qapp")
    watchdog = modal_watchdog()
    with guarding(monkeypatch) as guard:
        yield
        drain_tasks()
    assert not guard.violations, "\n".join(guard.violations[:3])
    stuck, watchdog.stuck[:] = list(watchdog.stuck), []
    assert not stuck, "\n".join(stuck)


@pytest.fixture
def app(qapp: QApplication, store: Store) -> Iterator[QApplication]:
    translator: QtVietnamese = configure_application(qapp, store.paths)
    yield qapp
    drain_tasks()  # before the store closes: a callback may still ask it for something
    QApplication.removeTranslator(translator)


@pytest.fixture
def window(app: QApplication, store: Store, qtbot: QtBot) -> Iterator[MainWindow]:
    main = MainWindow(store, get_office(store))
    qtbot.addWidget(main)
    main.show()
    wait_loaded(qtbot, main.lists[next(iter(main.lists))])
    yield main
    for form in list(main.forms):
        form.done(0)
    # A dialog a test opened with open() and left showing (the trusted roots) stays the
    # active modal widget until the window is collected, which may be tests later: the
    # modal watchdog then failed whichever test was running 30 s on. Close it here.
    for dialog in main.findChildren(QDialog):
        if dialog.isVisible():
            dialog.done(0)
    drain_tasks()


def settle(qtbot: QtBot, *, timeout: int = PATIENCE_MS) -> None:
    """Wait until every job asked for has run and its callback has run on the GUI thread
    (a fixed qtbot.wait after wait_for_tasks raced a loaded machine)."""
    qtbot.waitUntil(database_worker().settled, timeout=timeout)


def drain_tasks(timeout_s: float = 60.0) -> None:
    """At a test's end: run the callbacks of its jobs now, on its own screens and store.
    Left queued, they ran in the next test's event processing, on closed widgets and a
    closed store, and failed that test."""
    worker = database_worker()
    deadline = time.monotonic() + timeout_s
    while not worker.settled():
        assert time.monotonic() < deadline, "the database worker's jobs did not finish"
        wait_for_tasks(int(max(deadline - time.monotonic(), 0) * 1000))
        QApplication.processEvents()


def wait_loaded(qtbot: QtBot, page: ListPage[Any], *, timeout: int = PATIENCE_MS) -> None:
    """Wait until the page's newest keys query has been applied."""
    qtbot.waitUntil(lambda: page._task is None or page._task.finished, timeout=timeout)
    qtbot.waitUntil(
        lambda: not page.count.text().startswith(("Đang tải", "Loading")), timeout=timeout
    )
    wait_rows(qtbot, page, timeout=timeout)


def wait_rows(qtbot: QtBot, page: ListPage[Any], *, timeout: int = PATIENCE_MS) -> None:
    """Wait until every row of the list has been fetched (on the database worker)."""
    model = page.model
    qtbot.waitUntil(
        lambda: all(model.row_at(row) is not None for row in range(model.rowCount())),
        timeout=timeout,
    )


def answer_questions(
    monkeypatch: pytest.MonkeyPatch, answer: QMessageBox.StandardButton
) -> list[str]:
    """Make every question (ui.ask.question) return ``answer``; returns the texts asked."""
    asked: list[str] = []

    def question(
        _parent: object, _title: str, text: str, *_args: object, **_kwargs: object
    ) -> QMessageBox.StandardButton:
        asked.append(text)
        return answer

    monkeypatch.setattr(ask, "question", question)
    return asked


def capture_told(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Collect the texts of dvdesk's messages (ui.ask.tell) instead of showing them."""
    told: list[str] = []

    def tell(_parent: object, _title: str, text: str, **_kwargs: object) -> None:
        told.append(text)

    monkeypatch.setattr(ask, "tell", tell)
    return told


def type_text(widget: QWidget, text: str) -> None:
    """Type like Unikey/EVKey do: an accented letter arrives as its base letter,
    a Backspace, then the composed character (QTest.keyClicks cannot send non-Latin-1)."""
    for char in text:
        base = unicodedata.normalize("NFD", char.replace("đ", "d").replace("Đ", "D"))[0]
        if base != char:
            _key(widget, base)
            _press(widget, Qt.Key.Key_Backspace, "")
        if char == "\n":
            _press(widget, Qt.Key.Key_Return, "\r")
        else:
            _key(widget, char)


def _key(widget: QWidget, char: str) -> None:
    code = ord(char.upper()) if char.isascii() and char.isalnum() else 0
    _press(widget, Qt.Key(code) if code else Qt.Key.Key_unknown, char)


def _press(widget: QWidget, key: Qt.Key, text: str) -> None:
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        QApplication.sendEvent(widget, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, text))


@dataclass
class ShownFileDialog:
    """What a file dialog showed the clerk before the test answered it."""

    title: str
    labels: dict[str, str]
    filters: list[str]
    folder: str
    suggested: str
    sidebar: list[str]


def answer_file_dialogs(
    monkeypatch: pytest.MonkeyPatch, *answers: Sequence[Path] | None
) -> list[ShownFileDialog]:
    """Answer dvdesk's file dialogs in turn (None cancels); returns what each one showed."""
    shown: list[ShownFileDialog] = []
    queue = list(answers)

    def run(dialog: QFileDialog) -> int:
        labels = {
            label.name: dialog.labelText(label)
            for label in (
                QFileDialog.DialogLabel.LookIn,
                QFileDialog.DialogLabel.FileName,
                QFileDialog.DialogLabel.FileType,
                QFileDialog.DialogLabel.Accept,
                QFileDialog.DialogLabel.Reject,
            )
        }
        files = QFileDialog.selectedFiles(dialog)
        shown.append(
            ShownFileDialog(
                title=dialog.windowTitle(),
                labels=labels,
                filters=dialog.nameFilters(),
                folder=dialog.directory().absolutePath(),
                suggested=Path(files[0]).name if files else "",
                sidebar=[url.toLocalFile() for url in dialog.sidebarUrls()],
            )
        )
        answer = queue.pop(0)
        if answer is None:
            return int(QDialog.DialogCode.Rejected)
        chosen = [str(path) for path in answer]
        dialog.selectedFiles = lambda: chosen  # type: ignore[method-assign]
        return int(QDialog.DialogCode.Accepted)

    monkeypatch.setattr(QFileDialog, "exec", run)
    return shown


def activate(widget: QWidget, qtbot: QtBot) -> None:
    """Shortcuts only reach the active window; offscreen, activation must be asked for."""
    widget.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is widget)


def new_form(window: MainWindow, qtbot: QtBot, section: int) -> RecordForm:
    """Open a new record form in the list ``section`` with Ctrl+N, as a clerk would."""
    activate(window, qtbot)
    window.nav.setCurrentRow(section)
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(window.forms))
    form = window.forms[-1]
    qtbot.waitExposed(form)
    activate(form, qtbot)
    return form


def save_form(form: RecordForm, qtbot: QtBot) -> str:
    """Save with Ctrl+S from wherever the focus is; the saved record's id."""
    activate(form, qtbot)
    with qtbot.waitSignal(form.saved) as saved:
        qtbot.keyClick(
            QApplication.focusWidget() or form, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier
        )
    return str(saved.args[0])


def retype_place(window: MainWindow, qtbot: QtBot, record_id: str, place: str) -> None:
    """Open a saved record, type a new place over the old one and save it (Ctrl+S)."""
    window.open_record(record_id)
    qtbot.waitUntil(lambda: bool(window.forms))
    form = window.forms[-1]
    edit = form.fields["place"].widget
    assert isinstance(edit, QLineEdit)
    edit.selectAll()
    type_text(edit, place)
    save_form(form, qtbot)
    qtbot.waitUntil(lambda: not window.forms)
