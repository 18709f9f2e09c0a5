"""The adversary with a USB stick, part 3: keys, delegations, replays and receipts.

Each attack is refused through the one import path with a Vietnamese message, and
the importing office's database is left byte for byte as it was.
"""

from __future__ import annotations

import base64
import shutil
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from dvdesk.paths import DataPaths
from dvdesk.services.approval import approve_records
from dvdesk.services.office import get_office
from dvdesk.services.records import update_record
from dvdesk.services.store import Store, open_store
from dvdesk.sync import keys
from dvdesk.sync.batch import FileStatus, import_batch
from dvdesk.sync.export import export_package
from dvdesk.sync.format import canonical_json
from dvdesk.sync.keycard import key_id_of, make_card, read_card_bytes
from dvdesk.sync.refusals import Reason, Refused
from dvdesk.sync.trust import enroll_card
from tests import sync_fixtures
from tests.sync_fixtures import PASSPHRASE, Exchange, Hierarchy
from tests.test_attack_sizes import assert_tells_what_to_do, batch_refused, genuine
from tests.test_attack_structure import (
    _card_bytes,
    _receipt_document,
    _sign_raw,
    _signed_receipt,
    no_change,
    refused_receipt,
)
from tests.test_sync_attacks import (
    manifest_of,
    read_members,
    replaced,
    resign,
    wire_records,
    with_records,
    write_members,
)

exchange_template = sync_fixtures.exchange_template
exchange = sync_fixtures.exchange
hierarchy_template = sync_fixtures.hierarchy_template
hierarchy = sync_fixtures.hierarchy


def _copy_office(store: Store, target: Path) -> Store:
    """What a thief copies from the office PC: the whole data folder, keys included."""
    shutil.copytree(store.paths.root, target)
    return open_store(DataPaths(target), actor="ke-trom")


def _title(store: Store, record_id: str) -> tuple[str, int]:
    connection = sqlite3.connect(store.paths.database)
    try:
        row = connection.execute(
            "SELECT title, revision FROM record WHERE id = ?", (record_id,)
        ).fetchone()
    finally:
        connection.close()
    return row[0], row[1]


# ---------------------------------------------------------------- retired and forged keys


def test_attack_a_thief_with_the_retired_key_is_refused_after_the_rotation(
    exchange: Exchange, tmp_path: Path
) -> None:
    exchange.import_(genuine(exchange, "Gói đầu"))
    thief = _copy_office(exchange.child, tmp_path / "ban-sao")
    try:
        keys.rotate_keys(exchange.child, passphrase=PASSPHRASE)
        exchange.import_(genuine(exchange, "Gói sau khi đổi khóa"))  # the parent learns K2
        out = tmp_path / "usb-trom"
        out.mkdir()
        exchange.add(thief, title="Hồ sơ giả bằng khóa cũ")
        export_package(thief, out=out, passphrase=PASSPHRASE)  # sequence 2: taken by K2
        exchange.add(thief, title="Hồ sơ giả thứ hai")
        third = export_package(thief, out=out, passphrase=PASSPHRASE).path  # sequence 3: free
    finally:
        thief.close()
    batch_refused(exchange.parent, third)


def test_attack_a_thief_with_a_key_the_parent_never_saw_is_refused_by_its_digits(
    exchange: Exchange, tmp_path: Path
) -> None:
    """The child changed its key twice (K1, K2, K3) while the parent knew only K1; a thief
    of K2 signs a package carrying the whole chain. K2 is retired by K3: refused, and the
    message names K2 by the digits read by phone, never by its internal id."""
    exchange.import_(genuine(exchange, "Gói đầu"))  # the parent knows K1 only
    keys.rotate_keys(exchange.child, passphrase=PASSPHRASE)
    thief = _copy_office(exchange.child, tmp_path / "ban-sao")  # holds K2
    try:
        stolen = keys.active_key(thief)
        keys.rotate_keys(exchange.child, passphrase=PASSPHRASE)  # K3
        exchange.add(thief, title="Hồ sơ giả bằng khóa K2")
        members = read_members(export_package(thief, out=tmp_path, passphrase=PASSPHRASE).path)
        manifest = manifest_of(members)
        manifest["signer_chain"] = list(keys.own_chain(exchange.child))  # K1 → K2 → K3
        forged = write_members(tmp_path / "forged.dvpkg", resign(thief, members, manifest))
    finally:
        thief.close()
    unchanged = no_change(exchange.parent)
    with pytest.raises(Refused) as refused:
        exchange.import_(forged)
    assert refused.value.reason is Reason.KEY_RETIRED
    message = refused.value.message
    assert keys.card_fingerprint(stolen) in message and stolen.key_id not in message
    assert_tells_what_to_do(message)
    unchanged()


