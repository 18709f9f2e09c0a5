"""Which keys this office trusts: enrolling key cards, revoking them, finding a signer.

Only enrolled, unrevoked keys are trusted. A key the office rotated to is trusted
when it arrives with a certificate from a trusted key of the same office.
"""

from __future__ import annotations

import unicodedata
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlmodel import Session, col, func, select

from dvdesk.clock import now_iso
from dvdesk.db.schema import Office, OrgUnit, PackageIn, UnitKey
from dvdesk.errors import Conflict, NotFound
from dvdesk.i18n import _
from dvdesk.services.audit import audit
from dvdesk.services.store import Store
from dvdesk.sync.format import b64, unb64
from dvdesk.sync.keycard import Card, card_office, parse_card
from dvdesk.sync.refusals import Reason, Refused
from dvdesk.text import fold, shown

# Digits of an office code per level (the official lists).
CODE_DIGITS = {"central": 2, "province": 2, "district": 3, "commune": 5, "special_zone": 5}


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
    already: bool = False  # enrolled before: nothing changed


def _enrolled(row: UnitKey, *, already: bool = False) -> EnrolledKey:
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
        already=already,
    )


def _own_office(session: Session) -> Office:
    office = session.get(Office, 1)
    if office is None:
        raise NotFound(_("No office is set up yet. Run 'dvdesk init' first."))
    return office


def _parent_code(session: Session) -> str | None:
    parent = session.exec(select(OrgUnit).where(OrgUnit.relation == "parent")).first()
    return parent.code if parent else None


def key_row(
    card: Card,
    *,
    relation: str,
    actor: str,
    at: str | None = None,
    parent_code: str | None = None,
) -> UnitKey:
    """The row that pins ``card``; ``parent_code`` names the relay of a delegated key."""
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
        enrolled_at=at or now_iso(),
        enrolled_by=actor,
        parent_code=parent_code,
    )


def revoke_key(row: UnitKey, *, at: str, by: str) -> None:
    """Mark a key revoked; one already revoked keeps the date and author of the first time."""
    if not row.revoked:
        row.revoked, row.revoked_at, row.revoked_by = True, at, by


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


def enroll_card(store: Store, *, card: Card, confirm: bool = False) -> EnrolledKey:
    """Trust ``card`` (already checked by parse_card): a child's, or this office's parent's.

    A card is a child's only if it names this office as its parent; ``confirm`` is the
    user's explicit word (after reading the fingerprint by phone) for anything unusual:
    another parent code, or a name that looks like an office already known here.
    """
    check_office_code(card.office_code, card.office_level)
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
            _check_usable(existing)
            return _enrolled(existing, already=True)
        relation = "parent" if card.office_code == _parent_code(session) else "child"
        if relation == "child" and card.parent_code != office.code and not confirm:
            raise _not_our_child(card, office.code)
        moved = _moved_here(session, card, office.code) if relation == "child" else None
        if moved is not None:
            if not confirm:  # a move may rename the office: the same guard as a first card
                _check_lookalike(session, card, office)
            return _enrol_moved(session, store, card, moved)
        certifier = _rotation_certifier(session, card)
        if certifier is not None:
            certifier.replaced_by = card.key_id
            session.add(certifier)
        else:
            for old in _current_keys(session, card.office_code):
                raise _already_has_key(old)
            if not confirm:
                _check_lookalike(session, card, office)
        row = _add_key(
            session, store, office, card, relation=relation, noted={"confirmed": confirm}
        )
        return _enrolled(row)


def _add_key(
    session: Session,
    store: Store,
    office: Office,
    card: Card,
    *,
    relation: str,
    noted: dict[str, object],
    enrolment: int | None = None,
) -> UnitKey:
    """Store an enrolled card's key (a child's also gets its unit row) and audit it."""
    row = key_row(card, relation=relation, actor=store.actor)
    if enrolment is not None:
        row.enrolment = enrolment
    session.add(row)
    if relation == "child":
        _ensure_child_unit(session, office, card)
    audit(
        session,
        actor=store.actor,
        action="enrol",
        entity="unit_key",
        entity_id=card.key_id,
        changes={"office": card.office_code, "fingerprint": card.fingerprint, **noted},
    )
    return row


def _moved_here(session: Session, card: Card, own_code: str) -> UnitKey | None:
    """The delegated key of an office that moved to report directly here, if ``card`` is
    its new card: certified by that pinned key, naming this office as parent, same code
    and level (docs/reparenting.md §4, the one identity change enrolment accepts)."""
    if card.certified_by is None or card.parent_code != own_code:
        return None
    pinned = session.get(UnitKey, card.certified_by)
    if (
        pinned is None
        or pinned.relation != "delegated"
        or pinned.office_code != card.office_code
        or pinned.office_level != card.office_level
        or not card.verify_certificate(unb64(pinned.signing_public))
    ):
        return None
    _check_certifier(pinned)
    if any(row.key_id != pinned.key_id for row in _current_keys(session, card.office_code)):
        return None  # another current key of the office: the usual refusals apply
    return pinned


