"""Signed receipts: the parent acknowledges packages and sends records back for correction.

A receipt is a small JSON file ``{"receipt": BODY, "signature": BASE64}``; the signature
is Ed25519 over the canonical JSON of BODY by the parent's key. The child checks it
with the parent's enrolled key card, and its next package starts after the
acknowledged sequence number.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Final

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlmodel import Session, col, func, select

from dvdesk.clock import now_iso
from dvdesk.db.schema import (
    Correction,
    PackageIn,
    PackageOut,
    Receipt,
    Record,
    UnitKey,
)
from dvdesk.domain.people import Role
from dvdesk.errors import Conflict, NotFound
from dvdesk.fileio import Access, write_atomically
from dvdesk.i18n import _
from dvdesk.services.approval_hooks import mark_returned
from dvdesk.services.audit import audit
from dvdesk.services.auth import require
from dvdesk.services.office import get_office
from dvdesk.services.records import record_row
from dvdesk.services.requests import RequestItem, outgoing_requests, take_requests
from dvdesk.services.store import Store, storage_errors
from dvdesk.sync import keys
from dvdesk.sync.bounded_json import JsonBounds, UnsafeJson, loads
from dvdesk.sync.format import (
    FORMAT_VERSION,
    OfficeRef,
    Sequence,
    Size,
    b64,
    canonical_json,
    check_format_version,
    json_refusal,
    office_ref,
    sha256_hex,
    unb64,
)
from dvdesk.sync.infile import read_small
from dvdesk.sync.keycard import Card, card_office, parse_card
from dvdesk.sync.policy import encryption_required
from dvdesk.sync.refusals import Reason, Refused
from dvdesk.sync.relay import relay_folder
from dvdesk.sync.trust import enrol_rotated, resolve_signer, verify_signature
from dvdesk.text import clean, shown

RECEIPT_FORMAT: Final = "dvdesk-receipt"
# One version number for packages and receipts. 2: receipts say whether the parent
# requires encrypted packages and relay the level above's corrections; 1 is still read.
RECEIPT_VERSION: Final = FORMAT_VERSION
RECEIPT_SUFFIX: Final = ".dvrcpt"
MAX_RECEIPT_BYTES: Final = 8 * 1024 * 1024
# receipt > body > returned > item > value; signer_chain > card > office > value.
# Depth: document > receipt > relayed > document > receipt > returned > item (and cards).
_RECEIPT_BOUNDS: Final = JsonBounds(max_depth=12, max_values=800_000)


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Returned(_Frozen):
    correction_id: str = Field(max_length=64)
    record_id: str = Field(max_length=64)
    title: str = Field(max_length=1_000)
    revision: Size
    comment: str = Field(max_length=10_000)
    deadline: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}-\d{2}$")


class Received(_Frozen):
    sequence: Sequence
    package_hash: str = Field(max_length=64)
    new: Size
    updated: Size
    unchanged: Size
    refused: Size


class ReceiptBody(_Frozen):
    format: str
    format_version: int = Field(ge=1, le=RECEIPT_VERSION)
    receipt_id: str = Field(max_length=64)
    issuer: OfficeRef
    recipient: str = Field(max_length=20)
    signer_key_id: str = Field(max_length=64)
    signer_chain: tuple[dict[str, object], ...] = Field(default=(), max_length=100)
    acknowledged_sequence: Sequence
    package_hash: str = Field(max_length=64)
    received: tuple[Received, ...] = Field(max_length=10_000)
    returned: tuple[Returned, ...] = Field(max_length=100_000)
    requests: tuple[RequestItem, ...] = Field(default=(), max_length=100)
    issued_at: str = Field(max_length=40)  # the issuer's clock: shown, never trusted
    require_encryption: bool = False  # the parent accepts only encrypted packages
    # Format 2: the issuer's parent's receipts carrying corrections for the recipient's
    # records, verbatim, and the parent's key card the issuer vouches for to check them.
    relayed: tuple[dict[str, object], ...] = Field(default=(), max_length=1_000)
    vouched: tuple[dict[str, object], ...] = Field(default=(), max_length=32)


@dataclass(frozen=True)
class ReturnedRecord:
    """A record sent back for correction, as a table row."""

    record_id: str
    title: str
    revision: int
    comment: str
    from_office: str
    current_revision: int | None
    corrected: bool
    deadline: date | None = None


@dataclass(frozen=True)
class ReceiptResult:
    path: Path
    issuer: str
    issuer_name: str
    recipient: str
    acknowledged_sequence: int
    returned: tuple[ReturnedRecord, ...]
    already_imported: bool = False


# ---------------------------------------------------------------- the parent writes


def request_correction(
    store: Store, *, record_id: str, comment: str, deadline: date | None = None
) -> ReturnedRecord:
    """Mark a child's record to be sent back with ``comment`` in the next receipt."""
    text = clean(comment)
    if not text:
        raise Conflict(_("Write a comment saying what the office should correct."))
    with store.session() as session:
        require(session, store, Role.HEAD)
        record = record_row(session, record_id)
        own = keys.get_office_code(session)
        if record.office_code == own:
            raise Conflict(
                _("Record {id} belongs to this office; correct it here instead.").format(
                    id=record.id
                )
            )
        session.add(
            Correction(
                id=str(uuid.uuid4()),
                direction="out",
                record_id=record.id,
                office_code=record.office_code,
                title=record.title,
                revision=record.revision,
                comment=text,
                status="pending",
                created_at=now_iso(),
                created_by=store.actor,
                deadline=deadline,
            )
        )
        return ReturnedRecord(
            record.id, record.title, record.revision, text, own, record.revision, False, deadline
        )