def _rotation_card_self_certified(store: Store) -> tuple[Ed25519PrivateKey, dict[str, object]]:
    """A 'rotation' of ``store``'s office whose certificate is made by the new key itself."""
    new = Ed25519PrivateKey.generate()
    old = keys.active_key(store)
    office = dict(old.card["office"])  # type: ignore[call-overload]
    data = make_card(
        office=office,
        signing_key=new,
        signing_public=new.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw),
        encryption_public=X25519PrivateKey.generate()
        .public_key()
        .public_bytes(Encoding.Raw, PublicFormat.Raw),
        created_at="2026-11-29T09:00:00Z",
        certifier=(old.key_id, new),
    )
    return new, data


def test_attack_a_rotation_card_certified_only_by_the_new_key_is_refused(
    exchange: Exchange,
) -> None:
    _new, card = _rotation_card_self_certified(exchange.child)
    unchanged = no_change(exchange.parent)
    for confirm in (False, True):
        with pytest.raises(Refused) as refused:
            enroll_card(
                exchange.parent, card=read_card_bytes(canonical_json(card)), confirm=confirm
            )
        assert_tells_what_to_do(refused.value.message)
    unchanged()


def test_attack_a_package_carrying_a_rotation_signed_only_by_the_new_key_is_refused(
    exchange: Exchange,
) -> None:
    new, card = _rotation_card_self_certified(exchange.child)
    path = genuine(exchange)
    members = read_members(path)
    manifest = manifest_of(members)
    manifest["signer_key_id"] = key_id_of(base64.b64decode(str(card["signing_public"])))
    manifest["signer_chain"] = [keys.active_key(exchange.child).card, card]
    raw = canonical_json(manifest)
    members = replaced(replaced(members, "manifest.json", raw), "manifest.sig", new.sign(raw))
    batch_refused(exchange.parent, write_members(path.with_name("xoay-gia.dvpkg"), members))


# ---------------------------------------------------------------- offices not below us


def test_attack_a_grandchild_cannot_skip_its_relay(hierarchy: Hierarchy) -> None:
    """Once the centre knows the commune's key (delegated by the province), the commune
    re-signs a package for the centre itself, around the province."""
    h = hierarchy
    h.add(h.commune, title="Hồ sơ xã")
    h.send(h.commune, h.province)
    h.add(h.province, title="Hồ sơ tỉnh")
    h.send(h.province, h.centre)
    h.add(h.commune, title="Hồ sơ xã gửi thẳng lên Trung ương")
    path = h.export(h.commune).path
    members = read_members(path)
    manifest = manifest_of(members)
    manifest["destination"] = {
        "code": "99",
        "level": "central",
        "name": "Ban Tuyên giáo và Dân vận Trung ương",
    }
    forged = write_members(path.with_name("vuot-cap.dvpkg"), resign(h.commune, members, manifest))
    batch_refused(h.centre, forged)


def test_attack_a_commune_of_another_province_is_refused(hierarchy: Hierarchy) -> None:
    h = hierarchy
    h.add(h.other_commune, title="Hồ sơ xã tỉnh khác")
    path = h.export(h.other_commune).path
    batch_refused(h.province, path)
    members = read_members(path)
    manifest = manifest_of(members)
    manifest["destination"] = {
        "code": "01",
        "level": "province",
        "name": "Ban Tuyên giáo và Dân vận Thành ủy Hà Nội",
    }
    redirected = write_members(
        path.with_name("doi-noi-nhan.dvpkg"), resign(h.other_commune, members, manifest)
    )
    batch_refused(h.province, redirected)


# ---------------------------------------------------------------- delegations


def _relay_package(h: Hierarchy) -> Path:
    h.add(h.commune, title="Hồ sơ xã")
    h.send(h.commune, h.province)
    h.add(h.province, title="Hồ sơ tỉnh")
    return h.export(h.province).path


def _delegation(card: dict[str, object], office: dict[str, object]) -> dict[str, object]:
    return {
        "code": office["code"],
        "enrolment": 0,
        "keys": [{"card": card, "last_sequence": None, "revoked": False}],
        "level": office["level"],
        "name": office["name"],
        "parent_code": office["parent_code"],
    }


def _with_delegations(h: Hierarchy, path: Path, extra: list[dict[str, object]], name: str) -> Path:
    members = read_members(path)
    manifest = manifest_of(members)
    manifest["delegations"] = sorted(
        [*manifest["delegations"], *extra], key=lambda d: str(d["code"])
    )
    return write_members(path.with_name(name), resign(h.province, members, manifest))


def _office(code: str, parent: str, level: str = "commune") -> dict[str, object]:
    return {
        "code": code,
        "level": level,
        "name": f"Ban Xây dựng Đảng Đảng ủy xã Thử {code}",
        "parent_code": parent,
    }


@pytest.mark.parametrize(
    "office",
    [
        {
            "code": "01",
            "level": "province",
            "name": "Ban Tuyên giáo và Dân vận Thành ủy Hà Nội",
            "parent_code": "99",
        },
        {
            "code": "99",
            "level": "central",
            "name": "Ban Tuyên giáo và Dân vận Trung ương",
            "parent_code": None,
        },
        {
            "code": "11311",
            "level": "commune",
            "name": "Ban Xây dựng Đảng Đảng ủy xã Thủy Nguyên",
            "parent_code": "31",
        },
    ],
    ids=["the relay itself", "the importing office", "a sibling province's commune"],
)
def test_attack_a_relay_cannot_delegate_a_key_for_an_office_not_below_it(
    hierarchy: Hierarchy, office: dict[str, object]
) -> None:
    card, _raw = _card_bytes(office)
    forged = _with_delegations(
        hierarchy, _relay_package(hierarchy), [_delegation(card, office)], "uy-quyen.dvpkg"
    )
    batch_refused(hierarchy.centre, forged)