def _enrol_moved(session: Session, store: Store, card: Card, pinned: UnitKey) -> EnrolledKey:
    """Enrol the new card of an office that moved here from relay ``pinned.parent_code``:
    its delegated key is replaced by the new one, now a child's; the relay may no longer
    vouch for it (``not_delegated``)."""
    office = _own_office(session)
    last = session.exec(
        select(func.max(PackageIn.sequence)).where(PackageIn.origin == card.office_code)
    ).one()
    pinned.replaced_by = card.key_id
    pinned.last_sequence = int(last or 0)
    session.add(pinned)
    row = _add_key(
        session,
        store,
        office,
        card,
        relation="child",
        noted={"moved_from": pinned.parent_code, "certified_by": pinned.key_id},
        enrolment=pinned.enrolment,
    )
    return _enrolled(row)


def reenrol_office(store: Store, *, card: Card) -> EnrolledKey:
    """Re-enrol a compromised child office with a new, uncertified key (audited).

    Every key of the office is revoked, the new card enrolled (its fingerprint read by
    phone first), and the office's package sequence state is reset: what a thief of the
    old key sent (even sequence 2^53 − 1) no longer locks the genuine office out. The
    relay tells the level above through its next delegation (its ``enrolment`` count).
    """
    check_office_code(card.office_code, card.office_level)
    with store.session() as session:
        office = _own_office(session)
        if card.parent_code != office.code or card.office_code == office.code:
            raise _not_our_child(card, office.code)
        old_rows = list(
            session.exec(select(UnitKey).where(UnitKey.office_code == card.office_code))
        )
        if not any(row.relation == "child" for row in old_rows):
            raise NotFound(
                _(
                    "Office {code} was never enrolled here as a subordinate office, so there is "
                    "nothing to re-enrol. Enrol its key card with 'dvdesk units enroll'."
                ).format(code=card.office_code)
            )
        if session.get(UnitKey, card.key_id) is not None:
            raise Refused(
                Reason.ALREADY_ENROLLED,
                _(
                    "This key card was already enrolled here before; a re-enrolment needs a "
                    "new key. Ask the office to make one in a new data folder."
                ),
            )
        stamp = now_iso()
        enrolment = max(row.enrolment for row in old_rows) + 1
        for row in old_rows:
            revoke_key(row, at=stamp, by=store.actor)
            session.add(row)
        dropped = reset_sequences(session, office_code=card.office_code)
        new = key_row(card, relation="child", actor=store.actor)
        new.enrolment = enrolment
        session.add(new)
        audit(
            session,
            actor=store.actor,
            action="reenrol",
            entity="unit_key",
            entity_id=card.key_id,
            changes={
                "office": card.office_code,
                "fingerprint": card.fingerprint,
                "revoked": [row.key_id for row in old_rows],
                "enrolment": enrolment,
                "packages_forgotten": dropped,
            },
            at=stamp,
        )
        return _enrolled(new)


def reset_sequences(session: Session, *, office_code: str) -> list[list[Any]]:
    """Forget the packages imported from an office (kept in the audit entry by the caller)."""
    rows = list(session.exec(select(PackageIn).where(PackageIn.origin == office_code)))
    for row in rows:
        session.delete(row)
    return [[row.sequence, row.package_hash] for row in rows]


def check_office_code(code: str, level: str) -> None:
    """Office codes are ASCII digits of the level's length (no lookalike digits or spaces)."""
    digits = CODE_DIGITS.get(level)
    if digits is None or len(code) != digits or not all(c in "0123456789" for c in code):
        raise Refused(
            Reason.BAD_OFFICE_CODE,
            _(
                "The key card gives the office code {code!r} for level {level!r}: an office code "
                "is {digits} plain digits (0-9). The card is refused; ask the office to check "
                "its set-up and send the card again."
            ).format(code=code[:40], level=level[:40], digits=digits or _("2 or 5")),
        )


def _check_usable(row: UnitKey) -> None:
    if row.revoked:
        raise Refused(
            Reason.REVOKED_KEY,
            _(
                "The key {key} of {office} was revoked and cannot be enrolled again. "
                "Ask the office to make a new key."
            ).format(key=row.fingerprint, office=row.office_name),
        )
    if row.replaced_by is not None:
        raise retired_key(row.fingerprint, row.office_name)


