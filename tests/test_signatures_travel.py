"""Issued documents travel up in the package; the parent checks every signature on import.

The attacks come first: a package is signed by the office that sent it, so what a
USB stick can change is refused by the package checks; what the sending office
itself can put in (a broken signature, another office's document) is judged here.
"""

from __future__ import annotations

import base64
import hashlib
import json
import sqlite3
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from dvdesk.cli.main import main
from dvdesk.services.store import Store
from dvdesk.sync.refusals import Reason, Refused
from tests import sync_fixtures
from tests.conftest import Result
from tests.signature_fixtures import PIN, SoftToken, issue_args, needs_softhsm
from tests.sync_fixtures import Exchange, table_dump
from tests.test_sync_attacks import manifest_of, read_members, replaced, resign, write_members

exchange_template = sync_fixtures.exchange_template
exchange = sync_fixtures.exchange

pytestmark = [needs_softhsm, pytest.mark.slow]

NUMBER = "01-BB/BXDĐ"
TABLES = (*sync_fixtures.DATA_TABLES, "received_document")
Run = Callable[..., Result]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Run:
    """``dvdesk --data-dir <store's folder> ARGS`` in-process, for either office."""

    def call(store: Store, *args: str) -> Result:
        code = main(["--data-dir", str(store.paths.root), "--user", "chuyenvien", *args])
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return call


@pytest.fixture
def signed(exchange: Exchange, run: Run, token: SoftToken, tmp_path: Path) -> bytes:
    """Minutes issued and signed at the commune; the province trusts the token's root."""
    record_id = exchange.add()
    assert run(exchange.child, *issue_args(record_id, tmp_path / "bb.pdf")).code == 0
    pin = tmp_path / "pin.txt"
    pin.write_text(PIN + "\n", encoding="utf-8")
    out = tmp_path / "signed.pdf"
    result = run(
        exchange.child,
        *("document", "sign", NUMBER, "--pkcs11", token.module, "--key-label", "chair"),
        *("--role", "chair", "--pin-file", str(pin), "--out", str(out)),
    )
    assert result.code == 0, result.err
    root = tmp_path / "root.pem"
    root.write_bytes(token.ca.pem)
    assert run(exchange.parent, "trust", "add-root", str(root)).code == 0
    return out.read_bytes()


def received(run: Run, store: Store) -> list[dict[str, Any]]:
    result = run(store, "document", "list", "--json")
    assert result.code == 0, result.err
    return [item for item in result.json() if item.get("received")]


def document_member(members: list[tuple[str, bytes]]) -> tuple[str, dict[str, Any]]:
    [(name, data)] = [(n, d) for n, d in members if n.startswith("documents/")]
    loaded: dict[str, Any] = json.loads(data)
    return name, loaded


def forged(
    ex: Exchange, package: Path, target: Path, change: Callable[[dict[str, Any]], None]
) -> Path:
    """The commune's own package, its document changed by ``change``, signed again by the
    commune's real key (what the sending office, or a thief of its key, can do)."""
    members = read_members(package)
    name, document = document_member(members)
    change(document)
    payload = json.dumps(document, sort_keys=True).encode("utf-8")
    manifest = manifest_of(members)
    for entry in manifest["files"]:
        if entry["name"] == name:
            entry.update(size=len(payload), sha256=hashlib.sha256(payload).hexdigest())
    return write_members(target, resign(ex.child, replaced(members, name, payload), manifest))


def test_a_document_claiming_another_office_is_refused_and_changes_nothing(
    exchange: Exchange, run: Run, signed: bytes, tmp_path: Path
) -> None:
    package = exchange.export().path

    def claim_sibling(document: dict[str, Any]) -> None:
        document["office_code"] = "10106"

    bad = forged(exchange, package, tmp_path / "planted.dvpkg", claim_sibling)
    before = table_dump(exchange.parent.paths, TABLES)
    for dry_run in (True, False):
        with pytest.raises(Refused) as refused:
            exchange.import_(bad, dry_run=dry_run)
        assert refused.value.reason is Reason.PLANTED_RECORD
        assert "10106" in str(refused.value)
    assert table_dump(exchange.parent.paths, TABLES) == before
    assert received(run, exchange.parent) == []


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda d: d.update(pdf="not base64!"), id="not-base64"),
        pytest.param(lambda d: d.update(pdf_sha256="0" * 64), id="hash-of-another-pdf"),
        pytest.param(lambda d: d.update(number=2**60), id="number-out-of-bounds"),
        pytest.param(lambda d: d.update(document_date="2026-02-30"), id="no-such-day"),
        pytest.param(lambda d: d.update(extra="x"), id="unknown-field"),
    ],
)
def test_a_damaged_document_member_refuses_the_package_in_dry_run_too(
    exchange: Exchange,
    run: Run,
    signed: bytes,
    tmp_path: Path,
    change: Callable[[dict[str, Any]], None],
) -> None:
    bad = forged(exchange, exchange.export().path, tmp_path / "bad.dvpkg", change)
    before = table_dump(exchange.parent.paths, TABLES)
    for dry_run in (True, False):
        with pytest.raises(Refused) as refused:
            exchange.import_(bad, dry_run=dry_run)
        assert refused.value.reason is Reason.BAD_PAYLOAD
    assert table_dump(exchange.parent.paths, TABLES) == before