def test_attack_a_delegation_loop_is_refused(hierarchy: Hierarchy) -> None:
    """A delegates to B delegates to A: two offices each naming the other as parent."""
    first, second = _office("10190", "10191"), _office("10191", "10190")
    cards = [_card_bytes(first)[0], _card_bytes(second)[0]]
    forged = _with_delegations(
        hierarchy,
        _relay_package(hierarchy),
        [_delegation(cards[0], first), _delegation(cards[1], second)],
        "vong-lap.dvpkg",
    )
    batch_refused(hierarchy.centre, forged)


def test_attack_a_delegation_chain_10000_deep_is_refused_quickly(hierarchy: Hierarchy) -> None:
    chain = [
        _office(f"2{index:04d}", "01" if index == 0 else f"2{index - 1:04d}")
        for index in range(10_000)
    ]
    delegations = [_delegation(_card_bytes(office)[0], office) for office in chain]
    forged = _with_delegations(hierarchy, _relay_package(hierarchy), delegations, "sau.dvpkg")
    started = time.monotonic()
    batch_refused(hierarchy.centre, forged)
    assert time.monotonic() - started < 30


# ---------------------------------------------------------------- replays and rollbacks


def test_attack_a_package_re_sent_with_a_bumped_sequence_is_refused(exchange: Exchange) -> None:
    path = genuine(exchange)
    exchange.import_(path)
    members = read_members(path)
    raw = dict(members)["manifest.json"]
    bumped = raw.replace(b'"sequence":1,', b'"sequence":2,')
    assert bumped != raw
    # Without the key: the signature no longer covers the manifest.
    batch_refused(
        exchange.parent,
        write_members(path.with_name("tang-so.dvpkg"), replaced(members, "manifest.json", bumped)),
    )
    # With the key but without linking to package 1: the chain is broken.
    manifest = manifest_of(members) | {"sequence": 2, "covers_from": 2}
    batch_refused(
        exchange.parent,
        write_members(
            path.with_name("tang-so-ky.dvpkg"), resign(exchange.child, members, manifest)
        ),
    )


def test_attack_a_rolled_back_record_revision_never_overwrites_the_newer(
    exchange: Exchange,
) -> None:
    record_id = exchange.add(title="Lần đầu")
    first = exchange.export().path
    exchange.import_(first)
    old = wire_records(read_members(first))
    update_record(exchange.child, record_id=record_id, changes={"title": "Lần sửa thứ hai"})
    approve_records(exchange.child, record_ids=[record_id])
    exchange.import_(exchange.export().path)
    assert _title(exchange.parent, record_id) == ("Lần sửa thứ hai", 2)
    exchange.add(title="Hồ sơ khác")
    third = read_members(exchange.export().path)
    rolled = [r for r in wire_records(third) if r["id"] != record_id] + old
    path = write_members(
        exchange.stick / "lui-phien-ban.dvpkg", with_records(exchange.child, third, rolled)
    )
    result = import_batch(exchange.parent, paths=[path], ask_passphrase=lambda _r: PASSPHRASE)
    if result.files[0].status is FileStatus.REFUSED:
        error = result.files[0].error
        assert error is not None
        assert_tells_what_to_do(error.message)
    assert _title(exchange.parent, record_id) == ("Lần sửa thứ hai", 2)


# ---------------------------------------------------------------- receipts


def test_attack_a_receipt_for_a_package_never_sent_is_refused(
    exchange: Exchange, tmp_path: Path
) -> None:
    """Signed with the parent's real key, it acknowledges package 5 of the child's 1."""
    body: dict[str, Any] = _receipt_document(exchange)
    body["acknowledged_sequence"] = 5
    body["package_hash"] = "ab" * 32
    body["received"] = [dict(body["received"][0], sequence=5, package_hash="ab" * 32)]
    raw = canonical_json(body)
    refused_receipt(exchange, _signed_receipt(exchange, tmp_path / "bn-gia.dvrcpt", raw))


def test_attack_a_receipt_signed_by_another_office_is_refused(
    exchange: Exchange, tmp_path: Path
) -> None:
    body: dict[str, Any] = _receipt_document(exchange)
    raw = canonical_json(body)
    signature = base64.b64encode(_sign_raw(exchange.sibling, raw))
    path = tmp_path / "bn-xa-ben.dvrcpt"
    path.write_bytes(b'{"receipt":' + raw + b',"signature":"' + signature + b'"}')
    refused_receipt(exchange, path)
    code = get_office(exchange.sibling).code
    assert code != "01"
