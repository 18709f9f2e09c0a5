"""The parts of a report an office writes itself, kept with the report's period."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from pydantic import Field
from sqlmodel import Session, select

from dvdesk.clock import now_iso
from dvdesk.db.schema import Office, ReportNarrative
from dvdesk.domain.fields import OptionalLongText, Text
from dvdesk.domain.inputs import StrictInput
from dvdesk.domain.validation import validate
from dvdesk.errors import NotFound
from dvdesk.i18n import _
from dvdesk.services.audit import audit
from dvdesk.services.store import Store


class Window(Protocol):
    """A reporting period: only its dates matter here."""

    @property
    def start(self) -> date: ...

    @property
    def end(self) -> date: ...


_PARTS = ("situation", "achievements", "limitations", "tasks", "recipients")


class NarrativeInput(StrictInput):
    situation: OptionalLongText = None  # đặc điểm tình hình
    achievements: OptionalLongText = None  # kết quả nổi bật, in the office's words
    limitations: OptionalLongText = None  # hạn chế, nguyên nhân
    tasks: OptionalLongText = None  # nhiệm vụ trọng tâm thời gian tới
    # "Nơi nhận" without the leading "- " and trailing comma; the archive copy is added.
    recipients: list[Text] = Field(default_factory=list, max_length=50)


@dataclass(frozen=True)
class Narrative:
    office_code: str
    period_start: date
    period_end: date
    situation: str | None = None
    achievements: str | None = None
    limitations: str | None = None
    tasks: str | None = None
    recipients: tuple[str, ...] = ()
    updated_by: str | None = None
    updated_at: str | None = None


def _office_code(session: Session) -> str:
    office = session.get(Office, 1)
    if office is None:
        raise NotFound(_("No office is set up yet. Run 'dvdesk init' first."))
    return office.code


def _row(session: Session, code: str, period: Window) -> ReportNarrative | None:
    return session.exec(
        select(ReportNarrative).where(
            ReportNarrative.office_code == code,
            ReportNarrative.period_start == period.start,
            ReportNarrative.period_end == period.end,
        )
    ).first()


def get_narrative(store: Store, *, period: Window) -> Narrative:
    """The office's texts for ``period`` (empty if none written yet)."""
    with store.session() as session:
        code = _office_code(session)
        row = _row(session, code, period)
        if row is None:
            return Narrative(office_code=code, period_start=period.start, period_end=period.end)
        return Narrative(
            office_code=code,
            period_start=row.period_start,
            period_end=row.period_end,
            situation=row.situation,
            achievements=row.achievements,
            limitations=row.limitations,
            tasks=row.tasks,
            recipients=tuple(row.recipients),
            updated_by=row.updated_by,
            updated_at=row.updated_at,
        )


def save_narrative(store: Store, *, period: Window, changes: Mapping[str, object]) -> Narrative:
    """Validate and store the given parts (others keep their text); returns the result."""
    current = get_narrative(store, period=period)
    merged = {
        "situation": current.situation,
        "achievements": current.achievements,
        "limitations": current.limitations,
        "tasks": current.tasks,
        "recipients": list(current.recipients),
        **changes,
    }
    model = validate(NarrativeInput, merged)
    with store.session() as session:
        code = _office_code(session)
        row = _row(session, code, period) or ReportNarrative(
            office_code=code,
            period_start=period.start,
            period_end=period.end,
            updated_by=store.actor,
            updated_at=now_iso(),
        )
        row.situation = model.situation
        row.achievements = model.achievements
        row.limitations = model.limitations
        row.tasks = model.tasks
        row.recipients = list(model.recipients)
        row.updated_by = store.actor
        row.updated_at = now_iso()
        session.add(row)
        audit(
            session,
            actor=store.actor,
            action="update",
            entity="report_narrative",
            entity_id=f"{period.start.isoformat()}..{period.end.isoformat()}",
            changes={key: value for key, value in model.model_dump().items() if key in _PARTS},
        )
    return get_narrative(store, period=period)
