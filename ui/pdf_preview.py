"""Looking at a document before it leaves the office: preview, print, save as PDF.

Qt renders the PDF itself (QtPdf), so what is printed is exactly what was shown
and what would be saved. QtPdf only renders pages to images (it has no vector
path to a printer), so each page is printed as an image at no more than
:data:`PRINT_DPI` dots per inch, one page at a time: at the printer's own 1200 dpi
an A4 page is a 9921×14031 image (530 MB) and two pages took 1.1 GB and 17 s.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, QSize, Qt
from PySide6.QtGui import QImage, QPageLayout, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QProgressDialog,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from dvdesk.errors import UserError
from dvdesk.fileio import Access, write_atomically
from dvdesk.i18n import _
from dvdesk.os_errors import os_reason
from dvdesk.paths import DataPaths
from ui.crash import show_error
from ui.files import FileKind, save_file
from ui.modal import run_modal
from ui.screen import fit_to_screen

# Text at 300 dpi prints crisply on office laser printers; more only costs memory
# (an A4 page is 2480×3508 pixels, 35 MB, at 300 dpi; 16 times that at 1200).
PRINT_DPI = 300


class Printed(Enum):
    DONE = "done"
    CANCELLED = "cancelled"
    NOT_OPENED = "not opened"


def render_page(document: QPdfDocument, page: int, dpi: int) -> QImage:
    """``page`` as an image at ``dpi``, white where the PDF is blank (printers need no alpha)."""
    points = document.pagePointSize(page)
    size = QSize(round(points.width() / 72 * dpi), round(points.height() / 72 * dpi))
    rendered = document.render(page, size)  # transparent where the page is blank
    paper = QImage(rendered.size(), QImage.Format.Format_RGB32)
    paper.fill(Qt.GlobalColor.white)
    painter = QPainter(paper)
    painter.drawImage(0, 0, rendered)
    painter.end()
    return paper


def _orient(printer: QPrinter, document: QPdfDocument, page: int) -> None:
    """Turn the paper for landscape pages (the wide appendices) so they are not squeezed."""
    points = document.pagePointSize(page)
    wide = points.width() > points.height()
    printer.setPageOrientation(
        QPageLayout.Orientation.Landscape if wide else QPageLayout.Orientation.Portrait
    )


def _target(printer: QPrinter, image: QImage) -> QRectF:
    """The whole paper, or the largest centred part of it with the page's proportions."""
    paper = printer.pageRect(QPrinter.Unit.DevicePixel)
    scale = min(paper.width() / image.width(), paper.height() / image.height())
    width, height = image.width() * scale, image.height() * scale
    return QRectF((paper.width() - width) / 2, (paper.height() - height) / 2, width, height)


def print_document(
    document: QPdfDocument,
    printer: QPrinter,
    *,
    after_page: Callable[[int], bool] = lambda _done: True,
) -> Printed:
    """Print every page of ``document``, each rendered at most at :data:`PRINT_DPI` and
    let go before the next one is rendered; ``after_page(pages_done)`` returning False
    cancels the job (pages already sent to a printer may still come out)."""
    printer.setFullPage(True)  # the PDF has its own margins
    if document.pageCount():
        _orient(printer, document, 0)
    painter = QPainter()
    if not painter.begin(printer):
        return Printed.NOT_OPENED
    # Flate, not JPEG, where Qt writes PDF (print to file, CUPS): JPEG blurs the
    # edges of small letters and their diacritics.
    painter.setRenderHint(QPainter.RenderHint.LosslessImageRendering)
    dpi = min(printer.resolution(), PRINT_DPI)
    try:
        for page in range(document.pageCount()):
            if page:
                _orient(printer, document, page)
                printer.newPage()
            image = render_page(document, page, dpi)
            painter.drawImage(_target(printer, image), image)
            del image  # one page in memory at a time
            if not after_page(page + 1):
                printer.abort()
                return Printed.CANCELLED
    finally:
        painter.end()
    return Printed.DONE


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
        if run_modal(dialog) == QDialog.DialogCode.Accepted:
            self.print_to(printer)

    def print_to(self, printer: QPrinter) -> Printed:
        """Print page by page behind a progress dialog the clerk can cancel."""
        total = self.page_count()
        progress = QProgressDialog(
            _("Printing page 1 of {total}…").format(total=total), _("Cancel"), 0, total, self
        )
        progress.setWindowTitle(_("Printing"))
        # Events are processed between pages: nothing else may change meanwhile.
        progress.setWindowModality(Qt.WindowModality.ApplicationModal)
        progress.setMinimumDuration(0)
        progress.setValue(0)
        QApplication.processEvents()

        def after_page(done: int) -> bool:
            progress.setValue(done)
            if done < total:
                progress.setLabelText(
                    _("Printing page {page} of {total}…").format(page=done + 1, total=total)
                )
            QApplication.processEvents()  # repaint, and let the clerk press Cancel
            return not progress.wasCanceled()

        try:
            outcome = print_document(self.document, printer, after_page=after_page)
        finally:
            progress.reset()
            progress.deleteLater()
        if outcome is Printed.NOT_OPENED:
            show_error(
                self,
                UserError(
                    _(
                        "The printer could not be opened. Check that it is "
                        "switched on and connected, then try again."
                    )
                ),
            )
        elif outcome is Printed.CANCELLED:
            self.status.setText(
                _(
                    "Printing was cancelled. Pages already sent may still come out of "
                    "the printer; press Print… to print the document again."
                )
            )
        else:
            self.status.setText(
                _("Pages sent to {printer}: {pages}.").format(
                    pages=total, printer=printer.printerName() or printer.outputFileName()
                )
            )
        return outcome

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
                    ).format(file=target, reason=os_reason(error))
                ),
            )
            return
        self.saved_to = target
        self.status.setText(_("Saved to {file}.").format(file=target))

    def closeEvent(self, event: object) -> None:  # noqa: N802 - Qt API
        self.view.setDocument(None)  # type: ignore[arg-type]
        super().closeEvent(event)  # type: ignore[arg-type]
