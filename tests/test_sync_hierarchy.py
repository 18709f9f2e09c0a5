"""Three levels: commune → province → centre, and a sibling province with its own commune.

A province relays its communes' packages verbatim inside its own, and vouches for
their keys by delegations (as TUF's delegated targets roles). The centre checks
every record against its owner's key. These tests are the attacks a province could
make on the records of its communes and of the sibling province's communes.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from dvdesk.services.approval import approve_records
from dvdesk.services.records import get_record, update_record
from dvdesk.services.store import Store
from dvdesk.sync import keys, status
from dvdesk.sync.apply import import_package
from dvdesk.sync.format import FORMAT_VERSION, b64, canonical_json, sha256_hex
from dvdesk.sync.keycard import card_office, key_id_of, make_card, parse_card
from dvdesk.sync.receipt import import_receipt, returned_records, write_receipt
from dvdesk.sync.refusals import Reason, Refused
from dvdesk.sync.trust import reenrol_office, revoke
from tests import sync_fixtures
from tests.conftest import database_digest
from tests.samples import OFFICE
from tests.sync_fixtures import PASSPHRASE, Hierarchy, refused_unchanged
from tests.test_sync_attacks import (
    manifest_of,
    read_members,
    records_member,
    replaced,
    resign,
    wire_records,
    write_members,
)

hierarchy_template = sync_fixtures.hierarchy_template
hierarchy = sync_fixtures.hierarchy

COMMUNE = "10105"
OTHER_COMMUNE = "11311"


def _relay(h: Hierarchy, title: str = "Kiểm tra của xã") -> Path:
    """A genuine province package carrying one genuine commune package."""
    h.add(h.commune, title=title)
    h.send(h.commune, h.province)
    return h.export(h.province).path


def _refused(store: Store, path: Path, reason: Reason) -> Refused:
    return refused_unchanged(
        store, reason, lambda: import_package(store, path=path, passphrase=PASSPHRASE)
    )


def _relayed_name(members: list[tuple[str, bytes]]) -> str:
    return next(name for name, _data in members if name.startswith("relayed/"))


def _with_relayed(
    relay: Store, members: list[tuple[str, bytes]], name: str, data: bytes
) -> list[tuple[str, bytes]]:
    """Put other bytes in place of a nested package, fix the outer hashes, sign as ``relay``."""
    manifest = manifest_of(members)
    for entry in manifest["relayed"]:
        if entry["name"] == name:
            entry.update(size=len(data), sha256=sha256_hex(data))
    return resign(relay, replaced(members, name, data), manifest)


def _nested(tmp: Path, members: list[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    path = tmp / "nested.dvpkg"
    path.write_bytes(dict(members)[_relayed_name(members)])
    return read_members(path)


# ---------------------------------------------------------------- provenance


def test_relayed_records_reach_the_top_with_their_owners_proof(hierarchy: Hierarchy) -> None:
    record = hierarchy.add(hierarchy.commune, title="Kiểm tra của xã Bát Tràng")
    hierarchy.send(hierarchy.commune, hierarchy.province)
    hierarchy.add(hierarchy.province, title="Giám sát của tỉnh")
    package = hierarchy.export(hierarchy.province)
    members = read_members(package.path)
    manifest = manifest_of(members)
    assert manifest["format_version"] == FORMAT_VERSION == 2
    assert [entry["origin"] for entry in manifest["relayed"]] == [COMMUNE]
    assert [d["code"] for d in manifest["delegations"]] == [COMMUNE]
    assert {r["office_code"] for r in wire_records(members)} == {"01"}  # only its own
    summary = hierarchy.import_(hierarchy.centre, package.path)
    assert summary.new == 2
    assert {line.office_code for line in summary.records} == {"01", COMMUNE}
    assert [(r.origin, r.sequence, r.missing) for r in summary.relayed] == [(COMMUNE, 1, ())]
    assert get_record(hierarchy.centre, record_id=record).office_code == COMMUNE
    units = {unit.office_code: unit for unit in status.unit_statuses(hierarchy.centre)}
    assert units[COMMUNE].relation == "delegated" and units[COMMUNE].last_sequence == 1


def test_a_relay_cannot_alter_a_childs_record(hierarchy: Hierarchy, tmp_path: Path) -> None:
    members = read_members(_relay(hierarchy))
    nested = _nested(tmp_path, members)
    name = records_member(nested)
    data = dict(nested)[name].replace("Kiểm tra của xã".encode(), "Kiểm tra của tỉnh".encode())
    forged = write_members(tmp_path / "altered.dvpkg", replaced(nested, name, data))
    outer = _with_relayed(hierarchy.province, members, _relayed_name(members), forged.read_bytes())
    path = write_members(tmp_path / "relay-altered.dvpkg", outer)
    _refused(hierarchy.centre, path, Reason.RELAY_TAMPERED)


def test_a_relay_cannot_delete_a_childs_record(hierarchy: Hierarchy, tmp_path: Path) -> None:
    hierarchy.add(hierarchy.commune, title="Hồ sơ thứ hai")
    members = read_members(_relay(hierarchy))
    nested = _nested(tmp_path, members)
    name = records_member(nested)
    kept = wire_records(nested)[:1]
    payload = json.dumps(kept, ensure_ascii=False).encode()
    nested_manifest = manifest_of(nested)
    for entry in nested_manifest["files"]:
        if entry["name"] == name:
            entry.update(size=len(payload), sha256=sha256_hex(payload), records=1)
    nested = replaced(
        replaced(nested, name, payload), "manifest.json", canonical_json(nested_manifest)
    )
    forged = write_members(tmp_path / "deleted.dvpkg", nested)
    outer = _with_relayed(hierarchy.province, members, _relayed_name(members), forged.read_bytes())
    path = write_members(tmp_path / "relay-deleted.dvpkg", outer)
    _refused(hierarchy.centre, path, Reason.RELAY_TAMPERED)


def test_a_relay_cannot_plant_a_childs_record_among_its_own(
    hierarchy: Hierarchy, tmp_path: Path
) -> None:
    hierarchy.add(hierarchy.province, title="Giám sát của tỉnh")
    members = read_members(hierarchy.export(hierarchy.province).path)
    records = wire_records(members)
    planted = dict(records[0]) | {"office_code": COMMUNE, "title": "Hồ sơ giả của xã"}
    planted["id"] = "0" * 8 + planted["id"][8:]
    name = records_member(members)
    payload = json.dumps([*records, planted], ensure_ascii=False).encode()
    manifest = manifest_of(members)
    for entry in manifest["files"]:
        if entry["name"] == name:
            entry.update(size=len(payload), sha256=sha256_hex(payload), records=2)
    manifest["counts"]["record"] = 2
    manifest["offices"] = {"01": 1, COMMUNE: 1}
    outer = resign(hierarchy.province, replaced(members, name, payload), manifest)
    path = write_members(tmp_path / "planted.dvpkg", outer)
    _refused(hierarchy.centre, path, Reason.PLANTED_RECORD)


def test_a_relay_cannot_forward_a_sibling_provinces_package(
    hierarchy: Hierarchy, tmp_path: Path
) -> None:
    """The province nests the sibling province's genuine package (copied from a stick)."""
    members = read_members(_relay(hierarchy))
    hierarchy.add(hierarchy.other_province, title="Của Hải Phòng")
    sibling = hierarchy.export(hierarchy.other_province).path.read_bytes()
    name = _relayed_name(members)
    manifest = manifest_of(members)
    sibling_manifest = dict(read_members(hierarchy.stick / "dvdesk-31-00-000001.dvpkg"))
    for entry in manifest["relayed"]:
        entry.update(
            origin="31",
            package_hash=sha256_hex(sibling_manifest["manifest.json"]),
            size=len(sibling),
            sha256=sha256_hex(sibling),
        )
    outer = resign(hierarchy.province, replaced(members, name, sibling), manifest)
    path = write_members(tmp_path / "sibling.dvpkg", outer)
    _refused(hierarchy.centre, path, Reason.NOT_DELEGATED)


