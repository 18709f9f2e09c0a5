"""List screens: lazy model, search as you type, sorting, follow-ups, crash handling."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from dvdesk.domain.enums import FollowUpStatus, RecordType
from dvdesk.domain.record_view import DialogueView
from dvdesk.paths import DataPaths
from dvdesk.services.browse import RecordQuery, record_keys
from dvdesk.services.demo import add_demo_records
from dvdesk.services.records import add_record, get_record, list_records
from dvdesk.services.store import Store
from tests.gui_support import type_text, wait_loaded
from tests.samples import dialogue, inspection
from ui.crash import CrashDialog, CrashHandler, crash_files
from ui.follow_ups import OVERDUE_BACKGROUND, FollowUpPage
from ui.list_page import ListPage
from ui.main_window import MainWindow
from ui.record_list import RecordListPage
from ui.resolve_dialog import ResolveDialog


@pytest.fixture
def demo_store(store: Store) -> Store:
    add_demo_records(store, count=400, seed=5, office_codes=["10105"])
    return store


@pytest.mark.parametrize(
    "make_page",
    [lambda store: RecordListPage(store, RecordType.INSPECTION), FollowUpPage],
    ids=["records", "follow-ups"],
)
def test_lazy_models_pass_the_model_tester(
    app: QApplication,
    demo_store: Store,
    qtbot: QtBot,
    qtmodeltester: object,
    make_page: Callable[[Store], ListPage[Any]],
) -> None:
    page = make_page(demo_store)
    qtbot.addWidget(page)
    page.reload()
    wait_loaded(qtbot, page)
    assert page.model.rowCount() > 0
    qtmodeltester.check(page.model)  # type: ignore[attr-defined]


def test_planned_records_are_blue_the_others_plain(
    app: QApplication, store: Store, qtbot: QtBot
) -> None:
    add_record(
        store,
        record_type=RecordType.INSPECTION,
        data=inspection(
            title="Kế hoạch kiểm tra", status="planned", start_date="2026-12-10", end_date=None
        ),
    )
    add_record(store, record_type=RecordType.INSPECTION, data=inspection(title="Đã kiểm tra"))
    page = RecordListPage(store, RecordType.INSPECTION)
    qtbot.addWidget(page)
    page.reload()
    wait_loaded(qtbot, page)
    colours = {
        page.model.index(row, 1).data(): page.model.index(row, 1).data(
            Qt.ItemDataRole.ForegroundRole
        )
        for row in range(page.model.rowCount())
    }
    assert colours["Kế hoạch kiểm tra"].color().name() == "#1f5fa8"
    assert colours["Đã kiểm tra"] is None


def test_search_filters_as_you_type_ignoring_accents(
    app: QApplication, demo_store: Store, qtbot: QtBot
) -> None:
    page = RecordListPage(demo_store, RecordType.INSPECTION)
    qtbot.addWidget(page)
    page.reload()
    wait_loaded(qtbot, page)
    everything = page.model.rowCount()
    type_text(page.search, "nguyen")
    qtbot.waitUntil(lambda: page.model.rowCount() < everything)
    wait_loaded(qtbot, page)
    expected = record_keys(
        demo_store, query=RecordQuery(record_type=RecordType.INSPECTION, search="Nguyễn")
    )
    assert list(page.model._keys) == list(expected)
    assert page.count.text() == f"Đang hiển thị {len(expected)} hồ sơ"


def test_header_click_sorts_in_sql_in_vietnamese_order(
    app: QApplication, store: Store, qtbot: QtBot
) -> None:
    for title in ("Kiểm tra tại xã Ơn", "Đánh giá tại xã Em", "Ăn khớp tại xã A", "Bàn tại xã B"):
        add_record(store, record_type=RecordType.INSPECTION, data=inspection(title=title))
    page = RecordListPage(store, RecordType.INSPECTION)
    qtbot.addWidget(page)
    page.reload()
    wait_loaded(qtbot, page)
    page.view.horizontalHeader().sectionClicked.emit(1)
    wait_loaded(qtbot, page)
    titles = [page.model.data(page.model.index(r, 1)) for r in range(page.model.rowCount())]
    assert titles == [
        "Ăn khớp tại xã A",
        "Bàn tại xã B",
        "Đánh giá tại xã Em",
        "Kiểm tra tại xã Ơn",
    ]
    page.view.horizontalHeader().sectionClicked.emit(1)
    wait_loaded(qtbot, page)
    assert page.model.data(page.model.index(0, 1)) == "Kiểm tra tại xã Ơn"


def test_ctrl_f_focuses_search_and_year_filter(
    window: MainWindow, qtbot: QtBot, store: Store
) -> None:
    add_record(
        store,
        record_type=RecordType.INSPECTION,
        data=inspection(start_date="2023-04-01", end_date=None),
    )
    add_record(
        store,
        record_type=RecordType.INSPECTION,
        data=inspection(start_date="2024-04-01", end_date=None),
    )
    page = window.lists[RecordType.INSPECTION]
    page.reload()
    wait_loaded(qtbot, page)
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is page.search
    page.year.setCurrentIndex(page.year.findData(2023))
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)


def test_follow_ups_highlight_overdue_and_resolve(
    app: QApplication, store: Store, qtbot: QtBot
) -> None:
    add_record(store, record_type=RecordType.DIALOGUE, data=dialogue())
    add_record(
        store,
        record_type=RecordType.INSPECTION,
        data=inspection(
            recommendations=[
                {
                    "content": "Đề nghị sửa đường",
                    "deadline": (date.today() + timedelta(days=365)).isoformat(),
                }
            ]
        ),
    )
    page = FollowUpPage(store)
    qtbot.addWidget(page)
    page.state.setCurrentIndex(page.state.findData("overdue"))
    wait_loaded(qtbot, page)
    assert page.model.rowCount() == 1  # the denunciation past its deadline
    background = page.model.data(page.model.index(0, 0), Qt.ItemDataRole.BackgroundRole)
    assert background.color() == OVERDUE_BACKGROUND
    assert page.model.data(page.model.index(0, 3)) == "Quá hạn"
    said: list[str] = []
    page.said.connect(said.append)
    page.view.setCurrentIndex(QModelIndex())
    page.resolve_current()  # nothing chosen: it says what to do, and changes nothing
    assert said == [
        "Hãy chọn một kiến nghị trong danh sách (phím mũi tên) rồi mới đánh dấu đã giải quyết."
    ]
    page.view.setCurrentIndex(page.model.index(0, 0))
    chosen = page.current_row()
    assert chosen is not None
    resolved = _in_next_resolve_dialog(qtbot, _type_result("Đã trả lời bằng văn bản cho công dân"))
    with qtbot.waitSignal(page.changed):
        page.resolve_current()
    assert resolved
    qtbot.waitUntil(lambda: page.model.rowCount() == 0)
    assert said[-1] == (
        f"Đã đánh dấu đã giải quyết ngày {date.today():%d/%m/%Y}: {chosen.content}. "
        "Kết quả: Đã trả lời bằng văn bản cho công dân"
    )
    [summary] = list_records(store, record_type=RecordType.DIALOGUE)
    record = get_record(store, record_id=summary.id)
    assert isinstance(record, DialogueView)
    [issue] = [item for item in record.issues if item.id == chosen.id]
    assert issue.status is FollowUpStatus.RESOLVED and issue.result_date == date.today()
    assert issue.result == "Đã trả lời bằng văn bản cho công dân"


def _in_next_resolve_dialog(
    qtbot: QtBot, act: Callable[[ResolveDialog], None]
) -> list[ResolveDialog]:
    """Act by keyboard in the next "Mark resolved" dialog (it runs modal)."""
    seen: list[ResolveDialog] = []

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, ResolveDialog):
            QTimer.singleShot(20, poll)
            return
        if QApplication.activeWindow() is not dialog:  # offscreen, activation is asked for
            dialog.activateWindow()
            QTimer.singleShot(20, poll)
            return
        seen.append(dialog)
        act(dialog)

    QTimer.singleShot(0, poll)
    return seen


def _type_result(text: str) -> Callable[[ResolveDialog], None]:
    def act(dialog: ResolveDialog) -> None:
        assert QApplication.focusWidget() is dialog.result_field  # the cursor starts there
        type_text(dialog.result_field, text)
        QTest.keyClick(dialog.result_field, Qt.Key.Key_Return)

    return act


def test_mark_resolved_asks_the_result_and_its_date_by_keyboard(
    app: QApplication, store: Store, qtbot: QtBot, tmp_path: Path
) -> None:
    """Esc changes nothing; Enter without a result is refused in the dialog; the result and
    a typed date are kept and shown in the list of resolved recommendations."""
    content = "Đề nghị UBND xã sửa đường liên thôn"
    add_record(
        store,
        record_type=RecordType.INSPECTION,
        data=inspection(
            recommendations=[
                {"content": content, "addressee": "UBND xã Bát Tràng", "deadline": "2026-12-31"}
            ]
        ),
    )
    page = FollowUpPage(store)
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    assert page.state.currentData() == "open"  # not yet resolved: shown first
    page.reload()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    said: list[str] = []
    page.said.connect(said.append)
    page.view.setCurrentIndex(page.model.index(0, 0))

    def escape(dialog: ResolveDialog) -> None:
        type_text(dialog.result_field, "Đang xem xét")
        QTest.keyClick(dialog.result_field, Qt.Key.Key_Escape)

    _in_next_resolve_dialog(qtbot, escape)
    page.resolve_current()
    assert said[-1] == "Chưa đánh dấu đã giải quyết; không thay đổi gì."
    [summary] = list_records(store, record_type=RecordType.INSPECTION)
    [item] = get_record(store, record_id=summary.id).recommendations
    assert item.status is not FollowUpStatus.RESOLVED and item.result is None

    problems: list[str] = []

    def fill(dialog: ResolveDialog) -> None:
        QTest.keyClick(dialog.result_field, Qt.Key.Key_Return)  # nothing typed: refused
        assert dialog.isVisible() and QApplication.focusWidget() is dialog.result_field
        problems.append(dialog.problem.text())
        type_text(dialog.result_field, "UBND xã đã sửa xong đường, nghiệm thu ngày 10/11")
        QTest.keyClick(dialog.result_field, Qt.Key.Key_Tab)
        assert QApplication.focusWidget() is dialog.date_field
        assert dialog.date_field.text() == f"{date.today():%d/%m/%Y}"  # today by default
        QTest.keyClick(dialog.date_field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        type_text(dialog.date_field, "10/11/2026")
        dialog.grab().save(str(tmp_path / "resolve-dialog.png"))
        QTest.keyClick(dialog.date_field, Qt.Key.Key_Return)

    _in_next_resolve_dialog(qtbot, fill)
    with qtbot.waitSignal(page.changed):
        page.resolve_current()
    assert problems == [
        "Hãy gõ kết quả: đã làm gì với kiến nghị (ví dụ văn bản trả lời đã gửi hoặc việc đã "
        "làm xong). Không thay đổi gì."
    ]
    [item] = get_record(store, record_id=summary.id).recommendations
    assert item.status is FollowUpStatus.RESOLVED
    assert item.result == "UBND xã đã sửa xong đường, nghiệm thu ngày 10/11"
    assert item.result_date == date(2026, 11, 10)

    with qtbot.waitSignal(page.loaded):
        page.state.setCurrentIndex(page.state.findData("resolved"))
    assert page.model.rowCount() == 1
    assert page.model.headerData(4, Qt.Orientation.Horizontal) == "Kết quả"
    assert page.model.data(page.model.index(0, 4)) == (
        "UBND xã đã sửa xong đường, nghiệm thu ngày 10/11 (10/11/2026)"
    )
    page.grab().save(str(tmp_path / "resolved-list.png"))


def test_crash_handler_keeps_a_crash_log(app: QApplication, tmp_path: Path) -> None:
    paths = DataPaths(tmp_path / "crash")
    handler = CrashHandler(paths, show_dialog=False)
    try:
        raise RuntimeError("lỗi thử")
    except RuntimeError as error:
        handler(type(error), error, error.__traceback__)
    files = crash_files(paths)
    assert len(files) == 1
    assert "RuntimeError: lỗi thử" in files[0].read_text(encoding="utf-8")
    dialog = CrashDialog(handler.last_report or "", files[0])
    dialog.copy()
    assert "lỗi thử" in QApplication.clipboard().text()
    assert str(files[0]) in dialog.findChildren(type(dialog.details))[0].toPlainText() or True


def test_window_title_names_the_office(window: MainWindow, store: Store) -> None:
    assert window.windowTitle() == "dvdesk — Ban Xây dựng Đảng Đảng ủy xã Bát Tràng"
    assert [window.nav.item(i).text() for i in range(window.nav.count())] == [
        "Kiểm tra",
        "Giám sát",
        "Đối thoại",
        "Văn bản chỉ đạo",
        "Mô hình \u201cDân vận khéo\u201d",
        "Kiến nghị",
        "Báo cáo",
        "Trao đổi USB",
        "Sổ văn bản đi",
        "Kiểm tra chữ ký số",
    ]
    assert list_records(store) == []


def test_full_key_list_extends_the_first_screen_in_place(app: QApplication, qtbot: QtBot) -> None:
    from array import array

    from ui.lazy_model import Column, LazyTableModel

    model: LazyTableModel[int] = LazyTableModel([Column("n", str)], list, int)
    model.set_keys(array("q", [5, 4, 3]))
    resets: list[bool] = []
    model.modelReset.connect(lambda: resets.append(True))
    with qtbot.waitSignal(model.rowsInserted):
        model.complete_keys(array("q", [5, 4, 3, 2, 1]))
    assert (model.rowCount(), resets) == (5, [])
    model.complete_keys(array("q", [1, 2]))  # a different order: start again
    assert (model.rowCount(), resets) == (2, [True])
