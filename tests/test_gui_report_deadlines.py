"""Who has not reported, against the deadline of the request the head set in the app."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from dvdesk.clock import today
from dvdesk.documents.period_defaults import latest_ended_period
from dvdesk.domain.people import Role
from dvdesk.services.auth import sign_in
from dvdesk.services.office_view import get_office
from dvdesk.services.requests import deadline_status, set_request
from dvdesk.services.users import add_user
from tests import sync_fixtures
from tests.gui_support import type_text
from tests.sync_fixtures import Exchange
from ui.exchange import ExchangePage
from ui.report_requests import RequestDialog, deadline_sentence, deadline_state
from ui.screen import OFFICE_PC
from ui.worker import wait_for_tasks

exchange_template = sync_fixtures.exchange_template
exchange = sync_fixtures.exchange


def _cell(page: ExchangePage, row: int, column: int) -> str:
    item = page.units.item(row, column)
    return item.text() if item is not None else ""


def _states(page: ExchangePage) -> dict[str, str]:
    return {_cell(page, row, 1): _cell(page, row, 6) for row in range(page.units.rowCount())}


def _choose_quarter_four(qtbot: QtBot, dialog: RequestDialog) -> None:
    """Quarter IV of 2026 by keys alone: kind of period, then year, then the deadline."""
    kind = dialog.period.kind
    qtbot.waitUntil(lambda: QApplication.focusWidget() is kind)
    qtbot.keyClick(kind, Qt.Key.Key_Home)
    for _step in range(7):  # year, H1, H2, 9M, Q1, Q2, Q3 → Q4
        qtbot.keyClick(kind, Qt.Key.Key_Down)
    assert kind.currentText() == "Quý IV"
    qtbot.keyClick(kind, Qt.Key.Key_Tab)
    year = dialog.period.year
    assert QApplication.focusWidget() is year
    year.selectAll()
    type_text(year, "2026")
    qtbot.keyClick(year, Qt.Key.Key_Tab)  # selects the deadline's text
    assert QApplication.focusWidget() is dialog.deadline
    assert dialog.period.key() == "2026-Q4"


def test_the_deadline_status_counts_packages_after_the_request(exchange: Exchange) -> None:
    assert deadline_status(exchange.parent) is None  # nothing requested: dates are compared
    exchange.add()
    exchange.import_(exchange.export().path)  # before the request: does not count
    deadline = date(2027, 1, 5)
    set_request(exchange.parent, period="2026-Q4", deadline=deadline, note="Theo Hướng dẫn 12")
    status = deadline_status(exchange.parent, on=date(2026, 12, 26))
    assert status is not None and (status.period, status.deadline) == ("2026-Q4", deadline)
    assert {o.office_code: (o.reported, o.days_left) for o in status.offices} == {
        "10105": (False, 10),
        "10106": (False, 10),
    }
    exchange.add(title="Kiểm tra việc thực hiện Quy chế dân chủ ở cơ sở")
    exchange.import_(exchange.export().path)
    late = deadline_status(exchange.parent, on=date(2027, 1, 8))
    assert late is not None
    states = {o.office_code: deadline_state(o) for o in late.offices}
    assert states["10106"] == "quá hạn 3 ngày"
    assert states["10105"].startswith("đã gửi ngày ")
    assert [o.office_code for o in late.missing] == ["10106"]
    assert deadline_sentence(late) == (
        "1 trong 2 cơ quan cấp dưới chưa gửi báo cáo 2026-Q4 (hạn nộp 05/01/2027). "
        "Trong đó 1 cơ quan đã quá hạn. Ghi chú: Theo Hướng dẫn 12"
    )


def test_the_head_requests_a_report_and_sees_who_has_not_sent_it(
    app: QApplication, exchange: Exchange, qtbot: QtBot, tmp_path: Path
) -> None:
    parent = exchange.parent
    add_user(parent, name="quantri", roles=[Role.ADMIN], password="mat-khau-quan-tri")
    add_user(parent, name="truongban", roles=[Role.HEAD], password="mat-khau-truong-ban")
    add_user(parent, name="chuyenvien", roles=[Role.CLERK], password="mat-khau-chuyen-vien")
    sign_in(parent, name="chuyenvien", password="mat-khau-chuyen-vien")
    page = ExchangePage(parent, get_office(parent))
    qtbot.addWidget(page)
    page.resize(1366, 700)
    page.show()
    page.refresh()
    qtbot.waitUntil(lambda: page.units.rowCount() == 2)

    def ask() -> RequestDialog:
        before = getattr(page, "request_dialog", None)
        page.request_button.setFocus()
        qtbot.keyClick(page.request_button, Qt.Key.Key_Space)
        qtbot.waitUntil(lambda: getattr(page, "request_dialog", None) not in (None, before))
        dialog = page.request_dialog
        qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
        assert dialog.width() <= OFFICE_PC.width() and dialog.height() <= OFFICE_PC.height()
        return dialog

    due = today() + timedelta(days=10)
    dialog = ask()
    # No period code to type: the picker opens on the window that ended last, the
    # deadline a week ahead (not today, which would make every office late at once).
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.period.kind)
    assert dialog.period.key() == latest_ended_period(on=today()).key
    assert dialog.deadline.typed().value == today() + timedelta(days=7)
    _choose_quarter_four(qtbot, dialog)
    type_text(dialog.deadline, due.strftime("%d/%m/%Y"))
    qtbot.keyClick(dialog.deadline, Qt.Key.Key_Tab)
    type_text(dialog.note, "Báo cáo kết quả công tác dân vận quý IV")
    dialog.grab().save(str(tmp_path / "request-report.png"))
    qtbot.keyClick(dialog.period, Qt.Key.Key_Return)
    # A clerk may not set requests: refused in Vietnamese, nothing written.
    qtbot.waitUntil(lambda: "không có quyền" in dialog.message.text())
    assert deadline_status(parent) is None
    dialog.reject()

    sign_in(parent, name="truongban", password="mat-khau-truong-ban")
    dialog = ask()
    _choose_quarter_four(qtbot, dialog)
    type_text(dialog.deadline, due.strftime("%d/%m/%Y"))
    qtbot.keyClick(dialog.period, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    qtbot.waitUntil(lambda: "2026-Q4" in page.missing_note.text())
    assert _states(page) == {"10105": "chưa gửi — còn 10 ngày", "10106": "chưa gửi — còn 10 ngày"}
    assert page.missing_note.text().startswith(
        "2 trong 2 cơ quan cấp dưới chưa gửi báo cáo 2026-Q4"
    )

    exchange.add()
    exchange.import_(exchange.export().path)
    page.missing_button.setFocus()
    qtbot.keyClick(page.missing_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: "1 trong 2" in page.missing_note.text())
    states = _states(page)
    assert states["10106"] == "chưa gửi — còn 10 ngày"
    assert states["10105"].startswith("đã gửi ngày")
    assert _cell(page, 0, 1) == "10106"  # who has not sent comes first
    page.grab().save(str(tmp_path / "who-has-not-reported.png"))
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "missing.pdf"))
    document = page.missing_document()
    document.print_(printer)
    assert "chưa gửi — còn 10 ngày" in document.toPlainText()
    assert (tmp_path / "missing.pdf").stat().st_size > 1000

    exchange.add(store=exchange.sibling)
    exchange.import_(exchange.export(store=exchange.sibling).path)
    qtbot.keyClick(page.missing_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: page.missing_note.text().startswith("Cả 2 cơ quan"))
    wait_for_tasks()


def test_the_head_chooses_which_request_the_list_is_against(
    app: QApplication, exchange: Exchange, qtbot: QtBot, tmp_path: Path
) -> None:
    parent = exchange.parent
    set_request(parent, period="2026-Q3", deadline=date(2026, 10, 10), note="Quý III")
    exchange.add()
    exchange.import_(exchange.export().path)  # 10105 sends after the Q3 request
    set_request(parent, period="2026-Q4", deadline=date(2027, 1, 5), offices=["10106"])
    status = deadline_status(parent, on=date(2026, 12, 26))
    assert status is not None and status.period == "2026-Q4"  # the one set last
    assert [(r.period, r.deadline) for r in status.requests] == [
        ("2026-Q4", date(2027, 1, 5)),
        ("2026-Q3", date(2026, 10, 10)),
    ]
    older = deadline_status(parent, period="2026-Q3", deadline=date(2026, 10, 10))
    assert older is not None and older.note == "Quý III"
    assert [o.office_code for o in older.missing] == ["10106"]

    page = ExchangePage(parent, get_office(parent))
    qtbot.addWidget(page)
    page.resize(1366, 700)
    page.show()
    page.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is page)
    page.refresh()
    qtbot.waitUntil(lambda: page.units.rowCount() == 2)
    assert not page.request_choice.isEnabled()  # nothing to choose before the list
    page.missing_button.setFocus()
    qtbot.keyClick(page.missing_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: "2026-Q4" in page.missing_note.text())
    combo = page.request_choice.combo
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "Quý IV năm 2026 — hạn nộp 05/01/2027",
        "Quý III năm 2026 — hạn nộp 10/10/2026",
    ]
    qtbot.keyClick(page, Qt.Key.Key_Y, Qt.KeyboardModifier.AltModifier)  # "&Yêu cầu:"
    qtbot.waitUntil(lambda: QApplication.focusWidget() is combo)
    qtbot.keyClick(combo, Qt.Key.Key_Down)  # the older request
    qtbot.waitUntil(lambda: "2026-Q3" in page.missing_note.text())
    assert "Quý III" in page.missing_note.text()  # its own note
    assert _states(page)["10105"].startswith("đã gửi ngày")
    page.grab().save(str(tmp_path / "who-has-not-reported-choice.png"))
    document = page.missing_document().toPlainText()
    assert "2026-Q3" in document and "10/10/2026" in document
    qtbot.keyClick(combo, Qt.Key.Key_Up)  # back to the most recent: 10105 was not asked
    qtbot.waitUntil(lambda: "2026-Q4" in page.missing_note.text())
    assert _states(page)["10105"] == "không được yêu cầu báo cáo này"
    wait_for_tasks()
