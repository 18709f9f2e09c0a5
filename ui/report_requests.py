"""Report requests at the level above: set one (period, deadline, note) and see who has
not reported against its deadline. The USB exchange screen shows and prints the list.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Final

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from dvdesk.clock import today
from dvdesk.errors import UserError
from dvdesk.formatting import number, short_date
from dvdesk.i18n import _
from dvdesk.services.store import Store
from ui.forms.widgets import DateField
from ui.period_picker import PeriodPicker
from ui.screen import fit_to_screen
from ui.small_widgets import status_label
from ui.worker import run_in_background

if TYPE_CHECKING:
    from dvdesk.services.requests import DeadlineStatus, OfficeDeadline
    from dvdesk.sync.status import UnitStatus

DEFAULT_DAYS: Final = 7  # the deadline offered: a week from today


def deadline_state(office: OfficeDeadline) -> str:
    """ "đã gửi", "chưa gửi — còn N ngày", "quá hạn N ngày"."""
    if office.reported_on is not None:
        return _("sent on {date}").format(date=short_date(office.reported_on))
    if not office.asked:
        return _("not asked for this report")
    if office.days_left >= 0:
        return _("not sent — {days} days left").format(days=office.days_left)
    return _("{days} days late").format(days=-office.days_left)


def deadline_rows(status: DeadlineStatus, units: list[UnitStatus]) -> list[list[str]]:
    """The offices-below table against the deadline: the late first, those who sent last."""
    by_code = {unit.office_code: unit for unit in units}
    ordered = sorted(status.offices, key=lambda o: (o.reported, not o.asked, o.days_left))
    rows = []
    for office in ordered:
        unit = by_code.get(office.office_code)
        rows.append(
            [
                office.office_name,
                office.office_code,
                (unit.fingerprint or "") if unit else "",
                str(unit.last_sequence or "") if unit else "",
                short_date(office.last_package_on),
                str(unit.packages) if unit else "0",
                deadline_state(office),
            ]
        )
    return rows


def deadline_sentence(status: DeadlineStatus) -> str:
    asked = [office for office in status.offices if office.asked]
    due = {"period": status.period, "date": short_date(status.deadline)}
    if not asked:
        text = _(
            "No office below is asked for the report {period} (due {date}): set the request "
            "again for them."
        ).format(**due)
    elif not status.missing:
        text = _("All {count} offices below have sent the report {period} (due {date}).").format(
            count=number(len(asked)), **due
        )
    else:
        late = sum(1 for office in status.missing if office.days_left < 0)
        counts = {"missing": number(len(status.missing)), "count": number(len(asked))}
        text = _(
            "{missing} of {count} offices below have not sent the report {period} (due {date})."
        ).format(**counts, **due)
        if late:
            text += " " + _("{late} of them are late.").format(late=number(late))
    if status.note:
        text += " " + _("Note: {note}").format(note=status.note)
    return text


class RequestDialog(QDialog):
    """ "Yêu cầu báo cáo": the period, the deadline and a note for every office below."""

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.setWindowTitle(_("Request a report from the offices below"))
        self.period = PeriodPicker()
        self.deadline = DateField(optional=False)
        # NĐ 09 sets the data windows, not a sending deadline: a week gives the offices
        # below time to write the report; the clerk changes it when the guidance says.
        self.deadline.set_value((today() + timedelta(days=DEFAULT_DAYS)).isoformat())
        self.note = QPlainTextEdit()
        self.note.setTabChangesFocus(True)
        self.note.setPlaceholderText(_("What the report must cover (optional)"))
        self.message = status_label()
        form = QFormLayout()
        form.addRow(_("&Period:"), self.period)
        form.addRow(_("&Deadline:"), self.deadline)
        form.addRow(_("&Note:"), self.note)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        intro = QLabel(
            _(
                "Every office below is asked for this report; it travels down in the next "
                "receipt. An office counts as having reported once a package from it arrives."
            )
        )
        intro.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.said = ""
        fit_to_screen(self, 560, 360)
        self.period.setFocus()

    def save(self) -> None:
        from dvdesk.services.requests import set_request  # noqa: PLC0415 - rarely opened

        period = self.period.key()
        typed = self.deadline.typed()
        if typed.value is None:
            self.message.setText(typed.problem or _("Type the deadline, e.g. 5/1/2027."))
            self.deadline.setFocus()
            return
        deadline = typed.value
        note = self.note.toPlainText()
        self.buttons.setEnabled(False)

        def done(codes: list[str]) -> None:
            self.said = _(
                "The report {period} was requested from {count} offices below, due {date}."
            ).format(period=period.upper(), count=number(len(codes)), date=short_date(deadline))
            self.accept()

        run_in_background(
            lambda: set_request(self.store, period=period, deadline=deadline, note=note),
            on_done=done,
            on_failed=self._refused,
        )

    def _refused(self, error: UserError) -> None:
        self.buttons.setEnabled(True)
        self.message.setText(error.message)
