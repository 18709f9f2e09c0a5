"""Messages that lead somewhere: no commands, a button for the step, passphrases asked
again, confirmations in the status bar, and who has not reported, in a sentence."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox
from pytestqt.qtbot import QtBot

from dvdesk.domain.enums import RecordType
from dvdesk.errors import NotFound
from dvdesk.paths import RESOURCES_DIR
from dvdesk.services.approval import approve_records
from dvdesk.services.office_view import get_office
from dvdesk.services.records import add_record
from dvdesk.services.store import Store
from dvdesk.services.units import add_children
from dvdesk.sync.keycard import read_card_bytes
from dvdesk.sync.keys import create_keys, write_card
from dvdesk.sync.trust import enroll_card
from tests import test_gui_exchange
from tests.gui_support import activate, settle
from tests.samples import inspection
from ui import next_steps
from ui.exchange import ExchangePage
from ui.main_window import MainWindow
from ui.worker import run_in_background, wait_for_tasks

PASSPHRASE = test_gui_exchange.PASSPHRASE
CHILDREN = [("01001", "Xã Bát Tràng"), ("01002", "Phường Hoàn Kiếm")]


def _catalog_messages() -> list[str]:
    with (RESOURCES_DIR / "locale" / "vi" / "LC_MESSAGES" / "dvdesk.po").open("rb") as handle:
        return [str(m.string) for m in read_po(handle) if m.id and "'dvdesk " in str(m.string)]


def test_no_message_shown_in_the_app_names_a_command(app: QApplication) -> None:
    messages = _catalog_messages()
    assert len(messages) >= 10
    for message in messages:
        rendered = next_steps.render(str(message))
        assert "dvdesk " not in rendered.text, rendered.text


def test_enrol_message_offers_the_enrol_button(app: QApplication) -> None:
    from dvdesk.i18n import _

    message = _(
        "To encrypt the package, first enrol the key card of {office} "
        "('dvdesk units enroll'), whose key it is encrypted to."
    ).format(office="Ban Tuyên giáo và Dân vận Thành ủy Hà Nội")
    rendered = next_steps.render(message)
    assert "“Đăng ký thẻ khóa" in rendered.text
    assert rendered.actions == ("enroll",)


def test_the_error_box_button_does_the_step(
    app: QApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    done: list[str] = []

    def press_the_step(box: QMessageBox) -> int:
        step = [b for b in box.buttons() if "thẻ khóa" in b.text()]
        assert step, [b.text() for b in box.buttons()]
        step[0].click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", press_the_step)
    error = NotFound("Hãy đăng ký thẻ khóa bằng lệnh 'dvdesk units enroll'.")
    next_steps.show_error(None, error, {"enroll": lambda: done.append("enrol")})
    assert done == ["enrol"]


province = test_gui_exchange.province


def test_a_wrong_passphrase_is_asked_again(
    store: Store,
    province: Store,
    qtbot: QtBot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    record_id = add_record(store, record_type=RecordType.INSPECTION, data=inspection())
    approve_records(store, record_ids=[record_id])  # something to send: no empty package
    create_keys(store, passphrase=PASSPHRASE)
    province_card, _fingerprint = write_card(province, out=tmp_path)
    enroll_card(store, card=read_card_bytes(province_card.read_bytes()))
    stick = tmp_path / "usb"
    stick.mkdir()
    told = test_gui_exchange._answer(monkeypatch, folder=stick)
    answers = iter(["sai mật khẩu", PASSPHRASE])
    prompts: list[str] = []

    def get_text(_parent: object, _title: str, prompt: str, *_a: object) -> tuple[str, bool]:
        prompts.append(prompt)
        return next(answers), True

    monkeypatch.setattr(QInputDialog, "getText", staticmethod(get_text))
    page = ExchangePage(store, get_office(store))
    qtbot.addWidget(page)
    page.export()  # the passphrase is checked on the worker; a wrong one asks again
    qtbot.waitUntil(lambda: bool(told), timeout=30_000)
    assert "số 1" in told[0]
    assert len(prompts) == 2
    assert prompts[1].startswith("Mật khẩu không đúng")
    assert prompts[1].endswith(prompts[0])


def _page(province: Store, qtbot: QtBot) -> ExchangePage:
    page = ExchangePage(province, get_office(province))
    qtbot.addWidget(page)
    page.refresh()
    wait_for_tasks()
    qtbot.waitUntil(lambda: page.known_children == 2)
    return page


def test_who_has_not_reported_lists_the_unit_list_and_prints(
    province: Store, qtbot: QtBot, tmp_path: Path
) -> None:
    add_children(province, units=CHILDREN, level="commune")
    page = _page(province, qtbot)
    page.show_missing()
    qtbot.waitUntil(lambda: bool(page.missing_note.text()))
    assert page.missing_note.text().startswith("2 trong 2 cơ quan cấp dưới chưa gửi gói dữ liệu")
    assert page.units.rowCount() == 2
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "missing.pdf"))
    document = page.missing_document()
    document.print_(printer)
    assert "Phường Hoàn Kiếm" in document.toPlainText()
    assert (tmp_path / "missing.pdf").stat().st_size > 1000


def test_everyone_reported_is_said_in_a_sentence(province: Store, qtbot: QtBot) -> None:
    add_children(province, units=CHILDREN, level="commune")
    page = _page(province, qtbot)
    page.since.setText("1/7/2026")
    page.until.setText("31/12/2026")
    assert page._missing_sentence(0) == (
        "Cả 2 cơ quan cấp dưới đã gửi gói dữ liệu từ 1/7/2026 đến 31/12/2026."
    )


def test_tab_leaves_the_exchange_tables(province: Store, qtbot: QtBot) -> None:
    add_children(province, units=CHILDREN, level="commune")
    page = _page(province, qtbot)
    page.show()
    activate(page, qtbot)
    for table in (page.summary, page.units):
        table.setFocus()
        qtbot.keyClick(table, Qt.Key.Key_Tab)
        assert QApplication.focusWidget() is not table, "Tab is not trapped in the table"


def _fail(error: Exception) -> None:
    raise AssertionError(error)


def test_a_confirmation_outlives_the_busy_notice(window: MainWindow, qtbot: QtBot) -> None:
    """A slow job (a password hashed) shows "Busy…"; its confirmation, said as the job
    ends, must not be wiped by the office line that replaces the busy notice."""
    release = threading.Event()
    run_in_background(lambda: release.wait(10), on_done=lambda _: None, on_failed=_fail)
    run_in_background(lambda: None, on_done=lambda _: None, on_failed=_fail)  # waits behind
    qtbot.waitUntil(lambda: "Đang bận" in window.statusBar().currentMessage())
    window.say("Mật khẩu của quantri đã được đổi.")
    release.set()
    settle(qtbot)
    assert window.statusBar().currentMessage() == "Mật khẩu của quantri đã được đổi."


def test_a_confirmation_the_busy_notice_covered_comes_back(
    window: MainWindow, qtbot: QtBot
) -> None:
    """Saved, then the lists reload behind a long job: the busy notice covered "Đã lưu",
    and the office line replaced the notice, so the clerk never read the confirmation."""
    window.say("Đã lưu: Kiểm tra việc thực hiện Quy chế dân chủ.")
    release = threading.Event()
    run_in_background(lambda: release.wait(10), on_done=lambda _: None, on_failed=_fail)
    run_in_background(lambda: None, on_done=lambda _: None, on_failed=_fail)  # waits behind
    qtbot.waitUntil(lambda: "Đang bận" in window.statusBar().currentMessage())
    release.set()
    settle(qtbot)
    assert window.statusBar().currentMessage() == (
        "Đã lưu: Kiểm tra việc thực hiện Quy chế dân chủ."
    )


def test_the_busy_notice_gives_way_to_the_office_line(window: MainWindow, qtbot: QtBot) -> None:
    release = threading.Event()
    run_in_background(lambda: release.wait(10), on_done=lambda _: None, on_failed=_fail)
    run_in_background(lambda: None, on_done=lambda _: None, on_failed=_fail)  # waits behind
    qtbot.waitUntil(lambda: "Đang bận" in window.statusBar().currentMessage())
    release.set()
    qtbot.waitUntil(lambda: window.statusBar().currentMessage().startswith("Cơ quan "))


def test_the_office_line_comes_back_when_a_message_ends(window: MainWindow) -> None:
    window.say("Đã lưu.")
    window.statusBar().clearMessage()  # what the timeout of a confirmation does
    assert window.statusBar().currentMessage().startswith("Cơ quan ")
