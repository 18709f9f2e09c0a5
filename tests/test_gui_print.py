"""Printing a previewed document: capped resolution, page by page, turned for landscape
pages, cancellable, and the saved copy readable by others."""

from __future__ import annotations

import io
import os
import subprocess
from pathlib import Path

import pytest
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication, QProgressDialog
from pytestqt.qtbot import QtBot
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen.canvas import Canvas

from dvdesk.documents.fonts import ensure_fonts, font_name
from tests.gui_support import answer_file_dialogs
from ui.pdf_preview import PRINT_DPI, PdfPreview, Printed

LINE = "Biên bản kiểm tra việc thực hiện Quy chế dân chủ ở cơ sở"


def _pdf(sizes: list[tuple[float, float]]) -> bytes:
    ensure_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    for number, size in enumerate(sizes, start=1):
        canvas.setPageSize(size)
        canvas.setFont(font_name(), 14)
        canvas.drawString(72, size[1] - 72, f"{LINE} — trang {number}")
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _printer(target: Path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)  # 1200 dpi
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(target))
    return printer


def _run(*command: str) -> str:
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def test_pages_print_at_most_at_300_dpi_and_landscape_pages_turn_the_paper(
    app: QApplication, qtbot: QtBot, tmp_path: Path
) -> None:
    preview = PdfPreview(_pdf([A4, landscape(A4), A4]), title="Báo cáo", file_name="bao-cao.pdf")
    qtbot.addWidget(preview)
    printer = _printer(tmp_path / "in.pdf")
    assert printer.resolution() == 1200
    assert preview.print_to(printer) is Printed.DONE
    images = [line.split() for line in _run("pdfimages", "-list", str(tmp_path / "in.pdf"))
              .splitlines()[2:]]  # fmt: skip
    # One image a page, 300 dpi (not 1200: a 9921×14031 A4 image is 530 MB).
    assert [(row[0], row[3], row[4], row[12], row[13]) for row in images] == [
        ("1", "2480", "3508", "300", "300"),
        ("2", "3508", "2480", "300", "300"),
        ("3", "2480", "3508", "300", "300"),
    ]
    assert PRINT_DPI == 300
    sizes = _run("pdfinfo", "-f", "1", "-l", "3", str(tmp_path / "in.pdf"))
    assert "Page    2 size:  842 x 595 pts" in sizes  # the paper is turned, not squeezed
    assert "Page    1 size:  595 x 842 pts" in sizes
    assert preview.status.text() == f"Đã gửi 3 trang tới {tmp_path / 'in.pdf'}."


def test_printing_can_be_cancelled_between_pages(
    app: QApplication, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    preview = PdfPreview(_pdf([A4] * 4), title="Báo cáo", file_name="bao-cao.pdf")
    qtbot.addWidget(preview)
    shown: list[int] = []

    def cancelled_after_the_first_page(dialog: QProgressDialog) -> bool:
        shown.append(dialog.value())
        return True

    monkeypatch.setattr(QProgressDialog, "wasCanceled", cancelled_after_the_first_page)
    assert preview.print_to(_printer(tmp_path / "in.pdf")) is Printed.CANCELLED
    assert shown == [1]  # asked after the first page; the other three were never rendered
    assert "Đã hủy in" in preview.status.text()


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
def test_a_saved_pdf_is_readable_by_others(
    app: QApplication, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    preview = PdfPreview(_pdf([A4]), title="Báo cáo", file_name="bao-cao.pdf")
    qtbot.addWidget(preview)
    answer_file_dialogs(monkeypatch, [tmp_path / "bao-cao"])
    previous = os.umask(0o022)
    try:
        preview.save_dialog()
    finally:
        os.umask(previous)
    assert (tmp_path / "bao-cao.pdf").stat().st_mode & 0o777 == 0o644
