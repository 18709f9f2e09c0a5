"""Replacing an issued report from the register (Sổ văn bản đi) keeps its own signer and
recipients, not today's office settings; the clerk may change them first."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from dvdesk.documents.figures import Scope, compute_figures
from dvdesk.documents.periods import parse_period
from dvdesk.documents.register import issued_document, list_issued
from dvdesk.documents.report_pdf import issue_report, replacement_choice
from dvdesk.documents.settings import SignerChoice, get_document_settings, set_document_settings
from dvdesk.services.narratives import save_narrative
from dvdesk.services.store import Store
from tests.gui_support import answer_questions, type_text
from tests.test_issuing import NARRATIVE
from ui.register import RegisterPage
from ui.replace_report import ReplaceReportDialog

DEPUTY = SignerChoice(capacity="K/T TRƯỞNG BAN", post="PHÓ TRƯỞNG BAN", name="Lò Văn Páo")
SENT_TO = ["Ban Tuyên giáo và Dân vận Thành ủy", "Đảng ủy xã Bát Tràng"]


def _issued_by_the_deputy(store: Store) -> int:
    """A report signed by the deputy for this one period; the settings keep the head."""
    set_document_settings(store, changes={"signer_name": "Nguyễn Thị Hoa"})
    period = parse_period("2022-H1")
    save_narrative(store, period=period, changes=dict(NARRATIVE) | {"recipients": SENT_TO})
    figures = compute_figures(store, period=period, scope=Scope.OWN)
    issued = issue_report(store, figures=figures, on=date(2022, 6, 20), signer=DEPUTY)
    # Since then the office changed its default recipients for the period's texts.
    save_narrative(store, period=period, changes={"recipients": ["Văn phòng Đảng ủy"]})
    return issued.entry.id


def test_the_replaced_reports_signer_and_recipients_are_read_back(store: Store) -> None:
    entry_id = _issued_by_the_deputy(store)
    choice = replacement_choice(store, entry_id=entry_id)
    assert choice.signer == DEPUTY
    assert choice.recipients == SENT_TO


def test_replacing_from_the_register_starts_from_the_replaced_signer(
    app: QApplication, store: Store, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry_id = _issued_by_the_deputy(store)
    page = RegisterPage(store)
    qtbot.addWidget(page)
    page.resize(1366, 700)
    page.show()
    qtbot.waitUntil(lambda: page.table.rowCount() == 1, timeout=20_000)
    page.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is page)
    page.table.setFocus()
    page.table.selectRow(0)
    qtbot.keyClick(page.table, Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)  # “&Thay thế…”
    qtbot.waitUntil(lambda: bool(page.replacements), timeout=20_000)
    dialog = page.replacements[-1]
    assert isinstance(dialog, ReplaceReportDialog)
    qtbot.waitExposed(dialog)
    assert dialog.windowTitle().startswith("Thay thế báo cáo 01-BC/")
    assert dialog.capacity.currentText() == "K/T TRƯỞNG BAN"
    assert dialog.post.text() == "PHÓ TRƯỞNG BAN"
    assert dialog.name.text() == "Lò Văn Páo"
    assert dialog.recipients.toPlainText().splitlines() == SENT_TO
    # Changeable: one more recipient, typed by keyboard; Enter issues after the question.
    dialog.recipients.moveCursor(dialog.recipients.textCursor().MoveOperation.End)
    type_text(dialog.recipients, "\nUBND xã Bát Tràng")
    asked = answer_questions(monkeypatch, QMessageBox.StandardButton.Yes)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    qtbot.keyClick(dialog.name, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(list_issued(store)) == 2, timeout=30_000)
    new = list_issued(store)[-1]
    assert asked and new.reference in asked[0]  # the question named the new number
    assert new.replaces_id == entry_id
    document = issued_document(store, entry_id=new.id)
    assert document is not None
    right = document.closing.right
    assert (right.capacity, right.post, right.name) == (
        "K/T TRƯỞNG BAN",
        "PHÓ TRƯỞNG BAN",
        "Lò Văn Páo",
    )
    assert document.closing.recipients == [*SENT_TO, "UBND xã Bát Tràng"]
    assert get_document_settings(store).signer_name == "Nguyễn Thị Hoa"  # settings untouched
    qtbot.waitUntil(
        lambda: page.status.text().startswith(f"Đã phát hành {new.reference}"), timeout=20_000
    )
