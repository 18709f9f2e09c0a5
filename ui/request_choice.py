"""Which report request the list of who has not reported is against (Alt+Y)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from dvdesk.formatting import short_date
from dvdesk.i18n import _

if TYPE_CHECKING:
    from datetime import date

    from dvdesk.services.requests import DeadlineStatus


class RequestChoice(QWidget):
    """ "Yêu cầu: [Quý IV năm 2026 — hạn nộp 05/01/2027]": which request the list of who
    has not reported is against; the most recent first, chosen by keyboard (Alt+Y)."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.combo = QComboBox()
        self.combo.setMinimumContentsLength(36)
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.combo.activated.connect(lambda _index: self.changed.emit())
        label = QLabel(_("Re&quest:"))
        label.setBuddy(self.combo)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(label)
        row.addWidget(self.combo)
        row.addStretch(1)
        self.setEnabled(False)  # until a request was set and the list was asked for

    def chosen(self) -> tuple[str, date] | None:
        """The request picked, as (period, deadline); None: the one set last."""
        data = self.combo.currentData()
        return data if isinstance(data, tuple) else None

    def reset(self) -> None:
        """A new request was set: the list follows it, the most recent."""
        self.combo.clear()

    def fill(self, status: DeadlineStatus) -> None:
        self.combo.clear()
        for request in status.requests:
            text = _("{period} — due {date}").format(
                period=request.label[:1].upper() + request.label[1:],  # "quý IV …" heads it
                date=short_date(request.deadline),
            )
            self.combo.addItem(text, (request.period, request.deadline))
        shown = (status.period, status.deadline)
        keys = [(r.period, r.deadline) for r in status.requests]
        self.combo.setCurrentIndex(keys.index(shown) if shown in keys else 0)
        self.setEnabled(bool(status.requests))
