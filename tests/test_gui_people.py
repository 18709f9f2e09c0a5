"""Sign-in, "Chờ duyệt" and the requested report in the app (offscreen)."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from dvdesk.db.schema import ReportRequest
from dvdesk.domain.enums import RecordType
from dvdesk.domain.people import ApprovalStatus, Role
from dvdesk.paths import DataPaths
from dvdesk.services.approval import approval_of, submit_record
from dvdesk.services.office_view import get_office
from dvdesk.services.records import add_record
from dvdesk.services.store import Store, open_store
from dvdesk.services.users import add_user, list_users
from tests.gui_support import activate, type_text
from tests.samples import inspection
from ui.app import configure_application
from ui.main_window import MainWindow
from ui.review import PendingApprovals, ReviewReceived
from ui.screen import OFFICE_PC
from ui.sign_in import SignInDialog
from ui.wizard import SetupWizard
from ui.worker import wait_for_tasks


def test_sign_in_by_keyboard_refuses_a_wrong_password(
    app: QApplication, store: Store, qtbot: QtBot, tmp_path: Path
) -> None:
    add_user(store, name="quantri", roles=[Role.ADMIN, Role.HEAD], password="mat-khau-quan-tri")
    fresh = open_store(store.paths, actor="os-login")
    dialog = SignInDialog(fresh)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(dialog.isVisible)
    type_text(dialog.user, "quantri")
    type_text(dialog.password, "sai-mat-khau")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Sai tên người dùng" in dialog.message.text())
    assert dialog.isVisible() and not fresh.signed_in
    dialog.grab().save(str(tmp_path / "sign-in.png"))
    assert dialog.password.text() == ""
    type_text(dialog.password, "mat-khau-quan-tri")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert fresh.signed_in and fresh.actor == "quantri"
    fresh.close()


def test_the_head_approves_from_the_waiting_queue(
    window: MainWindow, store: Store, qtbot: QtBot, tmp_path: Path
) -> None:
    record_id = add_record(store, record_type=RecordType.INSPECTION, data=inspection())
    submit_record(store, record_id=record_id)
    activate(window, qtbot)
    qtbot.keyClick(
        window,
        Qt.Key.Key_A,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    qtbot.waitUntil(lambda: any(isinstance(d, PendingApprovals) for d in window.dialogs))
    dialog = next(d for d in window.dialogs if isinstance(d, PendingApprovals))
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1)
    cell = dialog.table.item(0, 1)
    assert cell is not None and cell.text() == "trình duyệt"
    assert dialog.width() <= OFFICE_PC.width() and dialog.height() <= OFFICE_PC.height()
    window.resize(1366, 768)
    dialog.grab().save(str(tmp_path / "cho-duyet.png"))
    dialog.approve()
    qtbot.waitUntil(lambda: "Đã duyệt 1 hồ sơ" in dialog.status.text())
    assert "Không có hồ sơ nào chờ duyệt" in dialog.status.text()
    wait_for_tasks()
    assert approval_of(store, record_id=record_id).status is ApprovalStatus.APPROVED
    assert dialog.table.rowCount() == 0


def test_the_requested_report_and_its_deadline_on_the_home_screen(
    app: QApplication, store: Store, qtbot: QtBot, tmp_path: Path
) -> None:
    with store.session() as session:
        session.add(
            ReportRequest(
                id=str(uuid.uuid4()),
                direction="in",
                office_code="01",
                period="2026-Q4",
                deadline=date.today() + timedelta(days=10),
                note="Báo cáo kết quả công tác dân vận",
                created_at="2026-11-29T08:00:00Z",
                created_by="chuyenvien",
            )
        )
    window = MainWindow(store, get_office(store))
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()

    def banner() -> str:
        found = window.statusBar().findChild(QLabel, "requestBanner")
        return found.text() if found is not None else ""

    qtbot.waitUntil(lambda: "hạn nộp ngày" in banner())
    assert "Báo cáo quý IV năm 2026" in banner()
    assert "(còn 10 ngày)" in banner()
    window.grab().save(str(tmp_path / "home-request.png"))
    review = ReviewReceived(store, window)
    qtbot.addWidget(review)
    review.show()
    qtbot.waitUntil(lambda: review.status.text() != "")
    review.grab().save(str(tmp_path / "review.png"))
    assert review.width() <= OFFICE_PC.width() and review.height() <= OFFICE_PC.height()
    wait_for_tasks()


def test_the_clerk_submits_the_selected_record_by_keyboard(
    window: MainWindow, store: Store, qtbot: QtBot, tmp_path: Path
) -> None:
    record_id = add_record(store, record_type=RecordType.INSPECTION, data=inspection())
    page = window.lists[RecordType.INSPECTION]
    page.select_record(record_id)
    qtbot.waitUntil(lambda: page.current_record_id() == record_id)
    activate(window, qtbot)
    qtbot.keyClick(
        window,
        Qt.Key.Key_S,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    qtbot.waitUntil(lambda: "Chờ duyệt" in window.statusBar().currentMessage())
    wait_for_tasks()
    assert approval_of(store, record_id=record_id).status is ApprovalStatus.SUBMITTED
    window.resize(1366, 768)
    window.grab().save(str(tmp_path / "main-window.png"))


def test_the_wizard_creates_the_first_administrator(
    paths: DataPaths, qapp: QApplication, qtbot: QtBot, tmp_path: Path
) -> None:
    configure_application(qapp, paths)
    empty = open_store(paths, actor="os-login", create=True)
    wizard = SetupWizard(empty)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.next()
    for key, value in (
        ("name", "Ban Xây dựng Đảng Đảng ủy xã Bát Tràng"),
        ("code", "10105"),
        ("symbol", "BXDĐ"),
        ("place", "Bát Tràng"),
    ):
        wizard.office_page.edits[key].setText(value)
    wizard.next()  # demo records
    wizard.next()  # the administrator
    page = wizard.admin_page
    assert wizard.currentPage() is page
    type_text(page.name, "quantri")
    type_text(page.password, "mat-khau-quan-tri")
    type_text(page.again, "mat-khau-khac")
    wizard.next()
    assert wizard.currentPage() is page and "khác nhau" in page.message.text()
    page.again.clear()
    type_text(page.again, "mat-khau-quan-tri")
    wizard.next()
    assert "quantri" in wizard.summary_page.text.text()
    wizard.grab().save(str(tmp_path / "wizard-summary.png"))
    created: list[object] = []
    wizard.office_created.connect(created.append)
    wizard.accept()
    qtbot.waitUntil(lambda: bool(created))
    assert empty.signed_in and empty.actor == "quantri"
    assert [(u.name, [r.value for r in u.roles]) for u in list_users(empty)] == [
        ("quantri", ["admin", "head", "clerk"])
    ]
    wait_for_tasks()
    empty.close()
