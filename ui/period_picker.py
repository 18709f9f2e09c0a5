"""The period picker shared by the Reports screen and the report request dialog: the kind
of period (year, half, nine months, quarter, month) and its year, opening on the NĐ 09
window that ended last, so the clerk never types a period code.
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QSpinBox, QWidget

from dvdesk.clock import today
from dvdesk.formatting import sentence
from dvdesk.i18n import N_, _
from ui.glossary import PERIOD, explain

PERIOD_KINDS = (
    ("", N_("whole year")),
    ("-H1", N_("first 6 months")),
    ("-H2", N_("last 6 months")),
    ("-9M", N_("9 months")),
    ("-Q1", N_("quarter I")),
    ("-Q2", N_("quarter II")),
    ("-Q3", N_("quarter III")),
    ("-Q4", N_("quarter IV")),
)
MONTH_LABEL = N_("month {month}")


def fill_period_kinds(kind: QComboBox) -> None:
    """The named NĐ 09 windows, each with its key suffix as the item's data."""
    for suffix, label in PERIOD_KINDS:
        kind.addItem(sentence(_(label)), suffix)
    for month in range(1, 13):
        kind.addItem(sentence(_(MONTH_LABEL).format(month=month)), f"-M{month:02d}")
    explain(kind, PERIOD)


def select_latest_period(kind: QComboBox, year: QSpinBox) -> None:
    """Show the report window that ended last (NĐ 09), not always the first half."""
    from dvdesk.documents.period_defaults import latest_ended_period  # noqa: PLC0415

    latest = latest_ended_period(on=today())
    start_year, _dash, part = latest.key.partition("-")
    year.setValue(int(start_year))
    kind.setCurrentIndex(max(kind.findData(f"-{part}" if part else ""), 0))


class PeriodPicker(QWidget):
    """Kind of period and year; ``key()`` gives the period key (``2026-9M``)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = QComboBox()
        fill_period_kinds(self.kind)
        self.kind.setAccessibleName(_("Kind of period"))
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setAccessibleName(_("Year"))
        select_latest_period(self.kind, self.year)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.kind, 2)
        row.addWidget(self.year, 1)
        self.setFocusProxy(self.kind)

    def key(self) -> str:
        return f"{self.year.value()}{self.kind.currentData()}"
