"""Users in the app and the lock screen, driven by keyboard (offscreen)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtPrintSupport import QPrintDialog
from PySide6.QtWidgets import QApplication, QDialog, QMenu, QMessageBox, QWidget
from pytestqt.qtbot import QtBot
from reportlab.lib.pagesizes import A4

from dvdesk.domain.enums import RecordType
from dvdesk.domain.people import Role
from dvdesk.services import auth
from dvdesk.services.auth import sign_in
from dvdesk.services.office_settings import load_office_settings, save_office_settings
from dvdesk.services.office_view import get_office
from dvdesk.services.people_light import lock_minutes
from dvdesk.services.store import Store
from dvdesk.services.users import add_user, list_users
from tests.gui_support import answer_questions, settle, type_text, wait_loaded
from tests.test_gui_print import _pdf
from ui import ask, pdf_preview
from ui.ask import confirm
from ui.crash import CrashDialog, CrashHandler
from ui.main_window import MainWindow
from ui.modal import lock_state
from ui.office_settings import OfficeSettingsDialog
from ui.pdf_preview import PdfPreview
from ui.screen import OFFICE_PC
from ui.users import UserForm, UsersDialog
from ui.worker import wait_for_tasks

ADMIN_PASSWORD = "mat-khau-quan-tri"
CLERK_PASSWORD = "mat-khau-chuyen-vien"
CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier


@pytest.fixture
def admin_store(store: Store) -> Store:
    """An office with an administrator (also the head) signed in, and a clerk."""
    add_user(store, name="quantri", roles=[Role.ADMIN, Role.HEAD], password=ADMIN_PASSWORD,
             full_name="Nguyễn Văn An")  # fmt: skip
    add_user(store, name="chuyenvien", roles=[Role.CLERK], password=CLERK_PASSWORD,
             full_name="Trần Thị Mai")  # fmt: skip
    return store


@pytest.fixture
def signed_window(app: QApplication, admin_store: Store, qtbot: QtBot) -> Iterator[MainWindow]:
    window = MainWindow(admin_store, get_office(admin_store))
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    wait_loaded(qtbot, window.lists[RecordType.INSPECTION])
    menu = window.menuBar().findChild(QMenu, "userMenu")
    assert menu is not None
    qtbot.waitUntil(lambda: "quantri" in menu.title())
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    yield window
    for form in list(window.forms):
        form.done(0)
    wait_for_tasks()


def _menu_entry(window: MainWindow, qtbot: QtBot, letter: Qt.Key) -> None:
    """Alt+N opens the user menu ("Người dùng"), then the entry's underlined letter."""
    qtbot.keyClick(window, Qt.Key.Key_N, ALT)
    menu = window.menuBar().findChild(QMenu, "userMenu")
    assert menu is not None
    qtbot.waitUntil(menu.isVisible)
    qtbot.keyClick(menu, letter)


def _users_dialog(window: MainWindow, qtbot: QtBot) -> UsersDialog:
    qtbot.waitUntil(lambda: any(isinstance(d, UsersDialog) for d in window.dialogs))
    return next(d for d in window.dialogs if isinstance(d, UsersDialog))


def _back(dialog: UsersDialog, qtbot: QtBot) -> None:
    """The form closed: the list of users takes the keyboard again."""
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)


def _form(dialog: UsersDialog, qtbot: QtBot) -> UserForm:
    qtbot.waitUntil(lambda: dialog.form is not None and dialog.form.isVisible())
    assert dialog.form is not None
    form = dialog.form
    qtbot.waitUntil(lambda: QApplication.activeWindow() is form)  # its mnemonics work
    return form