def _province_card_for(relay: Store, code: str, name: str, parent: str) -> dict[str, Any]:
    """A key card the relay made up for an office, with a key it holds itself."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    signing = Ed25519PrivateKey.generate()
    return make_card(
        office={"code": code, "name": name, "level": "commune", "parent_code": parent},
        signing_key=signing,
        signing_public=signing.public_key().public_bytes_raw(),
        encryption_public=X25519PrivateKey.generate().public_key().public_bytes_raw(),
        created_at="2026-11-29T08:00:00",
    )


def test_a_relay_cannot_claim_a_sibling_provinces_commune(
    hierarchy: Hierarchy, tmp_path: Path
) -> None:
    """The centre learnt 11311 through province 31; province 01 delegates it to itself."""
    hierarchy.add(hierarchy.other_commune, title="Của xã Thủy Nguyên")
    hierarchy.send(hierarchy.other_commune, hierarchy.other_province)
    hierarchy.send(hierarchy.other_province, hierarchy.centre)
    members = read_members(_relay(hierarchy))
    manifest = manifest_of(members)
    card = _province_card_for(hierarchy.province, OTHER_COMMUNE, "Xã Thủy Nguyên", "01")
    manifest["delegations"].append(
        {
            "code": OTHER_COMMUNE,
            "name": "Xã Thủy Nguyên",
            "level": "commune",
            "parent_code": "01",
            "enrolment": 0,
            "keys": [{"card": card, "last_sequence": None, "revoked": False}],
        }
    )
    path = write_members(tmp_path / "claim.dvpkg", resign(hierarchy.province, members, manifest))
    _refused(hierarchy.centre, path, Reason.DELEGATION_CONFLICT)


def test_a_relay_cannot_swap_a_childs_key(hierarchy: Hierarchy, tmp_path: Path) -> None:
    """After the centre learnt the commune's key, the province vouches for a key of its own."""
    hierarchy.import_(hierarchy.centre, _relay(hierarchy))
    hierarchy.acknowledge(hierarchy.centre, hierarchy.province)
    members = read_members(_relay(hierarchy, title="Lần hai"))
    manifest = manifest_of(members)
    delegation = manifest["delegations"][0]
    card = _province_card_for(hierarchy.province, COMMUNE, delegation["name"], "01")
    delegation["keys"] = [{"card": card, "last_sequence": None, "revoked": False}]
    path = write_members(tmp_path / "swap.dvpkg", resign(hierarchy.province, members, manifest))
    _refused(hierarchy.centre, path, Reason.KEY_NOT_CERTIFIED)


