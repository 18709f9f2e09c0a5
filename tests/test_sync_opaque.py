"""Encrypted means opaque (as age): a lost stick shows sizes, nothing of what they hold.

Also: format-1 encrypted packages already issued still import, and a parent can
require encryption, a rule its receipts carry to its children.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from dvdesk.services.attachments import add_attachment
from dvdesk.services.records import list_records
from dvdesk.sync import keys
from dvdesk.sync.apply import import_package
from dvdesk.sync.format import canonical_json, sha256_hex, unb64
from dvdesk.sync.policy import set_encryption_required
from dvdesk.sync.receipt import import_receipt, write_receipt
from dvdesk.sync.refusals import Reason, Refused
from dvdesk.sync.seal import sealer_for
from dvdesk.sync.trust import current_key_of
from dvdesk.sync.verify import verify_package
from tests import sync_fixtures
from tests.sync_fixtures import PASSPHRASE, Exchange, table_dump
from tests.test_sync_attacks import manifest_of, read_members, replaced, resign, write_members

exchange_template = sync_fixtures.exchange_template
exchange = sync_fixtures.exchange

SCAN = b"\xff\xd8 bien ban tiep xuc cu tri, anh chup " * 300


def _with_scan(ex: Exchange, tmp: Path) -> str:
    ex.add(title="Đối thoại với nhân dân xã Bát Tràng")
    scan = tmp / "scan.jpg"
    scan.write_bytes(SCAN)
    add_attachment(ex.child, record_id=ex.add(title="Có biên bản quét"), source=scan)
    return sha256_hex(SCAN)


def test_an_encrypted_package_shows_only_numbered_members_and_sizes(
    exchange: Exchange, tmp_path: Path
) -> None:
    scan_hash = _with_scan(exchange, tmp_path)
    path = exchange.export(encrypt=True).path
    raw = path.read_bytes()
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        manifest = json.loads(archive.read("manifest.json"))
    assert set(names) == {
        "manifest.json",
        "manifest.sig",
        "sealed/000000",
        "sealed/000001",
        "sealed/000002",
    }
    assert scan_hash.encode() not in raw  # a holder of the scan cannot confirm it is here
    assert manifest["counts"] == {} and manifest["offices"] == {}
    assert all(entry["kind"] == "sealed" for entry in manifest["files"])
    assert all(
        entry["plain_sha256"] is None and entry["plain_size"] is None for entry in manifest["files"]
    )
    assert str(len(SCAN)).encode() not in canonical_json(manifest)
    assert verify_package(exchange.parent, path=path).encrypted
    summary = import_package(exchange.parent, path=path, passphrase=PASSPHRASE)
    assert summary.new == 2 and summary.attachments_added == 1
    assert summary.offices == {"10105": 2}


def test_sealed_members_swapped_under_a_valid_signature_are_refused(
    exchange: Exchange, tmp_path: Path
) -> None:
    _with_scan(exchange, tmp_path)
    members = read_members(exchange.export(encrypt=True).path)
    data = dict(members)
    swapped = replaced(
        replaced(members, "sealed/000001", data["sealed/000002"]),
        "sealed/000002",
        data["sealed/000001"],
    )
    manifest = manifest_of(members)
    entries = {entry["name"]: entry for entry in manifest["files"]}
    for name, other in (("sealed/000001", "sealed/000002"), ("sealed/000002", "sealed/000001")):
        entries[name].update(size=len(data[other]), sha256=sha256_hex(data[other]))
    path = write_members(tmp_path / "swapped.dvpkg", resign(exchange.child, swapped, manifest))
    before = table_dump(exchange.parent.paths)
    with pytest.raises(Refused) as refused:
        import_package(exchange.parent, path=path, passphrase=PASSPHRASE)
    assert refused.value.reason is Reason.CANNOT_DECRYPT
    assert table_dump(exchange.parent.paths) == before


def _format_1_encrypted(ex: Exchange, plain: Path, target: Path) -> Path:
    """The layout dvdesk 1 wrote: sealed members under plain names, plain hashes listed."""
    recipient = current_key_of(ex.child, office_code="01")
    assert recipient is not None
    sealer = sealer_for(
        recipient_key_id=recipient.key_id, recipient_public=unb64(recipient.encryption_public)
    )
    members = dict(read_members(plain))
    manifest: dict[str, Any] = manifest_of(list(members.items()))
    files, sealed = [], []
    for index, entry in enumerate(manifest["files"]):
        name = entry["name"] + ".sealed"
        data = sealer.seal(index, name, members[entry["name"]])
        sealed.append((name, data))
        files.append(
            entry
            | {
                "name": name,
                "size": len(data),
                "sha256": sha256_hex(data),
                "plain_size": entry["size"],
                "plain_sha256": entry["sha256"],
            }
        )
    manifest |= {
        "format_version": 1,
        "files": files,
        "encryption": sealer.header.model_dump(mode="json"),
    }
    base = [(n, d) for n, d in members.items() if n in ("manifest.json", "manifest.sig")]
    return write_members(target, resign(ex.child, base + sealed, manifest))


def test_a_format_1_encrypted_package_already_issued_still_imports(
    exchange: Exchange, tmp_path: Path
) -> None:
    _with_scan(exchange, tmp_path)
    plain = exchange.export().path
    legacy = _format_1_encrypted(exchange, plain, tmp_path / "v1.dvpkg")
    summary = import_package(exchange.parent, path=legacy, passphrase=PASSPHRASE)
    assert summary.encrypted and summary.new == 2 and summary.attachments_added == 1


def test_a_parent_can_require_encryption_and_its_receipts_carry_the_rule(
    exchange: Exchange,
) -> None:
    exchange.add(title="Giám sát trước khi bật mã hoá")
    first = exchange.export().path
    import_package(exchange.parent, path=first)
    set_encryption_required(exchange.parent, required=True)
    exchange.add(title="Giám sát sau khi bật mã hoá")
    plain = exchange.export().path  # the child does not know the rule yet
    before = table_dump(exchange.parent.paths)
    with pytest.raises(Refused) as refused:
        import_package(exchange.parent, path=plain, passphrase=PASSPHRASE)
    assert refused.value.reason is Reason.ENCRYPTION_REQUIRED
    assert "mã hoá" in refused.value.message
    assert table_dump(exchange.parent.paths) == before
    receipt = write_receipt(
        exchange.parent, origin="10105", out=exchange.stick, passphrase=PASSPHRASE
    )
    import_receipt(exchange.child, path=receipt.path)
    again = exchange.export()  # no --encrypt: the receipt's rule applies
    assert again.encrypted
    summary = import_package(exchange.parent, path=again.path, passphrase=PASSPHRASE)
    assert summary.new == 1
    assert len(list_records(exchange.parent)) == 2


def test_a_package_for_a_replaced_key_names_it_by_its_digits(exchange: Exchange) -> None:
    """The refusal tells the clerk which key by the digits read by phone, not by its id."""
    exchange.add()
    path = exchange.export(encrypt=True).path
    old = keys.active_key(exchange.parent)
    keys.rotate_keys(exchange.parent, passphrase=PASSPHRASE)
    before = table_dump(exchange.parent.paths)
    with pytest.raises(Refused) as refused:
        import_package(exchange.parent, path=path, passphrase=PASSPHRASE)
    assert refused.value.reason is Reason.CANNOT_DECRYPT
    message = refused.value.message
    assert keys.card_fingerprint(old) in message and old.key_id not in message
    assert table_dump(exchange.parent.paths) == before
