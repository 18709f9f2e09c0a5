"""The office's users in the app: list, add, change roles, reset a password, disable or
enable (administrators), and change one's own password (anyone signed in).

Each button is one core call on the worker (dvdesk.services.users); the core refuses
whoever may not do it, with a Vietnamese message, and then nothing changes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from dvdesk.domain.people import Role
from dvdesk.errors import UserError
from dvdesk.i18n import _
from dvdesk.services.auth import check
from dvdesk.services.store import Store
from dvdesk.services.users import (
    UserView,
    add_user,
    change_own_password,
    disable_user,
    enable_user,
    list_users,
    set_password,
    set_roles,
)
from ui.ask import confirm
from ui.crash import show_error
from ui.screen import fit_to_screen
from ui.small_widgets import password_edit, status_label
from ui.worker import run_in_background

if TYPE_CHECKING:
    from ui.main_window import MainWindow

ROLE_KEYS = ((Role.CLERK, "&1"), (Role.HEAD, "&2"), (Role.ADMIN, "&3"))


@dataclass(frozen=True)
class UserInput:
    """What a user form collected."""

    name: str
    full_name: str
    roles: tuple[Role, ...]
    password: str
    current: str


class UserForm(QDialog):
    """One user's details; shows only the fields the operation needs."""

    def __init__(
        self,
        *,
        title: str,
        fields: Sequence[str],
        action: Callable[[UserInput], object],
        user: UserView | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.action = action
        self.fields = tuple(fields)
        self.name = QLineEdit(user.name if user else "")
        self.name.setPlaceholderText(_("e.g. nguyenvana"))
        self.full_name = QLineEdit(user.full_name if user else "")
        self.roles = {
            role: QCheckBox(f"{key} {role.label}") for role, key in ROLE_KEYS
        }  # fmt: skip
        for role, box in self.roles.items():
            box.setChecked(user is not None and role in user.roles)
        self.current = password_edit()
        self.password = password_edit()
        self.again = password_edit()
        form = QFormLayout()
        if user is not None and "name" not in self.fields:
            form.addRow(_("User:"), QLabel(f"{user.full_name} ({user.name})"))
        rows: dict[str, tuple[str, QWidget]] = {
            "current": (_("&Current password:"), self.current),
            "name": (_("&User name:"), self.name),
            "full_name": (_("&Full name:"), self.full_name),
            "password": (_("&New password:"), self.password),
        }
        for field in self.fields:
            if field in rows:
                label, widget = rows[field]
                form.addRow(label, widget)
            if field == "password":
                form.addRow(_("Password &again:"), self.again)
            if field == "roles":
                boxes = QHBoxLayout()
                for box in self.roles.values():
                    boxes.addWidget(box)
                form.addRow(_("Roles:"), boxes)
        self.message = status_label()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        fit_to_screen(self, 520, 300)

    def collected(self) -> UserInput:
        roles = tuple(role for role, box in self.roles.items() if box.isChecked())
        return UserInput(
            name=self.name.text().strip(),
            full_name=self.full_name.text().strip(),
            roles=roles,
            password=self.password.text(),
            current=self.current.text(),
        )

    def problem(self, typed: UserInput) -> str | None:
        """What to fix before the core is asked (the core checks everything again)."""
        if "name" in self.fields and not typed.name:
            return _("Type the user name (e.g. nguyenvana), then save.")
        if "roles" in self.fields and not typed.roles:
            return _("Tick at least one role: clerk, head or administrator.")
        if "current" in self.fields and not typed.current:
            return _("Type your current password first.")
        if "password" in self.fields and typed.password != self.again.text():
            return _("The two passwords differ: type the same password twice.")
        return None

    def save(self) -> None:
        typed = self.collected()
        problem = self.problem(typed)
        if problem is not None:
            self.message.setText(problem)
            return
        self.buttons.setEnabled(False)
        self.message.setText(_("Saving…"))
        run_in_background(
            lambda: self.action(typed), on_done=lambda _r: self.accept(), on_failed=self._refused
        )

    def _refused(self, error: UserError) -> None:
        self.buttons.setEnabled(True)
        self.message.setText(error.message)


class UsersDialog(QDialog):
    """ "Quản lý người dùng": the users with their roles and state."""

    def __init__(self, store: Store, users: list[UserView], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.users: list[UserView] = []
        self.form: UserForm | None = None
        self.setWindowTitle(_("Users of this office"))
        headers = [_("User name"), _("Full name"), _("Roles"), _("State")]
        self.table = QTableWidget(0, len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        buttons = QHBoxLayout()
        for text, slot in (
            (_("&Add a user…"), self.add),
            (_("Change &roles…"), self.change_roles),
            (_("&Set a new password…"), self.reset_password),
            (_("&Disable"), self.disable),
            (_("&Enable again"), self.enable),
        ):
            button = QPushButton(text)
            button.setAutoDefault(False)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        close = QPushButton(_("Close"))
        close.setAutoDefault(False)
        close.clicked.connect(self.reject)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        fit_to_screen(self, 900, 460)
        self.show_users(users)

    def show_users(self, users: list[UserView], said: str = "") -> None:
        self.users = users
        self.table.setRowCount(len(users))
        for row, user in enumerate(users):
            roles = ", ".join(role.label for role in user.roles)
            state = _("disabled") if user.disabled else _("can sign in")
            for column, text in enumerate((user.name, user.full_name, roles, state)):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        for column in range(self.table.columnCount() - 1):
            self.table.setColumnWidth(column, self.table.columnWidth(column) + 16)
        empty = _("This office has no users yet: add the first one, an administrator.")
        self.status.setText(said or ("" if users else empty))
        if users:
            self.table.selectRow(0)
        self.table.setFocus()

    def reload(self, said: str) -> None:
        run_in_background(
            lambda: list_users(self.store),
            on_done=lambda users: self.show_users(users, said),
            on_failed=lambda error: show_error(self, error),
        )

    def selected(self) -> UserView | None:
        row = self.table.currentRow()
        if 0 <= row < len(self.users):
            return self.users[row]
        self.status.setText(_("Select a user in the list (arrow keys), then try again."))
        return None

    def _open_form(self, form: UserForm, said: str) -> None:
        self.form = form
        form.accepted.connect(lambda: self.reload(said))
        form.finished.connect(lambda _r: self.activateWindow())  # typing goes back here
        form.open()

    def add(self) -> None:
        store = self.store

        def call(typed: UserInput) -> UserView:
            return add_user(
                store,
                name=typed.name,
                roles=typed.roles,
                password=typed.password,
                full_name=typed.full_name,
            )

        form = UserForm(
            title=_("Add a user"),
            fields=("name", "full_name", "roles", "password"),
            action=call,
            parent=self,
        )
        form.roles[Role.CLERK].setChecked(not self.users)
        form.roles[Role.ADMIN].setChecked(not self.users)  # the first one administers
        self._open_form(form, _("The user was added; they sign in with the password you set."))

    def change_roles(self) -> None:
        user = self.selected()
        if user is None:
            return
        store = self.store
        form = UserForm(
            title=_("Roles of {name}").format(name=user.name),
            fields=("roles",),
            action=lambda typed: set_roles(store, name=user.name, roles=typed.roles),
            user=user,
            parent=self,
        )
        self._open_form(form, _("The roles of {name} were changed.").format(name=user.name))

    def reset_password(self) -> None:
        user = self.selected()
        if user is None:
            return
        store = self.store
        form = UserForm(
            title=_("New password for {name}").format(name=user.name),
            fields=("password",),
            action=lambda typed: set_password(store, name=user.name, password=typed.password),
            user=user,
            parent=self,
        )
        said = _(
            "The password of {name} was set and the waiting time after wrong passwords cleared. "
            "Tell them the new password in person."
        ).format(name=user.name)
        self._open_form(form, said)

    def disable(self) -> None:
        user = self.selected()
        if user is None:
            return
        if not confirm(
            self,
            title=_("Disable the user?"),
            text=_(
                "{name} will no longer be able to sign in. Their records and their name in "
                "the history stay. You can enable them again later."
            ).format(name=user.name),
        ):
            return
        self._run(
            lambda: disable_user(self.store, name=user.name),
            _("{name} can no longer sign in.").format(name=user.name),
        )

    def enable(self) -> None:
        user = self.selected()
        if user is not None:
            self._run(
                lambda: enable_user(self.store, name=user.name),
                _("{name} can sign in again.").format(name=user.name),
            )

    def _run(self, call: Callable[[], None], said: str) -> None:
        run_in_background(
            call,
            on_done=lambda _none: self.reload(said),
            on_failed=lambda error: self.status.setText(error.message),
        )


def open_user_management(window: MainWindow) -> None:
    """Only an administrator (or a one-person office adding its first) sees the users."""
    store = window.store

    def load() -> list[UserView]:
        check(store, Role.ADMIN)
        return list_users(store)

    def show(users: list[UserView]) -> None:
        dialog = UsersDialog(store, users, window)
        window.dialogs.append(dialog)
        dialog.finished.connect(lambda _r: window.dialogs.remove(dialog))
        dialog.finished.connect(lambda _r: _after_users(window))
        dialog.open()

    run_in_background(load, on_done=show, on_failed=lambda error: show_error(window, error))


def _after_users(window: MainWindow) -> None:
    """The first administrator made here signed this session in: name the menu, lock."""
    from ui.people_menu import refresh_user  # noqa: PLC0415 - people_menu imports this lazily

    refresh_user(window)


def open_own_password(window: MainWindow) -> UserForm:
    store = window.store
    form = UserForm(
        title=_("Change my password"),
        fields=("current", "password"),
        action=lambda typed: change_own_password(
            store, current=typed.current, password=typed.password
        ),
        parent=window,
    )
    form.accepted.connect(lambda: window.say(_("Your password was changed.")))
    window.dialogs.append(form)
    form.finished.connect(lambda _r: window.dialogs.remove(form))
    form.open()
    return form