def test_a_relay_cannot_change_a_childs_identity(hierarchy: Hierarchy, tmp_path: Path) -> None:
    members = read_members(_relay(hierarchy))
    manifest = manifest_of(members)
    manifest["delegations"][0]["name"] = "Ban Tuyên giáo và Dân vận Tỉnh ủy"
    path = write_members(tmp_path / "identity.dvpkg", resign(hierarchy.province, members, manifest))
    _refused(hierarchy.centre, path, Reason.IDENTITY_CHANGED)


def test_a_withheld_package_shows_as_a_named_gap(hierarchy: Hierarchy, tmp_path: Path) -> None:
    """The province imports commune packages 1 and 2 but forwards only 2."""
    hierarchy.add(hierarchy.commune, title="Gói một")
    hierarchy.send(hierarchy.commune, hierarchy.province)
    hierarchy.acknowledge(hierarchy.province, hierarchy.commune)
    hierarchy.add(hierarchy.commune, title="Gói hai")
    hierarchy.send(hierarchy.commune, hierarchy.province)
    members = read_members(hierarchy.export(hierarchy.province).path)
    manifest = manifest_of(members)
    assert [entry["sequence"] for entry in manifest["relayed"]] == [1, 2]
    first = manifest["relayed"][0]["name"]
    manifest["relayed"] = manifest["relayed"][1:]
    members = resign(hierarchy.province, [(n, d) for n, d in members if n != first], manifest)
    path = write_members(tmp_path / "withheld.dvpkg", members)
    summary = hierarchy.import_(hierarchy.centre, path)
    assert [(r.origin, r.missing) for r in summary.relayed] == [(COMMUNE, (1,))]
    assert [line.title for line in summary.records] == ["Gói hai"]
    units = {unit.office_code: unit for unit in status.unit_statuses(hierarchy.centre)}
    assert units[COMMUNE].missing == (1,)
    from datetime import date

    late = status.not_reported(hierarchy.centre, start=date(2000, 1, 1), end=date(2100, 1, 1))
    assert COMMUNE in {unit.office_code for unit in late}


# ---------------------------------------------------------------- key lifecycle, two levels


