"""The lock screen: after a set idle time (or Ctrl+L) the main window hides its data until
the signed-in user types the password again, or another user signs in instead.

Only an office with users locks: a one-person office has no password to ask for. Open
forms are hidden, not closed: their typed content stays in the widgets (and in their
crash-safe drafts) and they come back as they were.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QFormLayout,
    QFrame,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from dvdesk.errors import UserError
from dvdesk.i18n import _
from ui.modal import lock_state
from ui.put_away import Hidden, bring_back, put_away
from ui.small_widgets import password_edit, status_label
from ui.worker import run_in_background

if TYPE_CHECKING:
    from ui.main_window import MainWindow

# What counts as someone at the PC: a key or the mouse.
INPUT = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
    }
)
MINUTE_MS = 60_000
LOCK_KEYS = Qt.KeyboardModifier.ControlModifier | Qt.Key.Key_L
BOX_WIDTH = 480


class LockScreen(QFrame):
    """Covers the whole main window; asks for a password."""

    unlocked = Signal(str)  # the user now signed in

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window_ = window
        self.setObjectName("lockScreen")
        self.setAutoFillBackground(True)
        self.title = QLabel(_("dvdesk is locked"))
        self.title.setObjectName("lockTitle")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.title.setFont(font)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.user = QLineEdit()
        self.password = password_edit()
        self.message = status_label()
        self.button = QPushButton(_("&Unlock"))
        self.button.setDefault(True)
        self.button.clicked.connect(self.try_unlock)
        self.user.returnPressed.connect(self.password.setFocus)
        self.password.returnPressed.connect(self.try_unlock)
        form = QFormLayout()
        form.addRow(_("&User name:"), self.user)
        form.addRow(_("&Password:"), self.password)
        box = QWidget()
        box.setFixedWidth(BOX_WIDTH)
        column = QVBoxLayout(box)
        column.addWidget(self.title)
        column.addWidget(self.intro)
        column.addLayout(form)
        column.addWidget(self.message)
        column.addWidget(self.button, 0, Qt.AlignmentFlag.AlignRight)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(box, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)

    def ask(self, name: str) -> None:
        self.intro.setText(
            _(
                "The screen was locked so nobody else sees the office's data. Type the "
                "password of {name} to continue; another user may sign in with their own "
                "name instead. Nothing you typed is lost."
            ).format(name=name)
        )
        # A wrapped label inside a centred box gets only its one-line height otherwise.
        self.intro.setMinimumHeight(self.intro.heightForWidth(BOX_WIDTH))
        layout = self.layout()
        if layout is not None:
            layout.activate()  # now, not at the next event: the box is already on screen
        self.user.setText(name)
        self.password.clear()
        self.message.setText("")
        self.button.setEnabled(True)
        self.password.setFocus()

    def try_unlock(self) -> None:
        name, password = self.user.text().strip(), self.password.text()
        if not name or not password:
            self.message.setText(_("Type your user name and password, then press Enter."))
            return
        self.button.setEnabled(False)
        self.message.setText(_("Checking…"))
        from dvdesk.services.auth import sign_in  # noqa: PLC0415 - argon2, only when needed

        store = self.window_.store
        run_in_background(
            lambda: sign_in(store, name=name, password=password).name,
            on_done=self.unlocked.emit,
            on_failed=self._refused,
        )

    def _refused(self, error: UserError) -> None:
        self.button.setEnabled(True)
        self.message.setText(error.message)
        self.password.clear()
        self.password.setFocus()


class IdleLock(QObject):
    """Watches the application's input and locks the main window after ``minutes`` idle."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window_ = window
        self.timer = QTimer(self, singleShot=True)
        self.timer.timeout.connect(self.lock)
        self.screen: LockScreen | None = None
        self._hidden: list[Hidden] = []
        self._disabled: list[QAction] = []
        self._watching = False

    @property
    def locked(self) -> bool:
        return self.screen is not None and self.screen.isVisible()

    def set_timeout(self, milliseconds: int) -> None:
        """Lock after this long without input (0: never); only offices with users lock."""
        self.timer.stop()
        app = QApplication.instance()
        if milliseconds <= 0 or not self.window_.store.signed_in:
            if self._watching and app is not None:
                app.removeEventFilter(self)
                self._watching = False
            return
        self.timer.setInterval(milliseconds)
        if not self._watching and app is not None:
            app.installEventFilter(self)  # only while it matters: it sees every event
            self._watching = True
        if not self.locked:
            self.timer.start()

    def set_minutes(self, minutes: int) -> None:
        self.set_timeout(minutes * MINUTE_MS)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() not in INPUT or self.locked:
            return False
        if (
            isinstance(event, QKeyEvent)
            and event.keyCombination() == LOCK_KEYS
            and isinstance(watched, QWidget)
            and watched.isWindow()  # seen once per key press, by its window
        ):
            # From a dialog too, where the main window's Ctrl+L does not reach.
            self.lock()
            return True
        if self.timer.interval() > 0:
            self.timer.start()
        return False

    def lock(self) -> None:
        """Hide the data now (Ctrl+L, or the idle time ran out)."""
        window = self.window_
        if not window.store.signed_in:
            window.say(
                _(
                    "This office has no users, so there is no password to unlock with: add an "
                    "administrator under the user menu first."
                )
            )
            return
        if self.locked:
            return
        self.timer.stop()
        lock_state().lock()
        for form in window.forms:
            form.snapshot()  # the draft on disk has the last keystrokes
        self._hidden = put_away(window, self.screen)
        self._disabled = [a for a in window.findChildren(QAction) if a.isEnabled()]
        for action in self._disabled:
            action.setEnabled(False)  # no shortcut reaches the hidden screens
        for part in self._parts():
            part.hide()
        if self.screen is None:
            self.screen = LockScreen(window)
            self.screen.unlocked.connect(self._unlocked)
        self.screen.setGeometry(window.rect())
        self.screen.show()
        self.screen.raise_()
        window.activateWindow()  # the dialog that had the keyboard is hidden now
        self.screen.ask(window.store.actor)

    def follow_resize(self) -> None:
        if self.screen is not None:
            self.screen.setGeometry(self.window_.rect())

    def _parts(self) -> list[QWidget]:
        window = self.window_
        parts = [window.centralWidget(), window.menuBar(), window.statusBar()]
        return [part for part in parts if part is not None]

    def _unlocked(self, name: str) -> None:
        assert self.screen is not None
        self.screen.hide()
        for part in self._parts():
            part.show()
        for action in self._disabled:
            action.setEnabled(True)
        bring_back(self._hidden)
        self._disabled, self._hidden = [], []
        self.window_.unlocked(name)
        lock_state().release()  # questions waiting in run_modal open again now
        if self.timer.interval() > 0:
            self.timer.start()
