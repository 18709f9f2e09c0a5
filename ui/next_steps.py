"""Messages that lead somewhere: the app never tells a clerk to type a command.

The core's messages are shared with the command line, so they name commands such
as 'dvdesk units enroll'. Before the app shows one, each command is replaced by
the button or menu entry that does the same step; where the screen has that
button, the message box offers to do the step at once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from PySide6.QtWidgets import QMessageBox, QWidget

from dvdesk.errors import UserError
from dvdesk.i18n import N_, _


@dataclass(frozen=True)
class Step:
    label: str  # the button or menu entry, as the clerk sees it (msgid)
    action: str | None = None  # the key of a handler the screen may offer


STEPS: dict[str, Step] = {
    "units enroll": Step(N_("Enrol the key card of the office above or below…"), "enroll"),
    "keys init": Step(N_("Create the key…"), "create_key"),
    "keys card": Step(N_("Save the key card…")),
    "backup list": Step(N_("Record → Backup / Restore…")),
    "backup restore": Step(N_("Record → Backup / Restore…")),
    "units list": Step(N_("the USB exchange screen (Ctrl+8)")),
    "units revoke": Step(N_("the USB exchange screen (Ctrl+8)")),
    "keys rotate": Step(N_("the USB exchange screen (Ctrl+8)")),
    "export --full": Step(N_("the USB exchange screen (Ctrl+8)")),
    "init": Step(N_("the set-up wizard (it opens when dvdesk starts)")),
    "demo": Step(N_("the set-up wizard (it opens when dvdesk starts)")),
    "record list": Step(N_("the record lists (Ctrl+1 … Ctrl+3)")),
    "document list": Step(N_("the Reports screen (Ctrl+5)")),
}
# A quoted command, with the Vietnamese or English words that introduce it.
_COMMAND = re.compile(
    r"(?:(?P<run>Hãy chạy|hãy chạy|Run|run|Chạy|chạy)\s+|(?P<intro>(?:bằng\s+)?lệnh|with)\s+)?"
    r"'dvdesk (?P<command>[a-z-]+(?: [a-z-]+)?)[^']*'"
)


@dataclass(frozen=True)
class Rendered:
    text: str
    actions: tuple[str, ...]


def _step(command: str) -> Step:
    for known, step in STEPS.items():
        if command.startswith(known):
            return step
    return Step(N_("the dvdesk menus"))


def render(message: str) -> Rendered:
    """``message`` with every command replaced by the app's way to do that step."""
    actions: list[str] = []

    def replace(match: re.Match[str]) -> str:
        step = _step(match["command"])
        if step.action and step.action not in actions:
            actions.append(step.action)
        label = _(step.label)
        if match["run"]:
            text = _("use “{step}”").format(step=label)
            return text[:1].upper() + text[1:] if match["run"][0].isupper() else text
        if match["intro"]:
            return _("with “{step}”").format(step=label)
        return _("“{step}”").format(step=label)

    return Rendered(_COMMAND.sub(replace, message), tuple(actions))


def show_error(
    parent: QWidget | None,
    error: UserError,
    actions: Mapping[str, Callable[[], None]] | None = None,
) -> None:
    """The message without commands; a button does the step when this screen can."""
    rendered = render(error.message)
    box = QMessageBox(QMessageBox.Icon.Warning, _("Could not do that"), rendered.text)
    box.setStandardButtons(QMessageBox.StandardButton.Close)
    if parent is not None:
        box.setParent(parent, box.windowFlags())
    offered = {}
    for key in rendered.actions:
        if actions and key in actions:
            step = next(s for s in STEPS.values() if s.action == key)
            button = box.addButton(_(step.label), QMessageBox.ButtonRole.AcceptRole)
            offered[button] = actions[key]
    box.exec()
    chosen = box.clickedButton()
    if chosen in offered:
        offered[chosen]()
