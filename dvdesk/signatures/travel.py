"""Issued documents up the hierarchy, inside the package (its seal, hashes and encryption).

Each live issued document of the exporting office (its newest version: signed if it
was signed) is one package member ``documents/NNNNNN.json``: a small JSON object
with the issuing office, the register details and the PDF. Every package carries
every live document (the simplest honest rule: nothing depends on receipts); the
receiver keeps each PDF once per office, by its SHA-256. A member names the office
that issued it and must name the package's signing office: a package carrying
another office's document is refused as planted (a relay's children's documents
travel inside their own nested packages). The importing office checks every chữ ký
số offline against its own trusted roots and keeps the result; a failing signature
is kept and shown as such, it never stops the import.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlmodel import Session, col, select

from dvdesk.clock import now_iso
from dvdesk.db.schema import ReceivedDocument, SignedVersion, TrustedRoot
from dvdesk.errors import UserError
from dvdesk.i18n import _
from dvdesk.services.store import Store
from dvdesk.signatures.issued import issued_entries, stored_issued_pdf
from dvdesk.signatures.revocation_lists import StoredList, lists_in
from dvdesk.signatures.verify import Status, VerifyResult, verify_pdf
from dvdesk.sync.format import DEFAULT_LIMITS, Limits
from dvdesk.sync.refusals import Reason, Refused
from dvdesk.text import shown

if TYPE_CHECKING:
    from asn1crypto import x509 as asn1_x509

log = logging.getLogger(__name__)
# The member holds the PDF in base64 (4/3 of its size) beside a few short details.
MAX_MEMBER = DEFAULT_LIMITS.document_member_bytes


def max_pdf(limits: Limits) -> int:
    """The largest PDF whose member fits ``limits`` (base64 plus room for the details)."""
    return (limits.document_member_bytes - 4096) * 3 // 4


class DocumentMember(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    office_code: str = Field(min_length=1, max_length=20)
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


def outgoing_documents(
    store: Store, *, office_code: str, limits: Limits = DEFAULT_LIMITS
) -> list[bytes]:
    """One member per live issued document that has a PDF, its newest version.

    A document too large for a member, or more documents than a package may carry,
    stop the export with a message: a package never silently leaves one out.
    """
    members: list[bytes] = []
    total = 0
    for entry in issued_entries(store):
        if entry.voided:
            continue
        pdf = _latest_signed(store, document_id=entry.id) or stored_issued_pdf(store, entry=entry)
        if pdf is None:
            continue  # numbered before the register kept files: nothing to send
        if len(pdf) > max_pdf(limits):
            raise UserError(
                _(
                    "The issued document {number} is larger ({size} MB) than a package may "
                    "carry ({limit} MB), so it cannot be sent up. Issue it again as a smaller "
                    "PDF (fewer or smaller pictures), then export again."
                ).format(
                    number=entry.reference,
                    size=len(pdf) // 1024**2 + 1,
                    limit=max_pdf(limits) // 1024**2,
                )
            )
        member = DocumentMember(
            office_code=office_code,
            doc_type=entry.doc_type,
            number=entry.number,
            symbol=entry.symbol,
            record_id=entry.record_id,
            document_date=entry.document_date.isoformat(),
            pdf_sha256=hashlib.sha256(pdf).hexdigest(),
            pdf=base64.b64encode(pdf).decode("ascii"),
        )
        data = json.dumps(member.model_dump(), sort_keys=True).encode("utf-8")
        total += len(data)
        if total > limits.documents_total_bytes:
            raise UserError(
                _(
                    "The issued documents of this office together are larger than a package "
                    "may carry ({limit} MB). Void the documents no longer in force, then "
                    "export again."
                ).format(limit=limits.documents_total_bytes // 1024**2)
            )
        members.append(data)
    return members


def _latest_signed(store: Store, *, document_id: int) -> bytes | None:
    with store.session() as session:
        row = session.exec(
            select(SignedVersion)
            .where(SignedVersion.document_id == document_id)
            .order_by(col(SignedVersion.id).desc())
        ).first()
        return None if row is None else row.pdf


def parse_member(data: bytes, *, limits: Limits = DEFAULT_LIMITS) -> tuple[DocumentMember, bytes]:
    """A member's details and PDF (the member's bytes are already size-capped and hashed)."""
    try:
        member = DocumentMember.model_validate_json(data)
        pdf = base64.b64decode(member.pdf.encode("ascii"), validate=True)
        date.fromisoformat(member.document_date)  # a real date, not only its shape
    except (ValidationError, binascii.Error, ValueError):
        raise BadDocument from None
    if len(pdf) > max_pdf(limits) or hashlib.sha256(pdf).hexdigest() != member.pdf_sha256:
        raise BadDocument
    return member, pdf


def check_origin(members: list[tuple[DocumentMember, bytes]], *, origin: str) -> None:
    """Every document was issued by the office that signed the package, or it is refused."""
    for member, _pdf in members:
        if member.office_code != origin:
            raise Refused(
                Reason.PLANTED_RECORD,
                _(
                    "The package from {origin} carries a document issued by office {office}; "
                    "an office may only send its own. Nothing was imported; tell the sending "
                    "office."
                ).format(origin=shown(origin), office=shown(member.office_code)),
            )


def receive_documents(
    session: Session, *, origin: str, members: list[tuple[DocumentMember, bytes]]
) -> int:
    """Keep the documents in ``members`` (parsed, checked to come from ``origin``), each
    signature checked; a document already kept (same office, same PDF) is skipped."""
    from asn1crypto import x509  # noqa: PLC0415 - only imports that carry documents

    check_origin(members, origin=origin)
    roots = [x509.Certificate.load(row.der) for row in session.exec(select(TrustedRoot))]
    crls = lists_in(session)
    kept = set(
        session.exec(select(ReceivedDocument.sha256).where(ReceivedDocument.office_code == origin))
    )
    added = 0
    for member, pdf in members:
        sha256 = member.pdf_sha256
        if sha256 in kept:
            continue
        kept.add(sha256)
        result = _verdict(pdf, roots=roots, crls=crls)
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


def _verdict(
    pdf: bytes, *, roots: list[asn1_x509.Certificate], crls: list[StoredList]
) -> VerifyResult:
    """The signatures' verdict; a PDF crafted to break the checker is invalid, not a crash."""
    try:
        return verify_pdf(pdf, roots=roots, crls=crls)
    except Exception as error:  # any failure on untrusted bytes means "not a valid signature"
        log.info("received PDF could not be checked: %s", type(error).__name__)
        return verify_pdf(b"", roots=[])  # the checker's own "not a readable PDF" verdict


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
