"""The app's start: the first list's rows reach the worker before the start-up work.

The database worker runs one job at a time, in order. The start-up integrity check reads
the whole file (seconds at a million records) and the drafts check may load the records
service (SQLAlchemy, pydantic): queued before the first rows, either held back the
first painted list (bench/gui_open.py).
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

import ui.list_page
from dvdesk.domain.enums import RecordType
from dvdesk.errors import StorageError
from dvdesk.services import backup, browse
from dvdesk.services.office_view import get_office
from dvdesk.services.records import add_record
from dvdesk.services.store import Store
from tests.samples import inspection
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

    def keys(store: Store, *, query: browse.RecordQuery, **options: Any) -> array[int]:
        jobs.append(f"keys {options.get('limit')}")
        return browse.record_keys(store, query=query, **options)

    def rows(store: Store, *, keys: Sequence[int]) -> list[browse.RecordSummary]:
        jobs.append("rows")
        return browse.record_rows(store, keys=keys)

    def check(*_args: object, **_kwargs: object) -> list[str]:
        jobs.append("check")
        return []

    def drafts(_store: Store) -> list[object]:
        jobs.append("drafts")
        return []

    monkeypatch.setattr(record_list, "record_keys", keys)
    monkeypatch.setattr(record_list, "record_rows", rows)
    monkeypatch.setattr(backup, "startup_check", check)
    monkeypatch.setattr(main_window, "_surviving_drafts", drafts)
    session = app_module._Session(app, store.paths)
    session.opened(app_module.Opened(store, get_office(store)))
    window = session.window
    assert window is not None
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: "check" in jobs and "drafts" in jobs)
    wait_for_tasks()
    assert jobs.index("rows") < jobs.index("drafts") < jobs.index("check"), jobs
    # A long list: its full key list only after the first rows (they are painted first).
    expected = ["keys 200", "rows"] if first_screen == 200 else ["keys 2", "rows", "keys None"]
    assert jobs[: len(expected)] == expected
    page = window.lists[RecordType.INSPECTION]
    qtbot.waitUntil(lambda: page.model.row_at(0) is not None)
    assert page.model.rowCount() == 3


def test_first_rows_that_cannot_be_read_are_reported(
    app: QApplication, store: Store, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    for title in ("Kiểm tra xã Bát Tràng", "Kiểm tra xã Kim Lan", "Kiểm tra xã Đa Tốn"):
        add_record(store, record_type=RecordType.INSPECTION, data=inspection(title=title))
    monkeypatch.setattr(ui.list_page, "FIRST_SCREEN", 2)
    shown: list[str] = []
    monkeypatch.setattr(
        ui.list_page, "show_error", lambda _parent, error: shown.append(error.message)
    )

    def unreadable(_store: Store, *, keys: Sequence[int]) -> list[browse.RecordSummary]:
        raise StorageError("Không đọc được ổ đĩa. Kiểm tra ổ đĩa rồi thử lại.")

    monkeypatch.setattr(record_list, "record_rows", unreadable)
    page = record_list.RecordListPage(store, RecordType.INSPECTION)
    qtbot.addWidget(page)
    page.show()
    page.reload()
    qtbot.waitUntil(lambda: bool(shown))
    wait_for_tasks()
    assert shown == ["Không đọc được ổ đĩa. Kiểm tra ổ đĩa rồi thử lại."]
    assert page.count.text() == ""  # not "Loading…" for ever
