"""Encrypted attachments are sealed and opened block by block, and still only kept once
verified.

The streamed opener is the same ChaCha20-Poly1305 as the one-shot one (RFC 8439), built
from its parts; these tests hold it to the one-shot cipher's output and refusals. The
attacks hold a stolen (still trusted) key, so every signed hash and size is right and
only the seal's tag and the sealed hash of the plain bytes stand in the way.
"""

from __future__ import annotations

import os
import zlib
from pathlib import Path

import pytest

from dvdesk.services.attachments import add_attachment, blob_path
from dvdesk.sync.format import sha256_hex
from dvdesk.sync.refusals import Reason, Refused
from dvdesk.sync.seal import Opener, Sealer
from tests import sync_fixtures
from tests.conftest import database_digest
from tests.sync_fixtures import Exchange
from tests.test_sync_attacks import manifest_of, read_members, replaced, resign, write_members

exchange_template = sync_fixtures.exchange_template
exchange = sync_fixtures.exchange

NAME = "sealed/000003"
KEY = bytes(range(32))


def _opened(sealed: bytes, *, block: int, max_size: int, index: int = 3) -> bytes:
    parts = (sealed[start : start + block] for start in range(0, len(sealed), block))
    return b"".join(Opener(KEY).open_stream(index, NAME, parts, max_size=max_size))


@pytest.mark.parametrize("size", [0, 1, 16, 17, 70_000])
@pytest.mark.parametrize("block", [1, 15, 16, 4096])
def test_the_streamed_opener_gives_what_the_one_shot_opener_gives(size: int, block: int) -> None:
    plain = os.urandom(size // 2) + "Biên bản kiểm tra ".encode() * (size // 40)
    sealed = Sealer(KEY, header=None).seal(3, NAME, plain)  # type: ignore[arg-type]
    assert _opened(sealed, block=block, max_size=len(plain)) == plain
    assert Opener(KEY).open(3, NAME, sealed, max_size=len(plain)) == plain


@pytest.mark.parametrize("size", [0, 1, 70_000, 3_000_000])
def test_what_is_sealed_block_by_block_opens_with_both_openers(size: int) -> None:
    plain = os.urandom(size // 2) + bytes(size - size // 2)
    blocks = (plain[start : start + 65_536] for start in range(0, size, 65_536))
    sealed = b"".join(Sealer(KEY, header=None).seal_stream(3, NAME, blocks))  # type: ignore[arg-type]
    assert Opener(KEY).open(3, NAME, sealed, max_size=size) == plain
    assert _opened(sealed, block=100_000, max_size=size) == plain


def test_any_changed_byte_a_cut_or_another_place_is_refused() -> None:
    plain = os.urandom(50_000)
    sealed = Sealer(KEY, header=None).seal(3, NAME, plain)  # type: ignore[arg-type]
    for position in (0, 1000, len(sealed) - 17, len(sealed) - 16, len(sealed) - 1):
        changed = bytearray(sealed)
        changed[position] ^= 0x01
        with pytest.raises(Refused) as refused:
            _opened(bytes(changed), block=4096, max_size=len(plain))
        assert refused.value.reason is Reason.CANNOT_DECRYPT
    for cut in (sealed[:-1], sealed[:-16], sealed[:10], b""):
        with pytest.raises(Refused) as refused:
            _opened(cut, block=4096, max_size=len(plain))
        assert refused.value.reason is Reason.CANNOT_DECRYPT
    with pytest.raises(Refused) as refused:  # sealed for member 3, offered as member 4
        _opened(sealed, block=4096, max_size=len(plain), index=4)
    assert refused.value.reason is Reason.CANNOT_DECRYPT


def test_a_sealed_bomb_stops_at_the_declared_size() -> None:
    sealed = Sealer(KEY, header=None).seal(3, NAME, bytes(5_000_000))  # type: ignore[arg-type]
    assert len(zlib.compress(bytes(5_000_000), 1)) < 100_000
    with pytest.raises(Refused) as refused:
        _opened(sealed, block=4096, max_size=1000)
    assert refused.value.reason is Reason.MEMBER_TOO_LARGE


# ---------------------------------------------------------------- the import


def _sealed_scan(ex: Exchange, tmp_path: Path) -> tuple[list[tuple[str, bytes]], str, str]:
    """An encrypted package with a 3 MiB scan: its members, the scan's sealed member and
    the scan's hash."""
    record = ex.add(title="Có bản scan lớn")
    scan = tmp_path / "bien-ban.pdf"
    scan.write_bytes(os.urandom(3 * 1024 * 1024))
    add_attachment(ex.child, record_id=record, source=scan)
    members = read_members(ex.export(encrypt=True).path)
    name, _data = max(members, key=lambda member: len(member[1]))
    return members, name, sha256_hex(scan.read_bytes())


@pytest.mark.parametrize("attack", ["flipped", "cut", "tag-cut"])
def test_attack_a_tampered_big_sealed_attachment_is_refused_and_nothing_is_stored(
    exchange: Exchange, tmp_path: Path, attack: str
) -> None:
    members, name, scan_hash = _sealed_scan(exchange, tmp_path)
    sealed = dict(members)[name]
    changed = {
        "flipped": sealed[:1_500_000] + bytes([sealed[1_500_000] ^ 0x80]) + sealed[1_500_001:],
        "cut": sealed[:-100_000],
        "tag-cut": sealed[:-8],
    }[attack]
    manifest = manifest_of(members)
    for entry in manifest["files"]:
        if entry["name"] == name:
            entry.update(size=len(changed), sha256=sha256_hex(changed))
    forged = resign(exchange.child, replaced(members, name, changed), manifest)
    path = write_members(tmp_path / f"{attack}.dvpkg", forged)
    before = database_digest(exchange.parent.paths)
    with pytest.raises(Refused) as refused:
        exchange.import_(path)
    assert refused.value.reason is Reason.CANNOT_DECRYPT
    assert database_digest(exchange.parent.paths) == before
    assert not blob_path(exchange.parent, scan_hash).exists()
    leftovers = [
        p for p in blob_path(exchange.parent, scan_hash).parent.parent.rglob("*") if p.is_file()
    ]
    assert leftovers == []  # no temporary file left behind either


def test_the_genuine_big_sealed_attachment_is_stored_as_sent(
    exchange: Exchange, tmp_path: Path
) -> None:
    members, _name, scan_hash = _sealed_scan(exchange, tmp_path)
    summary = exchange.import_(write_members(tmp_path / "that.dvpkg", members))
    assert (summary.new, summary.attachments_added) == (1, 1)
    assert sha256_hex(blob_path(exchange.parent, scan_hash).read_bytes()) == scan_hash
