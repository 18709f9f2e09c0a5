"""Documents in the app: minutes and reports previewed, issued, printed and saved."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox
from pytestqt.qtbot import QtBot

from dvdesk.documents.minutes import issue_minutes
from dvdesk.documents.register import list_issued
from dvdesk.documents.settings import get_document_settings, set_document_settings
from dvdesk.domain.enums import RecordType
from dvdesk.services.records import add_record, get_record
from dvdesk.services.store import Store
from tests.document_fixtures import pdf_text
from tests.gui_support import activate, answer_file_dialogs, answer_questions, type_text
from tests.samples import inspection
from tests.test_documents import COMPLETE
from ui import ask
from ui.documents import MinutesDialog, ReportsPage
from ui.register import RegisterPage


def _pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def test_minutes_preview_issue_print_and_save(
    app: QApplication, store: Store, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    record_id = add_record(store, record_type=RecordType.INSPECTION, data=inspection())
    dialog = MinutesDialog(store, get_record(store, record_id=record_id))
    qtbot.addWidget(dialog)
    type_text(dialog.note_taker, "Trần Thị Mai")
    type_text(dialog.start_time, "08:00")
    dialog.preview()
    qtbot.waitUntil(lambda: len(dialog.previews) == 1, timeout=20_000)
    draft = dialog.previews[0]
    assert draft.windowTitle() == "Biên bản (bản nháp)"
    assert draft.page_count() >= 1

    # Unfinished: refused, naming what is missing; nothing is asked, nothing issued.
    asked: list[str] = []

    def answer(*args: object, **kwargs: object) -> QMessageBox.StandardButton:
        asked.append(str(args[2]))
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(ask, "question", answer)
    dialog.issue()
    qtbot.waitUntil(lambda: bool(dialog.error.text()), timeout=20_000)
    assert "thời gian kết thúc" in dialog.error.text()
    assert "đại diện đơn vị" in dialog.error.text()
    assert asked == []

    type_text(dialog.close_time, "11:00")
    type_text(dialog.representative, "Phạm Văn Long")
    dialog.issue()
    qtbot.waitUntil(lambda: len(dialog.previews) == 2, timeout=20_000)
    assert "01-BB/BXDĐ" in asked[0] and "14/05/2024" in asked[0]
    issued = dialog.previews[1]
    assert issued.windowTitle() == "Biên bản số 01-BB/BXDĐ"

    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    issued.print_to(printer)
    assert _pages(tmp_path / "printed.pdf") == issued.page_count()

    shown = answer_file_dialogs(monkeypatch, [tmp_path / "bien-ban"])
    issued.save_dialog()
    assert (tmp_path / "bien-ban.pdf").read_bytes() == issued.pdf
    assert shown[0].suggested == "Bien-ban-01-BXDD-2024-05-14.pdf"  # number, symbol, date
    assert shown[0].filters[0] == "Tài liệu PDF (*.pdf)"
    assert shown[0].labels == {
        "LookIn": "Tìm trong:",
        "FileName": "Tên tệp:",
        "FileType": "Loại tệp:",
        "Accept": "Lưu",
        "Reject": "Hủy",
    }
    assert "Đã lưu vào" in issued.status.text()
    shown = answer_file_dialogs(monkeypatch, None)
    issued.save_dialog()
    assert shown[0].folder == str(tmp_path), "the folder used last is offered again"


def test_bad_time_is_shown_in_the_dialog(app: QApplication, store: Store, qtbot: QtBot) -> None:
    record_id = add_record(store, record_type=RecordType.INSPECTION, data=inspection())
    dialog = MinutesDialog(store, get_record(store, record_id=record_id))
    qtbot.addWidget(dialog)
    dialog.show()
    type_text(dialog.start_time, "25:00")
    dialog.copies.setFocus()
    dialog.preview()
    qtbot.waitUntil(lambda: bool(dialog.error.text()), timeout=20_000)
    # Named by its label on screen, not by the core's key, and the cursor is back in it.
    assert dialog.error.text() == (
        "Bắt đầu lúc: cần giờ viết dạng HH:MM, ví dụ 08:00. Sửa lại rồi thử lại."
    )
    assert "start_time" not in dialog.error.text()
    assert dialog.start_time.hasFocus()
    assert dialog.previews == []
    dialog.start_time.clear()  # nothing typed is left: closing asks nothing


def test_report_figures_texts_and_issue(
    app: QApplication, store: Store, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_record(store, record_type=RecordType.INSPECTION, data=inspection())  # 14/05/2024: 2024-H1
    page = ReportsPage(store)
    qtbot.addWidget(page)
    page.year.setValue(2024)
    page.kind.setCurrentIndex(page.kind.findData("-H1"))
    assert page.period_key() == "2024-H1"
    page.show_figures()
    qtbot.waitUntil(lambda: bool(page.summary.text()), timeout=20_000)
    assert "1 cuộc kiểm tra đối với 2 tổ chức, đơn vị" in page.summary.text()
    assert "15/12/2023" in page.summary.text()

    _type_narrative(page)
    set_document_settings(store, changes={"signer_name": "Nguyễn Thị Hoa"})
    answer_questions(monkeypatch, QMessageBox.StandardButton.Yes)
    page.issue()
    qtbot.waitUntil(lambda: len(page.previews) == 1, timeout=30_000)
    assert page.previews[0].windowTitle().startswith("Báo cáo số 01-BC/BXDĐ")
    page.achievements.setPlainText("")
    page.load_texts()
    qtbot.waitUntil(lambda: bool(page.achievements.toPlainText()))
    assert page.achievements.toPlainText() == "Hoàn thành tốt nhiệm vụ dân vận"


def _type_narrative(page: ReportsPage) -> None:
    """The four narrative texts of a report, typed as a user types them."""
    for edit, value in (
        (page.situation, "Tình hình ổn định"),
        (page.achievements, "Hoàn thành tốt nhiệm vụ dân vận"),
        (page.limitations, "Còn chậm"),
        (page.tasks, "Tăng cường đối thoại"),
    ):
        type_text(edit, value)


def _cell(page: RegisterPage, row: int, column: int) -> str:
    item = page.table.item(row, column)
    return "" if item is None else item.text()


def test_register_lists_reprints_voids_and_replaces(
    app: QApplication, store: Store, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    record_id = add_record(store, record_type=RecordType.INSPECTION, data=inspection())
    issued = issue_minutes(store, record_id=record_id, details=COMPLETE)
    page = RegisterPage(store)
    qtbot.addWidget(page)
    page.resize(1366, 700)
    page.show()
    qtbot.waitUntil(lambda: page.table.rowCount() == 1, timeout=20_000)
    assert _cell(page, 0, 0) == "01-BB/BXDĐ"
    assert _cell(page, 0, 4) == "đang có hiệu lực"
    page.grab().save(str(tmp_path / "register.png"))

    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(page.previews) == 1, timeout=20_000)
    assert page.previews[0].pdf == issued.pdf

    shown = answer_file_dialogs(monkeypatch, [tmp_path / "bb"])
    page.save_word()
    qtbot.waitUntil((tmp_path / "bb.docx").exists, timeout=20_000)
    assert (tmp_path / "bb.docx").read_bytes() == issued.docx
    assert shown[0].suggested == "Bien-ban-01-BXDD-2024-05-14.docx"

    page.replace_selected()
    qtbot.waitUntil(lambda: len(page.dialogs) == 1, timeout=20_000)
    dialog = page.dialogs[0]
    for edit, value in (
        (dialog.note_taker, "Trần Thị Mai"),
        (dialog.start_time, "08:00"),
        (dialog.close_time, "11:00"),
        (dialog.representative, "Phạm Văn Long"),
    ):
        type_text(edit, value)
    answer_questions(monkeypatch, QMessageBox.StandardButton.Yes)
    dialog.issue()
    qtbot.waitUntil(lambda: len(dialog.previews) == 1, timeout=20_000)
    page.refresh()
    qtbot.waitUntil(lambda: page.table.rowCount() == 2, timeout=20_000)
    assert _cell(page, 0, 0) == "02-BB/BXDĐ"
    assert _cell(page, 1, 4) == "đã được thay thế bởi #2"

    monkeypatch.setattr(
        QInputDialog, "getText", staticmethod(lambda *a, **k: ("Ghi sai thành phần", True))
    )
    page.table.selectRow(0)
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: list_issued(store)[-1].voided, timeout=20_000)
    qtbot.waitUntil(lambda: "đã hủy" in _cell(page, 0, 4), timeout=20_000)


def test_reports_open_on_the_last_ended_window_and_take_a_typed_range(
    app: QApplication, store: Store, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import date

    # Both readers of the day: the range shown, and the period kind and year chosen.
    for module in ("ui.documents", "ui.period_picker"):
        monkeypatch.setattr(f"{module}.today", lambda: date(2026, 11, 29))
    add_record(store, record_type=RecordType.INSPECTION, data=inspection())  # 14/05/2024
    page = ReportsPage(store)
    qtbot.addWidget(page)
    page.show()
    assert page.period_key() == "2026-9M", "November: the nine months have just ended"
    assert page.range_from.isHidden()
    page.kind.setFocus()
    qtbot.keyClick(page.kind, Qt.Key.Key_End)  # the last choice: a typed date range
    assert page.kind.currentData() == "range" and page.range_from.isVisibleTo(page)
    page.range_from.setFocus()
    qtbot.keyClick(page.range_from, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(page.range_from, "1/5/2024")
    qtbot.keyClick(page.range_from, Qt.Key.Key_Tab)
    page.range_to.setFocus()
    qtbot.keyClick(page.range_to, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(page.range_to, "31052024")
    assert page.period_key() == "2024-05-01..2024-05-31"
    page.show_figures()
    qtbot.waitUntil(lambda: bool(page.summary.text()), timeout=20_000)
    # The range is said once (it read "từ ngày 01/05/2024 … (từ 01/05/2024 …)").
    assert page.summary.text().startswith("Từ ngày 01/05/2024 đến ngày 31/05/2024: 1 cuộc kiểm tra")
    type_text(page.recipients, "Thường trực Đảng ủy xã\nBan Tuyên giáo và Dân vận Thành ủy")
    saved: list[object] = []
    page.save_texts(then=lambda: saved.append(True))
    qtbot.waitUntil(lambda: bool(saved))
    page.recipients.setPlainText("")
    page.load_texts()
    qtbot.waitUntil(lambda: bool(page.recipients.toPlainText()))
    assert page.recipients.toPlainText().splitlines() == [
        "Thường trực Đảng ủy xã",
        "Ban Tuyên giáo và Dân vận Thành ủy",
    ]


def test_a_report_signed_by_someone_else_keeps_the_settings(
    app: QApplication, store: Store, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The signer comes from the settings; typed over, it signs this report only."""
    add_record(store, record_type=RecordType.INSPECTION, data=inspection())  # 14/05/2024
    set_document_settings(store, changes={"signer_name": "Nguyễn Thị Hoa"})
    page = ReportsPage(store)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.signer_name.text() == "Nguyễn Thị Hoa")
    assert page.signer_post.text() == "TRƯỞNG BAN" and page.signer_choice() is None
    page.year.setValue(2024)
    page.kind.setCurrentIndex(page.kind.findData("-H1"))
    _type_narrative(page)
    page.signer_capacity.setFocus()
    type_text(page.signer_capacity, "K/T TRƯỞNG BAN")
    qtbot.keyClick(page.signer_capacity, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is page.signer_post
    qtbot.keyClick(page.signer_post, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    type_text(page.signer_post, "PHÓ TRƯỞNG BAN")
    qtbot.keyClick(page.signer_post, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is page.signer_name
    qtbot.keyClick(page.signer_name, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    type_text(page.signer_name, "Lò Văn Páo")
    answer_questions(monkeypatch, QMessageBox.StandardButton.Yes)
    page.issue()
    qtbot.waitUntil(lambda: len(page.previews) == 1, timeout=30_000)
    issued = tmp_path / "issued.pdf"
    issued.write_bytes(page.previews[0].pdf)
    text = " ".join(pdf_text(issued).split())
    assert "K/T TRƯỞNG BAN PHÓ TRƯỞNG BAN" in text and "Lò Văn Páo" in text
    assert "Nguyễn Thị Hoa" not in text
    entry = list_issued(store)[0]
    assert entry.reference.startswith("01-BC/")
    settings = get_document_settings(store)
    assert (settings.signer_capacity, settings.signer_post, settings.signer_name) == (
        None,
        "TRƯỞNG BAN",
        "Nguyễn Thị Hoa",
    )


def test_enter_in_the_minutes_details_goes_on_and_never_previews(
    app: QApplication,
    store: Store,
    qtbot: QtBot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A clerk typing the details presses Enter after each: the cursor goes on to the next
    detail (as in the record form), and no preview, Word file or issue question opens."""
    pressed: list[str] = []
    for name in ("preview", "save_word", "issue"):
        monkeypatch.setattr(MinutesDialog, name, lambda _self, *_a, n=name: pressed.append(n))
    record_id = add_record(store, record_type=RecordType.INSPECTION, data=inspection())
    dialog = MinutesDialog(store, get_record(store, record_id=record_id))
    qtbot.addWidget(dialog)
    try:
        dialog.resize(1366, 768)
        dialog.show()
        qtbot.waitExposed(dialog)
        activate(dialog, qtbot)
        dialog.note_taker.setFocus()
        type_text(dialog.note_taker, "Trần Thị Mai")
        qtbot.keyClick(dialog.note_taker, Qt.Key.Key_Return)
        assert dialog.note_taker_post.hasFocus()
        type_text(dialog.note_taker_post, "Chuyên viên")
        qtbot.keyClick(dialog.note_taker_post, Qt.Key.Key_Enter, Qt.KeyboardModifier.KeypadModifier)
        assert dialog.start_time.hasFocus()
        type_text(dialog.start_time, "08:00")
        qtbot.keyClick(dialog.start_time, Qt.Key.Key_Return)
        type_text(dialog.close_time, "11:30")
        qtbot.keyClick(dialog.close_time, Qt.Key.Key_Return)
        assert dialog.representative.hasFocus()
        dialog.copies.setFocus()
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)  # the last detail: stays
        assert dialog.copies.hasFocus()
        assert pressed == [] and dialog.isVisible()
        assert dialog.details()["note_taker"] == "Trần Thị Mai"
        assert dialog.details()["close_time"] == "11:30"
        dialog.grab().save(str(tmp_path / "minutes.png"))
        # Space on a focused button still presses it: the preview is a deliberate step.
        dialog.preview_button.setFocus()
        qtbot.keyClick(dialog.preview_button, Qt.Key.Key_Space)
        assert pressed == ["preview"]
    finally:
        dialog.shown_values = dialog.details()  # closing asks nothing
