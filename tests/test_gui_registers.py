"""Forms, lists and the import dialog for leadership documents and "Dân vận khéo" models."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QWidget
from pytestqt.qtbot import QtBot

from dvdesk.bulk.columns import COLUMNS
from dvdesk.domain.enums import RecordType
from dvdesk.domain.record_view import DirectiveView, ModelView, RecognitionView
from dvdesk.services.records import add_record, get_record, list_records
from dvdesk.services.store import Store
from tests.gui_support import new_form, retype_place, save_form, type_text, wait_loaded
from tests.register_fixtures import directive, model
from ui.forms.widgets import PartsTable
from ui.import_dialog import ImportDialog
from ui.main_window import SECTIONS, MainWindow

DIRECTIVES = SECTIONS.index(RecordType.DIRECTIVE)
MODELS = SECTIONS.index(RecordType.MODEL)


def _choose(combo: QWidget, value: str) -> None:
    assert isinstance(combo, QComboBox)
    combo.setCurrentIndex(combo.findData(value))


def test_directive_by_keyboard(window: MainWindow, qtbot: QtBot, store: Store) -> None:
    form = new_form(window, qtbot, DIRECTIVES)
    assert form.windowTitle() == "Văn bản lãnh đạo, chỉ đạo mới"
    title = form.fields["title"].widget
    title.setFocus()
    type_text(title, "Về tăng cường công tác dân vận trong tình hình mới")
    qtbot.keyClick(title, Qt.Key.Key_Tab)
    start = QApplication.focusWidget()
    assert start is form.fields["start_date"].widget
    type_text(start, "15032022")
    number = form.fields["number"].widget
    number.setFocus()
    type_text(number, "12-NQ/TU")
    qtbot.keyClick(number, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is form.fields["kind"].widget  # Tab walks the fields
    _choose(form.fields["kind"].widget, "chi_thi")
    type_text(form.fields["issuer"].widget, "Ban Thường vụ Tỉnh ủy")
    _choose(form.fields["issuer_level"].widget, "tinh")
    record_id = save_form(form, qtbot)
    saved = get_record(store, record_id=record_id)
    assert isinstance(saved, DirectiveView)
    assert (saved.kind, saved.number, saved.issuer_level) == ("chi_thi", "12-NQ/TU", "tinh")
    assert saved.start_date == date(2022, 3, 15)
    wait_loaded(qtbot, window.lists[RecordType.DIRECTIVE])
    assert window.lists[RecordType.DIRECTIVE].model.rowCount() == 1


def test_other_kind_error_shows_inline(window: MainWindow, qtbot: QtBot, store: Store) -> None:
    form = new_form(window, qtbot, DIRECTIVES)
    type_text(form.fields["title"].widget, "Thông báo kết luận")
    type_text(form.fields["number"].widget, "05-TB/TU")
    type_text(form.fields["issuer"].widget, "Tỉnh ủy")
    _choose(form.fields["kind"].widget, "khac")
    form.save()
    assert form.isVisible()
    assert form.fields["kind_name"].error.isVisible()
    assert list_records(store) == []


def test_model_with_a_recognition(window: MainWindow, qtbot: QtBot, store: Store) -> None:
    form = new_form(window, qtbot, MODELS)
    type_text(form.fields["title"].widget, "Mô hình “Dân hỏi - chính quyền trả lời”")
    _choose(form.fields["field"].widget, "xay_dung_he_thong_chinh_tri")
    type_text(form.fields["owner"].widget, "Ủy ban MTTQ xã Bát Tràng")
    table = form.fields["recognitions"].widget
    assert isinstance(table, PartsTable)
    qtbot.mouseClick(table.add_button, Qt.MouseButton.LeftButton)
    form.save()
    assert "dòng 1" in form.fields["recognitions"].error.text().lower()  # no date yet
    keys = [c.key for c in table.columns]
    table.cell(0, keys.index("level")).setData(Qt.ItemDataRole.UserRole, "tinh")
    # What the calendar editor stores on commit.
    table.cell(0, keys.index("date")).setData(Qt.ItemDataRole.UserRole, "2023-05-19")
    table.cell(0, keys.index("decision")).setText("215/QĐ-UBND")
    record_id = save_form(form, qtbot)
    saved = get_record(store, record_id=record_id)
    assert isinstance(saved, ModelView)
    assert saved.recognitions == (
        RecognitionView(level="tinh", date=date(2023, 5, 19), decision="215/QĐ-UBND"),
    )


def test_edit_keeps_the_new_fields(window: MainWindow, qtbot: QtBot, store: Store) -> None:
    made = [
        add_record(store, record_type=RecordType.DIRECTIVE, data=directive()),
        add_record(store, record_type=RecordType.MODEL, data=model()),
    ]
    for record_id in made:
        before = get_record(store, record_id=record_id)
        retype_place(window, qtbot, record_id, "Hội trường")
        after = get_record(store, record_id=record_id)
        assert after.revision == 2 and after.place == "Hội trường"
        assert after == replace(before, place="Hội trường", revision=2, updated_at=after.updated_at)


def test_import_dialog_lists_problems_then_imports(
    window: MainWindow, qtbot: QtBot, store: Store, tmp_path: Path
) -> None:
    headers = [c.header for c in COLUMNS[RecordType.DIRECTIVE] if c.key != "id"][:6]
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(headers)
    sheet.append(["Về công tác dân vận", "05/07/2022", "1-NQ/TU", "nghị quyết", None, "Tỉnh ủy"])
    sheet.append(["Về dân chủ ở cơ sở", "35/07/2022", "2-CT/TU", "chỉ thị", None, "Tỉnh ủy"])
    path = tmp_path / "van-ban.xlsx"
    book.save(path)
    window.nav.setCurrentRow(DIRECTIVES)
    window.open_import()
    dialog = window.dialogs[-1]
    assert isinstance(dialog, ImportDialog)
    assert dialog.record_type() is RecordType.DIRECTIVE
    dialog.path.setText(str(path))
    dialog.run(dry_run=False)
    qtbot.waitUntil(lambda: dialog.problems.rowCount() == 1)
    items = [dialog.problems.item(0, column) for column in range(3)]
    cells = [item.text() for item in items if item is not None]
    assert cells[:2] == ["3", "Ngày ban hành"]
    assert list_records(store) == []
    sheet.cell(row=3, column=2, value="25/07/2022")
    book.save(path)
    dialog.run(dry_run=False)
    qtbot.waitUntil(lambda: "Đã nhập" in dialog.status.text())
    assert dialog.problems.rowCount() == 0
    assert len(list_records(store)) == 2
    dialog.grab().save(str(tmp_path / "import.png"))