def route_of(session: Session, office_code: str) -> str:
    """The direct child through whose packages ``office_code``'s records reached here."""
    code = office_code
    for _depth in range(8):
        relay = session.exec(
            select(PackageIn.relay)
            .where(PackageIn.origin == code, col(PackageIn.relay).is_not(None))
            .order_by(col(PackageIn.id).desc())
        ).first()
        if relay is None:
            return code
        code = relay
    return code


def _relay_receipts_folder(store: Store) -> Path:
    return relay_folder(store.paths) / "receipts"


def _returned_ids(body: dict[str, object]) -> set[object]:
    """The correction ids a stored receipt body returns (its shape was checked on import)."""
    returned = body.get("returned")
    items = returned if isinstance(returned, list) else []
    return {item.get("correction_id") for item in items if isinstance(item, dict)}


def _relayed_down(
    session: Session, store: Store, origin: str
) -> tuple[list[Correction], list[dict[str, object]], list[dict[str, object]]]:
    """The parent's corrections waiting to go down to ``origin``, the parent's receipts
    that carry them (verbatim, signed by the parent), and the parent's key card."""
    waiting = [
        c
        for c in session.exec(
            select(Correction).where(
                Correction.direction == "relay", Correction.status == "pending"
            )
        ).all()
        if route_of(session, c.office_code) == origin
    ]
    if not waiting:
        return [], [], []
    wanted = {c.id for c in waiting}
    documents = []
    for receipt in session.exec(select(Receipt).where(Receipt.direction == "in")).all():
        if _returned_ids(receipt.body) & wanted:
            path = _relay_receipts_folder(store) / f"{receipt.receipt_hash}{RECEIPT_SUFFIX}"
            if path.is_file():
                documents.append(json.loads(path.read_bytes()))
    parent_cards = [
        row.card
        for row in session.exec(
            select(UnitKey).where(
                UnitKey.relation == "parent",
                col(UnitKey.revoked).is_(False),
                col(UnitKey.replaced_by).is_(None),
            )
        ).all()
    ]
    return waiting, documents, parent_cards


