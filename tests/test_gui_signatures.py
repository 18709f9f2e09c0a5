"""The app's Ký số dialog and the screen that checks the signatures of any PDF."""

from __future__ import annotations

import base64
import hashlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QScreen
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from dvdesk.services.store import Store
from dvdesk.signatures.documents import signature_summary
from dvdesk.signatures.issued import issued_entry
from dvdesk.signatures.sign import Role
from dvdesk.signatures.travel import DocumentMember, receive_documents
from tests.conftest import CliRunner
from tests.gui_support import settle, type_text
from tests.signature_fixtures import PIN, SoftToken, make_ca, make_token, needs_softhsm
from tests.test_gui_fit import SCREENS, SIZES, assert_fits
from ui.help import HelpDialog, topic_of
from ui.main_window import MainWindow
from ui.register import RegisterPage
from ui.signatures import SignContext, SignDialog, VerifyPage, load_sign_context

pytestmark = [needs_softhsm, pytest.mark.slow]


def _dialog(app: QApplication, store: Store, qtbot: QtBot, issued: Path) -> SignDialog:
    assert issued.read_bytes().startswith(
        b"%PDF"
    )  # the register keeps it; the dialog signs that copy
    context = SignContext(entry=issued_entry(store, number="01-BB/BXDĐ"), module="")
    dialog = SignDialog(store, context=context)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _find_token(dialog: SignDialog, qtbot: QtBot, token: SoftToken) -> None:
    dialog.module.setText(token.module)
    dialog.find_tokens()
    qtbot.waitUntil(lambda: dialog.certificate.count() == 1, timeout=20_000)
    assert "Nguyễn Văn An" in dialog.certificate.currentText()


def test_sign_in_the_app_then_check_the_pdf(
    app: QApplication,
    store: Store,
    qtbot: QtBot,
    token: SoftToken,
    issued: Path,
    cli: CliRunner,
    tmp_path: Path,
) -> None:
    dialog = _dialog(app, store, qtbot, issued)
    _find_token(dialog, qtbot, token)
    type_text(dialog.pin, PIN)
    dialog.sign()
    assert dialog.pin.text() == ""  # read once, then cleared
    qtbot.waitUntil(lambda: dialog.outcome is not None, timeout=30_000)
    assert "Nguyễn Văn An" in dialog.message.text() and "PAdES B-B" in dialog.message.text()
    assert dialog.outcome is not None
    signed = tmp_path / "signed.pdf"
    signed.write_bytes(dialog.outcome.pdf)
    dialog.resize(640, 320)
    dialog.grab().save(str(tmp_path / "sign.png"))

    register = RegisterPage(store)
    qtbot.addWidget(register)
    register.resize(1366, 700)
    register.show()
    qtbot.waitUntil(lambda: register.table.item(0, 5) is not None, timeout=20_000)
    signed_cell = register.table.item(0, 5)
    assert signed_cell is not None and signed_cell.text() == "Nguyễn Văn An (PAdES B-B)"
    register.grab().save(str(tmp_path / "register.png"))

    root = tmp_path / "root.pem"
    root.write_bytes(token.ca.pem)
    assert cli("trust", "add-root", str(root)).code == 0
    pdf = dialog.outcome.pdf
    member = DocumentMember(
        office_code="10101",
        doc_type="BB",
        number=7,
        symbol="BDVX",
        document_date="2026-11-20",
        pdf_sha256=hashlib.sha256(pdf).hexdigest(),
        pdf=base64.b64encode(pdf).decode("ascii"),
    )
    with store.session() as session:
        receive_documents(session, origin="10101", members=[(member, pdf)])
    page = VerifyPage(store)
    qtbot.addWidget(page)
    page.resize(1366, 700)
    page.show()
    page.check_file(signed)
    qtbot.waitUntil(lambda: page.result is not None, timeout=30_000)
    assert page.table.rowCount() == 1
    item = page.table.item(0, 1)
    assert item is not None and item.text() == "hợp lệ"
    revocation = page.table.item(0, 6)
    assert revocation is not None and revocation.text() == "chưa kiểm tra thu hồi"
    page.grab().save(str(tmp_path / "verify.png"))

    qtbot.waitUntil(lambda: page.received.table.rowCount() == 1, timeout=20_000)
    status = page.received.table.item(0, 3)
    assert status is not None and status.text() == "hợp lệ"
    page.result = None
    page.received.table.selectRow(0)
    page.received.check_selected()
    qtbot.waitUntil(lambda: page.result is not None, timeout=30_000)
    assert "10101 · 07-BB/BDVX" in page.file_label.text()
    page.grab().save(str(tmp_path / "verify.png"))


