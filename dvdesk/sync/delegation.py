"""Delegations: a relaying office vouches for its subordinate offices' keys.

As TUF's delegated targets roles: the level above trusts only the keys it enrolled
itself (its direct children); a child that relays vouches, inside its signed manifest,
for each of its own children's keys. The level above pins what it learns: the office
stays under the relay that first vouched for it (another relay cannot claim it), a new
key must be certified by the current one (a rotation) unless the relay re-enrolled the
office explicitly (its ``enrolment`` count goes up), a replaced key signs nothing after
its last sequence, and a revoked key never comes back.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlmodel import Session, col, func, select

from dvdesk.clock import now_iso
from dvdesk.db.schema import PackageIn, UnitKey
from dvdesk.i18n import _
from dvdesk.services.audit import audit
from dvdesk.sync.format import DelegatedKey, Delegation
from dvdesk.sync.keycard import Card, card_office, parse_card
from dvdesk.sync.refusals import Reason, Refused
from dvdesk.sync.trust import (
    check_office_code,
    identity_of,
    key_row,
    reset_sequences,
    retired_key,
    revoke_key,
)


@dataclass(frozen=True)
class DelegatedKeyState:
    """A key of a delegated office as it stands once the delegation is taken."""

    card: Card
    last_sequence: int | None
    revoked: bool
    successor: str | None


@dataclass
class DelegationPlan:
    """What taking one delegation means here: the keys to trust, and what to store."""

    relay: str
    delegation: Delegation
    keys: dict[str, DelegatedKeyState] = field(default_factory=dict)
    reenrolled: bool = False  # the relay re-enrolled the office: its sequences start again
    changed: bool = False


def _refuse_identity(code: str, relay: str) -> Refused:
    return Refused(
        Reason.IDENTITY_CHANGED,
        _(
            "Office {relay} vouches for office {code} with another name, level or parent than "
            "the office's own key card, or than what it said before. Nothing was imported; "
            "call office {relay}."
        ).format(code=code, relay=relay),
    )


def _not_certified(code: str, relay: str) -> Refused:
    return Refused(
        Reason.KEY_NOT_CERTIFIED,
        _(
            "Office {relay} vouches for a new key of office {code} that the key known here did "
            "not certify, and it did not re-enrol the office. A relay may not change its "
            "offices' keys on its own: nothing was imported. Call office {relay}."
        ).format(code=code, relay=relay),
    )


def _cards(delegation: Delegation, relay: str) -> list[Card]:
    cards = []
    for key in delegation.keys:
        try:
            card = parse_card(key.card)
        except Refused:
            raise _refuse_identity(delegation.code, relay) from None
        wanted = (delegation.code, delegation.name, delegation.level, delegation.parent_code)
        if identity_of(card.data) != wanted:
            raise _refuse_identity(delegation.code, relay)
        cards.append(card)
    if len({card.key_id for card in cards}) != len(cards):
        raise _refuse_identity(delegation.code, relay)
    return cards


def plan_delegation(
    session: Session, *, relay: str, own_code: str, delegation: Delegation
) -> DelegationPlan:
    """Check one delegation from ``relay`` against what this office pinned; write nothing."""
    code = delegation.code
    check_office_code(code, delegation.level)
    if delegation.parent_code != relay or code in (own_code, relay):
        raise _refuse_identity(code, relay)
    stored = list(session.exec(select(UnitKey).where(UnitKey.office_code == code)))
    if any(row.relation != "delegated" for row in stored):
        raise Refused(
            Reason.NOT_DELEGATED,
            _(
                "Office {relay} vouches for office {code}, which reports directly to this "
                "office. Its packages must come directly, not through {relay}: nothing was "
                "imported."
            ).format(code=code, relay=relay),
        )
    owner = next((row.parent_code for row in stored), relay)
    if owner != relay:
        raise Refused(
            Reason.DELEGATION_CONFLICT,
            _(
                "Office {relay} claims office {code}, which reports here through office {owner}. "
                "A relay may only vouch for its own subordinate offices: nothing was imported. "
                "Call offices {relay} and {owner}."
            ).format(code=code, relay=relay, owner=owner),
        )
    cards = _cards(delegation, relay)
    plan = DelegationPlan(relay=relay, delegation=delegation)
    known = {row.key_id: row for row in stored}
    enrolment = max((row.enrolment for row in stored), default=-1)
    if delegation.enrolment < enrolment:
        raise _not_certified(code, relay)
    fresh = not stored or delegation.enrolment > enrolment
    if stored and not fresh and identity_of(cards[-1].data) != identity_of(stored[-1].card):
        raise _refuse_identity(code, relay)
    plan.reenrolled = bool(stored) and fresh
    for index, (card, key) in enumerate(zip(cards, delegation.keys, strict=True)):
        previous = cards[index - 1] if index else None
        row = None if fresh else known.get(card.key_id)
        if row is not None:
            plan.keys[card.key_id] = _merge(row, card, key)
            continue
        if card.key_id in known:  # a revoked or older key vouched for as new
            raise _not_certified(code, relay)
        if previous is not None:
            if card.certified_by != previous.key_id or not card.verify_certificate(
                previous.signing_public
            ):
                raise _not_certified(code, relay)
            earlier = plan.keys[previous.key_id]
            if earlier.successor not in (None, card.key_id):
                raise _second_successor(previous)
        elif not fresh:
            raise _not_certified(code, relay)
        plan.changed = True
        plan.keys[card.key_id] = DelegatedKeyState(card, key.last_sequence, key.revoked, None)
    _link_successors(plan, cards)
    return plan


def _second_successor(card: Card) -> Refused:
    """A key replaced twice (or replaced without saying until when it signed)."""
    return retired_key(card.fingerprint, card.office_name)


def _merge(row: UnitKey, card: Card, key: DelegatedKey) -> DelegatedKeyState:
    """A key known here: a relay may retire or revoke it, never bring it back."""
    last = row.last_sequence
    if last is not None and key.last_sequence != last:
        raise retired_key(row.fingerprint, row.office_name)
    return DelegatedKeyState(
        card=card,
        last_sequence=key.last_sequence if last is None else last,
        revoked=row.revoked or key.revoked,
        successor=row.replaced_by,
    )


def _link_successors(plan: DelegationPlan, cards: Sequence[Card]) -> None:
    for previous, card in itertools.pairwise(cards):
        state = plan.keys[previous.key_id]
        if state.successor is None:
            plan.keys[previous.key_id] = DelegatedKeyState(
                state.card, state.last_sequence, state.revoked, card.key_id
            )
        if state.last_sequence is None:  # a replaced key must say until when it signed
            raise _second_successor(previous)


def apply_delegation(session: Session, plan: DelegationPlan, *, actor: str) -> None:
    """Store what a checked delegation taught (inside the import's transaction)."""
    code = plan.delegation.code
    stamp = now_iso()
    if plan.reenrolled:
        for row in session.exec(select(UnitKey).where(UnitKey.office_code == code)):
            if row.key_id not in plan.keys and not row.revoked:
                revoke_key(row, at=stamp, by=actor)
                session.add(row)
        dropped = reset_sequences(session, office_code=code)
        audit(
            session,
            actor=actor,
            action="reenrol",
            entity="unit_key",
            entity_id=code,
            changes={"relay": plan.relay, "packages_forgotten": dropped},
            at=stamp,
        )
    for key_id, state in plan.keys.items():
        found = session.get(UnitKey, key_id)
        if found is None:
            # _cards checked that the card names the delegation's code, name and level.
            found = key_row(
                state.card, relation="delegated", actor=actor, at=stamp, parent_code=plan.relay
            )
            audit(
                session,
                actor=actor,
                action="enrol",
                entity="unit_key",
                entity_id=key_id,
                changes={"office": code, "delegated_by": plan.relay},
                at=stamp,
            )
        found.enrolment = plan.delegation.enrolment
        found.last_sequence = state.last_sequence
        found.replaced_by = state.successor
        if state.revoked:
            revoke_key(found, at=stamp, by=plan.relay)
        session.add(found)


def delegated_signer(
    plan: DelegationPlan, *, key_id: str, sequence: int, office_name: str
) -> bytes:
    """The public key that may sign package ``sequence`` of the delegated office."""
    state = plan.keys.get(key_id)
    if state is None:
        raise Refused(
            Reason.UNKNOWN_KEY,
            _(
                "The package of {office} carried inside the package from {relay} is signed with "
                "a key {relay} does not vouch for. Nothing was imported; call office {relay}."
            ).format(office=office_name, relay=plan.relay),
        )
    if state.revoked:
        raise Refused(
            Reason.REVOKED_KEY,
            _(
                "The package of {office} carried inside the package from {relay} is signed with "
                "the revoked key {key}. Nothing was imported; call office {relay}."
            ).format(office=office_name, relay=plan.relay, key=state.card.fingerprint),
        )
    if state.last_sequence is not None and sequence > state.last_sequence:
        raise retired_key(state.card.fingerprint, office_name)
    return state.card.signing_public


# ---------------------------------------------------------------- the relay writes


def delegation_for(session: Session, *, own_code: str, child: str) -> Delegation | None:
    """This office's delegation for its direct child ``child`` (its current enrolment)."""
    rows = list(
        session.exec(
            select(UnitKey).where(UnitKey.office_code == child, UnitKey.relation == "child")
        )
    )
    if not rows:
        return None
    enrolment = max(row.enrolment for row in rows)
    rows = [row for row in rows if row.enrolment == enrolment]
    ordered = _rotation_order(rows)
    last_signed = dict(
        session.exec(
            select(PackageIn.signer_key_id, func.max(PackageIn.sequence))
            .where(PackageIn.origin == child, col(PackageIn.relay).is_(None))
            .group_by(col(PackageIn.signer_key_id))
        ).all()
    )
    office = card_office(ordered[-1].card)
    if office.get("parent_code") != own_code:
        # Enrolled with --confirm though its card names another parent: this office cannot
        # vouch for it upward (the level above would see the card contradict the delegation).
        return None
    return Delegation(
        code=child,
        name=str(office.get("name", ordered[-1].office_name)),
        level=str(office.get("level", ordered[-1].office_level)),
        parent_code=own_code,
        enrolment=enrolment,
        keys=tuple(
            DelegatedKey(
                card=row.card,
                last_sequence=int(last_signed.get(row.key_id) or 0)
                if row.replaced_by is not None
                else None,
                revoked=row.revoked,
            )
            for row in ordered
        ),
    )


def _rotation_order(rows: list[UnitKey]) -> list[UnitKey]:
    by_id = {row.key_id: row for row in rows}
    successors = {row.replaced_by for row in rows if row.replaced_by}
    firsts = [row for row in rows if row.key_id not in successors] or rows[:1]
    ordered: list[UnitKey] = []
    current: UnitKey | None = firsts[0]
    while current is not None and current not in ordered:
        ordered.append(current)
        current = by_id.get(current.replaced_by or "")
    return ordered