def test_a_rotation_retires_the_old_key_at_both_levels(
    hierarchy: Hierarchy, tmp_path: Path
) -> None:
    hierarchy.import_(hierarchy.centre, _relay(hierarchy))
    hierarchy.acknowledge(hierarchy.centre, hierarchy.province)
    hierarchy.acknowledge(hierarchy.province, hierarchy.commune)
    old = keys.active_key(hierarchy.commune)
    old_signing = keys.load_signing_key(hierarchy.commune, key_id=old.key_id, passphrase=PASSPHRASE)
    keys.rotate_keys(hierarchy.commune, passphrase=PASSPHRASE)
    assert not (hierarchy.commune.paths.keys / f"{old.key_id}.key").exists()  # destroyed
    package = _relay(hierarchy, title="Sau khi thay khoá")  # the province learns the new key
    summary = hierarchy.import_(hierarchy.centre, package)  # and so does the centre
    assert summary.new == 1
    # A thief of the old key signs a commune package 3: refused at the province …
    hierarchy.add(hierarchy.commune, title="Gói của kẻ trộm")
    members = read_members(hierarchy.export(hierarchy.commune).path)
    manifest = manifest_of(members)
    manifest["signer_key_id"], manifest["signer_chain"] = old.key_id, []
    raw = canonical_json(manifest)
    members = replaced(
        replaced(members, "manifest.json", raw), "manifest.sig", old_signing.sign(raw)
    )
    stolen = write_members(tmp_path / "stolen.dvpkg", members)
    refusal = _refused(hierarchy.province, stolen, Reason.KEY_RETIRED)
    assert "khoá đã thay" in refusal.message
    # … and at the centre, however the relay forwards it: as it is, vouching for the old key
    # again (no last package), or calling the old key revoked. Each message names the old
    # key by the digits read by phone, never by its internal id.
    old_digits = keys.card_fingerprint(old)
    outer_package = _relay(hierarchy, title="Gói bốn")
    for name, change, reason in (
        ("as-is", lambda _key: None, Reason.KEY_RETIRED),
        ("vouched", lambda key: key.update(last_sequence=None), Reason.KEY_RETIRED),
        ("revoked", lambda key: key.update(revoked=True), Reason.REVOKED_KEY),
    ):
        outer = read_members(outer_package)
        outer_manifest = manifest_of(outer)
        change(outer_manifest["delegations"][0]["keys"][0])  # the old key comes first
        outer = resign(hierarchy.province, outer, outer_manifest)
        outer = _with_relayed(hierarchy.province, outer, _relayed_name(outer), stolen.read_bytes())
        outer_manifest = manifest_of(outer)
        outer_manifest["relayed"][0].update(sequence=3, package_hash=sha256_hex(raw))
        outer = resign(hierarchy.province, outer, outer_manifest)
        refusal = _refused(
            hierarchy.centre, write_members(tmp_path / f"relayed-{name}.dvpkg", outer), reason
        )
        assert old_digits in refusal.message and old.key_id not in refusal.message, name


def test_a_revocation_is_seen_at_both_levels(hierarchy: Hierarchy, tmp_path: Path) -> None:
    hierarchy.import_(hierarchy.centre, _relay(hierarchy))
    hierarchy.acknowledge(hierarchy.centre, hierarchy.province)
    hierarchy.acknowledge(hierarchy.province, hierarchy.commune)
    hierarchy.add(hierarchy.commune, title="Gói hai")
    stolen = hierarchy.export(hierarchy.commune).path
    revoke(hierarchy.province, target=COMMUNE)
    _refused(hierarchy.province, stolen, Reason.REVOKED_KEY)
    hierarchy.add(hierarchy.province, title="Của tỉnh")
    honest = hierarchy.export(hierarchy.province).path  # tells the centre of the revocation
    hierarchy.import_(hierarchy.centre, honest)
    delegated = {row.key_id: row for row in _unit_keys(hierarchy.centre, COMMUNE)}
    assert all(row.revoked for row in delegated.values())


def _unit_keys(store: Store, code: str) -> list[Any]:
    from sqlmodel import select

    from dvdesk.db.schema import UnitKey

    with store.session() as session:
        return list(session.exec(select(UnitKey).where(UnitKey.office_code == code)))


