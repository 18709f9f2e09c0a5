"""Looking at a document before it leaves the office: preview, print, save as PDF.

Qt renders the PDF itself (QtPdf), so what is printed is exactly what was shown
and what would be saved.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, QSize
from PySide6.QtGui import QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from dvdesk.errors import UserError
from dvdesk.fileio import Access, write_atomically
from dvdesk.i18n import _
from dvdesk.paths import DataPaths
from ui.crash import show_error
from ui.files import FileKind, save_file
from ui.screen import fit_to_screen


class PdfPreview(QDialog):
    """Shows ``pdf``; Print opens Qt's print dialog, Save writes the same bytes."""

    def __init__(
        self,
        pdf: bytes,
        *,
        title: str,
        file_name: str,
        note: str = "",
        paths: DataPaths | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.paths = paths
        self.pdf = pdf
        self.file_name = file_name
        self._bytes = QByteArray(pdf)
        self._buffer = QBuffer(self._bytes, self)
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document = QPdfDocument(self)
        self.document.load(self._buffer)
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        layout = QVBoxLayout(self)
        if note:
            label = QLabel(note)
            label.setWordWrap(True)
            layout.addWidget(label)
        layout.addWidget(self.view, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.print_button = QPushButton(_("Print…"))
        self.print_button.clicked.connect(self.print_dialog)
        self.save_button = QPushButton(_("Save as PDF…"))
        self.save_button.clicked.connect(self.save_dialog)
        buttons.addButton(self.print_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.saved_to: Path | None = None
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        fit_to_screen(self, 820, 900)

    def page_count(self) -> int:
        return int(self.document.pageCount())

    def print_dialog(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.print_to(printer)

    def print_to(self, printer: QPrinter) -> None:
        """Render every page at the printer's resolution, full page (margins are the PDF's)."""
        printer.setFullPage(True)
        painter = QPainter()
        if not painter.begin(printer):
            show_error(
                self,
                UserError(
                    _(
                        "The printer could not be opened. Check that it is "
                        "switched on and connected, then try again."
                    )
                ),
            )
            return
        try:
            dpi = printer.resolution()
            for page in range(self.page_count()):
                if page:
                    printer.newPage()
                points = self.document.pagePointSize(page)
                size = QSize(round(points.width() / 72 * dpi), round(points.height() / 72 * dpi))
                image = self.document.render(page, size)
                target = printer.pageRect(QPrinter.Unit.DevicePixel)
                painter.drawImage(QRectF(0, 0, target.width(), target.height()), image)
        finally:
            painter.end()

    def save_dialog(self) -> None:
        target = save_file(
            self,
            self.paths,
            purpose="pdf",
            title=_("Save as PDF"),
            name=self.file_name,
            kind=FileKind.PDF,
        )
        if target is None:
            return
        try:
            write_atomically(target, self.pdf, access=Access.SHARED)
        except OSError as error:
            show_error(
                self,
                UserError(
                    _(
                        "Cannot write {file}: {reason}. Choose another folder, then try again."
                    ).format(file=target, reason=error.strerror or error)
                ),
            )
            return
        self.saved_to = target
        self.status.setText(_("Saved to {file}.").format(file=target))

    def closeEvent(self, event: object) -> None:  # noqa: N802 - Qt API
        self.view.setDocument(None)  # type: ignore[arg-type]
        super().closeEvent(event)  # type: ignore[arg-type]
