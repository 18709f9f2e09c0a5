"""Signing issued documents in the register, and what the register says about them.

Only an issued (numbered, not void) document can be signed. The issued PDF is
never changed: each signature is an incremental update on the previous version
(the issued PDF, or the last signed one), checked to start with exactly those
bytes, and kept as a new signed version beside the issued one.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace

from sqlmodel import col, select

from dvdesk.db.schema import SignedVersion
from dvdesk.domain.people import Role as UserRole
from dvdesk.errors import Conflict
from dvdesk.i18n import _
from dvdesk.services.audit import audit
from dvdesk.services.auth import check
from dvdesk.services.store import Store
from dvdesk.signatures.issued import IssuedEntry, issued_entry, issued_pdf, printed_on
from dvdesk.signatures.sign import Level, Role, SigningRequest, sign_pdf


@dataclass(frozen=True)
class SignOutcome:
    document_id: int
    reference: str
    role: Role
    signer: str
    level: Level
    signed_at: str
    timestamp_problem: str | None
    signatures: int  # how many the document now carries
    pdf: bytes


@dataclass(frozen=True)
class SignatureSummary:
    count: int
    signers: tuple[str, ...]
    level: str | None  # the latest signature's level


def default_role(entry: IssuedEntry) -> Role:
    """Minutes are signed by the chair (the note-taker asks for it); reports by the signer."""
    return Role.CHAIR if entry.doc_type == "BB" else Role.SIGNER


def current_pdf(store: Store, *, entry: IssuedEntry, issued: bytes | None = None) -> bytes:
    """The newest version: the last signed one, else the issued PDF."""
    latest = _latest(store, document_id=entry.id)
    if latest is not None:
        return latest.pdf
    return issued_pdf(store, entry=entry, given=issued)


def sign_issued(
    store: Store,
    *,
    document: str,
    request: SigningRequest,
    pin: str,
    issued: bytes | None = None,
) -> SignOutcome:
    """Sign the issued document ``document`` (its number or register id) on the token."""
    check(store, UserRole.HEAD)  # signing is the head's (lãnh đạo)
    entry = issued_entry(store, number=document)
    if entry.voided:
        raise Conflict(
            _("Document {number} is void; a void document cannot be signed.").format(
                number=entry.reference
            )
        )
    base = current_pdf(store, entry=entry, issued=issued)
    request = replace(request, printed=printed_on(store, entry=entry))
    signed = sign_pdf(base, request=request, pin=pin)
    if not signed.data.startswith(base):
        # pyHanko always appends; anything else would have rewritten what was issued.
        raise Conflict(_("Signing would have changed the issued document; nothing was kept."))
    row = SignedVersion(
        document_id=entry.id,
        pdf=signed.data,
        sha256=hashlib.sha256(signed.data).hexdigest(),
        role=request.role.value,
        signer=signed.signer,
        level=signed.level.value,
        signed_by=store.actor,
        signed_at=signed.signed_at.isoformat(),
    )
    with store.session() as session:
        session.add(row)
        audit(
            session,
            actor=store.actor,
            action="sign",
            entity="issued_document",
            entity_id=str(entry.id),
            changes={"role": row.role, "signer": row.signer, "level": row.level},
        )
    summary = signature_summary(store, document_id=entry.id)
    return SignOutcome(
        document_id=entry.id,
        reference=entry.reference,
        role=request.role,
        signer=signed.signer,
        level=signed.level,
        signed_at=row.signed_at,
        timestamp_problem=signed.timestamp_problem,
        signatures=summary.count,
        pdf=signed.data,
    )


def _latest(store: Store, *, document_id: int) -> SignedVersion | None:
    with store.session() as session:
        return session.exec(
            select(SignedVersion)
            .where(SignedVersion.document_id == document_id)
            .order_by(col(SignedVersion.id).desc())
        ).first()


def signed_pdf(store: Store, *, document_id: int) -> bytes | None:
    latest = _latest(store, document_id=document_id)
    return None if latest is None else latest.pdf


def signature_summary(store: Store, *, document_id: int) -> SignatureSummary:
    with store.session() as session:
        rows = list(
            session.exec(
                select(SignedVersion)
                .where(SignedVersion.document_id == document_id)
                .order_by(col(SignedVersion.id))
            )
        )
    return SignatureSummary(
        count=len(rows),
        signers=tuple(row.signer for row in rows),
        level=rows[-1].level if rows else None,
    )
