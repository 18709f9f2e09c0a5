"""What a record's change does to its approval; called inside records.py's transactions."""

from __future__ import annotations

from sqlmodel import Session

from dvdesk.db.schema import Record, RecordApproval
from dvdesk.domain.people import ApprovalStatus


def start_draft(session: Session, record_id: str) -> None:
    session.add(RecordApproval(record_id=record_id, status=ApprovalStatus.DRAFT.value))


def note_change(session: Session, record_id: str) -> None:
    """An approved record that changes needs approving again before it leaves the office."""
    row = session.get(RecordApproval, record_id)
    if row is None:
        row = RecordApproval(record_id=record_id, status=ApprovalStatus.APPROVED.value)
    if row.status == ApprovalStatus.APPROVED.value:
        row.status = ApprovalStatus.CHANGED.value
        session.add(row)


def mark_returned(session: Session, record_id: str) -> None:
    """The level above sent this office's record back: it waits for correction."""
    if session.get(Record, record_id) is None:
        return
    row = session.get(RecordApproval, record_id) or RecordApproval(record_id=record_id, status="")
    row.status = ApprovalStatus.RETURNED.value
    session.add(row)


def note_withdrawal(session: Session, record_id: str, reason: str) -> None:
    row = session.get(RecordApproval, record_id) or RecordApproval(
        record_id=record_id, status=ApprovalStatus.APPROVED.value
    )
    row.withdrawn_reason = reason
    session.add(row)
