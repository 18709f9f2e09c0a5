"""The register of issued documents: numbers per type, restarting each term or year.

A number is taken when a document is issued, inside the same transaction that
records it, so two clerks can never get the same one; the highest number ever
given (voided ones included) is the floor for the next, so none is reused.
Issuing the same document again (the same minutes of the same record) prints
the number it already has.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from sqlalchemy import func
from sqlmodel import Session, col, select

from dvdesk.clock import now_iso
from dvdesk.db.schema import AuditEntry, IssuedDocument
from dvdesk.documents.settings import DocumentSettings, NumberingRule
from dvdesk.domain.people import Role
from dvdesk.errors import Conflict, NotFound
from dvdesk.i18n import _
from dvdesk.services.auth import require
from dvdesk.services.store import Store

T = TypeVar("T")

MINUTES = "BB"
REPORT = "BC"


@dataclass(frozen=True)
class IssuedNumber:
    id: int
    doc_type: str
    number: int
    symbol: str
    period_key: str
    subject_key: str
    record_id: str | None
    document_date: date
    issued_by: str
    issued_at: str
    voided: bool

    @property
    def padded(self) -> str:
        return f"{self.number:02d}"


def period_key(settings: DocumentSettings, on: date) -> str:
    """Which numbering series a document dated ``on`` belongs to."""
    if settings.numbering is NumberingRule.YEAR:
        return f"year:{on.year}"
    start = settings.term_start(on)
    # Before the first known term the calendar year is the only sensible series.
    return f"term:{start.isoformat()}" if start else f"year:{on.year}"


def _view(row: IssuedDocument) -> IssuedNumber:
    assert row.id is not None
    return IssuedNumber(
        id=row.id,
        doc_type=row.doc_type,
        number=row.number,
        symbol=row.symbol,
        period_key=row.period_key,
        subject_key=row.subject_key,
        record_id=row.record_id,
        document_date=row.document_date,
        issued_by=row.issued_by,
        issued_at=row.issued_at,
        voided=row.voided,
    )


def find_issued(store: Store, *, subject_key: str) -> IssuedNumber | None:
    """The live (not voided) number already given to this document, if any."""
    with store.session() as session:
        row = _live(session, subject_key)
        return None if row is None else _view(row)


def _live(session: Session, subject_key: str) -> IssuedDocument | None:
    return session.exec(
        select(IssuedDocument).where(
            IssuedDocument.subject_key == subject_key, col(IssuedDocument.voided).is_(False)
        )
    ).first()


def issue_number(
    store: Store,
    *,
    settings: DocumentSettings,
    doc_type: str,
    subject_key: str,
    symbol: str,
    document_date: date,
    record_id: str | None = None,
    produce: Callable[[IssuedNumber], T],
) -> tuple[IssuedNumber, T]:
    """Give the document its number (or the one it already has) and ``produce`` it.

    ``produce`` (render and write the file) runs inside the transaction: if it
    fails, no number is taken.
    """
    with store.session() as session:
        require(session, store, Role.HEAD)
        existing = _live(session, subject_key)
        if existing is not None:
            view = _view(existing)
            return view, produce(view)
        key = period_key(settings, document_date)
        highest = session.exec(
            select(func.max(IssuedDocument.number)).where(
                IssuedDocument.doc_type == doc_type, IssuedDocument.period_key == key
            )
        ).one()
        row = IssuedDocument(
            doc_type=doc_type,
            period_key=key,
            number=int(highest or 0) + 1,
            symbol=symbol,
            subject_key=subject_key,
            record_id=record_id,
            document_date=document_date,
            issued_by=store.actor,
            issued_at=now_iso(),
        )
        session.add(row)
        session.flush()
        session.add(_audit(store, "issue", row))
        view = _view(row)
        return view, produce(view)


def void_document(store: Store, *, document_id: int, reason: str) -> IssuedNumber:
    """Mark an issued document void; its number stays taken."""
    with store.session() as session:
        require(session, store, Role.HEAD)
        row = session.get(IssuedDocument, document_id)
        if row is None:
            raise NotFound(
                _("There is no issued document {id}. See 'dvdesk document list'.").format(
                    id=document_id
                )
            )
        if row.voided:
            raise Conflict(_("Document {id} is already void.").format(id=document_id))
        row.voided = True
        row.void_reason = reason
        session.add(row)
        session.add(_audit(store, "void", row))
        return _view(row)


def list_issued(store: Store, *, doc_type: str | None = None) -> list[IssuedNumber]:
    query = select(IssuedDocument).order_by(col(IssuedDocument.id))
    if doc_type is not None:
        query = query.where(IssuedDocument.doc_type == doc_type)
    with store.session() as session:
        return [_view(row) for row in session.exec(query)]


def _audit(store: Store, action: str, row: IssuedDocument) -> AuditEntry:
    return AuditEntry(
        at=now_iso(),
        actor=store.actor,
        action=action,
        entity="issued_document",
        entity_id=str(row.id),
        changes={
            "doc_type": row.doc_type,
            "number": row.number,
            "period_key": row.period_key,
            "subject_key": row.subject_key,
            "void_reason": row.void_reason,
        },
    )
