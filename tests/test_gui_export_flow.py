"""The USB exchange by keyboard: an empty export says why, key questions default to No,
the focus waits for the key's status, and import messages name the app's buttons."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QInputDialog, QMessageBox
from pytestqt.qtbot import QtBot

from dvdesk.domain.enums import RecordType
from dvdesk.domain.people import ApprovalStatus, Role
from dvdesk.services.approval import approve_records
from dvdesk.services.auth import sign_in
from dvdesk.services.demo import add_demo_records, demo_count
from dvdesk.services.office_view import get_office
from dvdesk.services.records import add_record
from dvdesk.services.store import Store
from dvdesk.services.users import add_user
from dvdesk.sync.export import export_package
from dvdesk.sync.keycard import parse_card
from dvdesk.sync.keys import active_key
from dvdesk.sync.status import unit_statuses
from dvdesk.sync.trust import enroll_card
from tests import sync_fixtures
from tests.gui_support import wait_loaded
from tests.samples import OFFICE, inspection
from tests.sync_fixtures import PASSPHRASE, Exchange, make_office
from tests.test_gui_next_steps import press_in_boxes
from ui import ask
from ui.exchange import ExchangePage
from ui.main_window import MainWindow
from ui.review import PendingApprovals
from ui.worker import wait_for_tasks

exchange_template = sync_fixtures.exchange_template
exchange = sync_fixtures.exchange
CTRL = Qt.KeyboardModifier.ControlModifier


def _main(store: Store, qtbot: QtBot) -> MainWindow:
    window = MainWindow(store, get_office(store))
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    wait_loaded(qtbot, window.lists[next(iter(window.lists))])
    return window


def _choose_folder(monkeypatch: pytest.MonkeyPatch, folder: Path) -> list[str]:
    asked: list[str] = []

    def choose(dialog: QFileDialog) -> int:
        asked.append(dialog.windowTitle())
        dialog.selectedFiles = lambda: [str(folder)]  # type: ignore[method-assign]
        return 1

    monkeypatch.setattr(QFileDialog, "exec", choose)
    return asked


def _no_passphrase(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    asked: list[str] = []

    def get_text(*args: object, **_kwargs: object) -> tuple[str, bool]:
        asked.append(str(args[2]))
        return PASSPHRASE, True

    monkeypatch.setattr(QInputDialog, "getText", staticmethod(get_text))
    return asked


def test_ctrl_e_with_only_a_draft_writes_nothing_and_opens_the_queue(
    exchange: Exchange, app: QApplication, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    draft = add_record(exchange.child, record_type=RecordType.INSPECTION, data=inspection())
    window = _main(exchange.child, qtbot)
    _choose_folder(monkeypatch, exchange.stick)
    passphrases = _no_passphrase(monkeypatch)
    shown = press_in_boxes(monkeypatch, qtbot, Qt.Key.Key_Return)
    qtbot.keyClick(window, Qt.Key.Key_E, CTRL)
    qtbot.waitUntil(lambda: bool(shown), timeout=30_000)
    assert "1 hồ sơ còn là bản nháp" in shown[0].text
    assert "không dùng số gói" in shown[0].text
    assert "rút USB" not in shown[0].text
    # A one-person office approves its drafts itself: the queue lists them.
    assert shown[0].default == "Mở danh sách &Chờ duyệt…"
    assert passphrases == []  # nothing to sign, so no passphrase was asked
    assert list(exchange.stick.iterdir()) == []
    qtbot.waitUntil(lambda: any(isinstance(d, PendingApprovals) for d in window.dialogs))
    queue = next(d for d in window.dialogs if isinstance(d, PendingApprovals))
    qtbot.waitUntil(lambda: queue.table.rowCount() == 1)
    assert queue.ids[0] == draft
    for dialog in window.dialogs:
        dialog.close()
    wait_for_tasks()


def test_with_users_the_step_opens_the_drafts_in_their_list(
    exchange: Exchange, app: QApplication, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_user(
        exchange.child,
        name="truongban",
        full_name="Nguyễn Văn Hùng",
        roles=[Role.HEAD, Role.ADMIN],
        password="mật khẩu trưởng ban",
    )
    sign_in(exchange.child, name="truongban", password="mật khẩu trưởng ban")
    add_record(exchange.child, record_type=RecordType.SUPERVISION, data=inspection())
    window = _main(exchange.child, qtbot)
    _choose_folder(monkeypatch, exchange.stick)
    _no_passphrase(monkeypatch)
    shown = press_in_boxes(monkeypatch, qtbot, Qt.Key.Key_Return)
    qtbot.keyClick(window, Qt.Key.Key_E, CTRL)
    qtbot.waitUntil(lambda: bool(shown), timeout=30_000)
    assert "trình duyệt từng hồ sơ (Ctrl+Shift+S) rồi chờ lãnh đạo duyệt" in shown[0].text
    assert shown[0].default == "Xem các &bản nháp"
    listing = window.lists[RecordType.SUPERVISION]
    qtbot.waitUntil(lambda: window.current_list() is listing)
    assert listing.approval.currentData() == ApprovalStatus.DRAFT.value
    wait_loaded(qtbot, listing)
    assert listing.model.rowCount() == 1
    wait_for_tasks()


def _in_next_box(qtbot: QtBot, act: Callable[[QMessageBox], None]) -> list[str]:
    """Act by keyboard in the next modal message box (a static QMessageBox.question)."""
    seen: list[str] = []

    def poll() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, poll)
            return
        seen.append(box.text())
        act(box)

    QTimer.singleShot(0, poll)
    return seen


def test_enter_on_the_enrolment_question_does_not_enrol(
    exchange: Exchange, app: QApplication, qtbot: QtBot, tmp_path: Path
) -> None:
    newcomer = make_office(tmp_path / "new", {**OFFICE, "code": "10107", "name": "Xã Kim Lan"})
    card = parse_card(active_key(newcomer).card)
    newcomer.close()
    page = ExchangePage(exchange.parent, get_office(exchange.parent))
    qtbot.addWidget(page)
    page.show()
    seen = _in_next_box(qtbot, lambda box: qtbot.keyClick(box, Qt.Key.Key_Return))
    page._confirm_enrolment(card)
    assert seen and card.fingerprint in seen[0]
    wait_for_tasks()
    assert "10107" not in {unit.office_code for unit in unit_statuses(exchange.parent)}


def test_ctrl_8_focuses_the_export_not_create_the_key(
    exchange: Exchange, app: QApplication, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = _main(exchange.child, qtbot)
    asked: list[str] = []

    def cancel_the_folder(_dialog: QFileDialog) -> int:
        asked.append("usb")
        return 0

    monkeypatch.setattr(QFileDialog, "exec", cancel_the_folder)
    passphrases = _no_passphrase(monkeypatch)
    qtbot.keyClick(window, Qt.Key.Key_8, CTRL)
    page = window.exchange
    # Before the status is known, no key button can be pressed by accident.
    assert not page.create_key_button.isVisible()
    assert QApplication.focusWidget() is not page.create_key_button
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.export_button)
    assert not page.create_key_button.isVisible()
    assert page.replace_key_button.isVisible()
    assert "Thành ủy Hà Nội" in page.key_label.text()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)
    assert asked == ["usb"]  # Space chose a USB stick to export to
    assert passphrases == []  # and asked for no new passphrase
    wait_for_tasks()


def test_the_key_message_names_the_replace_button_in_a_sentence(app: QApplication) -> None:
    from ui.next_steps import app_text

    text = app_text(
        "Cơ quan này đã có khóa. Muốn thay khóa, hãy dùng lệnh 'dvdesk keys rotate' để cấp "
        "trên tin cậy khóa mới."
    )
    assert "Muốn thay khóa, hãy dùng “Trao đổi USB (Ctrl+8) → Thay khóa…” để" in text


def test_import_messages_name_buttons_and_keep_harmless_news_calm(
    exchange: Exchange,
    app: QApplication,
    qtbot: QtBot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stranger = make_office(tmp_path / "stranger", {**OFFICE, "code": "10199", "name": "Xã Lạ"})
    enroll_card(stranger, card=parse_card(active_key(exchange.parent).card))
    record = add_record(stranger, record_type=RecordType.INSPECTION, data=inspection())
    approve_records(stranger, record_ids=[record])
    unknown = export_package(stranger, out=exchange.stick, passphrase=PASSPHRASE, encrypt=True)
    stranger.close()
    page = ExchangePage(exchange.parent, get_office(exchange.parent))
    qtbot.addWidget(page)
    page.show()
    passphrases = _no_passphrase(monkeypatch)
    shown = press_in_boxes(monkeypatch, qtbot, Qt.Key.Key_Escape)

    def pick(dialog: QFileDialog, files: list[Path]) -> int:
        dialog.selectedFiles = lambda: [str(f) for f in files]  # type: ignore[method-assign]
        return 1

    monkeypatch.setattr(QFileDialog, "exec", lambda dialog: pick(dialog, [unknown.path]))
    with qtbot.waitSignal(page.imported, timeout=30_000):
        page.import_packages()
    assert passphrases == []  # refused before the passphrase was asked
    text = shown[0].text
    assert "Không có gói nào được nhập" in text
    assert "Các gói khác đã được nhập" not in text
    assert "'dvdesk" not in text  # no command
    assert "“Đăng ký thẻ khóa của cấp trên hoặc cấp dưới…”" in text
    assert active_key(exchange.parent).key_id not in text
    assert "Đăng &ký thẻ khóa…" in shown[0].buttons
    note = page.summary.item(0, 7)
    assert note is not None and "'dvdesk" not in note.text()

    # Two packages of a commune: the newer imported first, the older changes nothing.
    exchange.add()
    first = exchange.export()
    exchange.add(title="Giám sát việc giải quyết kiến nghị của cử tri")
    second = exchange.export()
    exchange.import_(second.path)
    told: list[str] = []
    monkeypatch.setattr(ask, "tell", lambda _p, _t, text, **_k: told.append(text))
    monkeypatch.setattr(QFileDialog, "exec", lambda dialog: pick(dialog, [first.path]))
    shown.clear()
    with qtbot.waitSignal(page.imported, timeout=30_000):
        page.import_packages()
    assert shown == []  # no warning
    assert told and "không có gì thay đổi" in told[0]
    wait_for_tasks()


def test_demo_records_are_marked_and_removed_after_a_yes(
    app: QApplication, store: Store, qtbot: QtBot
) -> None:
    add_demo_records(store, count=12, seed=2, office_codes=["10105"])
    window = _main(store, qtbot)
    listing = window.lists[next(iter(window.lists))]

    def marks() -> set[str]:
        return {listing.model.index(row, 4).data() for row in range(listing.model.rowCount())}

    qtbot.waitUntil(lambda: marks() == {"mẫu (không gửi)"})
    # Enter takes the default, No: nothing is removed.
    seen = _in_next_box(qtbot, lambda box: qtbot.keyClick(box, Qt.Key.Key_Return))
    window.remove_demo_data()
    qtbot.waitUntil(lambda: bool(seen))
    wait_for_tasks()
    assert "Xóa 12 hồ sơ mẫu" in seen[0]
    assert demo_count(store) == 12

    def yes(box: QMessageBox) -> None:
        button = box.button(QMessageBox.StandardButton.Yes)
        button.setFocus()
        qtbot.keyClick(button, Qt.Key.Key_Space)

    seen = _in_next_box(qtbot, yes)
    window.remove_demo_data()
    qtbot.waitUntil(lambda: "Đã xóa 12 hồ sơ mẫu" in window.statusBar().currentMessage())
    assert demo_count(store) == 0
    wait_for_tasks()
