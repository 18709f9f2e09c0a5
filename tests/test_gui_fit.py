"""Every window and dialog fits a 1366×768 office PC and a 1920×1080 laptop at 150 %.

Each one is shown at the client area those screens leave (ui/screen.py computes it)
and every visible button must lie inside the window; content that is longer than
the window scrolls inside a scroll area, whose own frame must fit too.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QScreen
from PySide6.QtWidgets import QAbstractButton, QAbstractScrollArea, QApplication, QWidget
from pytestqt.qtbot import QtBot

from dvdesk.documents.report_pdf import ReplacementChoice
from dvdesk.documents.settings import SignerChoice
from dvdesk.domain.enums import RecordType
from dvdesk.paths import DataPaths
from dvdesk.services.office import create_office
from dvdesk.services.office_settings import load_office_settings
from dvdesk.services.office_view import get_office
from dvdesk.services.records import add_record, get_record
from dvdesk.services.store import Store, open_store
from tests.samples import OFFICE, dialogue, inspection
from ui.backup_dialog import BackupDialog
from ui.counts import CountsDialog
from ui.crash import CrashDialog
from ui.documents import MinutesDialog
from ui.forms.record_form import RecordForm
from ui.help import TOPICS, HelpDialog
from ui.main_window import MainWindow
from ui.office_settings import OfficeSettingsDialog
from ui.pdf_preview import PdfPreview
from ui.replace_report import ReplaceReportDialog
from ui.report_requests import RequestDialog
from ui.screen import LAPTOP_150, OFFICE_PC
from ui.trusted_roots import TrustedRootsDialog
from ui.users import UserForm, UsersDialog
from ui.wizard import SetupWizard
from ui.worker import wait_for_tasks

# (work area the screen reports without the taskbar, client area left under a title bar)
SCREENS = {
    "1366x700": (QRect(0, 0, 1366, 728), OFFICE_PC),
    "150pc-1280x650": (QRect(0, 0, 1280, 680), LAPTOP_150),
}
SIZES = list(SCREENS)


@pytest.fixture
def size(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> QSize:
    """The client area to fit; windows asking their screen see that screen's work area."""
    work_area, client = SCREENS[request.param]
    monkeypatch.setattr(QScreen, "availableGeometry", lambda _screen: QRect(work_area))
    return client


