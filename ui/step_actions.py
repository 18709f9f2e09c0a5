"""What the buttons of messages that lead somewhere do in the main window.

:mod:`ui.next_steps` offers a button for each step a message names (enrol a key
card, open the office settings …); these are the main window's ways to do them, so
a message shown on any screen or dialog of the window can do its step at once.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from ui import people_menu

if TYPE_CHECKING:
    from ui.main_window import MainWindow


def _open_review(window: MainWindow, name: str) -> None:
    people_menu.open_dialog(window, name)


def _request_report(window: MainWindow, exchange: int) -> None:
    window.go_to(exchange)
    window.exchange.ask_report()


def _trusted_roots(window: MainWindow) -> None:
    window.go_to(window._verify_index)
    window.verify.open_roots()


def window_steps(
    window: MainWindow, *, exchange: int, register: int
) -> dict[str, Callable[[], None]]:
    """The steps; ``exchange`` and ``register`` are those screens' places in the window."""
    return {
        "enroll": partial(window.on_exchange, "enroll"),
        "create_key": partial(window.on_exchange, "create_key"),
        "save_card": partial(window.on_exchange, "save_card"),
        "backups": window.open_backups,
        "exchange": partial(window.go_to, exchange),
        "records": partial(window.go_to, 0),
        "register": partial(window.go_to, register),
        "review": partial(_open_review, window, "ReviewReceived"),
        "approvals": partial(_open_review, window, "PendingApprovals"),
        "returned": partial(_open_review, window, "ReturnedToUs"),
        "replace_key": partial(window.on_exchange, "replace_key"),
        "counts": window.open_counts,
        "office_settings": window.open_settings,
        "users": partial(people_menu.open_users, window, own=False),
        "request_report": partial(_request_report, window, exchange),
        "trust_roots": partial(_trusted_roots, window),
    }