def test_the_administrator_manages_users_by_keyboard(
    signed_window: MainWindow,
    admin_store: Store,
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    window = signed_window
    window.grab().save(str(tmp_path / "main-signed-in.png"))
    _menu_entry(window, qtbot, Qt.Key.Key_Q)  # "&Quản lý người dùng…"
    dialog = _users_dialog(window, qtbot)
    assert dialog.table.rowCount() == 2
    cells = [dialog.table.item(1, c).text() for c in range(4)]  # type: ignore[union-attr]
    assert cells == ["quantri", "Nguyễn Văn An", "quản trị, lãnh đạo", "được đăng nhập"]
    assert dialog.width() <= OFFICE_PC.width() and dialog.height() <= OFFICE_PC.height()
    dialog.grab().save(str(tmp_path / "users.png"))

    # Add a head: name, full name, role, the password typed twice (once wrongly first).
    qtbot.keyClick(dialog, Qt.Key.Key_T, ALT)  # "&Thêm người dùng…"
    form = _form(dialog, qtbot)
    type_text(form.name, "truongban")
    type_text(form.full_name, "Lê Văn Bình")
    qtbot.keyClick(form, Qt.Key.Key_2, ALT)  # "&2 lãnh đạo"
    qtbot.waitUntil(form.roles[Role.HEAD].isChecked)  # a mnemonic clicks after a moment
    type_text(form.password, "mat-khau-truong-ban")
    type_text(form.again, "mat-khau-khac")
    qtbot.keyClick(form.again, Qt.Key.Key_Return)
    assert "khác nhau" in form.message.text() and form.isVisible()
    form.again.clear()
    type_text(form.again, "mat-khau-truong-ban")
    form.grab().save(str(tmp_path / "user-add.png"))
    qtbot.keyClick(form.again, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 3)
    assert "đã được thêm" in dialog.status.text()
    added = {u.name: u for u in list_users(admin_store)}["truongban"]
    assert added.full_name == "Lê Văn Bình" and added.roles == (Role.HEAD,)

    # Give the clerk the head's role too (row 0 is chuyenvien, sorted by name).
    _back(dialog, qtbot)
    qtbot.keyClick(dialog.table, Qt.Key.Key_Home)
    qtbot.keyClick(dialog, Qt.Key.Key_V, ALT)  # "Đổi &vai trò…"
    form = _form(dialog, qtbot)
    assert form.roles[Role.CLERK].isChecked()
    qtbot.keyClick(form, Qt.Key.Key_2, ALT)
    qtbot.waitUntil(form.roles[Role.HEAD].isChecked)
    qtbot.keyClick(form.buttons.button(form.buttons.StandardButton.Save), Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: "vai trò của chuyenvien" in dialog.status.text().lower())
    roles = {u.name: u.roles for u in list_users(admin_store)}
    assert roles["chuyenvien"] == (Role.CLERK, Role.HEAD)

    # Reset the clerk's password: the new one signs in.
    _back(dialog, qtbot)
    qtbot.keyClick(dialog.table, Qt.Key.Key_Home)
    qtbot.keyClick(dialog, Qt.Key.Key_M, ALT)  # "Đặt &mật khẩu mới…"
    form = _form(dialog, qtbot)
    type_text(form.password, "mat-khau-moi-cap")
    type_text(form.again, "mat-khau-moi-cap")
    qtbot.keyClick(form.again, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "được đặt" in dialog.status.text())

    # Disable, then enable the clerk again.
    _back(dialog, qtbot)
    answer_questions(monkeypatch, QMessageBox.StandardButton.Yes)
    qtbot.keyClick(dialog.table, Qt.Key.Key_Home)
    qtbot.keyClick(dialog, Qt.Key.Key_K, ALT)  # "&Khóa tài khoản"
    qtbot.waitUntil(lambda: "không thể đăng nhập nữa" in dialog.status.text())
    state = dialog.table.item(0, 3)
    assert state is not None and state.text() == "bị khóa"
    qtbot.keyClick(dialog.table, Qt.Key.Key_Home)
    qtbot.keyClick(dialog, Qt.Key.Key_L, ALT)  # "Mở &lại tài khoản"
    qtbot.waitUntil(lambda: "đăng nhập lại được" in dialog.status.text())
    assert not {u.name: u for u in list_users(admin_store)}["chuyenvien"].disabled

    # The last administrator cannot lose the role: refused in Vietnamese, nothing changed.
    qtbot.keyClick(dialog.table, Qt.Key.Key_Home)
    qtbot.keyClick(dialog.table, Qt.Key.Key_Down)  # chuyenvien, quantri, truongban
    qtbot.keyClick(dialog, Qt.Key.Key_V, ALT)
    form = _form(dialog, qtbot)
    qtbot.keyClick(form, Qt.Key.Key_3, ALT)  # untick "&3 quản trị"
    qtbot.waitUntil(lambda: not form.roles[Role.ADMIN].isChecked())
    qtbot.keyClick(form.buttons.button(form.buttons.StandardButton.Save), Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: "quản trị cuối cùng" in form.message.text())
    assert Role.ADMIN in {u.name: u for u in list_users(admin_store)}["quantri"].roles
    form.reject()
    wait_for_tasks()


def test_a_clerk_may_not_manage_users(
    signed_window: MainWindow, admin_store: Store, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    sign_in(admin_store, name="chuyenvien", password=CLERK_PASSWORD)
    said: list[str] = []

    def shown(box: QMessageBox) -> int:
        said.append(box.text())
        return 0

    monkeypatch.setattr(QMessageBox, "exec", shown)
    _menu_entry(signed_window, qtbot, Qt.Key.Key_Q)
    qtbot.waitUntil(lambda: bool(said))
    assert "chuyenvien không có quyền làm việc này: cần vai trò quản trị" in said[0]
    assert not any(isinstance(d, UsersDialog) for d in signed_window.dialogs)
    assert [u.name for u in list_users(admin_store)] == ["chuyenvien", "quantri"]


def test_changing_my_own_password_asks_the_current_one(
    signed_window: MainWindow, admin_store: Store, qtbot: QtBot, tmp_path: Path
) -> None:
    window = signed_window
    _menu_entry(window, qtbot, Qt.Key.Key_M)  # "Đổi &mật khẩu…"
    qtbot.waitUntil(lambda: any(isinstance(d, UserForm) for d in window.dialogs))
    form = next(d for d in window.dialogs if isinstance(d, UserForm))
    type_text(form.current, "sai-mat-khau")
    type_text(form.password, "mat-khau-moi-nhe")
    type_text(form.again, "mat-khau-moi-nhe")
    form.grab().save(str(tmp_path / "own-password.png"))
    qtbot.keyClick(form.again, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Sai tên người dùng hoặc mật khẩu" in form.message.text())
    form.current.clear()
    type_text(form.current, ADMIN_PASSWORD)
    qtbot.keyClick(form.again, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not form.isVisible())
    settle(qtbot)  # a busy notice shown meanwhile gives the confirmation back
    assert "đã được đổi" in window.statusBar().currentMessage()
    wait_for_tasks()
    sign_in(admin_store, name="quantri", password="mat-khau-moi-nhe")


def _data_hidden(window: MainWindow) -> bool:
    central = window.centralWidget()
    return central is not None and not central.isVisible() and not window.menuBar().isVisible()


def test_idle_time_locks_and_the_password_unlocks_keeping_the_open_form(
    signed_window: MainWindow,
    admin_store: Store,
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    window = signed_window
    window.new_record()
    qtbot.waitUntil(lambda: bool(window.forms) and window.forms[0].isVisible())
    form = window.forms[0]
    type_text(form.fields["title"].widget, "Kiểm tra việc thực hiện Quy chế dân chủ")
    window.idle_lock.set_timeout(300)  # the setting is in minutes; 0.3 s here
    qtbot.waitUntil(lambda: window.idle_lock.locked)
    assert _data_hidden(window) and not form.isVisible()
    screen = window.idle_lock.screen
    assert screen is not None and screen.user.text() == "quantri"
    window.grab().save(str(tmp_path / "locked.png"))
    # No shortcut reaches the hidden screens while locked.
    qtbot.keyClick(window, Qt.Key.Key_N, CTRL)
    assert len(window.forms) == 1
    for _attempt in range(3):  # the same check as sign-in: after the second, a delay
        type_text(screen.password, "sai-mat-khau")
        qtbot.keyClick(screen.password, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: "Sai tên người dùng" in screen.message.text())
        screen.message.clear()
    type_text(screen.password, ADMIN_PASSWORD)  # right, but too soon after three wrong ones
    qtbot.keyClick(screen.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "quá nhiều lần: chờ" in screen.message.text())
    assert window.idle_lock.locked
    monkeypatch.setattr(auth, "clock", lambda: time.time() + 10)  # the delay has passed
    type_text(screen.password, ADMIN_PASSWORD)
    qtbot.keyClick(screen.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.idle_lock.locked)
    assert not _data_hidden(window) and form.isVisible()
    assert form.fields["title"].get() == "Kiểm tra việc thực hiện Quy chế dân chủ"
    assert admin_store.actor == "quantri"
    window.idle_lock.set_timeout(0)


def test_ctrl_l_locks_and_another_user_signs_in_instead(
    signed_window: MainWindow, admin_store: Store, qtbot: QtBot
) -> None:
    window = signed_window
    _menu_entry(window, qtbot, Qt.Key.Key_Q)  # the users dialog and a form on it are open
    dialog = _users_dialog(window, qtbot)
    qtbot.keyClick(dialog, Qt.Key.Key_T, ALT)
    form = _form(dialog, qtbot)
    type_text(form.name, "phobanmoi")
    qtbot.keyClick(form.name, Qt.Key.Key_L, CTRL)  # Ctrl+L works from a dialog too
    qtbot.waitUntil(lambda: window.idle_lock.locked)
    assert not dialog.isVisible() and not form.isVisible()
    screen = window.idle_lock.screen
    assert screen is not None
    qtbot.waitUntil(lambda: QApplication.focusWidget() is screen.password)
    screen.user.clear()
    type_text(screen.user, "chuyenvien")
    qtbot.keyClick(screen.user, Qt.Key.Key_Return)  # on to the password
    assert screen.password.hasFocus() or QApplication.focusWidget() is screen.password
    type_text(screen.password, CLERK_PASSWORD)
    qtbot.keyClick(screen.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.idle_lock.locked)
    assert admin_store.actor == "chuyenvien"
    menu = window.menuBar().findChild(QMenu, "userMenu")
    assert menu is not None
    qtbot.waitUntil(lambda: "chuyenvien" in menu.title())
    settle(qtbot)
    assert "chuyenvien" in window.statusBar().currentMessage()
    assert dialog.isVisible() and form.isVisible() and form.name.text() == "phobanmoi"
    form.reject()
    dialog.reject()


def test_a_one_person_office_does_not_lock(window: MainWindow, qtbot: QtBot) -> None:
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window, Qt.Key.Key_L, CTRL)
    assert not window.idle_lock.locked
    settle(qtbot)
    assert "không có người dùng" in window.statusBar().currentMessage()


def test_the_lock_time_is_an_office_setting(admin_store: Store) -> None:
    assert load_office_settings(admin_store).lock_minutes == 15
    current = load_office_settings(admin_store)
    documents = {"signer_name": current.documents.signer_name}
    save_office_settings(admin_store, profile=None, documents=documents, recipients=[],
                         lock_minutes=5)  # fmt: skip
    assert lock_minutes(admin_store) == 5
    with pytest.raises(Exception, match="0 \\(không bao giờ\\)"):
        save_office_settings(admin_store, profile=None, documents=documents, recipients=[],
                             lock_minutes=100_000)  # fmt: skip
    assert lock_minutes(admin_store) == 5


def test_the_lock_time_is_set_in_the_office_settings_by_keyboard(
    signed_window: MainWindow, admin_store: Store, qtbot: QtBot, tmp_path: Path
) -> None:
    window = signed_window
    qtbot.keyClick(window, Qt.Key.Key_Comma, CTRL)
    qtbot.waitUntil(lambda: any(isinstance(d, OfficeSettingsDialog) for d in window.dialogs))
    dialog = next(d for d in window.dialogs if isinstance(d, OfficeSettingsDialog))
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    assert dialog.lock_minutes.value() == 15
    dialog.lock_minutes.setFocus()
    qtbot.keyClick(dialog.lock_minutes, Qt.Key.Key_A, CTRL)
    type_text(dialog.lock_minutes, "5")
    dialog.resize(1366, 700)
    dialog.grab().save(str(tmp_path / "office-settings-lock.png"))
    qtbot.keyClick(dialog.lock_minutes, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert lock_minutes(admin_store) == 5
    qtbot.waitUntil(lambda: window.idle_lock.timer.interval() == 5 * 60_000)
    assert window.idle_lock.timer.isActive()


def test_a_one_person_office_makes_its_first_administrator_in_the_app(
    window: MainWindow, store: Store, qtbot: QtBot
) -> None:
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    _menu_entry(window, qtbot, Qt.Key.Key_Q)
    dialog = _users_dialog(window, qtbot)
    assert dialog.table.rowCount() == 0 and "người quản trị" in dialog.status.text()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    qtbot.keyClick(dialog, Qt.Key.Key_T, ALT)
    form = _form(dialog, qtbot)
    assert form.roles[Role.ADMIN].isChecked() and form.roles[Role.CLERK].isChecked()
    type_text(form.name, "quantri")
    type_text(form.password, ADMIN_PASSWORD)
    type_text(form.again, ADMIN_PASSWORD)
    qtbot.keyClick(form.again, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1)
    assert store.signed_in and store.actor == "quantri"
    dialog.reject()
    menu = window.menuBar().findChild(QMenu, "userMenu")
    assert menu is not None
    qtbot.waitUntil(lambda: "quantri" in menu.title())
    assert window.idle_lock.timer.isActive()  # from now on the office locks when idle
    window.idle_lock.set_timeout(0)


class _Script:
    """Steps run by a timer while the test waits in a modal dialog's own loop.

    Each step returns True when done (or to wait, False); an error stops the script
    and closes every modal window so the test gets back to report it."""

    def __init__(self, steps: list[Callable[[], object]]) -> None:
        self.steps = list(steps)
        self.error: BaseException | None = None
        self.timer = QTimer(interval=20)
        self.timer.timeout.connect(self._tick)
        self.timer.start()
        self.deadline = time.monotonic() + 30

    def _tick(self) -> None:
        if self.error is not None:
            self._give_up()
            return
        try:
            # Runs until check(), so a question the steps failed to close is closed too.
            if time.monotonic() > self.deadline:
                raise AssertionError(f"stuck {len(self.steps)} steps from the end")
            while self.steps and self.steps[0]():
                self.steps.pop(0)
        except BaseException as error:
            self.error = error
            self.steps = []
            self._give_up()

    def _give_up(self) -> None:
        """Close every question, again after the lock would reopen it, so the test ends."""
        lock_state().release()
        modal = QApplication.activeModalWidget()
        if isinstance(modal, QDialog):
            modal.reject()

    def check(self) -> None:
        self.timer.stop()
        if self.error is not None:
            raise self.error
        assert not self.steps, "the dialog closed before the script ended"


def _unlock_steps(window: MainWindow, qtbot: QtBot) -> list[Callable[[], object]]:
    def type_password() -> bool:
        screen = window.idle_lock.screen
        assert screen is not None
        screen.password.clear()
        type_text(screen.password, ADMIN_PASSWORD)
        qtbot.keyClick(screen.password, Qt.Key.Key_Return)
        return True

    return [type_password, lambda: not window.idle_lock.locked]


def test_a_question_open_at_the_lock_is_hidden_then_asked_again(
    signed_window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    window = signed_window
    seen: dict[str, QWidget] = {}

    def question_is_up() -> bool:
        modal = QApplication.activeModalWidget()
        if not isinstance(modal, QMessageBox) or not modal.isVisible():
            return False
        seen["box"] = modal
        modal.grab().save(str(tmp_path / "question-before-lock.png"))
        qtbot.keyClick(modal, Qt.Key.Key_L, CTRL)  # Ctrl+L from the question itself
        return True

    def hidden_and_deaf() -> bool:
        box = seen["box"]
        assert window.idle_lock.locked and not box.isVisible()
        assert QApplication.activeModalWidget() is None  # the lock screen takes the keys
        window.grab().save(str(tmp_path / "locked-over-question.png"))
        screen = window.idle_lock.screen
        assert screen is not None
        focus = QApplication.focusWidget() or screen.password  # offscreen: no active window
        assert focus.window() is window
        qtbot.keyClick(focus, Qt.Key.Key_Return)  # Enter while locked answers nothing
        qtbot.keyClick(focus, Qt.Key.Key_C, ALT)  # nor does the Yes button's mnemonic
        assert not box.isVisible()
        return True

    def asked_again() -> bool:
        box = seen["box"]
        if QApplication.activeModalWidget() is not box or not box.isVisible():
            return False
        assert isinstance(box, QMessageBox) and "Xóa hồ sơ" in box.text()
        if QApplication.activeWindow() is not box:
            box.activateWindow()  # offscreen: a mnemonic needs the active window
            return False
        box.grab().save(str(tmp_path / "question-after-unlock.png"))
        qtbot.keyClick(box, Qt.Key.Key_C, ALT)  # "&Có"
        return True

    script = _Script(
        [question_is_up, lambda: window.idle_lock.locked, hidden_and_deaf,
         *_unlock_steps(window, qtbot), asked_again]
    )  # fmt: skip
    answer = confirm(window, title="Xóa hồ sơ", text="Xóa hồ sơ “Kiểm tra xã Tân Lập”?")
    script.check()
    assert answer is True  # the user's Yes, given after the unlock


def test_a_message_open_at_the_lock_is_shown_again_after_it(
    signed_window: MainWindow, qtbot: QtBot
) -> None:
    window = signed_window
    text = "Gói dữ liệu đã được xuất: 12 hồ sơ."
    script = _Script(
        [
            lambda: isinstance(QApplication.activeModalWidget(), QMessageBox),
            lambda: qtbot.keyClick(QApplication.activeModalWidget(), Qt.Key.Key_L, CTRL) or True,
            lambda: window.idle_lock.locked,
        ]
    )
    QMessageBox.information(window, "Đã xuất gói", text)  # Qt's own box: ends when hidden
    script.check()
    assert window.idle_lock.locked
    assert not any(w.isVisible() for w in QApplication.topLevelWidgets() if w is not window)
    for step in _unlock_steps(window, qtbot):
        qtbot.waitUntil(lambda step=step: bool(step()))  # type: ignore[misc]
    again = [
        w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()
    ]
    assert [box.text() for box in again] == [text]
    qtbot.keyClick(again[0], Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not again[0].isVisible())


def test_dvdesks_own_message_waits_for_the_user_across_the_lock(
    signed_window: MainWindow, qtbot: QtBot
) -> None:
    """ui.ask.tell (an import's result, a key card's place): hidden at the lock, the same
    box again after the unlock, and it returns only once the user has read it (OK)."""
    window = signed_window
    text = "Đã nhập biên nhận: cấp trên đã xác nhận các gói đến số 12."
    seen: dict[str, QWidget] = {}

    def message_is_up() -> bool:
        modal = QApplication.activeModalWidget()
        if not isinstance(modal, QMessageBox) or not modal.isVisible():
            return False
        seen["box"] = modal
        qtbot.keyClick(modal, Qt.Key.Key_L, CTRL)
        return True

    def hidden() -> bool:
        assert window.idle_lock.locked and not seen["box"].isVisible()
        return True

    def shown_again() -> bool:
        box = seen["box"]
        if QApplication.activeModalWidget() is not box or not box.isVisible():
            return False
        assert isinstance(box, QMessageBox) and box.text() == text
        qtbot.keyClick(box, Qt.Key.Key_Return)
        return True

    script = _Script([message_is_up, hidden, *_unlock_steps(window, qtbot), shown_again])
    ask.tell(window, "Đã nhập biên nhận", text)
    script.check()
    assert not window.idle_lock.locked  # it returned after the unlock, not at the lock


def test_the_crash_dialog_is_hidden_at_the_lock_and_shown_again_after_it(
    signed_window: MainWindow, admin_store: Store, qtbot: QtBot
) -> None:
    """The crash details may quote the office's data: the lock hides them like a question,
    and the same dialog comes back after the unlock, closed only by the user."""
    window = signed_window
    handler = CrashHandler(admin_store.paths)
    seen: dict[str, QWidget] = {}

    def crash_is_up() -> bool:
        modal = QApplication.activeModalWidget()
        if not isinstance(modal, CrashDialog) or not modal.isVisible():
            return False
        seen["dialog"] = modal
        qtbot.keyClick(modal, Qt.Key.Key_L, CTRL)  # Ctrl+L from the crash dialog itself
        return True

    def hidden() -> bool:
        assert not seen["dialog"].isVisible()
        assert QApplication.activeModalWidget() is None  # the lock screen takes the keys
        return True

    def shown_again() -> bool:
        dialog = seen["dialog"]
        if QApplication.activeModalWidget() is not dialog or not dialog.isVisible():
            return False
        assert isinstance(dialog, CrashDialog) and "lỗi thử" in dialog.details.toPlainText()
        dialog.reject()  # the user's “Đóng”
        return True

    script = _Script(
        [crash_is_up, lambda: window.idle_lock.locked, hidden, *_unlock_steps(window, qtbot),
         shown_again]
    )  # fmt: skip
    try:
        raise RuntimeError("lỗi thử")
    except RuntimeError as error:
        handler(RuntimeError, error, error.__traceback__)
    script.check()
    assert not window.idle_lock.locked and not seen["dialog"].isVisible()


def test_the_print_dialog_answered_at_the_locked_pc_prints_nothing(
    signed_window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Windows' own print dialog cannot be hidden: it stays over the lock screen and ends
    only when a button is pressed. Print pressed there while locked prints nothing; the
    dialog is asked again after the unlock and only that answer prints."""
    window = signed_window
    preview = PdfPreview(_pdf([A4]), title="Báo cáo", file_name="bao-cao.pdf", parent=window)
    preview.show()
    printed: list[bool] = []  # locked or not, when the document went to the printer
    asked: list[bool] = []  # locked or not, when the print dialog was answered
    monkeypatch.setattr(
        PdfPreview, "print_to", lambda _self, _p: printed.append(lock_state().locked)
    )

    class NativePrintDialog(QPrintDialog):
        def exec(self) -> int:  # never shown as a Qt window, so the lock cannot hide it
            if not asked:
                window.idle_lock.lock()  # the idle time runs out while it is open
                assert not preview.isVisible()
            asked.append(lock_state().locked)
            return int(QDialog.DialogCode.Accepted)  # “In”, by whoever is at the PC

    monkeypatch.setattr(pdf_preview, "QPrintDialog", NativePrintDialog)
    type_password = _unlock_steps(window, qtbot)[0]  # the unlock ends the dialog's wait
    script = _Script([lambda: window.idle_lock.locked, type_password])
    preview.print_dialog()
    script.check()
    assert not window.idle_lock.locked
    assert asked == [True, False] and printed == [False]
    preview.done(0)
