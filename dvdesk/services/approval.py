"""A record's approval: nháp → trình duyệt → đã duyệt, and "sửa sau khi duyệt".

A clerk submits, the head approves; only approved records leave the office by default.
A record without an approval row was made before approval existed (the upgrade marks
those approved) or came from another office carrying its own approval.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from dvdesk.clock import now_iso
from dvdesk.db.schema import Record, RecordApproval
from dvdesk.domain.people import ApprovalStatus, Role
from dvdesk.errors import Conflict, NotFound, UserError
from dvdesk.i18n import _
from dvdesk.services.audit import audit
from dvdesk.services.auth import office_has_users, require
from dvdesk.services.records import check_own_record, delete_record, next_change_seq
from dvdesk.services.store import Store
from dvdesk.sync import keys
from dvdesk.text import clean

# Export leaves out own records that are not approved, unless the office allows it.
INCLUDE_UNAPPROVED = "export.include_unapproved"


@dataclass(frozen=True)
class Approval:
    record_id: str
    status: ApprovalStatus
    approved_by: str | None
    approved_at: str | None
    submitted_by: str | None

    def as_json(self) -> dict[str, object]:
        return {
            "status": self.status.value,
            "approved_by": self.approved_by,
            "approved_at": self.approved_at,
            "submitted_by": self.submitted_by,
        }


def _view(record_id: str, row: RecordApproval | None) -> Approval:
    if row is None:
        return Approval(record_id, ApprovalStatus.APPROVED, None, None, None)
    return Approval(
        record_id=record_id,
        status=ApprovalStatus(row.status),
        approved_by=row.approved_by,
        approved_at=row.approved_at,
        submitted_by=row.submitted_by,
    )


def parse_status(value: str) -> ApprovalStatus:
    try:
        return ApprovalStatus(value)
    except ValueError:
        choices = ", ".join(status.value for status in ApprovalStatus)
        raise UserError(
            _("Unknown status {status}: use one of {choices}.").format(
                status=value, choices=choices
            )
        ) from None


# ---------------------------------------------------------------- operations


def submit_record(store: Store, *, record_id: str) -> Approval:
    """The clerk hands a draft (or a changed or returned record) to the head."""
    with store.session() as session:
        require(session, store, Role.CLERK, Role.HEAD)
        record = _own(session, record_id)
        row = session.get(RecordApproval, record_id)
        if row is None or row.status in (
            ApprovalStatus.APPROVED.value,
            ApprovalStatus.SUBMITTED.value,
        ):
            current = ApprovalStatus(row.status) if row else ApprovalStatus.APPROVED
            raise Conflict(
                _("Record {id} is already {status}; there is nothing to submit.").format(
                    id=record.id, status=current.label
                )
            )
        row.status = ApprovalStatus.SUBMITTED.value
        row.submitted_by = store.actor
        row.submitted_at = now_iso()
        session.add(row)
        _audit(session, store, "submit", record)
        return _view(record_id, row)


def approve_records(store: Store, *, record_ids: Sequence[str]) -> list[Approval]:
    """The head approves; the approval (who, when) travels with the record."""
    with store.session() as session:
        require(session, store, Role.HEAD)
        approved = []
        for record_id in record_ids:
            record = _own(session, record_id)
            row = session.get(RecordApproval, record_id) or RecordApproval(
                record_id=record_id, status=ApprovalStatus.DRAFT.value
            )
            if row.status == ApprovalStatus.APPROVED.value:
                raise Conflict(
                    _("Record {id} is already approved; nothing was changed.").format(id=record_id)
                )
            row.status = ApprovalStatus.APPROVED.value
            row.approved_by = store.actor
            row.approved_at = now_iso()
            row.approved_revision = record.revision
            session.add(row)
            # A new change number, so the next package carries the approved version.
            record.change_seq = next_change_seq(session)
            session.add(record)
            session.flush()
            _audit(session, store, "approve", record)
            approved.append(_view(record_id, row))
        return approved


def approvals(store: Store) -> dict[str, Approval]:
    """Every record's approval that is not a plain "approved without a row"."""
    with store.session() as session:
        rows = session.exec(select(RecordApproval)).all()
        return {row.record_id: _view(row.record_id, row) for row in rows}


def approval_of(store: Store, *, record_id: str) -> Approval:
    with store.session() as session:
        if session.get(Record, record_id) is None:
            raise NotFound(_("There is no record {id}.").format(id=record_id))
        return _view(record_id, session.get(RecordApproval, record_id))


def _own(session: Session, record_id: str) -> Record:
    record = session.get(Record, record_id)
    if record is None or record.deleted:
        raise NotFound(
            _("There is no record {id} (or it was deleted). See 'dvdesk record list'.").format(
                id=record_id
            )
        )
    check_own_record(session, record)
    return record


def _audit(session: Session, store: Store, action: str, record: Record) -> None:
    audit(
        session,
        actor=store.actor,
        action=action,
        entity="record",
        entity_id=record.id,
        revision=record.revision,
        changes={},
    )


def withdraw_record(store: Store, *, record_id: str, reason: str) -> int:
    """Withdraw (thu hồi) a record this office sent: a tombstone carrying ``reason``."""
    text = clean(reason)
    if not text:
        raise UserError(_("Write the reason for the withdrawal (--reason), then try again."))
    return delete_record(store, record_id=record_id, withdrawal_reason=text)


@dataclass(frozen=True)
class QueueItem:
    record_id: str
    title: str
    status: ApprovalStatus
    submitted_by: str | None
    updated_by: str


def approval_queue(
    store: Store,
    *,
    statuses: Sequence[ApprovalStatus] | None = None,
) -> list[QueueItem]:
    """This office's records waiting at ``statuses`` (default: "Chờ duyệt" for the head).

    In an office without users (one person holds every role) drafts wait there too: the
    person approves them without first submitting them to themselves.
    """
    with store.session() as session:
        if statuses is None:
            statuses = (ApprovalStatus.SUBMITTED, ApprovalStatus.CHANGED)
            if not office_has_users(session):
                statuses = (ApprovalStatus.DRAFT, *statuses)
        rows = session.exec(
            select(Record, RecordApproval)
            .join(RecordApproval, col(RecordApproval.record_id) == col(Record.id))
            .where(
                col(RecordApproval.status).in_([s.value for s in statuses]),
                col(Record.deleted).is_(False),
            )
            .order_by(col(Record.updated_at).desc())
        ).all()
        return [
            QueueItem(
                record.id,
                record.title,
                ApprovalStatus(approval.status),
                approval.submitted_by,
                record.updated_by,
            )
            for record, approval in rows
        ]


def not_yet_approved(store: Store) -> int:
    """How many of this office's own records are held back from packages for want of
    approval (drafts, submitted, changed or returned; deleted ones travel anyway)."""
    with store.session() as session:
        own = keys.get_office_code(session)
        rows = session.exec(
            select(func.count())
            .select_from(Record)
            .join(RecordApproval, col(RecordApproval.record_id) == col(Record.id))
            .where(
                col(Record.office_code) == own,
                col(Record.deleted).is_(False),
                col(RecordApproval.status) != ApprovalStatus.APPROVED.value,
            )
        ).one()
        return int(rows)
