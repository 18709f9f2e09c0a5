"""The register's rows: reading them, taking a number, voiding and replacing.

Rendering and the rules about what may be issued live in
:mod:`dvdesk.documents.register`; this module only keeps the table consistent.
A number is taken inside one transaction with the stored files, so a number is
either fully issued (content, PDF, Word) or not taken at all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from dvdesk.clock import now_iso
from dvdesk.db.schema import IssuedDocument
from dvdesk.errors import Conflict, NotFound
from dvdesk.i18n import _
from dvdesk.services.audit import audit
from dvdesk.services.store import Store


@dataclass(frozen=True)
class Series:
    """One numbering series: numbers 01, 02 … of one type, under one symbol, in one term/year."""

    symbol: str
    doc_type: str
    period_key: str


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
    void_reason: str | None
    template: str | None
    title: str | None
    replaces_id: int | None
    replaced_by_id: int | None

    @property
    def padded(self) -> str:
        return f"{self.number:02d}"

    @property
    def live(self) -> bool:
        """Neither voided nor replaced: the document in force."""
        return not self.voided and self.replaced_by_id is None

    @property
    def status(self) -> str:
        """In force, void (with the reason) or replaced, for lists."""
        if self.voided:
            return _("void: {reason}").format(reason=self.void_reason or "")
        if self.replaced_by_id is not None:
            return _("replaced by #{id}").format(id=self.replaced_by_id)
        return _("in force")

    @property
    def reference(self) -> str:
        """The number as printed: ``01-BB/BXDĐ`` (Party) or ``01/BB-UBND`` (state)."""
        if self.template == "state":
            return f"{self.padded}/{self.doc_type}-{self.symbol}"
        return f"{self.padded}-{self.doc_type}/{self.symbol}"


@dataclass(frozen=True)
class NewEntry:
    """What issuing stores: the series, what the document is about, and the files."""

    series: Series
    subject_key: str
    record_id: str | None
    document_date: date
    template: str
    title: str
    content: dict[str, object]
    pdf: bytes
    docx: bytes
    replaces_id: int | None = None


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
        void_reason=row.void_reason,
        template=row.template,
        title=row.title,
        replaces_id=row.replaces_id,
        replaced_by_id=row.replaced_by_id,
    )


def _in_series(series: Series) -> Any:
    return (
        (IssuedDocument.symbol == series.symbol)
        & (IssuedDocument.doc_type == series.doc_type)
        & (IssuedDocument.period_key == series.period_key)
    )


def next_number(store: Store, *, series: Series) -> int:
    """The number the next document of ``series`` would take (voided numbers stay used)."""
    with store.session() as session:
        return _highest(session, series) + 1


def _highest(session: Session, series: Series) -> int:
    highest = session.exec(select(func.max(IssuedDocument.number)).where(_in_series(series))).one()
    return int(highest or 0)


def last_in_series(store: Store, *, series: Series) -> IssuedNumber | None:
    """The entry with the latest date in ``series`` (the floor for the next date)."""
    with store.session() as session:
        row = session.exec(
            select(IssuedDocument)
            .where(_in_series(series))
            .order_by(col(IssuedDocument.document_date).desc(), col(IssuedDocument.number).desc())
        ).first()
        return None if row is None else _view(row)


def live_for(store: Store, *, subject_key: str) -> IssuedNumber | None:
    """The document in force for ``subject_key`` (not voided, not replaced), if any."""
    with store.session() as session:
        row = session.exec(
            select(IssuedDocument).where(
                IssuedDocument.subject_key == subject_key,
                col(IssuedDocument.voided).is_(False),
                col(IssuedDocument.replaced_by_id).is_(None),
            )
        ).first()
        return None if row is None else _view(row)


def has_entries(store: Store) -> bool:
    with store.session() as session:
        return session.exec(select(IssuedDocument.id)).first() is not None


def latest_date(store: Store) -> date | None:
    with store.session() as session:
        value = session.exec(select(func.max(IssuedDocument.document_date))).one()
        return value if isinstance(value, date) or value is None else date.fromisoformat(value)


def add_entry(
    store: Store,
    *,
    entry: NewEntry,
    expected_number: int | None = None,
    before_commit: Callable[[IssuedNumber], None] | None = None,
) -> IssuedNumber:
    """Take the next number of the entry's series and store the entry, in one transaction.

    ``expected_number`` (the number the clerk confirmed) makes a race visible: if
    another clerk took it meanwhile, nothing is stored. ``before_commit`` (writing
    the issued file) runs inside the transaction: if it fails, no number is taken.
    """
    with store.session() as session:
        number = _highest(session, entry.series) + 1
        if expected_number is not None and number != expected_number:
            raise Conflict(
                _(
                    "Number {expected} was taken by someone else meanwhile; this document "
                    "would be number {number}. Issue it again to take that number."
                ).format(expected=f"{expected_number:02d}", number=f"{number:02d}")
            )
        replaced = _replaced(session, entry.replaces_id)
        row = IssuedDocument(
            doc_type=entry.series.doc_type,
            period_key=entry.series.period_key,
            number=number,
            symbol=entry.series.symbol,
            subject_key=entry.subject_key,
            record_id=entry.record_id,
            document_date=entry.document_date,
            issued_by=store.actor,
            issued_at=now_iso(),
            template=entry.template,
            title=entry.title,
            content=entry.content,
            pdf=entry.pdf,
            docx=entry.docx,
            replaces_id=entry.replaces_id,
        )
        session.add(row)
        session.flush()
        if replaced is not None:
            replaced.replaced_by_id = row.id
            session.add(replaced)
            _audit(session, store, "replace", replaced)
        _audit(session, store, "issue", row)
        view = _view(row)
        if before_commit is not None:
            before_commit(view)
        return view


def _replaced(session: Session, replaces_id: int | None) -> IssuedDocument | None:
    if replaces_id is None:
        return None
    row = session.get(IssuedDocument, replaces_id)
    if row is None or row.voided or row.replaced_by_id is not None:
        raise Conflict(_("Only a document in force can be replaced; see 'dvdesk document list'."))
    return row


def _row(session: Session, entry_id: int) -> IssuedDocument:
    row = session.get(IssuedDocument, entry_id)
    if row is None:
        raise NotFound(
            _("There is no issued document {id}. See 'dvdesk document list'.").format(id=entry_id)
        )
    return row


def get_entry(store: Store, *, entry_id: int) -> IssuedNumber:
    with store.session() as session:
        row = _row(session, entry_id)
        return _view(row)


def find_entries(store: Store, *, doc_type: str, number: int, symbol: str) -> list[IssuedNumber]:
    with store.session() as session:
        rows = session.exec(
            select(IssuedDocument)
            .where(
                IssuedDocument.doc_type == doc_type,
                IssuedDocument.number == number,
                IssuedDocument.symbol == symbol,
            )
            .order_by(col(IssuedDocument.id))
        )
        return [_view(row) for row in rows]


@dataclass(frozen=True)
class StoredFiles:
    content: dict[str, object] | None
    pdf: bytes | None
    docx: bytes | None


def stored_files(store: Store, *, entry_id: int) -> StoredFiles:
    """The content and files kept when ``entry_id`` was issued."""
    with store.session() as session:
        row = _row(session, entry_id)
        return StoredFiles(content=row.content, pdf=row.pdf, docx=row.docx)


def void_entry(store: Store, *, entry_id: int, reason: str) -> IssuedNumber:
    """Mark an issued document void; its number stays taken."""
    with store.session() as session:
        row = _row(session, entry_id)
        if row.voided:
            raise Conflict(_("Document {id} is already void.").format(id=row.id))
        row.voided = True
        row.void_reason = reason
        row.voided_by = store.actor
        row.voided_at = now_iso()
        session.add(row)
        _audit(session, store, "void", row)
        return _view(row)


def list_entries(store: Store, *, doc_type: str | None = None) -> list[IssuedNumber]:
    query = select(IssuedDocument).order_by(col(IssuedDocument.id))
    if doc_type is not None:
        query = query.where(IssuedDocument.doc_type == doc_type)
    with store.session() as session:
        return [_view(row) for row in session.exec(query)]


def _audit(session: Session, store: Store, action: str, row: IssuedDocument) -> None:
    audit(
        session,
        actor=store.actor,
        action=action,
        entity="issued_document",
        entity_id=str(row.id),
        changes={
            "doc_type": row.doc_type,
            "number": row.number,
            "symbol": row.symbol,
            "period_key": row.period_key,
            "subject_key": row.subject_key,
            "void_reason": row.void_reason,
            "replaces_id": row.replaces_id,
            "replaced_by_id": row.replaced_by_id,
        },
    )
