"""Offscreen screenshots of every screen, on a demo office, for review and the user guide.

.venv/bin/python docs/make_screenshots.py OUT_DIR [--scale 1.5] [--width 900] [--only NAMES]

The README's guide uses ``--width 900`` into docs/screenshots. The offscreen screen is
1366×768 (the office PCs'), so windows open at the size they open at on those PCs.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

# An offscreen screen of 1366×768 (docs/office-screen.json), like the office PCs'.
os.environ.setdefault(
    "QT_QPA_PLATFORM", f"offscreen:configfile={Path(__file__).with_name('office-screen.json')}"
)
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QWidget

from dvdesk.domain.enums import RecordType
from dvdesk.paths import DataPaths
from dvdesk.services.backup import DAILY, make_backup
from dvdesk.services.counts import set_counts
from dvdesk.services.demo import add_demo_records, ensure_demo_office
from dvdesk.services.office_view import get_office
from dvdesk.services.records import get_record, list_records
from dvdesk.services.store import Store, open_store
from dvdesk.services.units import list_units
from ui.app import configure_application
from ui.backup_dialog import BackupDialog
from ui.counts import CountsDialog
from ui.crash import CrashDialog
from ui.documents import MinutesDialog
from ui.forms.record_form import RecordForm
from ui.help import HelpDialog
from ui.main_window import MainWindow
from ui.wizard import SetupWizard
from ui.worker import wait_for_tasks


class Camera:
    def __init__(
        self, app: QApplication, out: Path, *, width: int = 0, only: tuple[str, ...] = ()
    ) -> None:
        self.app, self.out, self.width, self.only = app, out, width, only
        out.mkdir(parents=True, exist_ok=True)

    def settle(self) -> None:
        """Let the database worker finish and the window repaint."""
        deadline = time.monotonic() + 0.6  # past the search box's debounce
        while time.monotonic() < deadline:
            wait_for_tasks()
            self.app.processEvents()
            time.sleep(0.02)

    def shot(self, widget: QWidget, name: str) -> None:
        self.settle()
        if self.only and not name.startswith(self.only):
            return
        image = widget.grab()
        if self.width and image.width() > self.width:
            # Small files for the README: scaled down, stored as 8-bit indexed PNG.
            image = image.scaledToWidth(self.width, Qt.TransformationMode.SmoothTransformation)
        picture = image.toImage().convertToFormat(
            QImage.Format.Format_Indexed8, Qt.ImageConversionFlag.ThresholdDither
        )
        picture.save(str(self.out / f"{name}.png"), "PNG", 9 if self.width else -1)


def wizard_shots(camera: Camera, folder: Path) -> None:
    empty = open_store(DataPaths(folder / "new"), actor="demo", create=True)
    wizard = SetupWizard(empty)
    wizard.show()
    camera.shot(wizard, "01-wizard-welcome")
    wizard.next()
    page = wizard.office_page
    page.edits["name"].setText("Ban Xây dựng Đảng Đảng ủy xã Bát Tràng")
    page.edits["code"].setText("1010")
    page.edits["symbol"].setText("BXDĐ")
    camera.shot(wizard, "02-wizard-office-with-errors")
    page.edits["code"].setText("10105")
    page.edits["place"].setText("Bát Tràng")
    page.edits["parent_name"].setText("Ban Tuyên giáo và Dân vận Thành ủy Hà Nội")
    page.edits["parent_code"].setText("01")
    wizard.next()
    wizard.next()
    camera.shot(wizard, "03-wizard-summary")
    wizard.close()
    empty.close()


def window_shots(camera: Camera, store: Store) -> None:
    window = MainWindow(store, get_office(store))
    window.show()
    for row, name in enumerate(("inspections", "supervisions", "dialogues")):
        window.nav.setCurrentRow(row)
        camera.shot(window, f"1{row}-main-{name}")
    window.go_to(window._follow_ups_index)
    camera.shot(window, "13-main-follow-ups")
    window.nav.setCurrentRow(0)
    window.lists[RecordType.INSPECTION].search.setText("nguyen ba vi")
    camera.shot(window, "14-main-search")
    window.go_to(window._reports_index)
    window.reports.year.setValue(2024)
    window.reports.show_figures()
    window.reports.achievements.setPlainText("Các cấp ủy đã quan tâm lãnh đạo công tác dân vận.")
    camera.shot(window, "15-main-reports")
    # This one report signed by the deputy, on behalf of the head (the settings keep theirs).
    window.reports.signer_capacity.setCurrentText("K/T TRƯỞNG BAN")
    window.reports.signer_post.setText("PHÓ TRƯỞNG BAN")
    window.reports.signer_name.setText("Lò Văn Páo")
    window.go_to(window._exchange_index)
    camera.shot(window, "16-main-exchange")
    window.nav.setCurrentRow(0)
    window.help()
    camera.shot(window.dialogs[-1], "50-help-records")
    window.dialogs[-1].close()
    window.open_settings()
    camera.settle()  # the settings are read on the database worker
    camera.shot(window.dialogs[-1], "51-office-settings")
    window.dialogs[-1].close()
    window.go_to(window._reports_index)
    window.reports.preview()
    camera.shot(window, "15-main-reports")
    if window.reports.previews:
        camera.shot(window.reports.previews[0], "25-report-preview")


def form_shots(camera: Camera, store: Store) -> None:
    for number, record_type in ((20, RecordType.INSPECTION), (21, RecordType.DIALOGUE)):
        summary = list_records(store, record_type=record_type, limit=1)[0]
        form = RecordForm(store, record_type, get_record(store, record_id=summary.id))
        form.show()
        camera.shot(form, f"{number}-form-{record_type.value}")
    new = RecordForm(store, RecordType.SUPERVISION)
    new.show()
    new.fields["title"].widget.setFocus()
    new.save()
    camera.shot(new, "22-form-new-with-errors")
    backups = BackupDialog(store.paths)
    backups.show()
    camera.shot(backups, "40-backup-dialog")
    dialogue = list_records(store, record_type=RecordType.DIALOGUE, limit=1)[0]
    minutes = MinutesDialog(store, get_record(store, record_id=dialogue.id))
    minutes.show()
    camera.shot(minutes, "23-minutes-dialog")
    minutes.actions()[0].trigger()  # F1: the dialog's own help
    camera.shot(minutes.findChild(HelpDialog), "52-help-minutes")
    minutes.findChild(HelpDialog).close()
    minutes.preview()
    camera.shot(minutes, "23-minutes-dialog")
    if minutes.previews:
        camera.shot(minutes.previews[0], "24-minutes-preview")
    crash = CrashDialog("Traceback (most recent call last):\n  …\nRuntimeError: ví dụ", None)
    crash.show()
    camera.shot(crash, "30-crash-dialog")


def counts_shot(camera: Camera, store: Store) -> None:
    """Counts of the years before dvdesk, figures from the 6-month review of 2022."""
    own = next(unit for unit in list_units(store) if unit.relation == "self")
    figures = {"directive.nghi_quyet": 440, "directive.chi_thi": 485, "directive.cong_van": 14162}
    set_counts(
        store,
        data={
            "unit_code": own.code,
            "period_start": "2021-12-15",
            "period_end": "2022-06-14",
            "figures": figures | {"inspection.sessions": 1554, "inspection.subjects": 2612},
            "note": "Số liệu trước khi dùng dvdesk",
        },
    )
    counts = CountsDialog(store)
    counts.show()
    camera.shot(counts, "26-counts-dialog")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--scale", default="1")
    parser.add_argument("--width", type=int, default=0, help="scale wider shots down to this")
    parser.add_argument("--only", default="", help="comma-separated name prefixes to save")
    args = parser.parse_args()
    os.environ["QT_SCALE_FACTOR"] = args.scale
    app = QApplication([])
    folder = Path(tempfile.mkdtemp(prefix="dvdesk-shots-"))
    paths = DataPaths(folder / "office")
    configure_application(app, paths)
    only = tuple(prefix for prefix in args.only.split(",") if prefix)
    camera = Camera(app, args.out, width=args.width, only=only)
    wizard_shots(camera, folder)
    store = open_store(paths, actor="chuyenvien", create=True)
    ensure_demo_office(store)
    add_demo_records(store, count=3000, seed=4, office_codes=["01"])
    make_backup(store.paths, reason=DAILY)
    window_shots(camera, store)
    form_shots(camera, store)
    counts_shot(camera, store)
    store.close()


if __name__ == "__main__":
    main()
