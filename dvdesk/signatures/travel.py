"""Issued documents up the hierarchy, inside the package (its seal, hashes and encryption).

Each live issued document (its newest version: signed if it was signed) is one
package member ``documents/NNNNNN.json``: a small JSON object with the register
details and the PDF. The importing office takes the office code from the
package's sealed manifest, never from the member, checks every chữ ký số
offline against its own trusted roots and keeps the result; a failing
signature is kept and shown as such, it never stops the import.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass
from datetime import date

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlmodel import Session, col, select

from dvdesk.clock import now_iso
from dvdesk.db.schema import ReceivedDocument, SignedVersion, TrustedRoot
from dvdesk.services.store import Store
from dvdesk.signatures.issued import issued_entries, stored_issued_pdf
from dvdesk.signatures.verify import MAX_PDF, Status, verify_pdf

MAX_MEMBER = MAX_PDF * 4 // 3 + 64 * 1024  # base64 of the largest PDF plus the details


class DocumentMember(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    doc_type: str = Field(min_length=1, max_length=10)
    number: int = Field(ge=1, le=1_000_000)
    symbol: str = Field(max_length=40)
    record_id: str | None = Field(default=None, max_length=64)
    document_date: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")
    pdf_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    pdf: str = Field(max_length=MAX_MEMBER)


class BadDocument(ValueError):
    """A document member that does not parse or whose PDF is not what it says."""


@dataclass(frozen=True)
class ReceivedView:
    id: int
    office_code: str
    doc_type: str
    number: int
    symbol: str
    record_id: str | None
    document_date: date
    signature_status: str
    signers: tuple[str, ...]
    received_at: str

    @property
    def reference(self) -> str:
        return f"{self.number:02d}-{self.doc_type}/{self.symbol}"


def outgoing_documents(store: Store) -> list[bytes]:
    """One member per live issued document that has a PDF, newest version first chosen."""
    members = []
    for entry in issued_entries(store):
        if entry.voided:
            continue
        pdf = _latest_signed(store, document_id=entry.id) or stored_issued_pdf(store, entry=entry)
        if pdf is None:
            continue  # numbered before the register kept files: nothing to send
        member = DocumentMember(
            doc_type=entry.doc_type,
            number=entry.number,
            symbol=entry.symbol,
            record_id=entry.record_id,
            document_date=entry.document_date.isoformat(),
            pdf_sha256=hashlib.sha256(pdf).hexdigest(),
            pdf=base64.b64encode(pdf).decode("ascii"),
        )
        members.append(json.dumps(member.model_dump(), sort_keys=True).encode("utf-8"))
    return members


def _latest_signed(store: Store, *, document_id: int) -> bytes | None:
    with store.session() as session:
        row = session.exec(
            select(SignedVersion)
            .where(SignedVersion.document_id == document_id)
            .order_by(col(SignedVersion.id).desc())
        ).first()
        return None if row is None else row.pdf


def parse_member(data: bytes) -> tuple[DocumentMember, bytes]:
    try:
        member = DocumentMember.model_validate_json(data)
        pdf = base64.b64decode(member.pdf.encode("ascii"), validate=True)
        day = date.fromisoformat(member.document_date)
    except (ValidationError, binascii.Error, ValueError):
        raise BadDocument from None
    del day  # checked to be a real date
    if len(pdf) > MAX_PDF or hashlib.sha256(pdf).hexdigest() != member.pdf_sha256:
        raise BadDocument
    return member, pdf


def receive_documents(session: Session, *, origin: str, members: list[bytes]) -> int:
    """Keep the documents in ``members`` from office ``origin``, each signature checked.

    Raises :class:`BadDocument` for a member that does not parse (the package is then
    refused as a whole, as for a bad record); a document already kept is skipped.
    """
    from asn1crypto import x509 as asn1_x509  # noqa: PLC0415 - only imports that carry documents

    parsed = [parse_member(data) for data in members]
    roots = [asn1_x509.Certificate.load(row.der) for row in session.exec(select(TrustedRoot))]
    added = 0
    for member, pdf in parsed:
        sha256 = member.pdf_sha256
        known = session.exec(
            select(ReceivedDocument.id).where(
                ReceivedDocument.office_code == origin, ReceivedDocument.sha256 == sha256
            )
        ).first()
        if known is not None:
            continue
        result = verify_pdf(pdf, roots=roots)
        session.add(
            ReceivedDocument(
                office_code=origin,
                doc_type=member.doc_type,
                number=member.number,
                symbol=member.symbol,
                record_id=member.record_id,
                document_date=date.fromisoformat(member.document_date),
                sha256=sha256,
                pdf=pdf,
                signature_status=result.overall.value,
                signers="; ".join(name for name in result.signers if name),
                received_at=now_iso(),
            )
        )
        added += 1
    return added


def list_received(store: Store) -> list[ReceivedView]:
    with store.session() as session:
        rows = session.exec(
            select(ReceivedDocument).order_by(
                col(ReceivedDocument.office_code), col(ReceivedDocument.id)
            )
        )
        return [_view(row) for row in rows]


def received_pdf(store: Store, *, received_id: int) -> bytes | None:
    with store.session() as session:
        row = session.get(ReceivedDocument, received_id)
        return None if row is None else row.pdf


def _view(row: ReceivedDocument) -> ReceivedView:
    assert row.id is not None
    return ReceivedView(
        id=row.id,
        office_code=row.office_code,
        doc_type=row.doc_type,
        number=row.number,
        symbol=row.symbol,
        record_id=row.record_id,
        document_date=row.document_date,
        signature_status=Status(row.signature_status).value,
        signers=tuple(name for name in row.signers.split("; ") if name),
        received_at=row.received_at,
    )
