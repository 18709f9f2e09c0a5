"""Screenshots of every screen and dialog, on demo offices, for review and the user guide.

.venv/bin/python docs/make_screenshots.py OUT_DIR [--only NAME,PREFIX…] [--list] [--gallery FILE]

``--gallery docs/screens.md`` writes a page of every shot with its sentence (with ``--list``,
without taking any).

Each picture is a whole 1366×768 office-PC screen: a 40 px taskbar at the bottom, the
windows at the size and place they open on that screen, each under a drawn title bar
(the offscreen platform draws no window frames). Dialogs are drawn over the window they
belong to. Nothing is scaled: the README shows the pictures narrower with ``width``.

Every shot is one row of ``SHOTS``: a name, one Vietnamese sentence for the guide and a
function that sets the screen up and returns the picture. A shot that fails prints its
name and the error and the others still run; the script then exits with status 1.
The demo offices are a commune (xã Bát Tràng) and its province (Hà Nội), which imports
the commune's package, so the parent's screens have a child's records to show.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property
from pathlib import Path
from typing import Any

# An offscreen screen of 1366×768 (docs/office-screen.json), like the office PCs'.
os.environ.setdefault(
    "QT_QPA_PLATFORM", f"offscreen:configfile={Path(__file__).with_name('office-screen.json')}"
)
os.environ["QT_SCALE_FACTOR"] = "1"
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QPoint, QRect, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QScreen
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFileDialog,
    QInputDialog,
    QLabel,
    QMenu,
    QMessageBox,
    QWidget,
)

from dvdesk.domain.enums import RecordType
from dvdesk.domain.people import Role
from dvdesk.paths import DataPaths
from dvdesk.services.approval import approve_records, submit_record
from dvdesk.services.auth import sign_in
from dvdesk.services.backup import DAILY, make_backup
from dvdesk.services.counts import set_counts
from dvdesk.services.demo import add_demo_records, ensure_demo_office
from dvdesk.services.office import create_office
from dvdesk.services.office_view import get_office
from dvdesk.services.records import add_record, get_record, list_records
from dvdesk.services.requests import import_request_file, set_request, write_request_file
from dvdesk.services.review import return_record
from dvdesk.services.store import Store, open_store
from dvdesk.services.units import list_units
from dvdesk.services.users import add_user
from dvdesk.sync import keys
from dvdesk.sync.apply import import_package
from dvdesk.sync.export import export_package
from dvdesk.sync.keycard import parse_card
from dvdesk.sync.receipt import import_receipt, write_receipt
from dvdesk.sync.trust import enroll_card
from tests.register_fixtures import directive, model
from tests.samples import OFFICE, dialogue
from ui.app import configure_application
from ui.main_window import SECTIONS, MainWindow
from ui.worker import wait_for_tasks

SCREEN = QRect(0, 0, 1366, 768)
TASKBAR = 40  # Windows' taskbar at 100 %
WORK_AREA = QRect(0, 0, 1366, 768 - TASKBAR)
TITLE_BAR = 30
DESKTOP = QColor("#2d5f8b")
PASSPHRASE = "mật khẩu của cơ quan"
PASSWORD = "mat-khau-quan-tri"

COMMUNE: dict[str, object] = {**OFFICE}
SIBLING: dict[str, object] = {
    **COMMUNE,
    "code": "10106",
    "name": "Ban Xây dựng Đảng Đảng ủy xã Gia Lâm",
    "superior": "Đảng ủy xã Gia Lâm",
    "place": "Gia Lâm",
}

# The registers (the demo generator makes only meetings); wording from the seeds.
DIRECTIVES: list[dict[str, object]] = [
    directive(issuer="Ban Thường vụ Thành ủy"),
    {
        "title": "Về đẩy mạnh phong trào thi đua “Dân vận khéo” giai đoạn 2021 - 2025",
        "kind": "ke_hoach",
        "number": "45-KH/TU",
        "start_date": "2021-09-20",
        "issuer": "Ban Thường vụ Thành ủy",
        "issuer_level": "tinh",
        "fields": ["Dân vận khéo"],
    },
]
MODELS: list[dict[str, object]] = [model()]

# A finished dialogue session: its minutes can be issued.
MEETING: dict[str, object] = dialogue(
    issues=dialogue()["issues"][:1],
    conclusion="Các ý kiến của Nhân dân đã được trả lời trực tiếp tại buổi đối thoại.",
)


class ShotFailed(Exception):
    """The screen did not show what the shot needs (said in the message)."""


# ---------------------------------------------------------------- the screen


def _work_area(_screen: QScreen) -> QRect:
    return QRect(WORK_AREA)


def settle(app: QApplication, seconds: float = 0.6) -> None:
    """Let the database worker finish and the windows repaint (past the search debounce)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        wait_for_tasks()
        app.processEvents()
        time.sleep(0.02)


