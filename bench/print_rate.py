"""How long printing a report takes, and how much memory, beside rendering its pages raw.

    .venv/bin/python -m bench.print_rate [--records 300] [--communes 25] [--skip-before]

Builds a 6-month report (demo data; 14 pages at the defaults, 11 of them landscape
appendix pages) and measures, each in its own process (peak = that process's VmHWM,
or wait4's maxrss for pdftoppm):

- pdftoppm: poppler rasterising every page at 300 dpi to PNG files (the raw baseline;
  most of its time is PNG compression);
- render: QPdfDocument.render of every page at 300 dpi, nothing printed (Qt's own floor);
- print: dvdesk's PdfPreview.print_to onto a 1200 dpi QPrinter writing a PDF file;
- before: the former print_to (every page rendered at the printer's 1200 dpi), unless
  --skip-before (it takes about 8 s and 0.5 GB a page).

The child modes are run as ``python -m bench.print_rate --child MODE PDF OUT``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TypedDict

from PySide6.QtCore import QRectF, QSize
from PySide6.QtGui import QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication

PRINTER_DPI = 1200  # what QPrinter(HighResolution) reports for PDF output


class Figures(TypedDict):
    seconds: float
    cpu_seconds: float  # the machine is shared: CPU time is the steadier figure
    peak_mib: float
    out_bytes: int


def _printer(out: Path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(out))
    return printer


def child(mode: str, pdf: Path, out: Path) -> None:
    from bench.gui_child import peak_mib
    from ui.pdf_preview import PdfPreview, Printed, render_page

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QApplication([])
    if mode == "print":
        preview = PdfPreview(pdf.read_bytes(), title="bench", file_name="x.pdf")
        printer = _printer(out)
        started, cpu = time.perf_counter(), time.process_time()
        assert preview.print_to(printer) is Printed.DONE
    else:
        document = QPdfDocument()
        document.load(str(pdf))
        started, cpu = time.perf_counter(), time.process_time()
        if mode == "render":
            for page in range(document.pageCount()):
                image = render_page(document, page, 300)
                del image
        elif mode == "before":
            _print_before(document, _printer(out))
        else:
            raise SystemExit(f"unknown mode {mode}")
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    size = out.stat().st_size if out.exists() else 0
    figures = Figures(seconds=seconds, cpu_seconds=cpu, peak_mib=peak_mib(), out_bytes=size)
    print(json.dumps(figures))
    del app


def _print_before(document: QPdfDocument, printer: QPrinter) -> None:
    """print_to as it was: each page rendered at the printer's resolution."""
    printer.setFullPage(True)
    painter = QPainter()
    painter.begin(printer)
    dpi = printer.resolution()
    for page in range(document.pageCount()):
        if page:
            printer.newPage()
        points = document.pagePointSize(page)
        size = QSize(round(points.width() / 72 * dpi), round(points.height() / 72 * dpi))
        image = document.render(page, size)
        target = printer.pageRect(QPrinter.Unit.DevicePixel)
        painter.drawImage(QRectF(0, 0, target.width(), target.height()), image)
    painter.end()


def make_report(folder: Path, *, records: int, communes: int) -> Path:
    from bench.report_rate import make_data
    from dvdesk.documents.figures import Scope, compute_figures
    from dvdesk.documents.periods import parse_period
    from dvdesk.documents.report_pdf import build_report_pdf
    from dvdesk.services.store import open_store

    paths = make_data(folder / "office", records=records, communes=communes, seed=1)
    store = open_store(paths, actor="bench")
    try:
        figures = compute_figures(store, period=parse_period("2024-H1"), scope=Scope.ALL)
        pdf = build_report_pdf(store, figures=figures)
    finally:
        store.close()
    target = folder / "report.pdf"
    target.write_bytes(pdf)
    return target


def run_python(mode: str, pdf: Path, out: Path) -> Figures:
    result = subprocess.run(
        [sys.executable, "-m", "bench.print_rate", "--child", mode, str(pdf), str(out)],
        capture_output=True,
        text=True,
        check=True,
        env=os.environ | {"QT_QPA_PLATFORM": "offscreen"},
    )
    figures: Figures = json.loads(result.stdout.strip().splitlines()[-1])
    return figures


def run_pdftoppm(pdf: Path, folder: Path) -> Figures:
    folder.mkdir()
    started = time.perf_counter()
    process = subprocess.Popen(["pdftoppm", "-r", "300", "-png", str(pdf), str(folder / "p")])
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"pdftoppm failed ({process.returncode})")
    size = sum(p.stat().st_size for p in folder.iterdir())
    cpu = usage.ru_utime + usage.ru_stime
    return Figures(
        seconds=seconds, cpu_seconds=cpu, peak_mib=usage.ru_maxrss / 1024, out_bytes=size
    )


def page_count(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    line = next(x for x in info.stdout.splitlines() if x.startswith("Pages:"))
    return int(line.split()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=300)
    parser.add_argument("--communes", type=int, default=25)
    parser.add_argument("--skip-before", action="store_true")
    parser.add_argument("--child", nargs=3, metavar=("MODE", "PDF", "OUT"))
    args = parser.parse_args()
    if args.child:
        mode, pdf, out = args.child
        child(mode, Path(pdf), Path(out))
        return
    base = Path(tempfile.mkdtemp(prefix="dvdesk-bench-print-"))
    try:
        report = make_report(base, records=args.records, communes=args.communes)
        pages = page_count(report)
        rows: list[tuple[str, Figures]] = [
            ("pdftoppm -r 300 (raw)", run_pdftoppm(report, base / "png")),
            ("render 300 dpi, no print", run_python("render", report, base / "none.pdf")),
            ("print_to (now)", run_python("print", report, base / "printed.pdf")),
        ]
        if not args.skip_before:
            rows.append(("print_to (before)", run_python("before", report, base / "before.pdf")))
    finally:
        shutil.rmtree(base, ignore_errors=True)
    print(f"report: {pages} pages, {report.name}; printer {PRINTER_DPI} dpi, PDF output")
    print(f"{'':26} {'seconds':>8} {'CPU s':>7} {'s/page':>7} {'peak MiB':>9} {'output MB':>10}")
    for name, figures in rows:
        print(
            f"{name:26} {figures['seconds']:8.2f} {figures['cpu_seconds']:7.2f} "
            f"{figures['seconds'] / pages:7.2f} {figures['peak_mib']:9.0f} "
            f"{figures['out_bytes'] / 1e6:10.1f}"
        )


if __name__ == "__main__":
    main()