def test_a_retired_key_cannot_certify_a_second_successor(hierarchy: Hierarchy) -> None:
    first = keys.active_key(hierarchy.commune)
    first_signing = keys.load_signing_key(
        hierarchy.commune, key_id=first.key_id, passphrase=PASSPHRASE
    )
    keys.rotate_keys(hierarchy.commune, passphrase=PASSPHRASE)
    hierarchy.add(hierarchy.commune)
    hierarchy.send(hierarchy.commune, hierarchy.province)  # the province learns K2
    card = _province_card_for(hierarchy.province, COMMUNE, "x", "01")
    body = {k: v for k, v in card.items() if k not in ("self_signature", "certificate")}
    body["office"] = dict(card_office(first.card))
    body["certified_by"] = first.key_id
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    third = Ed25519PrivateKey.generate()
    body["signing_public"] = b64(third.public_key().public_bytes_raw())
    body["key_id"] = key_id_of(third.public_key().public_bytes_raw())
    signed = canonical_json(body)
    forged = body | {
        "self_signature": b64(third.sign(signed)),
        "certificate": b64(first_signing.sign(signed)),
    }
    from dvdesk.sync.trust import enroll_card

    refused_unchanged(
        hierarchy.province,
        Reason.KEY_RETIRED,
        lambda: enroll_card(hierarchy.province, card=parse_card(forged)),
    )


def test_a_rotation_card_cannot_change_who_the_office_is(hierarchy: Hierarchy) -> None:
    from dvdesk.sync.trust import enroll_card

    current = keys.active_key(hierarchy.commune)
    signing = keys.load_signing_key(hierarchy.commune, key_id=current.key_id, passphrase=PASSPHRASE)
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    new = Ed25519PrivateKey.generate()
    card = make_card(
        office={
            "code": COMMUNE,
            "name": "Ban Tuyên giáo và Dân vận Thành ủy Hà Nội",
            "level": "commune",
            "parent_code": "01",
        },
        signing_key=new,
        signing_public=new.public_key().public_bytes_raw(),
        encryption_public=X25519PrivateKey.generate().public_key().public_bytes_raw(),
        created_at="2026-11-29T08:00:00",
        certifier=(current.key_id, signing),
    )
    refused_unchanged(
        hierarchy.province,
        Reason.IDENTITY_CHANGED,
        lambda: enroll_card(hierarchy.province, card=parse_card(card)),
    )


def test_a_receipt_from_the_parents_retired_key_is_refused(hierarchy: Hierarchy) -> None:
    hierarchy.add(hierarchy.commune)
    hierarchy.send(hierarchy.commune, hierarchy.province)
    old = keys.active_key(hierarchy.province)
    old_signing = keys.load_signing_key(
        hierarchy.province, key_id=old.key_id, passphrase=PASSPHRASE
    )
    keys.rotate_keys(hierarchy.province, passphrase=PASSPHRASE)
    genuine = hierarchy.acknowledge(hierarchy.province, hierarchy.commune)  # learns the new key
    # A thief of the old key signs a receipt sending records back.
    document = json.loads(genuine.read_text(encoding="utf-8"))
    body = document["receipt"]
    body.update(signer_key_id=old.key_id, signer_chain=[], receipt_id="f" * 36)
    forged = hierarchy.stick / "forged.dvrcpt"
    forged.write_text(
        json.dumps({"receipt": body, "signature": b64(old_signing.sign(canonical_json(body)))}),
        encoding="utf-8",
    )
    refused_unchanged(
        hierarchy.commune,
        Reason.KEY_RETIRED,
        lambda: import_receipt(hierarchy.commune, path=forged),
    )


def test_reenrolment_resets_a_locked_out_office(hierarchy: Hierarchy, tmp_path: Path) -> None:
    """A thief of the commune's key sent sequence 2^53 − 1; the province re-enrols it."""
    hierarchy.add(hierarchy.commune, title="Gói của kẻ trộm")
    members = read_members(hierarchy.export(hierarchy.commune).path)
    manifest = manifest_of(members)
    manifest["sequence"] = 2**53 - 1
    members = resign(hierarchy.commune, members, manifest)
    hierarchy.import_(hierarchy.province, write_members(tmp_path / "max.dvpkg", members))
    fresh = sync_fixtures.make_office(tmp_path / "fresh", OFFICE)
    card = parse_card(keys.active_key(fresh).card)
    result = reenrol_office(hierarchy.province, card=card)
    assert result.key_id == card.key_id
    sync_fixtures.introduce_parent(fresh, hierarchy.province)
    hierarchy.add(fresh, title="Gói thật")
    summary = hierarchy.import_(hierarchy.province, hierarchy.export(fresh).path)
    assert summary.new == 1 and summary.sequence == 1
    fresh.close()