def test_wrong_pin_in_the_app_says_so_and_signs_nothing(
    app: QApplication, store: Store, qtbot: QtBot, token: SoftToken, issued: Path
) -> None:
    dialog = _dialog(app, store, qtbot, issued)
    _find_token(dialog, qtbot, token)
    type_text(dialog.pin, "000000")
    dialog.sign()
    qtbot.waitUntil(lambda: "PIN" in dialog.message.text(), timeout=30_000)
    qtbot.waitUntil(dialog.sign_button.isEnabled)
    assert "từ chối mã PIN" in dialog.message.text()
    assert dialog.outcome is None
    assert signature_summary(store, document_id=1).count == 0


def test_the_note_takers_card_signs_in_the_note_takers_place(
    app: QApplication,
    store: Store,
    qtbot: QtBot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    issued: Path,
) -> None:
    """Trial 3: the role stayed on the chair whoever's card was chosen, and the note-taker's
    signature filled the chair's place for good. The minutes print Trần Thị Mai as the
    note-taker: choosing her card chooses her place; PIN and Enter sign there."""
    token = make_token(
        tmp_path / "note-token",
        monkeypatch,
        ca=make_ca(),
        people=(("note", "Trần Thị Mai", "Ban Xây dựng Đảng Đảng ủy xã Bát Tràng"),),
    )
    with ThreadPoolExecutor(1) as worker:  # the register loads it off the GUI thread
        context = worker.submit(load_sign_context, store, document="01-BB/BXDĐ").result()
    dialog = SignDialog(store, context=context)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.module.setText(token.module)
    dialog.find_tokens()
    qtbot.waitUntil(lambda: dialog.certificate.count() == 1, timeout=20_000)
    assert dialog.role.currentData() == Role.NOTE_TAKER.value
    assert dialog.role.currentText() == "người ghi biên bản"
    assert QApplication.focusWidget() is dialog.pin
    type_text(dialog.pin, PIN)
    qtbot.keyClick(dialog.pin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.outcome is not None, timeout=30_000)
    assert dialog.outcome is not None and dialog.outcome.role is Role.NOTE_TAKER
    dialog.grab().save(str(tmp_path / "sign-note-taker.png"))


def test_the_register_opens_the_sign_dialog(
    app: QApplication, store: Store, qtbot: QtBot, issued: Path
) -> None:
    register = RegisterPage(store)
    qtbot.addWidget(register)
    register.show()
    qtbot.waitUntil(lambda: register.table.item(0, 5) is not None, timeout=20_000)
    cell = register.table.item(0, 5)
    assert cell is not None and cell.text() == "chưa ký số"
    register.table.selectRow(0)
    register.sign_button.click()
    qtbot.waitUntil(lambda: bool(register.findChildren(SignDialog)), timeout=20_000)
    dialogs = register.findChildren(SignDialog)
    assert len(dialogs) == 1 and "01-BB/BXDĐ" in dialogs[0].windowTitle()
    dialogs[0].reject()  # closing refreshes the register in the background
    settle(qtbot)


@pytest.fixture
def size(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> QSize:
    """As in test_gui_fit: the client area to fit, and the screen reporting its work area."""
    work_area, client = SCREENS[request.param]
    monkeypatch.setattr(QScreen, "availableGeometry", lambda _screen: QRect(work_area))
    return client


@pytest.mark.parametrize("size", SIZES, indirect=True)
def test_the_sign_dialog_fits_the_office_screens(
    app: QApplication, store: Store, qtbot: QtBot, issued: Path, size: QSize
) -> None:
    dialog = _dialog(app, store, qtbot, issued)
    assert_fits(dialog, size, qtbot)


def test_the_check_screen_is_in_the_navigation(window: MainWindow, qtbot: QtBot) -> None:
    labels = [window.nav.item(row).text() for row in range(window.nav.count())]
    row = labels.index("Kiểm tra chữ ký số")
    window.nav.setCurrentRow(row)
    assert isinstance(window.pages.currentWidget(), VerifyPage)
    assert topic_of(window.pages.currentWidget()) == "signatures"
    assert "chưa kiểm tra thu hồi" in HelpDialog("signatures").text.toPlainText().lower()
