"""Progress reports and cancelling, shared by the long sync jobs (the GUI runs them off-thread)."""

from __future__ import annotations

from collections.abc import Callable

from dvdesk.errors import Cancelled
from dvdesk.i18n import _

Progress = Callable[[int, int], None]
CancelCheck = Callable[[], bool]


def no_progress(_done: int, _total: int) -> None:
    return None


def never() -> bool:
    return False


def check_cancel(cancel: CancelCheck) -> None:
    if cancel():
        raise Cancelled(_("Stopped at your request; nothing was changed."))
