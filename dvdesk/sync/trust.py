"""Which keys this office trusts: enrolling key cards, revoking them, finding a signer.

Only enrolled, unrevoked keys are trusted. A key the office rotated to is trusted
when it arrives with a certificate from a trusted key of the same office.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlmodel import Session, col, select

from dvdesk.clock import now_iso
from dvdesk.db.schema import AuditEntry, Office, OrgUnit, UnitKey
from dvdesk.errors import Conflict, NotFound
from dvdesk.i18n import _
from dvdesk.services.store import Store
from dvdesk.sync.format import b64, unb64
from dvdesk.sync.keycard import Card, parse_card
from dvdesk.sync.refusals import Reason, Refused
from dvdesk.text import shown


@dataclass(frozen=True)
class EnrolledKey:
    office_code: str
    office_name: str
    relation: str
    key_id: str
    fingerprint: str
    enrolled_at: str
    replaced: bool
    revoked: bool
    revoked_at: str | None


def _enrolled(row: UnitKey) -> EnrolledKey:
    return EnrolledKey(
        office_code=row.office_code,
        office_name=row.office_name,
        relation=row.relation,
        key_id=row.key_id,
        fingerprint=row.fingerprint,
        enrolled_at=row.enrolled_at,
        replaced=row.replaced_by is not None,
        revoked=row.revoked,
        revoked_at=row.revoked_at,
    )


def _own_office(session: Session) -> Office:
    office = session.get(Office, 1)
    if office is None:
        raise NotFound(_("No office is set up yet. Run 'dvdesk init' first."))
    return office


def _parent_code(session: Session) -> str | None:
    parent = session.exec(select(OrgUnit).where(OrgUnit.relation == "parent")).first()
    return parent.code if parent else None


def _row(card: Card, *, relation: str, actor: str) -> UnitKey:
    return UnitKey(
        key_id=card.key_id,
        office_code=card.office_code,
        office_name=card.office_name,
        office_level=card.office_level,
        relation=relation,
        signing_public=b64(card.signing_public),
        encryption_public=b64(card.encryption_public),
        fingerprint=card.fingerprint,
        card=card.data,
        enrolled_at=now_iso(),
        enrolled_by=actor,
    )


def _current_keys(session: Session, office_code: str) -> list[UnitKey]:
    return list(
        session.exec(
            select(UnitKey).where(
                UnitKey.office_code == office_code,
                col(UnitKey.revoked).is_(False),
                col(UnitKey.replaced_by).is_(None),
            )
        )
    )


def enroll_card(store: Store, *, card: Card) -> EnrolledKey:
    """Trust ``card`` (already checked by parse_card): a child's, or this office's parent's."""
    with store.session() as session:
        office = _own_office(session)
        if card.office_code == office.code:
            raise Conflict(
                _(
                    "This is this office's own key card. Enrol the key cards of the offices "
                    "that send you packages, and of the office you report to."
                )
            )
        existing = session.get(UnitKey, card.key_id)
        if existing is not None:
            if existing.revoked:
                raise Refused(
                    Reason.REVOKED_KEY,
                    _(
                        "The key {key} of {office} was revoked and cannot be enrolled again. "
                        "Ask the office to make a new key."
                    ).format(key=card.key_id, office=existing.office_name),
                )
            return _enrolled(existing)
        relation = "parent" if card.office_code == _parent_code(session) else "child"
        current = _current_keys(session, card.office_code)
        for old in current:
            if card.certified_by == old.key_id and card.verify_certificate(
                unb64(old.signing_public)
            ):
                old.replaced_by = card.key_id
                session.add(old)
            else:
                raise Refused(
                    Reason.ALREADY_ENROLLED,
                    _(
                        "{office} ({code}) already has the key {key} enrolled, and the new card "
                        "is not certified by it. If the office lost its key, first revoke the old "
                        "one with 'dvdesk units revoke {code}', then enrol the new card."
                    ).format(office=old.office_name, code=old.office_code, key=old.key_id),
                )
        row = _row(card, relation=relation, actor=store.actor)
        session.add(row)
        if relation == "child":
            _ensure_child_unit(session, office, card)
        session.add(
            AuditEntry(
                at=now_iso(),
                actor=store.actor,
                action="enrol",
                entity="unit_key",
                entity_id=card.key_id,
                changes={"office": card.office_code, "fingerprint": card.fingerprint},
            )
        )
        return _enrolled(row)


def _ensure_child_unit(session: Session, office: Office, card: Card) -> None:
    known = session.exec(
        select(OrgUnit).where(OrgUnit.code == card.office_code, OrgUnit.relation == "child")
    ).first()
    if known is None:
        session.add(
            OrgUnit(
                id=str(uuid.uuid4()),
                code=card.office_code,
                code_list_version=office.code_list_version,
                name=card.office_name,
                level=card.office_level,
                relation="child",
                parent_code=office.code,
            )
        )


def revoke(store: Store, *, target: str) -> list[EnrolledKey]:
    """Revoke a key by its id, or every key of an office by the office's code."""
    target = target.strip()
    with store.session() as session:
        rows = list(
            session.exec(
                select(UnitKey).where(
                    (UnitKey.key_id == target) | (UnitKey.office_code == target),
                    col(UnitKey.revoked).is_(False),
                )
            )
        )
        if not rows:
            raise NotFound(
                _(
                    "No enrolled, unrevoked key matches {target}. "
                    "See the list with 'dvdesk units list'."
                ).format(target=target)
            )
        stamp = now_iso()
        for row in rows:
            row.revoked = True
            row.revoked_at = stamp
            row.revoked_by = store.actor
            session.add(row)
            session.add(
                AuditEntry(
                    at=stamp,
                    actor=store.actor,
                    action="revoke",
                    entity="unit_key",
                    entity_id=row.key_id,
                    changes={"office": row.office_code},
                )
            )
        return [_enrolled(row) for row in rows]


