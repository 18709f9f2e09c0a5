"""Errors the user can do something about.

A :class:`UserError` carries a message already translated for the user, saying
what went wrong and what to do next. Anything else that escapes is a bug.
"""

from __future__ import annotations


class UserError(Exception):
    """A known problem: bad input, missing office, full disk … Nothing was changed.

    ``step`` names the next step when the message says to do one (``"office_settings"``,
    ``"backups"``): a front-end may offer a button that does it. The words stay in the
    message, so a front-end without such a button loses nothing.
    """

    exit_code = 1

    def __init__(self, message: str, *, step: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.step = step


class ValidationFailed(UserError):
    """Input did not pass validation; ``problems`` lists ``(field, message)`` pairs."""

    exit_code = 2

    def __init__(self, message: str, problems: list[tuple[str, str]]) -> None:
        super().__init__(message)
        self.problems = problems


class NotFound(UserError):
    exit_code = 3


class Conflict(UserError):
    """The operation does not fit the current state (office exists, record deleted …)."""

    exit_code = 4


class StorageError(UserError):
    """The disk or database refused: full, read-only, locked, corrupt."""

    exit_code = 5


class Cancelled(UserError):
    """The user, a newer request or the app closing stopped the operation; nothing was
    changed. The one cancellation type: every cancellable job raises it."""

    exit_code = 130

    def __init__(self, message: str = "") -> None:
        super().__init__(message)


class WrongPassphrase(UserError):
    """The key passphrase did not open the private key: ask for it again."""
