"""Record → Remove demo data…: the sample records of the set-up wizard, gone in one step.

Demo records never left the office (exports skip them), so removing them writes no
deletion records for the level above; the question says how many go, and No is the
default.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dvdesk.formatting import number
from dvdesk.i18n import _
from ui.ask import confirm
from ui.crash import show_error
from ui.worker import run_in_background

if TYPE_CHECKING:
    from ui.main_window import MainWindow


def remove_demo_data(window: MainWindow) -> None:
    """Count the demo records, ask, then remove them (database work on the worker)."""
    from dvdesk.services.demo import demo_count  # noqa: PLC0415 - rarely used

    run_in_background(
        lambda: demo_count(window.store),
        on_done=lambda count: _ask(window, count),
        on_failed=lambda error: show_error(window, error),
    )


def _ask(window: MainWindow, count: int) -> None:
    from dvdesk.services.demo import remove_demo_records  # noqa: PLC0415

    if count == 0:
        window.say(_("This office has no demo records; nothing was removed."))
        return
    if not confirm(
        window,
        title=_("Remove demo data?"),
        text=_(
            "Remove the {count} demo record(s) (marked “demo” in the lists)? Records you "
            "entered yourself stay. Demo records were never sent, so nothing about the "
            "removal is sent to the level above."
        ).format(count=number(count)),
    ):
        return
    run_in_background(
        lambda: remove_demo_records(window.store),
        on_done=lambda removed: _removed(window, removed),
        on_failed=lambda error: show_error(window, error),
    )


def _removed(window: MainWindow, removed: int) -> None:
    window.refresh()
    window.say(_("{count} demo record(s) removed.").format(count=number(removed)))