def retired_key(fingerprint: str, office_name: str) -> Refused:
    return Refused(
        Reason.KEY_RETIRED,
        _(
            "The key {key} of {office} was replaced by a newer key (the key was changed): it may "
            "no longer sign or certify anything. Nothing was changed. If the office did not "
            "change its key itself, its old key may be stolen: call the office."
        ).format(key=fingerprint, office=office_name),
    )


def _not_our_child(card: Card, own: str) -> Refused:
    if card.parent_code is None:  # a card saved before the office set the office above
        text = _(
            "The key card of {office} ({code}) says the office has no office above yet, so "
            "it does not name this office ({own}). It was not enrolled. Ask the office to set "
            "this office as its office above (Office settings) and save its key card again; "
            "if you checked its fingerprint by phone and it really reports here, enrol it "
            "with --confirm."
        ).format(office=card.office_name, code=card.office_code, own=own)
        return Refused(Reason.NOT_OUR_CHILD, text)
    return Refused(
        Reason.NOT_OUR_CHILD,
        _(
            "The key card of {office} ({code}) names office {parent} as the office it reports "
            "to, not this office ({own}). It was not enrolled. If you checked its fingerprint "
            "by phone and it really reports here, enrol it with --confirm."
        ).format(office=card.office_name, code=card.office_code, parent=card.parent_code, own=own),
    )


def _already_has_key(old: UnitKey) -> Refused:
    return Refused(
        Reason.ALREADY_ENROLLED,
        _(
            "{office} ({code}) already has the key {key} enrolled, and the new card "
            "is not certified by it. If the office lost its key, first revoke the old "
            "one with 'dvdesk units revoke {code}', then enrol the new card."
        ).format(office=old.office_name, code=old.office_code, key=old.fingerprint),
    )


def _rotation_certifier(session: Session, card: Card) -> UnitKey | None:
    """The enrolled key that certified ``card`` as its successor, after every check."""
    if card.certified_by is None:
        return None
    certifier = session.get(UnitKey, card.certified_by)
    if (
        certifier is None
        or certifier.office_code != card.office_code
        or not card.verify_certificate(unb64(certifier.signing_public))
    ):
        return None
    _check_certifier(certifier)
    check_same_identity(certifier.card, card)
    return certifier


def _check_certifier(certifier: UnitKey) -> None:
    """A revoked or replaced key certifies nothing."""
    if certifier.revoked:
        raise Refused(
            Reason.REVOKED_KEY,
            _(
                "The new key card of {office} is certified by the key {key}, which was revoked "
                "here: a revoked key certifies nothing. Ask the office for a new key card and "
                "check its fingerprint by phone."
            ).format(office=certifier.office_name, key=certifier.fingerprint),
        )
    if certifier.replaced_by is not None:
        raise retired_key(certifier.fingerprint, certifier.office_name)


def identity_of(card_data: dict[str, object]) -> tuple[object, ...]:
    office = card_office(card_data)
    return (office.get("code"), office.get("name"), office.get("level"), office.get("parent_code"))


def check_same_identity(previous: dict[str, object], card: Card) -> None:
    """A rotation keeps the office's code, name, level and parent: anything else is a new
    enrolment, with the fingerprint read by phone."""
    if identity_of(previous) != identity_of(card.data):
        raise Refused(
            Reason.IDENTITY_CHANGED,
            _(
                "The new key card of office {code} gives another name, level or parent than "
                "its current key. A new key may not change who an office is: nothing was "
                "changed. If the office really changed, enrol it anew (revoke the old key, "
                "check the new fingerprint by phone)."
            ).format(code=card.office_code),
        )


def _check_lookalike(session: Session, card: Card, office: Office) -> None:
    if _foreign_letters(card.office_name):
        raise Refused(
            Reason.LOOKALIKE_NAME,
            _(
                'The key card of office {code} carries the name "{name}", which has letters '
                "of another alphabet (such as Cyrillic or Greek) that look like Vietnamese "
                "ones. It was not enrolled. Check by phone which office sent it; if it is "
                "genuine, enrol it with --confirm."
            ).format(code=card.office_code, name=shown(card.office_name, limit=200)),
        )
    wanted = _name_key(card.office_name)
    known = [(row.code, row.name) for row in session.exec(select(OrgUnit))]
    known += [(row.office_code, row.office_name) for row in session.exec(select(UnitKey))]
    for code, name in known:
        if code != card.office_code and _name_key(name) == wanted:
            raise Refused(
                Reason.LOOKALIKE_NAME,
                _(
                    'The key card of office {code} carries the name "{name}", which looks like '
                    "office {other}. It was not enrolled. Check by phone which office sent it; "
                    "if it is genuine, enrol it with --confirm."
                ).format(code=card.office_code, name=card.office_name[:200], other=code),
            )


