"""First run and start-up: the wizard, and the app opening straight into its window."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWizard
from pytestqt.qtbot import QtBot

from dvdesk.domain.enums import RecordType
from dvdesk.paths import DataPaths
from dvdesk.services.office import get_office
from dvdesk.services.records import add_record, list_records
from dvdesk.services.store import Store, open_store
from tests.gui_support import activate, type_text
from tests.samples import inspection
from ui.app import configure_application
from ui.wizard import SetupWizard


@pytest.fixture
def empty_store(paths: DataPaths, qapp: QApplication) -> Iterator[Store]:
    configure_application(qapp, paths)
    store = open_store(paths, actor="chuyenvien", create=True)
    yield store
    store.close()


def test_wizard_sets_up_the_office_by_keyboard(empty_store: Store, qtbot: QtBot) -> None:
    wizard = SetupWizard(empty_store)
    qtbot.addWidget(wizard)
    wizard.show()
    activate(wizard, qtbot)
    next_button = wizard.button(QWizard.WizardButton.NextButton)
    assert next_button.text().replace("&", "") == "Tiếp theo >"
    wizard.next()
    page = wizard.office_page
    assert not next_button.isEnabled(), "Next waits for a valid office"
    values = {
        "name": "Ban Xây dựng Đảng Đảng ủy xã Bát Tràng",
        "header_name": "Ban Xây dựng Đảng",
        "superior": "Đảng ủy xã Bát Tràng",
        "code": "1010",
        "symbol": "BXDĐ",
        "place": "Bát Tràng",
    }
    page.edits["name"].setFocus()
    for key, value in values.items():
        edit = page.edits[key]
        assert QApplication.focusWidget() is edit, f"Tab order reaches {key}"
        type_text(edit, value)
        qtbot.keyClick(edit, Qt.Key.Key_Tab)
    assert page.errors["code"].isVisible()
    assert "5 chữ số" in page.errors["code"].text()
    assert not next_button.isEnabled()
    type_text(page.edits["code"], "5")
    assert page.errors["code"].isHidden()
    assert next_button.isEnabled()
    wizard.next()
    wizard.demo_page.demo.setChecked(True)
    with qtbot.waitSignal(wizard.office_created, timeout=60_000) as created:
        wizard.accept()  # the office and its demo records are made on the database worker
    assert not wizard.button(QWizard.WizardButton.FinishButton).isEnabled()
    assert created.args[0].code == "10105"
    office = get_office(empty_store)
    assert (office.code, office.current.symbol, office.current.place) == (
        "10105",
        "BXDĐ",
        "Bát Tràng",
    )
    assert len(list_records(empty_store)) == 200


def test_app_opens_straight_into_the_main_window(store: Store) -> None:
    """A real start of the `dvdesk` executable with no command, offscreen, in its own process."""
    add_record(store, record_type=RecordType.INSPECTION, data=inspection())
    store.close()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", DVDESK_SMOKE_TEST="1")
    result = subprocess.run(
        [sys.executable, "-m", "ui.main", "--data-dir", str(store.paths.root)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["dvdesk — Ban Xây dựng Đảng Đảng ủy xã Bát Tràng", "1"]


def test_the_look_is_fusion_whatever_the_system_style() -> None:
    """The app's QApplication is made with Fusion even where the system asks for another
    (Windows' own style, here): the same look on every office PC and in the help's pictures."""
    script = (
        "from PySide6.QtWidgets import QApplication\n"
        "from ui.app import application_arguments\n"
        "app = QApplication(application_arguments(['dvdesk', '--data-dir', 'x']))\n"
        "print(app.style().name(), app.arguments()[1:])\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QT_STYLE_OVERRIDE="Windows")
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["fusion", "['--data-dir',", "'x']"]


def test_wizard_levels_parent_row_and_summary(empty_store: Store, qtbot: QtBot) -> None:
    wizard = SetupWizard(empty_store)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.next()
    page = wizard.office_page
    labels = [page.level.itemText(i) for i in range(page.level.count())]
    assert labels == [
        "Tỉnh / thành phố trực thuộc trung ương",
        "Xã / phường",
        "Đặc khu",
        "Huyện (cấp cũ, hồ sơ trước 1/7/2025)",
    ]
    assert page.boxes["parent_name"].isVisibleTo(wizard)
    page.level.setCurrentIndex(0)
    assert not page.boxes["parent_name"].isVisibleTo(wizard), "a province has no parent here"
    values = {
        "name": "Ban Tuyên giáo và Dân vận Thành ủy Hà Nội",
        "code": "01",
        "symbol": "BTGDVTU",
        "place": "Hà Nội",
        "parent_name": "Ban Tuyên giáo và Dân vận Trung ương",  # typed before the level changed
    }
    for key, value in values.items():
        type_text(page.edits[key], value)
    assert "parent_name" not in page.data()
    wizard.next()
    wizard.next()
    wizard.next()  # no administrator: a one-person office
    assert wizard.currentPage() is wizard.summary_page
    summary = wizard.summary_page.text.text()
    assert "Tỉnh / thành phố" in summary and "BTGDVTU" in summary
    assert "Trung ương" not in summary
    with qtbot.waitSignal(wizard.office_created, timeout=60_000):
        wizard.accept()  # on the database worker
    office = get_office(empty_store)
    assert (office.code, office.parent_code) == ("01", None)