# ---------------------------------------------------------------- corrections down the chain


def test_the_centres_corrections_reach_the_commune_through_the_province(
    hierarchy: Hierarchy,
) -> None:
    record = hierarchy.add(hierarchy.commune, title="Kiểm tra cần sửa")
    hierarchy.import_(hierarchy.centre, _relay(hierarchy, title="Kiểm tra khác"))
    from dvdesk.sync.receipt import request_correction

    request_correction(hierarchy.centre, record_id=record, comment="Ghi rõ số quyết định")
    hierarchy.acknowledge(hierarchy.centre, hierarchy.province)
    assert returned_records(hierarchy.province) == []  # not the province's record
    hierarchy.acknowledge(hierarchy.province, hierarchy.commune)
    (back,) = returned_records(hierarchy.commune)
    assert (back.record_id, back.comment, back.from_office) == (
        record,
        "Ghi rõ số quyết định",
        "00",
    )


def test_corrections_of_another_office_never_go_into_a_receipt(hierarchy: Hierarchy) -> None:
    hierarchy.add(hierarchy.other_commune)
    hierarchy.send(hierarchy.other_commune, hierarchy.other_province)
    hierarchy.send(hierarchy.other_province, hierarchy.centre)
    hierarchy.import_(hierarchy.centre, _relay(hierarchy))
    from dvdesk.services.records import list_records
    from dvdesk.sync.receipt import request_correction

    theirs = next(r.id for r in list_records(hierarchy.centre) if r.office_code == OTHER_COMMUNE)
    request_correction(hierarchy.centre, record_id=theirs, comment="Sửa")
    receipt = write_receipt(
        hierarchy.centre, origin="01", out=hierarchy.stick, passphrase=PASSPHRASE
    )
    assert receipt.returned == ()
    other = write_receipt(hierarchy.centre, origin="31", out=hierarchy.stick, passphrase=PASSPHRASE)
    assert [r.record_id for r in other.returned] == [theirs]


def test_a_record_edited_after_the_round_trip_updates_the_top(hierarchy: Hierarchy) -> None:
    record = hierarchy.add(hierarchy.commune, title="Kiểm tra ban đầu")
    hierarchy.send(hierarchy.commune, hierarchy.province)
    hierarchy.send(hierarchy.province, hierarchy.centre)
    hierarchy.acknowledge(hierarchy.province, hierarchy.commune)
    hierarchy.acknowledge(hierarchy.centre, hierarchy.province)
    update_record(hierarchy.commune, record_id=record, changes={"title": "Kiểm tra đã sửa"})
    approve_records(hierarchy.commune, record_ids=[record])
    hierarchy.send(hierarchy.commune, hierarchy.province)
    summary = hierarchy.send(hierarchy.province, hierarchy.centre)
    assert summary.updated == 1
    assert get_record(hierarchy.centre, record_id=record).title == "Kiểm tra đã sửa"


# ---------------------------------------------------------------- format 1 still imports


def test_a_format_1_package_of_a_direct_child_still_imports(
    hierarchy: Hierarchy, tmp_path: Path
) -> None:
    hierarchy.add(hierarchy.commune, title="Gói định dạng cũ")
    members = read_members(hierarchy.export(hierarchy.commune).path)
    manifest = manifest_of(members)
    manifest["format_version"] = 1
    del manifest["relayed"], manifest["delegations"]
    members = resign(hierarchy.commune, members, manifest)
    summary = hierarchy.import_(hierarchy.province, write_members(tmp_path / "v1.dvpkg", members))
    assert summary.new == 1


