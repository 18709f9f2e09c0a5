"""The small widgets every sign-in and account dialog builds the same way."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QLineEdit


def password_edit() -> QLineEdit:
    """A line edit that shows dots, not the password typed."""
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


def status_label() -> QLabel:
    """The wrapped line under a form where it says what went wrong (styled as formStatus)."""
    label = QLabel("")
    label.setObjectName("formStatus")
    label.setWordWrap(True)
    return label
