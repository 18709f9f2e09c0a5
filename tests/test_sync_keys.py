"""Office keys and key cards: made once, protected by the passphrase, checked on enrolment."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dvdesk.errors import Conflict, NotFound, UserError, ValidationFailed
from dvdesk.services.store import Store
from dvdesk.sync import keys
from dvdesk.sync.keycard import card_file_bytes, fingerprint, parse_card, read_card_bytes
from dvdesk.sync.refusals import Reason, Refused
from dvdesk.sync.trust import enroll_card, enrolled_keys, revoke
from tests import sync_fixtures
from tests.sync_fixtures import PASSPHRASE, Exchange

exchange_template = sync_fixtures.exchange_template
exchange = sync_fixtures.exchange


def test_private_keys_are_encrypted_with_the_passphrase(exchange: Exchange) -> None:
    own = keys.active_key(exchange.child)
    signing = keys.load_signing_key(exchange.child, key_id=own.key_id, passphrase=PASSPHRASE)
    (key_file,) = exchange.child.paths.keys.glob("*.key")
    stored = key_file.read_bytes()
    assert signing.private_bytes_raw() not in stored
    assert json.loads(stored)["kdf"]["name"] == "scrypt"
    with pytest.raises(UserError, match="không đúng"):
        keys.load_signing_key(exchange.child, key_id=own.key_id, passphrase="đoán bừa mật khẩu")


def test_a_short_passphrase_and_a_second_key_are_refused(store: Store) -> None:
    with pytest.raises(ValidationFailed):
        keys.create_keys(store, passphrase="ngắn")
    keys.create_keys(store, passphrase=PASSPHRASE)
    with pytest.raises(Conflict):
        keys.create_keys(store, passphrase=PASSPHRASE)


def test_no_key_yet_says_what_to_do(store: Store) -> None:
    with pytest.raises(NotFound, match="keys init"):
        keys.active_key(store)


def test_card_round_trip_and_fingerprint(exchange: Exchange) -> None:
    own = keys.active_key(exchange.child)
    card = read_card_bytes(card_file_bytes(own.card))
    assert card.office_code == "10105"
    assert card.fingerprint == fingerprint(card.signing_public, card.encryption_public)
    groups = card.fingerprint.split()
    assert len(groups) == 6 and all(len(g) == 5 and g.isdigit() for g in groups)


@pytest.mark.parametrize(
    "change",
    [
        ("office", {"code": "10106", "name": "x", "level": "commune", "parent_code": "01"}),
        ("encryption_public", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="),
        ("key_id", "0000000000000000"),
        ("self_signature", "AAAA"),
    ],
)
def test_a_changed_card_is_refused(exchange: Exchange, change: tuple[str, object]) -> None:
    data = dict(keys.active_key(exchange.child).card)
    data[change[0]] = change[1]
    with pytest.raises(Refused) as refused:
        parse_card(data)
    assert refused.value.reason is Reason.BAD_CARD


def test_not_a_card(tmp_path: Path) -> None:
    with pytest.raises(Refused) as refused:
        read_card_bytes(b"\x89PNG not json")
    assert refused.value.reason is Reason.BAD_CARD


def test_own_card_cannot_be_enrolled(exchange: Exchange) -> None:
    with pytest.raises(Conflict):
        enroll_card(exchange.child, card=parse_card(keys.active_key(exchange.child).card))


def test_enrolling_the_same_card_again_changes_nothing(exchange: Exchange) -> None:
    before = enrolled_keys(exchange.parent)
    enroll_card(exchange.parent, card=parse_card(keys.active_key(exchange.child).card))
    assert enrolled_keys(exchange.parent) == before


def test_a_revoked_card_cannot_come_back(exchange: Exchange) -> None:
    card = parse_card(keys.active_key(exchange.child).card)
    assert [k.key_id for k in revoke(exchange.parent, target=card.key_id)] == [card.key_id]
    with pytest.raises(Refused) as refused:
        enroll_card(exchange.parent, card=card)
    assert refused.value.reason is Reason.REVOKED_KEY
    with pytest.raises(NotFound):
        revoke(exchange.parent, target=card.key_id)


def test_rotation_makes_a_certified_new_key(exchange: Exchange) -> None:
    old = keys.active_key(exchange.child)
    new = keys.rotate_keys(exchange.child, passphrase=PASSPHRASE)
    assert new.key_id != old.key_id and new.certified_by == old.key_id
    card = parse_card(keys.active_key(exchange.child).card)
    assert card.verify_certificate(parse_card(old.card).signing_public)
    assert [k.active for k in keys.own_keys(exchange.child)] == [False, True]
    with pytest.raises(UserError):
        keys.rotate_keys(exchange.child, passphrase="sai mật khẩu rồi")