def enrolled_keys(store: Store) -> list[EnrolledKey]:
    with store.session() as session:
        rows = session.exec(
            select(UnitKey).order_by(col(UnitKey.office_code), col(UnitKey.enrolled_at))
        ).all()
        return [_enrolled(row) for row in rows]


def current_key_of(store: Store, *, office_code: str) -> UnitKey | None:
    with store.session() as session:
        rows = _current_keys(session, office_code)
    return rows[0] if rows else None


@dataclass(frozen=True)
class Signer:
    """A trusted signer, with any rotated keys to enrol when the import is applied."""

    key_id: str
    office_code: str
    office_name: str
    signing_public: bytes
    new_cards: tuple[Card, ...]


def resolve_signer(
    session: Session,
    *,
    key_id: str,
    office_code: str,
    chain: Sequence[dict[str, Any]],
    relation: str,
) -> Signer:
    """The trusted key ``key_id`` of ``office_code``, or a refusal saying why not."""
    row = session.get(UnitKey, key_id)
    if row is not None:
        if row.revoked:
            raise Refused(
                Reason.REVOKED_KEY,
                _(
                    "This was signed with the key {key} of {office}, which was revoked on "
                    "{date}. Nothing was imported; ask the office to make a new key and send "
                    "its key card."
                ).format(
                    key=shown(key_id), office=row.office_name, date=(row.revoked_at or "")[:10]
                ),
            )
        if row.office_code != office_code:
            raise Refused(
                Reason.KEY_OF_OTHER_OFFICE,
                _(
                    "This claims to come from office {claimed} but is signed with the key of "
                    "{office} ({code}). It may be forged: do not use it, and tell both offices."
                ).format(claimed=shown(office_code), office=row.office_name, code=row.office_code),
            )
        _check_relation(row.relation, relation, row.office_name)
        return Signer(key_id, row.office_code, row.office_name, unb64(row.signing_public), ())
    rotated = _through_chain(
        session, key_id=key_id, office_code=office_code, chain=chain, relation=relation
    )
    if rotated is None:
        raise Refused(
            Reason.UNKNOWN_KEY,
            _(
                "This was signed with the key {key}, which is not enrolled here (it claims to "
                "come from office {code}). Enrol that office's key card with 'dvdesk units "
                "enroll', check its fingerprint by phone, then import again."
            ).format(key=shown(key_id), code=shown(office_code)),
        )
    return rotated


def _check_relation(actual: str, wanted: str, office_name: str) -> None:
    if actual != wanted:
        raise Refused(
            Reason.NOT_A_CHILD,
            _(
                "{office} is enrolled here as the office you report to, not as a subordinate "
                "office, so its packages cannot be imported here."
            ).format(office=shown(office_name))
            if wanted == "child"
            else _(
                "{office} is enrolled here as a subordinate office; only the office you report "
                "to can send you receipts."
            ).format(office=shown(office_name)),
        )


def _through_chain(
    session: Session,
    *,
    key_id: str,
    office_code: str,
    chain: Sequence[dict[str, Any]],
    relation: str,
) -> Signer | None:
    """Follow rotation certificates from a trusted key of ``office_code`` to ``key_id``."""
    trusted: dict[str, bytes] = {}
    enrolled_as = ""
    name = ""
    for row in _current_keys(session, office_code) + _replaced_keys(session, office_code):
        trusted[row.key_id] = unb64(row.signing_public)
        enrolled_as, name = row.relation, row.office_name
    if not trusted:
        return None
    new_cards: list[Card] = []
    for data in chain[:32]:
        try:
            card = parse_card(data)
        except Refused:
            return None
        if card.key_id in trusted or card.office_code != office_code:
            continue
        certifier = trusted.get(card.certified_by or "")
        if certifier is None or not card.verify_certificate(certifier):
            continue
        if session.get(UnitKey, card.key_id) is not None:  # known but revoked
            return None
        trusted[card.key_id] = card.signing_public
        new_cards.append(card)
    if key_id not in trusted or not new_cards:
        return None
    _check_relation(enrolled_as, relation, name)
    return Signer(key_id, office_code, name, trusted[key_id], tuple(new_cards))


def _replaced_keys(session: Session, office_code: str) -> list[UnitKey]:
    return list(
        session.exec(
            select(UnitKey).where(
                UnitKey.office_code == office_code,
                col(UnitKey.revoked).is_(False),
                col(UnitKey.replaced_by).is_not(None),
            )
        )
    )


def enrol_rotated(session: Session, *, signer: Signer, actor: str) -> None:
    """Enrol the rotated keys a verified package or receipt brought (inside its transaction)."""
    previous: dict[str, str] = {}
    for card in signer.new_cards:
        if card.certified_by:
            previous[card.certified_by] = card.key_id
    for key_id, successor in previous.items():
        old = session.get(UnitKey, key_id)
        if old is not None and old.replaced_by is None:
            old.replaced_by = successor
            session.add(old)
    for card in signer.new_cards:
        certifier = session.get(UnitKey, card.certified_by or "")
        relation = certifier.relation if certifier is not None else "child"
        session.add(_row(card, relation=relation, actor=actor))
        session.add(
            AuditEntry(
                at=now_iso(),
                actor=actor,
                action="enrol",
                entity="unit_key",
                entity_id=card.key_id,
                changes={"office": card.office_code, "certified_by": card.certified_by},
            )
        )


def verify_signature(public: bytes, signature: bytes, message: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True