def test_a_format_1_relay_cannot_carry_other_offices_records(
    hierarchy: Hierarchy, tmp_path: Path
) -> None:
    """Format 1 put relayed records among the relay's own, with no proof: refused one by one."""
    hierarchy.add(hierarchy.province, title="Của tỉnh")
    members = read_members(hierarchy.export(hierarchy.province).path)
    records = wire_records(members)
    other = dict(records[0]) | {"office_code": COMMUNE, "id": "1" * 8 + records[0]["id"][8:]}
    name = records_member(members)
    payload = json.dumps([*records, other], ensure_ascii=False).encode()
    manifest = manifest_of(members)
    manifest["format_version"] = 1
    del manifest["relayed"], manifest["delegations"]
    for entry in manifest["files"]:
        if entry["name"] == name:
            entry.update(size=len(payload), sha256=sha256_hex(payload), records=2)
    manifest["counts"]["record"] = 2
    manifest["offices"] = {"01": 1, COMMUNE: 1}
    members = resign(hierarchy.province, replaced(members, name, payload), manifest)
    summary = hierarchy.import_(hierarchy.centre, write_members(tmp_path / "v1.dvpkg", members))
    assert summary.new == 1 and summary.refused == 1
    (line,) = [line for line in summary.records if line.office_code == COMMUNE]
    assert line.reason is not None and line.reason.value == "unproven_relay"


def test_a_zip_nested_too_deep_is_refused(hierarchy: Hierarchy, tmp_path: Path) -> None:
    members = read_members(_relay(hierarchy))
    name = _relayed_name(members)
    data = dict(members)[name]
    nested = tmp_path / "deep.zip"
    with zipfile.ZipFile(nested, "w") as archive:
        archive.writestr("x", data)
    outer = _with_relayed(hierarchy.province, members, name, nested.read_bytes())
    _refused(hierarchy.centre, write_members(tmp_path / "deep.dvpkg", outer), Reason.RELAY_TAMPERED)


# ---------------------------------------------------------------- enrolment sanity


def _enrol_refused(store: Store, card: dict[str, Any], reason: Reason) -> Refused:
    from dvdesk.sync.trust import enroll_card

    return refused_unchanged(store, reason, lambda: enroll_card(store, card=parse_card(card)))


def test_a_card_naming_no_office_above_is_refused_in_words(hierarchy: Hierarchy) -> None:
    """The centre's card names no office above: the refusal says so, not with a dash."""
    card = keys.active_key(hierarchy.centre).card
    assert card_office(card)["parent_code"] is None
    refused = _enrol_refused(hierarchy.commune, card, Reason.NOT_OUR_CHILD)
    assert "chưa có cơ quan cấp trên" in refused.message
    assert " - " not in refused.message and "là -" not in refused.message


def test_a_peer_provinces_card_is_not_enrolled_as_a_child(hierarchy: Hierarchy) -> None:
    """Province 31's genuine card, brought to province 01: it reports to 00, not to 01."""
    from dvdesk.sync.trust import enroll_card

    card = keys.active_key(hierarchy.other_province).card
    _enrol_refused(hierarchy.province, card, Reason.NOT_OUR_CHILD)
    commune = keys.active_key(hierarchy.other_commune).card  # names 31 as its parent
    _enrol_refused(hierarchy.province, commune, Reason.NOT_OUR_CHILD)
    # With an explicit confirmation (fingerprint read by phone) it is enrolled.
    enrolled = enroll_card(hierarchy.province, card=parse_card(commune), confirm=True)
    assert enrolled.office_code == OTHER_COMMUNE and not enrolled.already
    # The province cannot vouch upward for a card naming another parent: its package to the
    # centre leaves that office out rather than being refused there.
    hierarchy.add(hierarchy.province, title="Của tỉnh")
    upward = hierarchy.export(hierarchy.province).path
    assert [d["code"] for d in manifest_of(read_members(upward))["delegations"]] == [COMMUNE]
    assert hierarchy.import_(hierarchy.centre, upward).new == 1


def test_a_lookalike_name_needs_a_confirmation(hierarchy: Hierarchy, tmp_path: Path) -> None:
    from dvdesk.sync.trust import enroll_card

    lookalike = dict(sync_fixtures.SIBLING) | {
        "code": "10107",
        # The province's own commune's name, with a zero-width space and other case.
        "name": "Ban Xây dựng Đảng Đảng ủy xã BÁT\u200bTRÀNG",
    }
    stranger = sync_fixtures.make_office(tmp_path / "lookalike", lookalike)
    card = keys.active_key(stranger).card
    stranger.close()
    _enrol_refused(hierarchy.province, card, Reason.LOOKALIKE_NAME)
    assert enroll_card(hierarchy.province, card=parse_card(card), confirm=True).key_id