def _inside_scroll_area(widget: QWidget, window: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None and parent is not window:
        if isinstance(parent, QAbstractScrollArea) and widget is not parent:
            return True
        parent = parent.parentWidget()
    return False


def assert_fits(window: QWidget, size: QSize, qtbot: QtBot) -> None:
    """Opens no larger than ``size``, every button (or the scroll area holding it) inside."""
    window.show()
    qtbot.waitExposed(window)
    wait_for_tasks()
    QApplication.processEvents()
    name = f"{type(window).__name__} «{window.windowTitle()}»"
    assert window.width() <= size.width() and window.height() <= size.height(), (
        f"{name} is {window.width()}×{window.height()}; its layout needs "
        f"{window.minimumSizeHint().width()}×{window.minimumSizeHint().height()}"
    )
    area = window.rect()
    checked = 0
    for button in window.findChildren(QAbstractButton):
        if not button.isVisibleTo(window) or button.window() is not window:
            continue
        target: QWidget = button
        if _inside_scroll_area(button, window):
            while not isinstance(target, QAbstractScrollArea):
                parent = target.parentWidget()
                assert parent is not None
                target = parent
        box = QRect(target.mapTo(window, target.rect().topLeft()), target.size())
        assert area.contains(box), f"{name}: «{button.text()}» at {box} is outside {area}"
        checked += 1
    assert checked, f"{name} shows no button"


@pytest.fixture
def records(store: Store) -> dict[RecordType, str]:
    return {
        RecordType.INSPECTION: add_record(
            store, record_type=RecordType.INSPECTION, data=inspection()
        ),
        RecordType.SUPERVISION: add_record(
            store, record_type=RecordType.SUPERVISION, data=inspection()
        ),
        RecordType.DIALOGUE: add_record(store, record_type=RecordType.DIALOGUE, data=dialogue()),
    }


@pytest.fixture
def province(tmp_path: Path) -> Iterator[Store]:
    """A province office: its exchange screen has the import and unit tables too."""
    opened = open_store(DataPaths(tmp_path / "province"), actor="tinh", create=True)
    data: dict[str, object] = dict(OFFICE)
    data |= {"level": "province", "code": "01", "name": "Ban Tuyên giáo và Dân vận"}
    data |= {"symbol": "BTGDVTU", "place": "Hà Nội", "superior": "Thành ủy Hà Nội"}
    del data["parent_code"], data["parent_name"]
    create_office(opened, data=data)
    yield opened
    opened.close()


def _maximised_on(window: MainWindow, size: QSize) -> None:
    """The main window opens maximised on these screens (ui/screen.py): the client area
    is then the whole of ``size``; the offscreen platform cannot maximise to it itself."""
    window.showNormal()
    window.resize(size)


@pytest.mark.parametrize("size", SIZES, indirect=True)
def test_main_window_every_screen(
    window: MainWindow, qtbot: QtBot, size: QSize, records: dict[RecordType, str]
) -> None:
    _maximised_on(window, size)
    for index in range(window.nav.count()):
        window.go_to(index)
        assert_fits(window, size, qtbot)


@pytest.mark.parametrize("size", SIZES, indirect=True)
def test_province_exchange_screen(
    app: QApplication, province: Store, qtbot: QtBot, size: QSize
) -> None:
    main = MainWindow(province, get_office(province))
    qtbot.addWidget(main)
    _maximised_on(main, size)
    main.go_to(5)
    assert_fits(main, size, qtbot)
    main.go_to(4)
    assert_fits(main, size, qtbot)


@pytest.mark.parametrize("size", SIZES, indirect=True)
def test_record_forms_new_edited_and_with_errors(
    app: QApplication, store: Store, qtbot: QtBot, size: QSize, records: dict[RecordType, str]
) -> None:
    for record_type, record_id in records.items():
        for record in (None, get_record(store, record_id=record_id)):
            form = RecordForm(store, record_type, record)
            qtbot.addWidget(form)
            if record is None:
                form.save()  # every field red, every message shown
            assert_fits(form, size, qtbot)
            form.done(0)


@pytest.mark.parametrize("size", SIZES, indirect=True)
def test_dialogs(
    app: QApplication, store: Store, qtbot: QtBot, size: QSize, records: dict[RecordType, str]
) -> None:
    from dvdesk.documents.minutes import build_minutes

    record = get_record(store, record_id=records[RecordType.DIALOGUE])
    pdf = build_minutes(store, record_id=record.id, details={})
    dialogs: list[QWidget] = [
        MinutesDialog(store, record),
        PdfPreview(pdf, title="Biên bản", file_name="x.pdf", note="Bản nháp"),
        BackupDialog(store.paths),
        OfficeSettingsDialog(store, load_office_settings(store)),
        CountsDialog(store),
        CrashDialog("Traceback (most recent call last):\n" + "  line\n" * 200, None),
        *(HelpDialog(topic) for topic in TOPICS),
        ReplaceReportDialog(
            reference="01-BC/BXDĐ",
            choice=ReplacementChoice(
                signer=SignerChoice("K/T TRƯỞNG BAN", "PHÓ TRƯỞNG BAN", "Lò Văn Páo"),
                recipients=["Ban Tuyên giáo và Dân vận Thành ủy"] * 12,
            ),
            default=SignerChoice(None, None, None),
        ),
        UsersDialog(store, []),
        UserForm(title="x", fields=("name", "full_name", "roles", "password"), action=print),
        RequestDialog(store),
        TrustedRootsDialog(store),
    ]
    for dialog in dialogs:
        qtbot.addWidget(dialog)
        assert_fits(dialog, size, qtbot)
        dialog.hide()


@pytest.mark.parametrize("size", SIZES, indirect=True)
def test_setup_wizard_every_page(
    app: QApplication, tmp_path: Path, qtbot: QtBot, size: QSize
) -> None:
    empty = open_store(DataPaths(tmp_path / "new"), actor="demo", create=True)
    wizard = SetupWizard(empty)
    qtbot.addWidget(wizard)
    for _page in range(len(wizard.pageIds())):
        assert_fits(wizard, size, qtbot)
        for key, edit in wizard.office_page.edits.items():
            edit.setText("x" if key != "code" else "1")  # every error shown
        wizard.next()
    empty.close()


def test_windows_are_sized_only_through_fit_to_screen() -> None:
    """A fixed ``resize`` elsewhere would ignore the screen it opens on."""
    ui = Path(__file__).resolve().parents[1] / "ui"
    offenders = [
        f"{path.name}:{number}"
        for path in ui.rglob("*.py")
        if path.name != "screen.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "self.resize(" in line
    ]
    assert offenders == []
