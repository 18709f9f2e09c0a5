"""First run and start-up: the wizard, and the app opening straight into its window."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWizard
from pytestqt.qtbot import QtBot

from dvdesk.domain.enums import OfficeLevel, RecordType
from dvdesk.paths import DataPaths
from dvdesk.services.office import CENTRAL_NAME, get_office
from dvdesk.services.records import add_record, list_records
from dvdesk.services.store import Store, open_store
from tests.gui_support import activate, type_text
from tests.samples import inspection
from ui.app import configure_application
from ui.wizard import OfficePage, SetupWizard


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


def _level_by_keyboard(page: OfficePage, qtbot: QtBot, downs: int) -> None:
    """Home goes to the first level (the centre); each Down goes one level lower."""
    page.level.setFocus()
    qtbot.keyClick(page.level, Qt.Key.Key_Home)
    for _step in range(downs):
        qtbot.keyClick(page.level, Qt.Key.Key_Down)


def _type_fields(page: OfficePage, qtbot: QtBot, values: dict[str, str]) -> None:
    """Tab from field to field as a clerk would, typing into the ones given."""
    page.edits["name"].setFocus()
    for key, _label, _example in OfficePage.FIELDS:
        edit = page.edits[key]
        if not edit.isVisibleTo(page):
            continue
        assert QApplication.focusWidget() is edit, f"Tab order reaches {key}"
        if key in values:
            edit.selectAll()
            type_text(edit, values[key])
        qtbot.keyClick(edit, Qt.Key.Key_Tab)


def _finish(wizard: SetupWizard, qtbot: QtBot) -> str:
    wizard.next()
    wizard.next()
    wizard.next()  # no administrator: a one-person office
    assert wizard.currentPage() is wizard.summary_page
    summary = wizard.summary_page.text.text()
    with qtbot.waitSignal(wizard.office_created, timeout=60_000):
        wizard.accept()  # on the database worker
    return summary


def test_wizard_levels_and_the_centre_by_keyboard(
    empty_store: Store, qtbot: QtBot, tmp_path: Path
) -> None:
    wizard = SetupWizard(empty_store)
    qtbot.addWidget(wizard)
    wizard.show()
    activate(wizard, qtbot)
    wizard.next()
    page = wizard.office_page
    labels = [page.level.itemText(i) for i in range(page.level.count())]
    assert labels == [
        "Trung ương (Ban Tuyên giáo và Dân vận Trung ương)",
        "Tỉnh / thành phố trực thuộc trung ương",
        "Xã / phường",
        "Đặc khu",
        "Huyện (cấp cũ, hồ sơ trước 1/7/2025)",
    ]
    assert page.boxes["parent_name"].isVisibleTo(wizard)
    _level_by_keyboard(page, qtbot, downs=0)
    assert page.level.currentData() == "central"
    assert not page.boxes["parent_name"].isVisibleTo(wizard), "the centre has no office above"
    assert page.edits["code"].text() == "00", "the centre's code is fixed"
    wizard.resize(1366, 768)
    wizard.grab().save(str(tmp_path / "wizard-centre.png"))
    _type_fields(
        page,
        qtbot,
        {"name": "Ban Tuyên giáo và Dân vận Trung ương", "symbol": "BTGDVTW", "place": "Hà Nội"},
    )
    type_text(page.edits["code"], "1")  # "001": refused with the rule
    assert "luôn là 00" in page.errors["code"].text()
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    qtbot.keyClick(page.edits["code"], Qt.Key.Key_Backspace)
    assert wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    summary = _finish(wizard, qtbot)
    assert "Trung ương" in summary and "BTGDVTW" in summary
    office = get_office(empty_store)
    assert (office.level, office.code, office.parent_code) == (OfficeLevel.CENTRAL, "00", None)


def test_wizard_province_reports_to_the_centre(
    empty_store: Store, qtbot: QtBot, tmp_path: Path
) -> None:
    wizard = SetupWizard(empty_store)
    qtbot.addWidget(wizard)
    wizard.show()
    activate(wizard, qtbot)
    wizard.next()
    page = wizard.office_page
    _level_by_keyboard(page, qtbot, downs=1)
    assert page.level.currentData() == "province"
    assert page.edits["code"].text() == "", "the centre's code is taken back"
    assert page.errors["code"].isHidden(), "no error before the clerk typed anything"
    assert page.boxes["parent_name"].isVisibleTo(wizard), "a province may name the centre"
    assert page.parent_note.isVisibleTo(wizard)
    assert (page.edits["parent_name"].text(), page.edits["parent_code"].text()) == (
        CENTRAL_NAME,
        "00",
    )
    wizard.resize(1366, 768)
    wizard.grab().save(str(tmp_path / "wizard-province.png"))
    _type_fields(
        page,
        qtbot,
        {
            "name": "Ban Tuyên giáo và Dân vận Thành ủy Hà Nội",
            "code": "01",
            "symbol": "BTGDVTU",
            "place": "Hà Nội",
        },
    )
    summary = _finish(wizard, qtbot)
    assert "Tỉnh / thành phố" in summary and CENTRAL_NAME in summary
    office = get_office(empty_store)
    assert (office.code, office.parent_code, office.parent_name) == ("01", "00", CENTRAL_NAME)


def test_wizard_province_without_the_centre(empty_store: Store, qtbot: QtBot) -> None:
    """A province whose centre does not use dvdesk clears the parent; a commune never
    inherits the centre that was filled in for a province."""
    wizard = SetupWizard(empty_store)
    qtbot.addWidget(wizard)
    wizard.show()
    activate(wizard, qtbot)
    wizard.next()
    page = wizard.office_page
    _level_by_keyboard(page, qtbot, downs=2)
    assert page.edits["parent_name"].text() == ""  # a commune: nothing filled in
    _level_by_keyboard(page, qtbot, downs=1)
    assert page.edits["parent_name"].text() == CENTRAL_NAME
    _level_by_keyboard(page, qtbot, downs=2)
    assert page.edits["parent_name"].text() == "", "the centre is no commune's parent"
    _level_by_keyboard(page, qtbot, downs=1)
    page.edits["parent_code"].clear()
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    page.edits["parent_name"].clear()
    _type_fields(
        page,
        qtbot,
        {
            "name": "Ban Tuyên giáo và Dân vận Thành ủy Hà Nội",
            "code": "01",
            "symbol": "BTGDVTU",
            "place": "Hà Nội",
        },
    )
    assert "parent_name" not in page.data()
    summary = _finish(wizard, qtbot)
    assert "Trung ương" not in summary
    office = get_office(empty_store)
    assert (office.code, office.parent_code) == ("01", None)


def test_wizard_examples_fit_the_level_chosen(empty_store: Store, qtbot: QtBot) -> None:
    """A province clerk is shown a province's name, code and symbol as examples, not a
    commune's; the commune's come back with the commune level."""
    wizard = SetupWizard(empty_store)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.next()
    page = wizard.office_page
    shown: dict[str, dict[str, str]] = {}
    for level in (OfficeLevel.PROVINCE, OfficeLevel.CENTRAL, OfficeLevel.COMMUNE):
        page.level.setCurrentIndex(page.level.findData(level.value))
        shown[level.value] = {key: page.edits[key].placeholderText() for key in page.edits}
    assert shown["province"]["code"] == "Ví dụ: 01"
    assert shown["province"]["symbol"] == "Ví dụ: BTGDVTU"
    assert "Thành ủy Hà Nội" in shown["province"]["name"]
    assert shown["central"]["symbol"] == "Ví dụ: BTGDVTW"
    assert shown["commune"]["code"] == "Ví dụ: 10105"
    assert "xã Bát Tràng" in shown["commune"]["name"]
