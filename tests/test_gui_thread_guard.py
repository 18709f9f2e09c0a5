"""The guard that fails GUI tests on SQLite work on the GUI thread must itself catch it."""

from __future__ import annotations

import threading

import pytest
from pytestqt.qtbot import QtBot

from dvdesk.services.office_view import get_office
from dvdesk.services.store import Store
from tests import gui_support
from tests.gui_thread_guard import guarding
from ui.exchange import ExchangePage


def test_the_guard_catches_app_code_querying_on_the_gui_thread(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    office = get_office(store)  # test code preparing data on the main thread is allowed
    with guarding(monkeypatch) as guard:
        get_office(store)
        assert guard.violations == []
        # App code (ui/) running a query on the main thread is what the guard is for,
        # through plain sqlite3 and through SQLAlchemy alike.
        status = ExchangePage.__new__(ExchangePage)
        status.store, status.office = store, office
        ExchangePage.load_status(status)
    assert guard.violations
    assert "exchange.py" in guard.violations[0]


def test_the_guard_lets_the_worker_thread_query(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    office = get_office(store)
    with guarding(monkeypatch) as guard:
        status = ExchangePage.__new__(ExchangePage)
        status.store, status.office = store, office
        worker = threading.Thread(target=lambda: ExchangePage.load_status(status))
        worker.start()
        worker.join()
    assert guard.violations == []


def test_gui_waits_give_a_loaded_machine_time(qtbot: QtBot) -> None:
    """A test that passes alone must not time out on CI's busy two cores."""
    assert gui_support.PATIENCE_MS >= 30_000
    assert all(
        getattr(QtBot, name).__kwdefaults__["timeout"] == gui_support.PATIENCE_MS
        for name in gui_support._WAITS
    )
