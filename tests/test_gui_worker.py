"""The one database worker: a save asked for during a long import waits its turn."""

from __future__ import annotations

import threading
import time
from functools import partial
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox
from pytestqt.qtbot import QtBot

from dvdesk.domain.enums import RecordType
from dvdesk.errors import UserError
from dvdesk.services.office_view import get_office
from dvdesk.services.records import add_record, get_record, list_records
from dvdesk.sync import apply
from tests import gui_support, sync_fixtures
from tests.gui_support import answer_file_dialogs, type_text, wait_loaded
from tests.samples import inspection
from tests.sync_fixtures import Exchange
from ui.main_window import MainWindow
from ui.worker import Task, database_worker, run_in_background, wait_for_tasks

exchange_template = sync_fixtures.exchange_template
exchange = sync_fixtures.exchange


def _hold_the_import_transaction(monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    """The import, inside its write transaction, waits for the save to be asked for, then
    keeps the write lock well past the busy timeout a concurrent writer would wait."""
    inside, save_asked = threading.Event(), threading.Event()
    finish = apply._finish

    def slow_finish(*args: Any, **kwargs: Any) -> None:
        finish(*args, **kwargs)
        inside.set()
        assert save_asked.wait(20)
        time.sleep(1.0)

    monkeypatch.setattr(apply, "_finish", slow_finish)
    # Another thread writing now would give up after 0.2 s ("database is locked").
    monkeypatch.setattr("dvdesk.db.connect.BUSY_TIMEOUT_MS", 200)
    return inside, save_asked


def test_a_save_during_a_long_import_completes_after_it(
    app: QApplication, exchange: Exchange, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    for index in range(30):
        exchange.add(title=f"Kiểm tra số {index}")
    package = exchange.export().path
    own = add_record(
        exchange.parent, record_type=RecordType.INSPECTION, data=inspection(title="Của tỉnh")
    )
    warnings: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "warning", staticmethod(lambda _p, _t, text, *_a: warnings.append(text))
    )
    answer_file_dialogs(monkeypatch, [package])
    inside, save_asked = _hold_the_import_transaction(monkeypatch)

    window = MainWindow(exchange.parent, get_office(exchange.parent))
    qtbot.addWidget(window)
    window.show()
    wait_loaded(qtbot, window.lists[RecordType.INSPECTION])
    window.open_record(own)
    qtbot.waitUntil(lambda: bool(window.forms))
    form = window.forms[-1]
    place = form.fields["place"].widget
    assert isinstance(place, QLineEdit)
    place.selectAll()
    type_text(place, "Hội trường Ban")

    page = window.exchange
    page.write_receipts.setChecked(False)
    finished: list[str] = []
    page.imported.connect(lambda: finished.append("import"))
    form.saved.connect(lambda _id: finished.append("save"))
    page.import_packages()
    qtbot.waitUntil(inside.is_set, timeout=20_000)  # the import holds the write lock now

    form.save()
    assert form.status.text().startswith("Đang bận")
    qtbot.waitUntil(lambda: window.statusBar().currentMessage().startswith("Đang bận"))
    save_asked.set()
    qtbot.waitUntil(lambda: finished == ["import", "save"], timeout=30_000)

    assert warnings == []  # nothing failed
    assert get_record(exchange.parent, record_id=own).place == "Hội trường Ban"
    imported = list_records(exchange.parent, limit=100)
    assert sum(r.office_code == "10105" for r in imported) == 30
    wait_for_tasks()
    qtbot.waitUntil(lambda: not window.statusBar().currentMessage().startswith("Đang bận"))


def test_jobs_run_one_at_a_time_in_the_order_asked(app: QApplication, qtbot: QtBot) -> None:
    running: list[int] = []
    overlaps: list[int] = []
    results: list[int] = []

    def job(number: int) -> int:
        if running:
            overlaps.append(number)
        running.append(number)
        time.sleep(0.01)
        running.remove(number)
        return number

    tasks: list[Task[int]] = [
        run_in_background(partial(job, number), on_done=results.append, on_failed=print)
        for number in range(20)
    ]
    qtbot.waitUntil(lambda: all(task.finished for task in tasks))
    assert results == list(range(20))
    assert overlaps == []


def test_a_cancelled_task_reports_nothing(app: QApplication, qtbot: QtBot, tmp_path: Path) -> None:
    gate = threading.Event()
    results: list[str] = []
    blocker = run_in_background(gate.wait, on_done=lambda _b: None, on_failed=lambda _e: None)
    dropped = run_in_background(lambda: "old", on_done=results.append, on_failed=print)
    kept = run_in_background(lambda: "new", on_done=results.append, on_failed=print)
    dropped.cancel()
    gate.set()
    qtbot.waitUntil(lambda: blocker.finished and kept.finished)
    assert results == ["new"]


def test_a_result_for_a_closed_screen_is_dropped(app: QApplication, qtbot: QtBot) -> None:
    # A window closed while its job ran: the result must not reach its deleted widgets.
    gate = threading.Event()
    edit = QLineEdit()

    def save() -> str:
        gate.wait()
        return "đã lưu"

    task = run_in_background(save, on_done=edit.setText, on_failed=print)
    shiboken6.delete(edit)
    gate.set()
    qtbot.waitUntil(lambda: task.finished)
    assert not shiboken6.isValid(edit)


def test_a_lambda_result_for_a_closed_screen_is_dropped(app: QApplication, qtbot: QtBot) -> None:
    # Most screens hand a lambda over themselves (lambda path: self.status.setText(...)):
    # run on a deleted widget, it raised "already deleted" in whatever screen was open next.
    gate = threading.Event()
    edit = QLineEdit()
    task = run_in_background(gate.wait, on_done=lambda _r: edit.setText("đã lưu"), on_failed=print)
    failed = run_in_background(_refuse, on_done=print, on_failed=lambda e: edit.setText(str(e)))
    shiboken6.delete(edit)
    gate.set()
    qtbot.waitUntil(lambda: task.finished and failed.finished)


def _refuse() -> None:
    raise UserError("Không được")


def test_the_worker_is_settled_only_once_the_callbacks_have_run(
    app: QApplication, qtbot: QtBot
) -> None:
    """Tests wait for this instead of sleeping after wait_for_tasks: the worker thread has
    finished before the GUI thread has run the callbacks, and "idle" comes after them."""
    worker = database_worker()
    seen: list[object] = []
    worker.busy_changed.connect(seen.append)
    gate = threading.Event()
    run_in_background(gate.wait, on_done=lambda _r: seen.append("first"), on_failed=print)
    run_in_background(lambda: None, on_done=lambda _r: seen.append("second"), on_failed=print)
    gate.set()
    assert wait_for_tasks()
    assert worker.is_busy() and not worker.settled(), "the callbacks have not run yet"
    qtbot.waitUntil(worker.settled)
    assert not worker.is_busy()
    assert seen == [True, "first", "second", False]
    worker.busy_changed.disconnect(seen.append)


def test_a_modal_dialog_nobody_answers_fails_the_test_instead_of_hanging(
    app: QApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(gui_support, "MODAL_PATIENCE_S", 0.5)
    watchdog = gui_support.modal_watchdog()
    box = QMessageBox(QMessageBox.Icon.Warning, "Lỗi", "Không ai trả lời hộp này")
    started = time.monotonic()
    box.exec()  # returns only because the watchdog closes it
    assert time.monotonic() - started < 10
    assert watchdog.stuck == ["QMessageBox left open: Không ai trả lời hộp này"]
    watchdog.stuck.clear()  # expected here: this test must not fail for it