def _foreign_letters(name: str) -> bool:
    """Letters outside the Latin script: a Cyrillic "а" folds to nothing alike, yet reads
    as "a" (Vietnamese, accents included, is all Latin)."""
    return any(ch.isalpha() and "LATIN" not in unicodedata.name(ch, "") for ch in name)


def _name_key(name: str) -> str:
    """A name without case, accents, spaces or invisible characters (lookalikes compare equal)."""
    folded = fold(unicodedata.normalize("NFKC", name))
    return "".join(ch for ch in folded if ch.isalnum())


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
            revoke_key(row, at=stamp, by=store.actor)
            session.add(row)
            audit(
                session,
                actor=store.actor,
                action="revoke",
                entity="unit_key",
                entity_id=row.key_id,
                changes={"office": row.office_code},
                at=stamp,
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
    chain: Sequence[dict[str, object]],
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
                    key=row.fingerprint, office=row.office_name, date=(row.revoked_at or "")[:10]
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
        if row.replaced_by is not None:
            raise retired_key(row.fingerprint, row.office_name)
        return Signer(key_id, row.office_code, row.office_name, unb64(row.signing_public), ())
    rotated = _through_chain(
        session, key_id=key_id, office_code=office_code, chain=chain, relation=relation
    )
    if rotated is None:
        raise Refused(
            Reason.UNKNOWN_KEY,
            _(
                "This was signed with a key that is not enrolled here (the package says it "
                "comes from office {code}). Enrol that office's key card with 'dvdesk units "
                "enroll', check its fingerprint by phone, then import again."
            ).format(code=shown(office_code)),
        )
    return rotated


def _check_relation(actual: str, wanted: str, office_name: str) -> None:
    if actual == "former_parent":  # docs/reparenting.md §2: set by a move
        raise Refused(
            Reason.FORMER_PARENT,
            _(
                "This comes from {office}, the office this office reported to before it moved "
                "to a new office above. It is no longer taken here: nothing was changed. Ask "
                "the office you report to now for what you need."
            ).format(office=office_name),
        )
    if actual == "moved_away":  # docs/reparenting.md §5: released after its move
        raise Refused(
            Reason.MOVED_AWAY,
            _(
                "{office} moved to report to another office and was released here: its "
                "packages are no longer taken. Nothing was imported; it sends them to its new "
                "office above."
            ).format(office=office_name),
        )
    if actual == "delegated":
        raise Refused(
            Reason.NOT_A_CHILD,
            _(
                "{office} reports to another office here, not directly to this office: its "
                "packages must come inside the package of the office it reports to."
            ).format(office=office_name),
        )
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
    chain: Sequence[dict[str, object]],
    relation: str,
) -> Signer | None:
    """Follow rotation certificates from a trusted key of ``office_code`` to ``key_id``."""
    trusted: dict[str, bytes] = {}
    successor: dict[str, str | None] = {}
    fingerprints: dict[str, str] = {}  # messages name keys by their digits, never by id
    rows = _current_keys(session, office_code) + _replaced_keys(session, office_code)
    for row in rows:
        trusted[row.key_id] = unb64(row.signing_public)
        successor[row.key_id] = row.replaced_by
        fingerprints[row.key_id] = row.fingerprint
    if not rows:
        return None
    # Who the office is here comes from its current key: a moved office's replaced key
    # was learnt through its old relay ("delegated"), its current one as a child.
    identity = next((row.card for row in rows if row.card), {})
    enrolled_as, name = rows[0].relation, rows[0].office_name
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
        if successor.get(card.certified_by or "") is not None:
            # One successor per key: a retired key certifies nothing more.
            raise retired_key(fingerprints[card.certified_by or ""], name)
        check_same_identity(identity, card)
        trusted[card.key_id] = card.signing_public
        successor[card.certified_by or ""] = card.key_id
        successor[card.key_id] = None
        fingerprints[card.key_id] = card.fingerprint
        new_cards.append(card)
    if key_id not in trusted or not new_cards:
        return None
    if successor.get(key_id) is not None:
        raise retired_key(fingerprints[key_id], name)
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
        session.add(key_row(card, relation=relation, actor=actor))
        audit(
            session,
            actor=actor,
            action="enrol",
            entity="unit_key",
            entity_id=card.key_id,
            changes={"office": card.office_code, "certified_by": card.certified_by},
        )


def verify_signature(public: bytes, signature: bytes, message: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True
