"""Messages that lead somewhere: the app never tells a clerk to type a command.

The core's messages are shared with the command line, so they name commands such
as 'dvdesk units enroll'. Before the app shows one, each command is replaced by
the button or menu entry that does the same step, and the message box offers a
button that does the step at once (the first such button is the default: Enter
presses it; each has a mnemonic). A core error may also name its step directly
(:attr:`dvdesk.errors.UserError.step`, e.g. the office settings for a missing signer).

What a button does comes from the screen that shows the message, or else from the
nearest window that knows how (the main window: :meth:`MainWindow.step_handlers`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton, QWidget

from dvdesk.errors import UserError
from dvdesk.i18n import N_, _

Handlers = Mapping[str, Callable[[], None]]


@dataclass(frozen=True)
class Step:
    label: str  # the button or menu entry, as the clerk sees it (msgid)
    action: str | None = None  # the key of a handler the screen may offer


STEPS: dict[str, Step] = {
    "units enroll": Step(N_("Enrol the key card of the office above or below…"), "enroll"),
    "keys init": Step(N_("Create the key…"), "create_key"),
    "keys card": Step(N_("Save the key card…"), "save_card"),
    "backup list": Step(N_("Record → Backup / Restore…"), "backups"),
    "backup restore": Step(N_("Record → Backup / Restore…"), "backups"),
    "units list": Step(N_("the USB exchange screen (Ctrl+8)"), "exchange"),
    "units revoke": Step(N_("the USB exchange screen (Ctrl+8)"), "exchange"),
    "keys rotate": Step(N_("USB exchange (Ctrl+8) → Replace the key…"), "replace_key"),
    "export --full": Step(N_("the USB exchange screen (Ctrl+8)"), "exchange"),
    "receipt write": Step(N_("the USB exchange screen (Ctrl+8)"), "exchange"),
    "init": Step(N_("the set-up wizard (it opens when dvdesk starts)")),
    # Only named: the step a message about demo data leads to comes first (its button).
    "demo --remove": Step(N_("Record → Remove demo data…")),
    "demo": Step(N_("the set-up wizard (it opens when dvdesk starts)")),
    "record list": Step(N_("the record lists (Ctrl+1 … Ctrl+3)"), "records"),
    "document list": Step(N_("the Issued documents screen (Ctrl+9)"), "register"),
    "document show": Step(N_("the Issued documents screen (Ctrl+9)"), "register"),
    "review list": Step(N_("Approval → Review received records…"), "review"),
    "count list": Step(N_("Reports → Counts without the items…"), "counts"),
    "count figures": Step(N_("Reports → Counts without the items…"), "counts"),
    "token list": Step(N_("&Find my token"), "find_tokens"),
    "token settings": Step(N_("the token driver box of the signing dialog")),
    "user": Step(N_("Users → Manage users…"), "users"),
    "request": Step(N_("USB exchange → Request a report…"), "request_report"),
    "trust": Step(N_("Check digital signatures → Trusted root certificates…"), "trust_roots"),
}
# The button that does each step: a verb, with its mnemonic.
BUTTONS: dict[str, str] = {
    "enroll": N_("&Enrol a key card…"),
    "create_key": N_("&Create the key…"),
    "save_card": N_("&Save the key card…"),
    "backups": N_("Open &Backup / Restore…"),
    "exchange": N_("Open the USB &exchange screen"),
    "records": N_("Open the &record lists"),
    "register": N_("Open the &issued documents"),
    "review": N_("&Review received records…"),
    "counts": N_("Open the &counts…"),
    "office_settings": N_("Open office &settings…"),
    "approvals": N_("Open &waiting for approval…"),
    "drafts": N_("Show the &drafts"),
    "returned": N_("Open &returned records…"),
    "replace_key": N_("&Replace the key…"),
    "users": N_("Manage &users…"),
    "request_report": N_("&Request a report…"),
    "trust_roots": N_("Open &trusted root certificates…"),
}
# A quoted command, with the Vietnamese or English words that introduce it.
_COMMAND = re.compile(
    r"(?:(?P<run>Hãy chạy|hãy chạy|Run|run|Chạy|chạy)\s+"
    r"|(?P<intro>(?:bằng\s+|dùng\s+)?lệnh|with)\s+)?"
    r"'dvdesk (?P<command>[a-z-]+(?: [a-z-]+)?)[^']*'"
)

_TWICE = re.compile(r"(“[^”]+”)\s+\w+\s+\1")


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
        label = _(step.label).replace("&", "")  # a button's mnemonic, not shown in text
        if match["run"]:
            text = _("use “{step}”").format(step=label)
            return text[:1].upper() + text[1:] if match["run"][0].isupper() else text
        if match["intro"] and match["intro"].startswith("dùng"):
            # "hãy dùng lệnh '…'" (use the command …): "hãy dùng “…”", not "dùng bằng"
            return _("use “{step}”").format(step=label)
        if match["intro"]:
            return _("with “{step}”").format(step=label)
        return _("“{step}”").format(step=label)

    text = _COMMAND.sub(replace, message)
    # Two commands of one step ('backup list' then 'backup restore') become one entry.
    return Rendered(_TWICE.sub(r"\1", text), tuple(actions))


def app_text(message: str) -> str:
    """A core message for a label in the app: commands replaced by the app's steps."""
    return render(message).text


def host_handlers(widget: QWidget | None) -> Handlers:
    """The steps the nearest window can do: ``step_handlers()`` up the parent chain,
    else on the active window's chain."""
    for start in (widget, QApplication.activeWindow()):
        current = start
        while current is not None:
            handlers = getattr(current, "step_handlers", None)
            if callable(handlers):
                found: Handlers = handlers()
                return found
            current = current.parentWidget()
    return {}


def show_steps(
    parent: QWidget | None,
    *,
    title: str,
    text: str,
    steps: Sequence[str] = (),
    actions: Handlers | None = None,
    icon: QMessageBox.Icon = QMessageBox.Icon.Warning,
) -> str | None:
    """A message box with one button per step this screen can do (the first is the
    default); the chosen step runs after the box closes. Returns the chosen step."""
    rendered = render(text)
    wanted = [*rendered.actions, *(step for step in steps if step not in rendered.actions)]
    handlers = {**host_handlers(parent), **(actions or {})}
    box = QMessageBox(icon, title, rendered.text)
    box.setStandardButtons(QMessageBox.StandardButton.Close)
    if parent is not None:
        box.setParent(parent, box.windowFlags())
    offered: dict[QPushButton, str] = {}
    for key in wanted:
        if key in handlers and key in BUTTONS:
            button = box.addButton(_(BUTTONS[key]), QMessageBox.ButtonRole.AcceptRole)
            offered[button] = key
    if offered:
        first = next(iter(offered))
        box.setDefaultButton(first)
        first.setFocus()
    box.exec()
    clicked = box.clickedButton()
    chosen = next((key for button, key in offered.items() if button is clicked), None)
    if chosen is not None:
        handlers[chosen]()
    return chosen


def show_error(parent: QWidget | None, error: UserError, actions: Handlers | None = None) -> None:
    """The message without commands; a button does the step when this window can."""
    show_steps(
        parent,
        title=_("Could not do that"),
        text=error.message,
        steps=[error.step] if error.step else [],
        actions=actions,
    )
