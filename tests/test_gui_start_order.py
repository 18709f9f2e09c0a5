"""The app's start: the first list's rows reach the worker before the start-up work.

The database worker runs one job at a time, in order. The start-up integrity check reads
the whole file (seconds at a million records) and the drafts check may load the records
service (SQLAlchemy, pydantic): queued before the first rows, either held back the
first painted list (bench/gui_open.py).
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

import ui.list_page
from dvdesk.domain.enums import RecordType
from dvdesk.services import browse
from dvdesk.services.office_view import get_office
from dvdesk.services.records import add_record
from dvdesk.services.store import Store
from tests.conftest import inspection
from ui import app as app_module
from ui import main_window, record_list
from ui.worker import wait_for_tasks


@pytest.mark.parametrize("first_screen", [200, 2], ids=["one query", "first screen, then all"])
def test_first_rows_come_before_the_check_and_the_drafts(
    app: QApplication,
    store: Store,
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    first_screen: int,
) -> None:
    for title in ("Kiểm tra xã Bát Tràng", "Kiểm tra xã Kim Lan", "Kiểm tra xã Đa Tốn"):
        add_record(store, record_type=RecordType.INSPECTION, data=inspection(title=title))
    monkeypatch.setattr(ui.list_page, "FIRST_SCREEN", first_screen)
    jobs: list[str] = []  # appended on the worker thread, in the order the jobs run

    def rows(store: Store, *, keys: Sequence[int]) -> list[browse.RecordSummary]:
        jobs.append("rows")
        return browse.record_rows(store, keys=keys)

    def check(*_args: object, **_kwargs: object) -> list[str]:
        jobs.append("check")
        return []

    def drafts(_store: Store) -> list[object]:
        jobs.append("drafts")
        return []

    monkeypatch.setattr(record_list, "record_rows", rows)
    monkeypatch.setattr(app_module, "startup_check", check)
    monkeypatch.setattr(main_window, "_surviving_drafts", drafts)
    session = app_module._Session(app, store.paths)
    session.opened(app_module.Opened(store, get_office(store)))
    window = session.window
    assert window is not None
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: "check" in jobs and "drafts" in jobs, timeout=10_000)
    wait_for_tasks()
    assert jobs.index("rows") < jobs.index("drafts") < jobs.index("check"), jobs
    page = window.lists[RecordType.INSPECTION]
    qtbot.waitUntil(lambda: page.model.row_at(0) is not None)
    assert page.model.rowCount() == 3