def test_a_changed_document_member_on_the_stick_is_refused(
    exchange: Exchange, signed: bytes, tmp_path: Path
) -> None:
    package = exchange.export().path
    members = read_members(package)
    name, data = next((n, d) for n, d in members if n.startswith("documents/"))
    bad = write_members(tmp_path / "changed.dvpkg", replaced(members, name, data + b" "))
    before = table_dump(exchange.parent.paths, TABLES)
    with pytest.raises(Refused):
        exchange.import_(bad)
    assert table_dump(exchange.parent.paths, TABLES) == before


def test_a_broken_signature_is_kept_as_invalid_and_the_package_still_imports(
    exchange: Exchange, run: Run, signed: bytes, tmp_path: Path
) -> None:
    tampered = bytearray(signed)
    tampered[tampered.index(b"stream", 200) + 20] ^= 0x01  # one byte of the signed content

    def break_signature(document: dict[str, Any]) -> None:
        document.update(
            pdf=base64.b64encode(bytes(tampered)).decode("ascii"),
            pdf_sha256=hashlib.sha256(bytes(tampered)).hexdigest(),
        )

    bad = forged(exchange, exchange.export().path, tmp_path / "broken.dvpkg", break_signature)
    summary = exchange.import_(bad)
    assert summary.new == 1  # the record came in all the same
    [item] = received(run, exchange.parent)
    assert (item["office_code"], item["number"]) == ("10105", 1)
    assert item["signature"]["status"] == "invalid"


def test_signed_minutes_travel_up_and_show_as_valid_once(
    exchange: Exchange, run: Run, signed: bytes
) -> None:
    package = exchange.export().path
    summary = exchange.import_(package)
    assert summary.new == 1
    [item] = received(run, exchange.parent)
    assert item["office_code"] == "10105"
    assert item["number"] == 1
    assert item["reference"] == NUMBER
    assert item["signature"] == {"status": "valid", "signers": ["Nguyễn Văn An"]}
    assert exchange.import_(package).already_imported  # the same package twice: kept once
    exchange.acknowledge()
    # Nothing new after the receipt; a new record's package carries the same document again.
    exchange.add(title="Giám sát việc giải quyết kiến nghị của cử tri")
    later = exchange.export().path
    exchange.import_(later)
    assert len(received(run, exchange.parent)) == 1
    with sqlite3.connect(exchange.parent.paths.database) as connection:
        (pdf,) = connection.execute("SELECT pdf FROM received_document").fetchone()
    assert pdf == signed


def test_an_encrypted_package_hides_the_documents_name_and_size(
    exchange: Exchange, run: Run, signed: bytes
) -> None:
    package = exchange.export(encrypt=True).path
    with zipfile.ZipFile(package) as archive:
        names = archive.namelist()
        raw = b"".join(archive.read(name) for name in names)
    assert not any(name.startswith("documents/") for name in names)
    manifest = json.loads(dict(read_members(package))["manifest.json"])
    plain = json.dumps(manifest)
    assert "document" not in plain
    assert hashlib.sha256(signed).hexdigest() not in plain
    assert b"Nguy" not in raw and signed[:4096] not in raw
    exchange.import_(package)
    [item] = received(run, exchange.parent)
    assert item["signature"]["status"] == "valid"


def test_an_older_package_after_a_newer_one_changes_nothing(
    exchange: Exchange, run: Run, signed: bytes
) -> None:
    older = exchange.export().path
    exchange.add(title="Kiểm tra việc thực hiện Quy chế dân chủ ở cơ sở tại thôn Giang Cao")
    newer = exchange.export().path
    exchange.import_(newer)
    before = table_dump(exchange.parent.paths, TABLES)
    try:
        exchange.import_(older)
    except Refused as refused:
        assert refused.reason is Reason.OLD_PACKAGE
    assert table_dump(exchange.parent.paths, TABLES) == before
    assert len(received(run, exchange.parent)) == 1


def test_export_refuses_a_document_larger_than_a_package_may_carry(
    exchange: Exchange, signed: bytes
) -> None:
    from dvdesk.errors import UserError
    from dvdesk.signatures.travel import outgoing_documents
    from dvdesk.sync.format import Limits

    small = Limits(document_member_bytes=len(signed) // 2)
    with pytest.raises(UserError, match=NUMBER):
        outgoing_documents(exchange.child, office_code="10105", limits=small)
    few = Limits(documents_total_bytes=len(signed) // 2)
    with pytest.raises(UserError):
        outgoing_documents(exchange.child, office_code="10105", limits=few)