def write_receipt(store: Store, *, origin: str, out: Path, passphrase: str) -> ReceiptResult:
    """Sign a receipt for everything imported from ``origin`` and write it to ``out``."""
    office = get_office(store)
    own = keys.active_key(store)
    signing = keys.load_signing_key(store, key_id=own.key_id, passphrase=passphrase)
    with store.session() as session:
        imported = session.exec(
            select(PackageIn)
            .where(PackageIn.origin == origin)
            .order_by(col(PackageIn.sequence).desc())
        ).all()
        if not imported:
            raise NotFound(
                _(
                    "Nothing has been imported from office {code} yet, so there is nothing to "
                    "acknowledge."
                ).format(code=origin)
            )
        required = encryption_required(session)
        requests = [
            c
            for c in session.exec(
                select(Correction).where(
                    Correction.direction == "out", col(Correction.status).in_(("pending", "sent"))
                )
            ).all()
            # Corrections on office B's records go only to the office that relayed B's.
            if route_of(session, c.office_code) == origin
        ]
        relaying, relayed, vouched = _relayed_down(session, store, origin)
    last = imported[0]
    body = ReceiptBody(
        format=RECEIPT_FORMAT,
        format_version=RECEIPT_VERSION,
        receipt_id=str(uuid.uuid4()),
        issuer=office_ref(office),
        recipient=origin,
        signer_key_id=own.key_id,
        signer_chain=keys.signer_chain(store, own),
        acknowledged_sequence=last.sequence,
        package_hash=last.package_hash,
        received=tuple(
            Received(
                sequence=p.sequence,
                package_hash=p.package_hash,
                new=p.new,
                updated=p.updated,
                unchanged=p.unchanged,
                refused=p.refused,
            )
            for p in imported[:100]
        ),
        returned=tuple(
            Returned(
                correction_id=c.id,
                record_id=c.record_id,
                title=c.title,
                revision=c.revision,
                comment=c.comment,
                deadline=c.deadline.isoformat() if c.deadline else None,
            )
            for c in requests
        ),
        requests=outgoing_requests(store, office_code=origin),
        issued_at=now_iso(),
        require_encryption=required,
        relayed=tuple(relayed),
        vouched=tuple(vouched),
    )
    body_data = body.model_dump(mode="json")
    signed = canonical_json(body_data)
    document = {"receipt": body_data, "signature": b64(signing.sign(signed))}
    final = (
        out / f"dvdesk-receipt-{office.code}-{origin}-{last.sequence:06d}{RECEIPT_SUFFIX}"
        if out.is_dir()
        else out
    )
    _write_atomically(final, json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8"))
    with store.session() as session:
        for request in [*requests, *relaying]:
            stored = session.get(Correction, request.id)
            if stored is not None and stored.status == "pending":
                stored.status = "sent"
                session.add(stored)
        session.add(
            Receipt(
                receipt_hash=sha256_hex(signed),
                direction="out",
                office_code=origin,
                acknowledged_sequence=last.sequence,
                package_hash=last.package_hash,
                signer_key_id=own.key_id,
                body=body_data,
                at=now_iso(),
                by=store.actor,
            )
        )
    return ReceiptResult(
        path=final,
        issuer=office.code,
        issuer_name=office.current.name,
        recipient=origin,
        acknowledged_sequence=last.sequence,
        returned=tuple(
            ReturnedRecord(r.record_id, r.title, r.revision, r.comment, office.code, None, False)
            for r in body.returned
        ),
    )


def _write_atomically(final: Path, data: bytes) -> None:
    if not final.parent.is_dir():
        raise NotFound(
            _(
                "The folder {folder} does not exist. Plug in the USB stick or choose "
                "another folder."
            ).format(folder=final.parent)
        )
    with storage_errors(final):
        write_atomically(final, data, access=Access.SHARED)  # carried to another office


# ---------------------------------------------------------------- the child imports


def _bad_receipt() -> Refused:
    return Refused(
        Reason.BAD_RECEIPT,
        _(
            "This file is not a dvdesk receipt, or it is damaged. Ask the office you report to "
            "for the receipt again."
        ),
    )


def _receipt_too_large(path: Path) -> Refused:
    return Refused(
        Reason.BAD_RECEIPT,
        _(
            "{file} is far larger than any dvdesk receipt, so it was not read. Check that you "
            "chose the receipt file from the office you report to."
        ).format(file=shown(path.name)),
    )


def _read(path: Path) -> tuple[ReceiptBody, bytes, bytes]:
    """Capped before reading, bounded before parsing, then checked field by field."""
    raw = read_small(path, limit=MAX_RECEIPT_BYTES, too_large=_receipt_too_large)
    try:
        document = loads(raw, _RECEIPT_BOUNDS)
    except UnsafeJson as problem:
        raise json_refusal(problem, what=_("receipt"), malformed=_bad_receipt()) from None
    if not isinstance(document, dict) or set(document) != {"receipt", "signature"}:
        raise _bad_receipt()
    data = document["receipt"]
    if not isinstance(data, dict) or data.get("format") != RECEIPT_FORMAT:
        raise _bad_receipt()
    check_format_version(
        data.get("format_version"), newest=RECEIPT_VERSION, oldest=1, what=_("receipt")
    )
    try:
        signature = unb64(str(document["signature"]))
        body = ReceiptBody.model_validate_json(json.dumps(data))
    except (ValueError, ValidationError):
        raise _bad_receipt() from None
    return body, canonical_json(data), signature


def import_receipt(store: Store, *, path: Path) -> ReceiptResult:
    """Check a receipt from the parent, record the acknowledgement and the records sent back."""
    body, signed, signature = _read(path)
    receipt_hash = sha256_hex(signed)
    with store.session() as session:
        own = keys.get_office_code(session)
        signer = resolve_signer(
            session,
            key_id=body.signer_key_id,
            office_code=body.issuer.code,
            chain=body.signer_chain,
            relation="parent",
        )
        if not verify_signature(signer.signing_public, signature, signed):
            raise Refused(
                Reason.BAD_SIGNATURE,
                _(
                    "The receipt's signature does not match its contents: it was changed or "
                    "forged. Nothing was changed; ask the office you report to for it again."
                ),
            )
        from_above = _relayed_returns(session, body, own)
        if body.recipient != own:
            raise Refused(
                Reason.RECEIPT_NOT_OURS,
                _(
                    "This receipt is for office {code}, not for this office. Nothing was "
                    "changed; give it to that office."
                ).format(code=shown(body.recipient)),
            )
        sent = session.exec(
            select(PackageOut).where(
                PackageOut.destination == body.issuer.code,
                PackageOut.sequence == body.acknowledged_sequence,
            )
        ).first()
        if sent is None or sent.package_hash != body.package_hash:
            raise Refused(
                Reason.RECEIPT_UNKNOWN_PACKAGE,
                _(
                    "The receipt acknowledges package {sequence}, which this office did not send "
                    "in that form (was the database restored from an old backup?). Nothing was "
                    "changed; call the office you report to."
                ).format(sequence=body.acknowledged_sequence),
            )
        if session.get(Receipt, receipt_hash) is not None:
            return _result(session, path, body, already=True)
        acknowledged = session.exec(
            select(func.max(Receipt.acknowledged_sequence)).where(
                Receipt.direction == "in", Receipt.office_code == body.issuer.code
            )
        ).one()
        if acknowledged is not None and body.acknowledged_sequence < acknowledged:
            raise Refused(
                Reason.OLD_RECEIPT,
                _(
                    "This receipt acknowledges package {sequence}, but a newer receipt already "
                    "acknowledged package {newer}. Nothing was changed."
                ).format(sequence=body.acknowledged_sequence, newer=acknowledged),
            )
        if signer.new_cards:
            enrol_rotated(session, signer=signer, actor=store.actor)
        session.add(
            Receipt(
                receipt_hash=receipt_hash,
                direction="in",
                office_code=body.issuer.code,
                acknowledged_sequence=body.acknowledged_sequence,
                package_hash=body.package_hash,
                signer_key_id=body.signer_key_id,
                body=body.model_dump(mode="json"),
                at=now_iso(),
                by=store.actor,
            )
        )
        relaying = False
        for item, issuer in [*((i, body.issuer.code) for i in body.returned), *from_above]:
            if session.get(Correction, item.correction_id) is not None:
                continue
            record = session.get(Record, item.record_id)
            # A record of a subordinate office: kept to go down with this office's next
            # receipt to it, with the issuer's signed receipt as proof.
            down = record is not None and record.office_code != own
            relaying = relaying or down
            session.add(
                Correction(
                    id=item.correction_id,
                    direction="relay" if down else "in",
                    record_id=item.record_id,
                    office_code=record.office_code if record is not None and down else own,
                    title=clean(item.title),
                    revision=item.revision,
                    comment=clean(item.comment),
                    status="pending" if down else "received",
                    created_at=now_iso(),
                    created_by=issuer,
                    deadline=_date(item.deadline),
                )
            )
            if not down:
                mark_returned(session, item.record_id)
        if relaying:
            _keep_receipt(store, receipt_hash, signed, signature)
        take_requests(session, issuer=body.issuer.code, items=body.requests, actor=store.actor)
        audit(
            session,
            actor=store.actor,
            action="receipt",
            entity="package",
            entity_id=f"{body.issuer.code}/{body.acknowledged_sequence}",
            changes={"returned": len(body.returned), "hash": receipt_hash},
        )
        session.flush()
        return _result(session, path, body, already=False)


def _date(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None  # a date that does not exist is dropped, not trusted


def _keep_receipt(store: Store, receipt_hash: str, signed: bytes, signature: bytes) -> None:
    """Keep the parent's signed receipt verbatim: it goes down as proof of its corrections."""
    folder = _relay_receipts_folder(store)
    with storage_errors(folder):
        folder.mkdir(parents=True, exist_ok=True)
        document = {"receipt": json.loads(signed), "signature": b64(signature)}
        write_atomically(
            folder / f"{receipt_hash}{RECEIPT_SUFFIX}",
            json.dumps(document, ensure_ascii=False).encode("utf-8"),
        )


def _relayed_returns(session: Session, body: ReceiptBody, own: str) -> list[tuple[Returned, str]]:
    """Corrections from above the parent, each checked against that office's signature."""
    if not body.relayed:
        return []
    parent = session.exec(
        select(UnitKey).where(UnitKey.office_code == body.issuer.code, UnitKey.relation == "parent")
    ).first()
    above = card_office(parent.card).get("parent_code") if parent else None
    cards: dict[str, Card] = {}
    for data in body.vouched:
        card = parse_card(data)
        if card.office_code == above:
            cards[card.key_id] = card
    returns: list[tuple[Returned, str]] = []
    for document in body.relayed:
        try:
            inner = ReceiptBody.model_validate_json(json.dumps(document["receipt"]))
            inner_signature = unb64(str(document["signature"]))
        except (KeyError, TypeError, ValueError, ValidationError):
            raise _relayed_forged(body.issuer.code) from None
        signer_card = cards.get(inner.signer_key_id)
        if (
            signer_card is None
            or inner.issuer.code != above
            or inner.recipient != body.issuer.code
            or not verify_signature(
                signer_card.signing_public,
                inner_signature,
                canonical_json(document["receipt"]),
            )
        ):
            raise _relayed_forged(body.issuer.code)
        for item in inner.returned:
            record = session.get(Record, item.record_id)
            if record is not None and record.office_code == own:
                returns.append((item, inner.issuer.code))
    return returns


def _relayed_forged(relay: str) -> Refused:
    return Refused(
        Reason.RELAY_TAMPERED,
        _(
            "The receipt from {relay} passes on corrections from the level above that do not "
            "carry that office's valid signature. Nothing was changed; call office {relay}."
        ).format(relay=relay),
    )


def _result(session: Session, path: Path, body: ReceiptBody, *, already: bool) -> ReceiptResult:
    return ReceiptResult(
        path=path,
        issuer=body.issuer.code,
        issuer_name=shown(body.issuer.name, limit=200),  # signed, yet not read by a person
        recipient=body.recipient,
        acknowledged_sequence=body.acknowledged_sequence,
        returned=tuple(
            _returned_row(
                session,
                item.record_id,
                title=item.title,
                revision=item.revision,
                comment=item.comment,
                from_office=body.issuer.code,
                deadline=_date(item.deadline),
            )
            for item in body.returned
        ),
        already_imported=already,
    )


def _returned_row(
    session: Session,
    record_id: str,
    *,
    title: str,
    revision: int,
    comment: str,
    from_office: str,
    deadline: date | None = None,
) -> ReturnedRecord:
    record = session.get(Record, record_id)
    current = record.revision if record is not None else None
    return ReturnedRecord(
        record_id=record_id,
        title=title,
        revision=revision,
        comment=comment,
        from_office=from_office,
        current_revision=current,
        corrected=current is not None and current > revision,
        deadline=deadline,
    )


def returned_records(store: Store) -> list[ReturnedRecord]:
    """Records the parent sent back to this office, newest first, with whether they were fixed."""
    with store.session() as session:
        rows = session.exec(
            select(Correction)
            .where(Correction.direction == "in")
            .order_by(col(Correction.created_at).desc())
        ).all()
        return [
            _returned_row(
                session,
                c.record_id,
                title=c.title,
                revision=c.revision,
                comment=c.comment,
                from_office=c.created_by,
                deadline=c.deadline,
            )
            for c in rows
        ]
