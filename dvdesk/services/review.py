"""The level above reviews what its offices sent: accept, or return with a reason and a
deadline. It never edits their records (dvdesk.services.records enforces that); a return
travels down in the next signed receipt, the corrected revision comes back up.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from dvdesk.clock import now_iso
from dvdesk.db.schema import Correction, OrgUnit, Record, RecordApproval, Review, UnitKey
from dvdesk.domain.people import ApprovalStatus, ReviewState, Role, review_state
from dvdesk.errors import Conflict, NotFound
from dvdesk.i18n import _
from dvdesk.services.audit import audit
from dvdesk.services.auth import require
from dvdesk.services.store import Store
from dvdesk.sync import keys
from dvdesk.sync.receipt import request_correction


@dataclass(frozen=True)
class ReviewItem:
    record_id: str
    office_code: str
    office_name: str  # the sending office's name; its code when this office never learnt it
    title: str
    revision: int
    state: ReviewState
    approved: bool  # the sending office approved it (unapproved ones may be allowed)
    reason: str | None  # of a return or a withdrawal
    deadline: date | None

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.record_id,
            "office": self.office_code,
            "office_name": self.office_name,
            "title": self.title,
            "revision": self.revision,
            "state": self.state.value,
            "approved": self.approved,
            "reason": self.reason,
            "deadline": self.deadline.isoformat() if self.deadline else None,
        }


def _office_names(session: Session) -> dict[str, str]:
    """Every office this one knows by name, once per list (not per row): the unit list
    first, then the name on an enrolled key card."""
    names = {code: name for code, name in session.exec(select(OrgUnit.code, OrgUnit.name)) if name}
    for code, name in session.exec(select(UnitKey.office_code, UnitKey.office_name)):
        if name:
            names.setdefault(code, name)
    return names


def _item(session: Session, record: Record, names: dict[str, str] | None = None) -> ReviewItem:
    approval = session.get(RecordApproval, record.id)
    corrections = session.exec(
        select(Correction)
        .where(Correction.direction == "out", Correction.record_id == record.id)
        .order_by(col(Correction.created_at).desc())
    ).all()
    review = session.get(Review, record.id)
    latest = corrections[0] if corrections else None
    reason = latest.comment if latest else None
    deadline = latest.deadline if latest else None
    withdrawn = record.deleted or (approval is not None and approval.withdrawn_reason is not None)
    state = review_state(
        withdrawn=withdrawn,
        return_open=latest is not None and latest.status in ("pending", "sent"),
        accepted_revision=review.revision if review is not None else None,
        revision=record.revision,
        resubmission=approval is not None and approval.resubmission,
    )
    if withdrawn:
        reason = approval.withdrawn_reason if approval else None
        deadline = None
    approved = approval is None or approval.status == ApprovalStatus.APPROVED.value
    return ReviewItem(
        record.id, record.office_code, (names or {}).get(record.office_code, record.office_code),
        record.title, record.revision, state, approved, reason,
        deadline,
    )  # fmt: skip


def review_items(store: Store, *, office: str | None = None) -> list[ReviewItem]:
    """The records other offices sent here, with where each stands in the review."""
    with store.session() as session:
        own = keys.get_office_code(session)
        query = select(Record).where(Record.office_code != own)
        if office is not None:
            query = query.where(Record.office_code == office)
        records = session.exec(query.order_by(col(Record.office_code), col(Record.title))).all()
        names = _office_names(session)
        return [_item(session, record, names) for record in records]


def accept_records(store: Store, *, record_ids: Sequence[str]) -> int:
    """Accept received records at their current revision. Changes nothing in the records."""
    with store.session() as session:
        require(session, store, Role.HEAD)
        own = keys.get_office_code(session)
        for record_id in record_ids:
            record = session.get(Record, record_id)
            if record is None or record.office_code == own:
                raise NotFound(
                    _(
                        "There is no record {id} received from another office. See "
                        "'dvdesk review list'. Nothing was changed."
                    ).format(id=record_id)
                )
            if _item(session, record).state is ReviewState.WITHDRAWN:
                raise Conflict(
                    _("Record {id} was withdrawn by its office; nothing was changed.").format(
                        id=record_id
                    )
                )
            review = session.get(Review, record_id) or Review(
                record_id=record_id, revision=0, accepted_by="", accepted_at=""
            )
            review.revision = record.revision
            review.accepted_by = store.actor
            review.accepted_at = now_iso()
            session.add(review)
            audit(
                session,
                actor=store.actor,
                action="accept",
                entity="record",
                entity_id=record_id,
                revision=record.revision,
                changes={},
            )
        return len(record_ids)


def return_record(store: Store, *, record_id: str, reason: str, deadline: date) -> None:
    """Send a received record back with ``reason``; it is due again by ``deadline``."""
    request_correction(store, record_id=record_id, comment=reason, deadline=deadline)