def wait_until(app: QApplication, test: Callable[[], Any], what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not test():
        if time.monotonic() > deadline:
            raise ShotFailed(f"waited {timeout:.0f} s for {what}")
        wait_for_tasks()
        app.processEvents()
        time.sleep(0.02)


def _frame_origin(size: Any, around: QRect) -> QPoint:
    """Where a window manager puts a window: centred on ``around``, inside the work area."""
    width, height = size.width(), size.height() + TITLE_BAR
    x = around.x() + (around.width() - width) // 2
    y = around.y() + (around.height() - height) // 2
    x = max(0, min(x, WORK_AREA.width() - width))
    y = max(0, min(y, WORK_AREA.height() - height))
    return QPoint(x, y)


class Screen:
    """Paints windows onto a 1366×768 desktop with a taskbar."""

    def __init__(self) -> None:
        self.image = QImage(SCREEN.size(), QImage.Format.Format_RGB32)
        self.image.fill(DESKTOP)
        self.painter = QPainter(self.image)
        self.client = QRect(WORK_AREA)  # the last window's client area
        bar = QRect(0, SCREEN.height() - TASKBAR, SCREEN.width(), TASKBAR)
        self.painter.fillRect(bar, QColor("#1f1f1f"))
        self.painter.setPen(QColor("#ffffff"))
        self.painter.drawText(bar.adjusted(16, 0, 0, 0), Qt.AlignmentFlag.AlignVCenter, "dvdesk")

    def window(self, widget: QWidget, *, over: QRect | None = None) -> QRect:
        """Draw ``widget`` with a title bar, centred on ``over`` (the screen by default)."""
        widget.ensurePolished()
        origin = _frame_origin(widget.size(), over or WORK_AREA)
        frame = QRect(origin, widget.size()).adjusted(0, 0, 0, TITLE_BAR)
        title = QRect(origin.x(), origin.y(), widget.width(), TITLE_BAR)
        self.painter.fillRect(title, QColor("#e8edf3"))
        self.painter.setPen(QColor("#202020"))
        font = QFont(self.painter.font())
        font.setPointSize(10)
        self.painter.setFont(font)
        text = self.painter.fontMetrics().elidedText(
            widget.windowTitle(), Qt.TextElideMode.ElideRight, max(0, widget.width() - 100)
        )
        self.painter.drawText(title.adjusted(10, 0, 0, 0), Qt.AlignmentFlag.AlignVCenter, text)
        self.painter.drawText(
            title.adjusted(0, 0, -12, 0),
            Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
            "—   ☐   ✕",
        )
        client = QRect(origin.x(), origin.y() + TITLE_BAR, widget.width(), widget.height())
        self.painter.drawPixmap(client.topLeft(), widget.grab())
        self.painter.setPen(QColor("#707070"))
        self.painter.drawRect(frame.adjusted(0, 0, -1, -1))
        self.client = client
        return client

    def popup(self, widget: QWidget, at: QPoint) -> None:
        self.painter.drawPixmap(at, widget.grab())
        self.painter.setPen(QColor("#707070"))
        self.painter.drawRect(QRect(at, widget.size()).adjusted(0, 0, -1, -1))

    def done(self) -> QImage:
        self.painter.end()
        return self.image


def picture(*windows: QWidget) -> QImage:
    """The screen with ``windows``: the first one centred, each next one over the one before."""
    screen = Screen()
    over: QRect | None = None
    for widget in windows:
        over = screen.window(widget, over=over)
    return screen.done()


# ---------------------------------------------------------------- the offices


def _commune_records(store: Store) -> list[str]:
    return [row.id for row in list_records(store, limit=100_000)]


@dataclass
class Answers:
    """What the file dialogs and passphrase prompts answer (nobody is there to type)."""

    files: list[Path]
    folder: Path | None = None


class Scene:
    """The demo offices and their windows, built when a shot first needs them."""

    def __init__(self, app: QApplication, folder: Path) -> None:
        self.app, self.folder = app, folder
        self.stick = folder / "usb"
        self.stick.mkdir(parents=True, exist_ok=True)
        self.answers = Answers(files=[])
        self.windows: dict[str, MainWindow] = {}
        self.imported = False
        self.commune_ids: list[str] = []
        self.meeting_id = ""

    def settle(self, seconds: float = 0.6) -> None:
        settle(self.app, seconds)

    @cached_property
    def province(self) -> Store:
        """The demo office (Ban Tuyên giáo và Dân vận Thành ủy Hà Nội) with 3 000 records."""
        store = open_store(DataPaths(self.folder / "province"), actor="chuyenvien", create=True)
        ensure_demo_office(store)
        add_demo_records(store, count=3000, seed=4, office_codes=["01"])
        for data in DIRECTIVES:
            add_record(store, record_type=RecordType.DIRECTIVE, data=dict(data))
        for data in MODELS:
            add_record(store, record_type=RecordType.MODEL, data=dict(data))
        self.meeting_id = add_record(store, record_type=RecordType.DIALOGUE, data=dict(MEETING))
        keys.create_keys(store, passphrase=PASSPHRASE)
        make_backup(store.paths, reason=DAILY)
        return store

    @cached_property
    def commune(self) -> Store:
        """Xã Bát Tràng: its records approved and sent to the province on the USB stick."""
        store = open_store(DataPaths(self.folder / "commune"), actor="chuyenvien", create=True)
        create_office(store, data=dict(COMMUNE))
        keys.create_keys(store, passphrase=PASSPHRASE)
        add_demo_records(store, count=150, seed=7, office_codes=["10105"])
        self.commune_ids = sorted(_commune_records(store))
        approve_records(store, record_ids=self.commune_ids[:120])
        sibling = open_store(DataPaths(self.folder / "sibling"), actor="chuyenvien", create=True)
        create_office(sibling, data=dict(SIBLING))
        keys.create_keys(sibling, passphrase=PASSPHRASE)
        for child in (store, sibling):
            enroll_card(self.province, card=parse_card(keys.active_key(child).card))
            enroll_card(child, card=parse_card(keys.active_key(self.province).card))
        sibling.close()
        self.package = export_package(store, out=self.stick, passphrase=PASSPHRASE).path
        # The head and a clerk: the office has users from here on, the head is signed in.
        add_user(
            store,
            name="quantri",
            roles=[Role.ADMIN, Role.HEAD, Role.CLERK],
            password=PASSWORD,
            full_name="Nguyễn Thị Hoa",
        )
        add_user(store, name="chuyenvien", roles=[Role.CLERK], password=PASSWORD)
        sign_in(store, name="quantri", password=PASSWORD)
        return store

    def import_commune(self) -> None:
        """The province has the commune's package (done on the screen by the import shot)."""
        self.commune  # noqa: B018 - builds the package
        if not self.imported:
            import_package(self.province, path=self.package, passphrase=PASSPHRASE)
            self.imported = True

    def window(self, store: Store, key: str) -> MainWindow:
        if key not in self.windows:
            window = MainWindow(store, get_office(store))
            window.show()
            self.windows[key] = window
            self.settle()
        return self.windows[key]

    @property
    def at_province(self) -> MainWindow:
        return self.window(self.province, "province")

    @property
    def at_commune(self) -> MainWindow:
        return self.window(self.commune, "commune")

    def close(self) -> None:
        for window in self.windows.values():
            window.close()
        for name in ("commune", "province"):
            if name in self.__dict__:
                self.__dict__[name].close()


# ---------------------------------------------------------------- modal dialogs


def _answer_file_dialog(scene: Scene) -> Callable[[QFileDialog], int]:
    def run(dialog: QFileDialog) -> int:
        folders = dialog.fileMode() == QFileDialog.FileMode.Directory
        if folders:
            chosen = [str(scene.answers.folder or scene.stick)]
        else:
            chosen = [str(path) for path in scene.answers.files]
        dialog.selectedFiles = lambda: chosen  # type: ignore[method-assign]
        return int(QDialog.DialogCode.Accepted) if chosen else int(QDialog.DialogCode.Rejected)

    return run


GO_ON = (
    QMessageBox.ButtonRole.YesRole,
    QMessageBox.ButtonRole.AcceptRole,
    QMessageBox.ButtonRole.ActionRole,
)
STOP = (QMessageBox.ButtonRole.RejectRole, QMessageBox.ButtonRole.NoRole)


def _answer(dialog: QWidget, *, go_on: bool) -> None:
    """Answer a modal dialog as the clerk would: go on (Yes, OK) or stop (Cancel, No)."""
    if isinstance(dialog, QMessageBox):
        for role in GO_ON if go_on else STOP:
            for button in dialog.buttons():
                if dialog.buttonRole(button) == role:
                    button.click()
                    return
    if isinstance(dialog, QDialog):
        dialog.accept() if go_on else dialog.reject()
    else:
        dialog.close()


class StrayModals:
    """Closes a modal dialog no shot asked for (an error box after the shot was taken),
    after printing what it said: left open it would wait for a click for ever."""

    def __init__(self) -> None:
        self.expected = False
        self.said: list[str] = []
        self.timer = QTimer(interval=500)
        self.timer.timeout.connect(self.check)
        self.timer.start()

    def check(self) -> None:
        modal = QApplication.activeModalWidget()
        # Only message boxes: forms and dialogs the shots open are window-modal too.
        if not isinstance(modal, QMessageBox) or self.expected:
            return
        self.said.append(f"{modal.windowTitle()}: {modal.text()}")
        print(f"  closed a dialog no shot expected: {self.said[-1]}", file=sys.stderr)
        modal.close()


STRAY = StrayModals.__new__(StrayModals)  # started in main(), once the application exists


def catch_modals(
    scene: Scene,
    trigger: Callable[[], Any],
    behind: list[QWidget],
    *,
    count: int = 1,
    go_on: bool = True,
) -> list[QImage]:
    """Run ``trigger`` and photograph the first ``count`` modal dialogs it opens, each
    over ``behind``, answering each as the clerk would go on."""
    pictures: list[QImage] = []
    seen: list[QWidget] = []

    def poll() -> None:
        modal = QApplication.activeModalWidget()
        if modal is None or modal in seen or len(pictures) >= count:
            return
        seen.append(modal)
        for _ in range(5):
            scene.app.processEvents()
        pictures.append(picture(*behind, modal))
        _answer(modal, go_on=go_on)

    timer = QTimer(interval=100)
    timer.timeout.connect(poll)
    timer.start()
    STRAY.expected = True
    try:
        QTimer.singleShot(0, trigger)
        wait_until(scene.app, lambda: len(pictures) >= count, f"{count} dialog(s)", timeout=15)
    except ShotFailed as error:
        shown = [
            f"{type(w).__name__} «{w.windowTitle()}»"
            for w in QApplication.topLevelWidgets()
            if w.isVisible()
        ]
        said = [w.statusBar().currentMessage() for w in behind if isinstance(w, MainWindow)] + [
            label.text()
            for w in behind
            for label in w.findChildren(QLabel)
            if label.objectName() in ("fieldError", "formStatus") and label.text()
        ]
        raise ShotFailed(f"{error}; open: {shown}; said: {said}") from None
    finally:
        timer.stop()
        STRAY.expected = False
    return pictures


@contextmanager
def nobody_at_the_keyboard(scene: Scene) -> Iterator[None]:
    """File dialogs and passphrase prompts answered from ``scene.answers``."""
    saved = QFileDialog.exec, QInputDialog.getText
    QFileDialog.exec = _answer_file_dialog(scene)  # type: ignore[method-assign]
    QInputDialog.getText = staticmethod(lambda *a, **k: (PASSPHRASE, True))  # type: ignore[method-assign]
    try:
        yield
    finally:
        QFileDialog.exec, QInputDialog.getText = saved  # type: ignore[method-assign]


def newest_dialog(window: MainWindow, kind: type[QWidget]) -> QWidget:
    found = [d for d in window.dialogs if isinstance(d, kind)]
    if not found:
        raise ShotFailed(f"no {kind.__name__} opened")
    return found[-1]


def close_dialogs(window: MainWindow) -> None:
    for dialog in list(window.dialogs):
        dialog.close()
    for form in list(window.forms):
        form.snapshot = lambda: None  # type: ignore[method-assign] - no drafts from shots
        form.close()


# ---------------------------------------------------------------- the shots

Take = Callable[[Scene], QImage]


@dataclass(frozen=True)
class Shot:
    name: str
    caption: str  # one Vietnamese sentence: what the screen is for
    take: Take


def _empty_store(scene: Scene, name: str) -> Store:
    return open_store(DataPaths(scene.folder / name), actor="demo", create=True)


def wizard_page(step: int, *, errors: bool = False) -> Take:
    def take(scene: Scene) -> QImage:
        from ui.wizard import SetupWizard

        store = _empty_store(scene, f"wizard-{step}")
        wizard = SetupWizard(store)
        wizard.show()
        try:
            for _ in range(min(step, 1)):
                wizard.next()
            page = wizard.office_page
            page.edits["name"].setText("Ban Xây dựng Đảng Đảng ủy xã Bát Tràng")
            page.edits["symbol"].setText("BXDĐ")
            page.edits["code"].setText("1010" if errors else "10105")
            if not errors:
                page.edits["place"].setText("Bát Tràng")
                if "parent_name" in page.edits:
                    page.edits["parent_name"].setText("Ban Tuyên giáo và Dân vận Thành ủy Hà Nội")
                if "parent_code" in page.edits:
                    page.edits["parent_code"].setText("01")
            for _ in range(min(step - 1, 2)):
                wizard.next()
            if step >= 3:
                admin = wizard.admin_page
                admin.name.setText("quantri")
                admin.password.setText(PASSWORD)
                admin.again.setText(PASSWORD)
            if step == 4:
                wizard.next()
            scene.settle(0.3)
            return picture(wizard)
        finally:
            wizard.close()
            store.close()

    return take


def sign_in_shot(scene: Scene) -> QImage:
    from ui.sign_in import SignInDialog

    fresh = open_store(scene.commune.paths, actor="os-login")
    dialog = SignInDialog(fresh)
    dialog.show()
    try:
        dialog.user.setText("quantri")
        dialog.password.setText("sai-mat-khau")
        dialog._try()
        wait_until(scene.app, dialog.ok.isEnabled, "the answer to the sign-in")
        return picture(dialog)
    finally:
        dialog.close()
        fresh.close()


def page_shot(index: int, *, search: str = "", commune: bool = False) -> Take:
    def take(scene: Scene) -> QImage:
        window = scene.at_commune if commune else scene.at_province
        window.go_to(index)
        if search:
            window.lists[RecordType.INSPECTION].search.setText(search)
        scene.settle()
        image = picture(window)
        if search:
            window.lists[RecordType.INSPECTION].search.setText("")
        return image

    return take


def _page_index(window: MainWindow, name: str) -> int:
    return int(getattr(window, name))


def named_page(
    name: str, *, commune: bool = False, before: Callable[[Scene, MainWindow], None] | None = None
) -> Take:
    def take(scene: Scene) -> QImage:
        window = scene.at_commune if commune else scene.at_province
        window.go_to(_page_index(window, name))
        scene.settle()
        if before is not None:
            before(scene, window)
            scene.settle()
        return picture(window)

    return take


def menu_shot(title_start: str) -> Take:
    """The commune's main window with one menu of its menu bar open (by the start of its
    title or by its object name)."""

    def take(scene: Scene) -> QImage:
        window = scene.at_commune
        window.go_to(0)
        scene.settle()
        bar = window.menuBar()
        found = [
            a
            for a in bar.actions()
            if (menu := a.menu()) is not None
            and (
                menu.objectName() == title_start
                or a.text().replace("&", "").startswith(title_start)
            )
        ]
        if not found:
            raise ShotFailed(f"no menu {title_start!r} in {[a.text() for a in bar.actions()]}")
        action = found[-1]
        menu = action.menu()
        assert isinstance(menu, QMenu)
        menu.popup(window.mapToGlobal(bar.actionGeometry(action).bottomLeft()))
        scene.settle(0.3)
        screen = Screen()
        client = screen.window(window)
        at = client.topLeft() + bar.mapTo(window, bar.actionGeometry(action).bottomLeft())
        screen.popup(menu, at)
        menu.hide()
        return screen.done()

    return take


def queue_shot(name: str) -> Take:
    """One of the Duyệt menu's lists at the commune (Chờ duyệt, Bị trả lại)."""

    def take(scene: Scene) -> QImage:
        from ui import people_menu

        window = scene.at_commune
        dialog = people_menu.open_dialog(window, name)
        if dialog is None:
            raise ShotFailed(f"{name} did not open")
        scene.settle(1.0)
        try:
            return picture(window, dialog)
        finally:
            dialog.close()

    return take


def _prepare_queues(scene: Scene) -> None:
    """A submitted record waits for the head; the province returned one with a reason."""
    commune = scene.commune
    ids = scene.commune_ids
    for number in (1, 2):
        title = f"Kiểm tra việc thực hiện Quy chế dân chủ ở cơ sở tại thôn Giang Cao (đợt {number})"
        fresh = add_record(
            commune,
            record_type=RecordType.INSPECTION,
            data={
                "title": title,
                "start_date": "2026-10-14",
                "place": "Nhà văn hóa thôn Giang Cao",
                "subjects": ["Chi bộ thôn Giang Cao"],
            },
        )
        submit_record(commune, record_id=fresh)
    scene.import_commune()
    record_id = ids[0]
    return_record(
        scene.province,
        record_id=record_id,
        reason="Thiếu danh sách người được kiểm tra; đề nghị bổ sung.",
        deadline=date.today() + timedelta(days=7),
    )
    receipt = write_receipt(scene.province, origin="10105", out=scene.stick, passphrase=PASSPHRASE)
    import_receipt(commune, path=receipt.path)


def pending_shot(scene: Scene) -> QImage:
    _prepare_queues(scene)
    return queue_shot("PendingApprovals")(scene)


def request_shot(scene: Scene) -> QImage:
    """The province asks for the half-year report; the commune sees it on its home screen."""
    scene.import_commune()
    set_request(
        scene.province,
        period="2026-H2",
        deadline=date.today() + timedelta(days=10),
        note="Báo cáo kết quả công tác dân vận 6 tháng cuối năm 2026",
        offices=["10105"],
    )
    path = write_request_file(scene.province, to="10105", out=scene.stick, passphrase=PASSPHRASE)
    import_request_file(scene.commune, path=path)
    # The banner is read when the window opens: a fresh window for it.
    scene.windows.pop("commune", None)
    window = scene.at_commune
    scene.settle(1.0)
    return picture(window)


def form_shot(record_type: RecordType, *, opened: bool, errors: bool = False) -> Take:
    def take(scene: Scene) -> QImage:
        from ui.forms.record_form import RecordForm

        window = scene.at_province
        window.go_to(SECTIONS.index(record_type))  # the list the form is opened from
        record = None
        if opened:
            found = list_records(scene.province, record_type=record_type, limit=1)
            if not found:
                raise ShotFailed(f"no {record_type.value} record in the demo office")
            record = get_record(scene.province, record_id=found[0].id)
        form = RecordForm(scene.province, record_type, record, parent=window)
        form.snapshot = lambda: None  # type: ignore[method-assign] - no drafts from shots
        form.show()
        try:
            if errors:
                form.save()
            scene.settle()
            return picture(window, form)
        finally:
            form.close()

    return take


def other_office_record(scene: Scene) -> QImage:
    """At the province, a record of xã Bát Tràng opens read-only as "Hồ sơ của …"."""
    scene.import_commune()
    window = scene.at_province
    window.refresh()
    found = list_records(scene.province, record_type=RecordType.INSPECTION, limit=100_000)
    theirs = [row for row in found if row.office_code == "10105"]
    if not theirs:
        raise ShotFailed("the province has no record of the commune")
    window.open_record(theirs[0].id)
    wait_until(scene.app, lambda: bool(window.forms), "the record form")
    scene.settle()
    form = window.forms[-1]
    try:
        return picture(window, form)
    finally:
        close_dialogs(window)


def _minutes(scene: Scene) -> Any:
    from ui.documents import MinutesDialog

    window = scene.at_province
    window.go_to(SECTIONS.index(RecordType.DIALOGUE))  # minutes are made from the list
    record = get_record(scene.province, record_id=scene.meeting_id)
    dialog = MinutesDialog(scene.province, record, parent=window)
    window.dialogs.append(dialog)
    dialog.note_taker.setText("Trần Thị Mai")
    dialog.note_taker_post.setText("Chuyên viên Ban Tuyên giáo và Dân vận")
    dialog.start_time.setText("08:00")
    dialog.close_time.setText("11:00")
    dialog.show()
    scene.settle()
    return window, dialog


def minutes_shot(scene: Scene) -> QImage:
    window, dialog = _minutes(scene)
    try:
        return picture(window, dialog)
    finally:
        close_dialogs(window)


def minutes_preview_shot(scene: Scene) -> QImage:
    window, dialog = _minutes(scene)
    try:
        dialog.preview()
        wait_until(scene.app, lambda: bool(dialog.previews), "the minutes preview")
        scene.settle()
        return picture(window, dialog.previews[-1])
    finally:
        close_dialogs(window)


def minutes_issue_shot(scene: Scene) -> QImage:
    """The confirmation before the minutes take their number in the register."""
    window, dialog = _minutes(scene)
    try:
        with nobody_at_the_keyboard(scene):
            [image] = catch_modals(scene, dialog.issue, [window, dialog])
        wait_until(scene.app, lambda: bool(dialog.previews), "the issued minutes")
        return image
    finally:
        close_dialogs(window)


def minutes_help_shot(scene: Scene) -> QImage:
    from ui.help import HelpDialog

    window, dialog = _minutes(scene)
    try:
        dialog.actions()[0].trigger()  # F1: the dialog's own help
        scene.settle()
        help_dialog = dialog.findChild(HelpDialog)
        if help_dialog is None:
            raise ShotFailed("F1 opened no help")
        return picture(window, help_dialog)
    finally:
        close_dialogs(window)


def _reports(scene: Scene) -> Any:
    window = scene.at_province
    window.go_to(window._reports_index)
    reports = window.reports
    reports.year.setValue(2024)
    reports.show_figures()
    for edit, text in (
        (
            reports.situation,
            "Tình hình chính trị, xã hội trên địa bàn ổn định; Nhân dân tin tưởng.",
        ),
        (reports.achievements, "Các cấp ủy đã quan tâm lãnh đạo công tác dân vận."),
        (reports.limitations, "Việc nắm tình hình Nhân dân ở một số nơi chưa kịp thời."),
        (
            reports.tasks,
            "Tiếp tục thực hiện Quy chế dân chủ ở cơ sở; nhân rộng mô hình “Dân vận khéo”.",
        ),
    ):
        edit.setPlainText(text)
    reports.signer_post.setText("TRƯỞNG BAN")
    reports.signer_name.setText("Nguyễn Doãn Toản")
    scene.settle()
    return window, reports


def reports_shot(scene: Scene) -> QImage:
    window, _reports_page = _reports(scene)
    return picture(window)


def report_preview_shot(scene: Scene) -> QImage:
    window, reports = _reports(scene)
    reports.preview()
    wait_until(scene.app, lambda: bool(reports.previews), "the report preview")
    scene.settle()
    try:
        return picture(window, reports.previews[-1])
    finally:
        for preview in reports.previews:
            preview.close()


def report_issue_shot(scene: Scene) -> QImage:
    window, reports = _reports(scene)
    with nobody_at_the_keyboard(scene):
        # Cancelled: the minutes shots already put a document in the register.
        [image] = catch_modals(scene, reports.issue, [window], go_on=False)
    return image


def register_shot(scene: Scene) -> QImage:
    window = scene.at_province
    window.go_to(window._register_index)
    page = window.register
    page.refresh()
    scene.settle()
    if page.table.rowCount():
        page.table.selectRow(0)
        scene.settle(0.3)
    return picture(window)


def verify_shot(scene: Scene) -> QImage:
    """Kiểm tra chữ ký số: an issued PDF checked (not signed yet, so it says so)."""
    from dvdesk.documents.register import reprint

    window = scene.at_province
    window.go_to(window._verify_index)
    page = window.pages.currentWidget()
    entries = window.register.entries
    if not entries:
        raise ShotFailed("nothing issued yet to check (run the issue shots first)")
    target = scene.folder / "Bien-ban-01-BB-2026.pdf"
    target.write_bytes(reprint(scene.province, entry_id=entries[0].id).pdf or b"")
    page.check_file(target)
    scene.settle(1.0)
    return picture(window)


def exchange_import_shot(*, refused: bool) -> Take:
    def take(scene: Scene) -> QImage:
        window = scene.at_province
        scene.commune  # noqa: B018 - the package is on the stick
        window.go_to(window._exchange_index)
        scene.settle()
        page = window.exchange
        if refused:
            forged = scene.stick / "goi-gia-mao.dvpkg"
            forged.write_bytes(b"PK\x03\x04 not a package")
            scene.answers.files = [forged]
        else:
            scene.answers.files = [scene.package]
        with nobody_at_the_keyboard(scene):
            if refused:
                [image] = catch_modals(scene, page.import_packages, [window])
                return image
            page.summary.setRowCount(0)
            page.import_packages()
            wait_until(scene.app, lambda: page.summary.rowCount() > 0, "the import's result")
        scene.imported = True
        scene.settle()
        return picture(window)

    return take


def missing_shot(scene: Scene) -> QImage:
    """Cơ quan nào chưa gửi báo cáo: xã Gia Lâm has not sent anything."""
    scene.import_commune()
    window = scene.at_province
    window.go_to(window._exchange_index)
    scene.settle()
    window.exchange.show_missing()
    scene.settle(1.0)
    return picture(window)


def enrol_shot(scene: Scene) -> QImage:
    """The province enrols a commune's key card: compare the fingerprint, then confirmed."""
    window = scene.at_province
    window.go_to(window._exchange_index)
    scene.settle()
    other = open_store(DataPaths(scene.folder / "enrol"), actor="chuyenvien", create=True)
    create_office(
        other,
        data={
            **COMMUNE,
            "code": "10107",
            "name": "Ban Xây dựng Đảng Đảng ủy xã Đông Anh",
            "superior": "Đảng ủy xã Đông Anh",
            "place": "Đông Anh",
        },
    )
    keys.create_keys(other, passphrase=PASSPHRASE)
    card, _fingerprint = keys.write_card(other, out=scene.stick)
    other.close()
    scene.answers.files = [card]
    with nobody_at_the_keyboard(scene):
        [first] = catch_modals(scene, window.exchange.enroll, [window])
    return first


def ui_class(path: str) -> type[QWidget]:
    """``"ui.help.HelpDialog"``: imported when the shot runs, as the app imports it."""
    module, name = path.rsplit(".", 1)
    found: type[QWidget] = getattr(importlib.import_module(module), name)
    return found


def window_dialog(
    opens: Callable[[MainWindow], Any], kind: str, *, page: int = 0, commune: bool = False
) -> Take:
    """The province's (or commune's) window on ``page`` and the dialog of class ``kind`` that
    ``opens`` (a menu command of the window) shows, as the clerk sees it."""

    def take(scene: Scene) -> QImage:
        window = scene.at_commune if commune else scene.at_province
        window.go_to(page)
        opens(window)
        cls = ui_class(kind)
        wait_until(scene.app, lambda: any(isinstance(d, cls) for d in window.dialogs), kind)
        scene.settle()
        try:
            return picture(window, newest_dialog(window, cls))
        finally:
            close_dialogs(window)

    return take


def own_dialog(make: Callable[[Scene, MainWindow], QWidget], *, page: int = 0) -> Take:
    """A dialog made by ``make`` over the province's window on ``page``."""

    def take(scene: Scene) -> QImage:
        window = scene.at_province
        window.go_to(page)
        dialog = make(scene, window)
        dialog.show()
        scene.settle()
        try:
            return picture(window, dialog)
        finally:
            dialog.close()

    return take


def open_users(window: MainWindow) -> None:
    from ui.users import open_user_management

    open_user_management(window)


def request_shot_dialog(scene: Scene) -> QImage:
    """The head of the province asks the offices below for a report, with a deadline."""
    scene.import_commune()
    window = scene.at_province
    window.go_to(window._exchange_index)
    scene.settle()
    page = window.exchange
    page.ask_report()
    scene.settle()
    dialog = getattr(page, "request_dialog", None)
    if dialog is None:
        raise ShotFailed("the request dialog did not open")
    try:
        return picture(window, dialog)
    finally:
        dialog.close()


def lock_shot(scene: Scene) -> QImage:
    """The commune's window locked (Ctrl+L or idle): the data hidden until the password."""
    window = scene.at_commune
    window.go_to(0)
    scene.settle()
    window.idle_lock.lock()
    scene.settle()
    try:
        return picture(window)
    finally:
        window.close()
        scene.windows.pop("commune", None)  # a later shot opens an unlocked one


def sign_dialog(scene: Scene, window: MainWindow) -> QWidget:
    from ui.signatures import SignDialog, load_sign_context

    window.go_to(window._register_index)
    page = window.register
    if not page.entries:
        raise ShotFailed("nothing issued yet to sign (run the issue shots first)")
    context = load_sign_context(scene.province, document=f"#{page.entries[0].id}")
    return SignDialog(scene.province, context=context, parent=window)


def trusted_roots_dialog(scene: Scene, window: MainWindow) -> QWidget:
    from dvdesk.signatures.trust_roots import add_root, list_roots
    from tests.signature_fixtures import make_ca
    from ui.trusted_roots import TrustedRootsDialog

    if not list_roots(scene.province):
        root = scene.folder / "ca-goc.pem"
        root.write_bytes(make_ca("Root CA Ban Cơ yếu Chính phủ").pem)
        add_root(scene.province, path=root)
    window.go_to(window._verify_index)
    return TrustedRootsDialog(scene.province, window)


def review_dialog(scene: Scene, window: MainWindow) -> QWidget:
    from ui.review import ReviewReceived

    scene.import_commune()
    return ReviewReceived(scene.province, window)


def counts_dialog(scene: Scene, window: MainWindow) -> QWidget:
    """Counts of the years before dvdesk, figures from the 6-month review of 2022."""
    from ui.counts import CountsDialog

    store = scene.province
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
    return CountsDialog(store, window)


def backup_dialog(scene: Scene, window: MainWindow) -> QWidget:
    from ui.backup_dialog import BackupDialog

    return BackupDialog(scene.province.paths, window)


def crash_dialog(scene: Scene, window: MainWindow) -> QWidget:
    from ui.crash import CrashDialog

    log = scene.folder / "crash" / "crash-2026-11-29T10-15-02.txt"
    report = "Traceback (most recent call last):\n  …\nRuntimeError: ví dụ"
    return CrashDialog(report, log, window)


def _types() -> list[tuple[str, RecordType, str]]:
    return [
        ("inspection", RecordType.INSPECTION, "cuộc kiểm tra"),
        ("supervision", RecordType.SUPERVISION, "cuộc giám sát"),
        ("dialogue", RecordType.DIALOGUE, "buổi đối thoại"),
        ("directive", RecordType.DIRECTIVE, "văn bản chỉ đạo"),
        ("model", RecordType.MODEL, "mô hình “Dân vận khéo”"),
    ]


def _form_shots() -> list[Shot]:
    shots: list[Shot] = []
    for number, (slug, record_type, label) in enumerate(_types()):
        shots.append(
            Shot(
                f"3{number}-form-{slug}-new",
                f"Biểu mẫu thêm {label} mới; các ô có dấu * là bắt buộc.",
                form_shot(record_type, opened=False),
            )
        )
        shots.append(
            Shot(
                f"3{number}-form-{slug}-opened",
                f"Một {label} đã lưu, mở ra để xem hoặc sửa.",
                form_shot(record_type, opened=True),
            )
        )
    return shots


PAGES = [
    (0, "inspections", "Kiểm tra: danh sách các cuộc kiểm tra, tìm kiếm và mở từng hồ sơ."),
    (1, "supervisions", "Giám sát: danh sách các cuộc giám sát của cơ quan."),
    (2, "dialogues", "Đối thoại: các buổi đối thoại trực tiếp với nhân dân."),
    (3, "directives", "Văn bản chỉ đạo: nghị quyết, chỉ thị, kế hoạch, công văn đã ban hành."),
    (4, "models", "Mô hình “Dân vận khéo”: các mô hình được công nhận và theo dõi."),
    (5, "follow-ups", "Kiến nghị: các kiến nghị cần theo dõi đến khi được giải quyết."),
]

SHOTS: list[Shot] = [
    Shot(
        "01-wizard-welcome",
        "Lần đầu mở dvdesk, trình hướng dẫn giới thiệu chương trình.",
        wizard_page(0),
    ),
    Shot(
        "02-wizard-office-with-errors",
        "Nhập thông tin cơ quan; ô sai được tô đỏ kèm lời giải thích.",
        wizard_page(1, errors=True),
    ),
    Shot("03-wizard-demo", "Chọn có thêm dữ liệu mẫu để tập dùng hay không.", wizard_page(2)),
    Shot(
        "04-wizard-admin",
        "Tạo người quản trị đầu tiên (có thể bỏ qua nếu một người dùng máy).",
        wizard_page(3),
    ),
    Shot("05-wizard-summary", "Xem lại mọi thông tin trước khi bấm Hoàn tất.", wizard_page(4)),
    Shot(
        "06-sign-in",
        "Đăng nhập khi cơ quan có nhiều người dùng; sai mật khẩu thì báo rõ.",
        sign_in_shot,
    ),
    *[Shot(f"1{i}-main-{slug}", caption, page_shot(i)) for i, slug, caption in PAGES],
    Shot(
        "16-main-search",
        "Tìm kiếm không cần gõ dấu: “nguyen ba vi” tìm ra “Nguyễn Bá Vĩ”.",
        page_shot(0, search="nguyen ba vi"),
    ),
    Shot(
        "17-main-reports",
        "Báo cáo: chọn kỳ, xem số liệu, viết nhận định và in báo cáo.",
        reports_shot,
    ),
    Shot(
        "18-main-exchange-province",
        "Trao đổi USB ở cấp tỉnh: nhập gói của cấp dưới và xem ai đã gửi.",
        named_page("_exchange_index"),
    ),
    Shot(
        "19-main-exchange-commune",
        "Trao đổi USB ở cấp xã: xuất gói dữ liệu gửi cấp trên.",
        named_page("_exchange_index", commune=True),
    ),
    Shot(
        "60-import-success",
        "Nhập gói của xã: kết quả từng gói và biên nhận gửi lại cấp dưới.",
        exchange_import_shot(refused=False),
    ),
    Shot(
        "61-import-refused",
        "Gói không hợp lệ bị từ chối, kèm lý do; dữ liệu không thay đổi.",
        exchange_import_shot(refused=True),
    ),
    Shot(
        "62-who-has-not-reported",
        "Cơ quan nào chưa gửi báo cáo trong kỳ, có thể in ra.",
        missing_shot,
    ),
    Shot(
        "62-request-a-report",
        "Cấp trên yêu cầu các cơ quan cấp dưới gửi báo cáo của một kỳ, kèm hạn nộp.",
        request_shot_dialog,
    ),
    Shot(
        "63-enrol-key-card",
        "Đăng ký thẻ khóa của cơ quan khác: so dấu vân tay qua điện thoại trước khi đồng ý.",
        enrol_shot,
    ),
    *_form_shots(),
    Shot(
        "40-form-new-with-errors",
        "Lưu khi còn thiếu thông tin: ô thiếu tô đỏ, con trỏ đến ô đầu tiên cần sửa.",
        form_shot(RecordType.SUPERVISION, opened=False, errors=True),
    ),
    Shot(
        "41-form-other-office",
        "Hồ sơ của cơ quan cấp dưới chỉ để xem, không sửa được.",
        other_office_record,
    ),
    Shot("50-minutes-dialog", "In biên bản: điền thông tin cuộc họp rồi xem trước.", minutes_shot),
    Shot("51-minutes-preview", "Xem trước biên bản trước khi in hoặc lưu.", minutes_preview_shot),
    Shot(
        "52-minutes-issue-confirm",
        "Trước khi ban hành, dvdesk cho biết số văn bản sẽ được cấp và hỏi lại.",
        minutes_issue_shot,
    ),
    Shot(
        "53-report-preview",
        "Xem trước báo cáo theo thể thức văn bản của Đảng.",
        report_preview_shot,
    ),
    Shot(
        "54-report-issue-confirm",
        "Xác nhận ban hành báo cáo với số văn bản sẽ được cấp.",
        report_issue_shot,
    ),
    Shot(
        "55-main-register",
        "Sổ văn bản đi: mọi biên bản, báo cáo đã ban hành và số của chúng.",
        register_shot,
    ),
    Shot(
        "56-sign-dialog",
        "Ký số một văn bản đã ban hành bằng thiết bị ký số (USB token).",
        own_dialog(sign_dialog),
    ),
    Shot("57-main-verify", "Kiểm tra chữ ký số của một tệp PDF, không cần mạng.", verify_shot),
    Shot(
        "58-trusted-roots",
        "Chứng thư gốc tin cậy: xem dấu vân tay trước khi tin cậy một chứng thư gốc.",
        own_dialog(trusted_roots_dialog),
    ),
    Shot(
        "64-review-received",
        "Cấp trên xem xét hồ sơ cấp dưới gửi lên: chấp nhận hoặc trả lại.",
        own_dialog(review_dialog),
    ),
    Shot(
        "65-menu-user",
        "Tên người đang đăng nhập và vai trò, ở menu bên phải.",
        menu_shot("userMenu"),
    ),
    Shot(
        "66-menu-approval",
        "Menu Duyệt: trình duyệt, chờ duyệt, bị trả lại, xem xét hồ sơ.",
        menu_shot("Duyệt"),
    ),
    Shot(
        "65-users-dialog",
        "Quản trị thêm người dùng, đổi vai trò, đặt lại mật khẩu hoặc khóa người dùng.",
        window_dialog(open_users, "ui.users.UsersDialog", commune=True),
    ),
    Shot(
        "67-pending-approvals",
        "Chờ duyệt: trưởng ban duyệt hồ sơ trước khi gửi cấp trên.",
        pending_shot,
    ),
    Shot(
        "68-returned",
        "Bị trả lại: hồ sơ cấp trên trả về, lý do và hạn sửa.",
        queue_shot("ReturnedToUs"),
    ),
    Shot(
        "69-report-request",
        "Cấp trên yêu cầu báo cáo: kỳ và hạn nộp hiện ở thanh trạng thái.",
        request_shot,
    ),
    Shot(
        "70-office-settings",
        "Cài đặt cơ quan: tên, tiêu đề, người ký, nơi nhận, lề giấy và cách đánh số văn bản.",
        window_dialog(MainWindow.open_settings, "ui.office_settings.OfficeSettingsDialog"),
    ),
    Shot(
        "72-counts-dialog",
        "Nhập số liệu tổng hợp của những năm trước khi dùng dvdesk.",
        own_dialog(counts_dialog),
    ),
    Shot("73-backup-dialog", "Sao lưu và khôi phục dữ liệu.", own_dialog(backup_dialog)),
    Shot(
        "74-import-file",
        "Nhập hồ sơ từ tệp Excel, CSV có sẵn.",
        window_dialog(MainWindow.open_import, "ui.import_dialog.ImportDialog"),
    ),
    Shot(
        "80-help",
        "Trợ giúp (F1) cho màn hình đang mở, không cần mạng.",
        window_dialog(MainWindow.help, "ui.help.HelpDialog"),
    ),
    Shot("81-help-minutes", "Trợ giúp riêng của hộp thoại biên bản.", minutes_help_shot),
    Shot(
        "82-crash-dialog",
        "Khi chương trình gặp lỗi: dữ liệu đã lưu không mất, gửi báo lỗi.",
        own_dialog(crash_dialog),
    ),
    Shot(
        "84-lock-screen",
        "Màn hình khóa khi rời máy (Ctrl+L): dữ liệu được che cho đến khi nhập mật khẩu.",
        lock_shot,
    ),
]


def selected(names: str) -> list[Shot]:
    wanted = [name for name in names.split(",") if name]
    return [shot for shot in SHOTS if not wanted or shot.name.startswith(tuple(wanted))]


def gallery(shots: list[Shot], folder: str) -> str:
    lines = ["# Các màn hình của dvdesk", ""]
    lines += [
        "Ảnh chụp ở màn hình 1366×768 (máy văn phòng), tạo bằng `docs/make_screenshots.py`.",
        "",
    ]
    for shot in shots:
        image = f'<img src="{folder}/{shot.name}.png" width="900" alt="{shot.caption}">'
        lines += [image, "", f"*{shot.caption}*", ""]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path, nargs="?", default=Path("docs/screenshots"))
    parser.add_argument("--only", default="", help="comma-separated shot names or prefixes")
    parser.add_argument("--list", action="store_true", help="print the shots and their captions")
    parser.add_argument("--gallery", type=Path, help="also write a Markdown page of the shots")
    args = parser.parse_args()
    shots = selected(args.only)
    if not shots:
        print(f"No shot is named {args.only!r}: see --list.", file=sys.stderr)
        return 2
    if args.gallery:  # the captions are the table's, whatever the run brings
        relative = os.path.relpath(args.out, args.gallery.parent)
        args.gallery.write_text(gallery(shots, relative) + "\n", encoding="utf-8")
    if args.list:
        for shot in shots:
            print(f"{shot.name}\t{shot.caption}")
        return 0
    QScreen.availableGeometry = _work_area  # type: ignore[method-assign] - the taskbar
    app = QApplication([])
    folder = Path(tempfile.mkdtemp(prefix="dvdesk-shots-"))
    configure_application(app, DataPaths(folder / "settings"))
    args.out.mkdir(parents=True, exist_ok=True)
    STRAY.__init__()
    scene = Scene(app, folder)
    failed: list[str] = []
    for shot in shots:
        started = time.monotonic()
        try:
            image = shot.take(scene)
            image.convertToFormat(
                QImage.Format.Format_Indexed8, Qt.ImageConversionFlag.ThresholdDither
            ).save(str(args.out / f"{shot.name}.png"), "PNG", 9)
            print(f"{shot.name}: {time.monotonic() - started:.1f} s", flush=True)
        except Exception:
            failed.append(shot.name)
            print(f"{shot.name}: FAILED\n{traceback.format_exc()}", file=sys.stderr, flush=True)
        for window in scene.windows.values():
            close_dialogs(window)
    scene.close()
    if failed:
        print(f"{len(failed)} shot(s) failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