def test_a_duplicate_card_says_it_was_enrolled_before(hierarchy: Hierarchy) -> None:
    from dvdesk.sync.trust import enroll_card

    before = database_digest(hierarchy.province.paths)
    again = enroll_card(
        hierarchy.province, card=parse_card(keys.active_key(hierarchy.commune).card)
    )
    assert again.already
    assert database_digest(hierarchy.province.paths) == before


@pytest.mark.parametrize(
    "code",
    ["1010\u200b5", "١٠١٠٥", "10105 ", "1010", "101055", "01"],
    ids=["zero-width space", "arabic-indic digits", "trailing space", "short", "long", "province"],
)
def test_office_codes_are_ascii_digits_of_the_right_length(hierarchy: Hierarchy, code: str) -> None:
    card = _province_card_for(hierarchy.province, code, "Xã Lạ", "01")
    _enrol_refused(hierarchy.province, card, Reason.BAD_OFFICE_CODE)


def test_a_relay_cannot_plant_a_tombstone_for_a_sibling_provinces_commune(
    hierarchy: Hierarchy, tmp_path: Path
) -> None:
    """Province 01 'deletes' a record of commune 11311 (province 31's) by a tombstone."""
    hierarchy.add(hierarchy.other_commune, title="Của xã Thủy Nguyên")
    hierarchy.send(hierarchy.other_commune, hierarchy.other_province)
    hierarchy.send(hierarchy.other_province, hierarchy.centre)
    from dvdesk.services.records import list_records

    (theirs,) = [r for r in list_records(hierarchy.centre) if r.office_code == OTHER_COMMUNE]
    hierarchy.add(hierarchy.province, title="Của tỉnh")
    members = read_members(hierarchy.export(hierarchy.province).path)
    records = wire_records(members)
    tombstone = dict(records[0]) | {
        "id": theirs.id,
        "office_code": OTHER_COMMUNE,
        "deleted": True,
        "revision": 99,
    }
    name = records_member(members)
    payload = json.dumps([*records, tombstone], ensure_ascii=False).encode()
    manifest = manifest_of(members)
    for entry in manifest["files"]:
        if entry["name"] == name:
            entry.update(size=len(payload), sha256=sha256_hex(payload), records=2)
    manifest["counts"].update(record=2, tombstone=1)
    manifest["offices"] = {"01": 1, OTHER_COMMUNE: 1}
    outer = resign(hierarchy.province, replaced(members, name, payload), manifest)
    _refused(hierarchy.centre, write_members(tmp_path / "tomb.dvpkg", outer), Reason.PLANTED_RECORD)
    assert not get_record(hierarchy.centre, record_id=theirs.id).deleted


def test_a_revoked_key_certifies_nothing_after_the_revocation(hierarchy: Hierarchy) -> None:
    """The province revokes the commune's key; a rotation it certifies later is refused."""
    revoke(hierarchy.province, target=COMMUNE)
    keys.rotate_keys(hierarchy.commune, passphrase=PASSPHRASE)  # a thief's "rotation"
    card = keys.active_key(hierarchy.commune).card
    _enrol_refused(hierarchy.province, card, Reason.REVOKED_KEY)
    hierarchy.add(hierarchy.commune, title="Sau thu hồi")
    path = hierarchy.export(hierarchy.commune).path
    _refused(hierarchy.province, path, Reason.UNKNOWN_KEY)


def test_a_format_1_receipt_still_imports(hierarchy: Hierarchy) -> None:
    hierarchy.add(hierarchy.commune)
    hierarchy.send(hierarchy.commune, hierarchy.province)
    receipt = write_receipt(
        hierarchy.province, origin=COMMUNE, out=hierarchy.stick, passphrase=PASSPHRASE
    ).path
    document = json.loads(receipt.read_text(encoding="utf-8"))
    body = document["receipt"]
    body["format_version"] = 1
    del body["relayed"], body["vouched"]
    own = keys.active_key(hierarchy.province)
    signing = keys.load_signing_key(hierarchy.province, key_id=own.key_id, passphrase=PASSPHRASE)
    document["signature"] = b64(signing.sign(canonical_json(body)))
    old = hierarchy.stick / "old-format.dvrcpt"
    old.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    taken = import_receipt(hierarchy.commune, path=old)
    assert taken.acknowledged_sequence == 1
