"""The approval menu, the signed-in user and the requested report on the main window.

Built with plain sqlite3 reads (dvdesk.services.people_light): the dialogs behind the
menu (ui.review, with the core's approval and review services) load when first opened,
so the first screen does not wait for them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QLabel, QMenu

from dvdesk.domain.people import Role
from dvdesk.errors import UserError
from dvdesk.i18n import _
from dvdesk.services.people_light import (
    NearestRequest,
    SignedInUser,
    lock_minutes,
    nearest_request,
    request_line,
    signed_in_user,
)
from ui.crash import show_error
from ui.worker import run_in_background

if TYPE_CHECKING:
    from ui.main_window import MainWindow


def install(window: MainWindow) -> None:
    """The user menu, the approval menu and the request on the home screen."""
    bar = window.menuBar()
    people = QMenu(_("&Approval"), bar)
    actions = bar.actions()
    if actions:
        bar.insertMenu(actions[-1], people)  # Help stays last
    else:
        bar.addMenu(people)
    entries: list[tuple[str, str | None, str]] = [
        (_("Waiting for &approval…"), "Ctrl+Shift+A", "PendingApprovals"),
        (_("Returned by the &level above…"), None, "ReturnedToUs"),
        (_("&Review received records…"), "Ctrl+Shift+R", "ReviewReceived"),
    ]
    submit = QAction(_("&Submit the selected record for approval"), window)
    submit.setShortcut(QKeySequence("Ctrl+Shift+S"))
    submit.triggered.connect(lambda _checked=False: submit_selected(window))
    people.addAction(submit)
    for text, key, name in entries:
        action = QAction(text, window)
        if key is not None:
            action.setShortcut(QKeySequence(key))
        action.triggered.connect(lambda _checked=False, name=name: open_dialog(window, name))
        people.addAction(action)
        if name == "ReviewReceived" and not window.office.has_offices_below:
            _no_offices_below(action)
    people.setToolTipsVisible(True)  # the greyed entry's tooltip says why
    _user_menu(window)
    # The reads wait for the first list: it is what the user opened the app for.
    first = window.lists[next(iter(window.lists))]
    shown: list[bool] = []

    def once(_count: int) -> None:
        if not shown:
            shown.append(True)
            _show_user_and_request(window)

    first.loaded.connect(once)


def _no_offices_below(action: QAction) -> None:
    """Kept in the menu, greyed, so the clerk who looks for it learns why it is not there."""
    why = _(
        "A commune, ward or special zone has no offices below it (since 1 July 2025): "
        "nothing is sent here for review."
    )
    action.setEnabled(False)
    action.setToolTip(why)
    action.setStatusTip(why)


def _user_menu(window: MainWindow) -> None:
    """The signed-in user's menu: own password, the users (for an administrator), lock."""
    menu = QMenu(_("&User"), window.menuBar())
    menu.setObjectName("userMenu")
    bar = window.menuBar()
    bar.insertMenu(bar.actions()[-1], menu)  # Help stays last
    who = QAction("", window)
    who.setObjectName("signedInAs")
    who.setEnabled(False)
    who.setVisible(False)
    menu.addAction(who)
    entries: list[tuple[str, str | None, Callable[[], object]]] = [
        (_("&Change my password…"), None, lambda: open_users(window, own=True)),
        (_("&Manage users…"), None, lambda: open_users(window, own=False)),
        (_("&Lock the screen"), "Ctrl+L", window.idle_lock.lock),
    ]
    for text, key, slot in entries:
        action = QAction(text, window)
        if key is not None:
            action.setShortcut(QKeySequence(key))
        action.triggered.connect(lambda _checked=False, slot=slot: slot())
        menu.addAction(action)


def _show_user_and_request(window: MainWindow) -> None:
    store = window.store
    run_in_background(
        lambda: (signed_in_user(store), nearest_request(store), lock_minutes(store)),
        on_done=lambda found: _show(window, *found),
        on_failed=lambda error: show_error(window, error),
    )


def _show(
    window: MainWindow, user: SignedInUser | None, request: NearestRequest | None, minutes: int
) -> None:
    show_user(window, user)
    window.idle_lock.set_minutes(minutes)
    banner = QLabel("")
    banner.setObjectName("requestBanner")
    banner.setTextFormat(Qt.TextFormat.PlainText)  # the note came from another office
    banner.setText(request_line(request) if request else "")
    window.statusBar().addPermanentWidget(banner)


def show_user(window: MainWindow, user: SignedInUser | None) -> None:
    """Name the user menu after the signed-in user (after sign-in or another unlocks)."""
    menu = window.menuBar().findChild(QMenu, "userMenu")
    who = window.findChild(QAction, "signedInAs")
    if menu is None or who is None or user is None:
        return
    menu.setTitle(_("&User: {name}").format(name=user.name))
    roles = ", ".join(Role(r).label for r in user.roles if r in set(Role))
    who.setText(_("Signed in: {name} ({roles})").format(name=user.full_name, roles=roles))
    who.setVisible(True)


def refresh_user(window: MainWindow) -> None:
    """After an unlock by another user, or the first administrator made in the app."""
    store = window.store

    def show(found: tuple[SignedInUser | None, int]) -> None:
        user, minutes = found
        show_user(window, user)
        window.idle_lock.set_minutes(minutes)  # the office may have just got its users

    run_in_background(
        lambda: (signed_in_user(store), lock_minutes(store)),
        on_done=show,
        on_failed=lambda error: show_error(window, error),
    )


def open_users(window: MainWindow, *, own: bool) -> None:
    """The user management dialog (administrators) or the own password (anyone signed in)."""
    from ui import users  # noqa: PLC0415 - see the module docstring

    if own:
        users.open_own_password(window)
    else:
        users.open_user_management(window)


def submit_selected(window: MainWindow) -> None:
    """The clerk hands the selected record to the head ("trình duyệt")."""
    record_id = window._need_selection()
    if record_id is None:
        return
    from dvdesk.services.approval import submit_record  # noqa: PLC0415 - see the docstring

    def submitted(_approval: object) -> None:
        window.say(_("Submitted for approval: the head sees it under Duyệt › Chờ duyệt."))
        refresh_lists(window)

    run_in_background(
        lambda: submit_record(window.store, record_id=record_id),
        on_done=submitted,
        on_failed=lambda error: show_error(window, error),
    )


def refresh_lists(window: MainWindow) -> None:
    """Reload the record lists (their approval column changed), each keeping its selection."""
    for page in window.lists.values():
        record_id = page.current_record_id()
        if record_id is None:
            page.reload()
        else:
            page.select_record(record_id)


def open_dialog(window: MainWindow, name: str) -> QDialog | None:
    from ui import review  # noqa: PLC0415 - see the module docstring

    make: Callable[..., review.TableDialog] = getattr(review, name)
    try:
        dialog = make(window.store, window)
    except UserError as error:
        show_error(window, error)
        return None
    dialog.records_changed.connect(lambda: refresh_lists(window))
    window.dialogs.append(dialog)
    dialog.show()
    return dialog
