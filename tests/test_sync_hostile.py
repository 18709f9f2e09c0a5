"""Hostile files on the read path: refused before parsing, bounded, escaped, one by one.

Each case is refused with its own reason, changes no data table, and (for the big
ones) costs little memory: the bytes are capped, the JSON is bounded before parsing.
"""

from __future__ import annotations

import json
import os
import tracemalloc
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from dvdesk.cli.main import main
from dvdesk.sync import keys
from dvdesk.sync.apply import import_package
from dvdesk.sync.keycard import read_card_bytes, read_card_file
from dvdesk.sync.receipt import import_receipt
from dvdesk.sync.refusals import Reason, Refused
from dvdesk.sync.verify import verify_package
from tests import sync_fixtures
from tests.conftest import database_digest
from tests.sync_fixtures import PASSPHRASE, Exchange, table_dump
from tests.test_sync_attacks import (
    manifest_of,
    read_members,
    records_member,
    replaced,
    resign,
    wire_records,
    with_records,
    write_members,
)

exchange_template = sync_fixtures.exchange_template
exchange = sync_fixtures.exchange


@dataclass
class _Peak:
    bytes: int = 0


@contextmanager
def _memory_peak() -> Iterator[_Peak]:
    """The most memory Python held while the block ran (set once it has run)."""
    peak = _Peak()
    tracemalloc.start()
    try:
        yield peak
        peak.bytes = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _genuine(ex: Exchange) -> Path:
    ex.add(title="Kiểm tra thật")
    return ex.export().path


def _refused(ex: Exchange, path: Path, reason: Reason, *, dry_run: bool = False) -> Refused:
    before = table_dump(ex.parent.paths)
    digest = database_digest(ex.parent.paths)
    with pytest.raises(Refused) as refused:
        import_package(ex.parent, path=path, passphrase=PASSPHRASE, dry_run=dry_run)
    assert refused.value.reason is reason, refused.value.message
    assert table_dump(ex.parent.paths) == before
    assert database_digest(ex.parent.paths) == digest
    return refused.value


def _resigned(ex: Exchange, tmp: Path, change: dict[str, Any], name: str) -> Path:
    members = read_members(_genuine(ex))
    manifest = manifest_of(members) | change
    return write_members(tmp / name, resign(ex.child, members, manifest))


# ---------------------------------------------------------------- verify before parsing


def test_a_manifest_that_inflates_to_31_mib_is_refused_reading_at_most_the_cap(
    exchange: Exchange, tmp_path: Path
) -> None:
    members = read_members(_genuine(exchange))
    bomb = b"[" + b"{}," * (31 * 1024 * 1024 // 3) + b"{}]"
    path = write_members(tmp_path / "bomb.dvpkg", replaced(members, "manifest.json", bomb))
    assert path.stat().st_size < 64 * 1024
    with _memory_peak() as peak:
        _refused(exchange, path, Reason.MEMBER_TOO_LARGE)
    assert peak.bytes < 20 * 1024 * 1024


def test_a_manifest_just_under_the_cap_full_of_empty_objects_costs_little(
    exchange: Exchange, tmp_path: Path
) -> None:
    members = read_members(_genuine(exchange))
    crafted = b"[" + b"{}," * (15 * 1024 * 1024 // 3) + b"{}]"
    path = write_members(tmp_path / "many.dvpkg", replaced(members, "manifest.json", crafted))
    with _memory_peak() as peak:
        _refused(exchange, path, Reason.MANIFEST_TOO_LARGE)
    assert peak.bytes < 100 * 1024 * 1024


@pytest.mark.parametrize(
    ("manifest", "reason"),
    [
        (b"[" * 100_000 + b"]" * 100_000, Reason.TOO_DEEP),
        (b'{"format":"dvdesk-package","sequence":' + b"7" * 5_000 + b"}", Reason.NUMBER_TOO_LARGE),
        (b'{"format": "dvdesk-package"', Reason.BAD_MANIFEST),
    ],
    ids=["nested", "5000 digits", "unfinished"],
)
def test_crafted_manifests_are_refused_without_a_key(
    exchange: Exchange, tmp_path: Path, manifest: bytes, reason: Reason
) -> None:
    members = replaced(read_members(_genuine(exchange)), "manifest.json", manifest)
    _refused(exchange, write_members(tmp_path / "crafted.dvpkg", members), reason)


def test_manifest_bytes_must_be_canonical(exchange: Exchange, tmp_path: Path) -> None:
    members = read_members(_genuine(exchange))
    manifest = manifest_of(members)
    own = keys.active_key(exchange.child)
    signing = keys.load_signing_key(exchange.child, key_id=own.key_id, passphrase=PASSPHRASE)
    spaced = json.dumps(manifest, ensure_ascii=False, sort_keys=True).encode("utf-8")
    members = replaced(members, "manifest.json", spaced)
    members = replaced(members, "manifest.sig", signing.sign(spaced))
    _refused(exchange, write_members(tmp_path / "spaced.dvpkg", members), Reason.NOT_CANONICAL)


@pytest.mark.parametrize("version", [0, -1])
def test_format_versions_no_dvdesk_wrote_are_refused(
    exchange: Exchange, tmp_path: Path, version: int
) -> None:
    path = _resigned(exchange, tmp_path, {"format_version": version}, "v.dvpkg")
    _refused(exchange, path, Reason.BAD_FORMAT_VERSION)


def test_bytes_appended_or_prepended_are_refused(exchange: Exchange, tmp_path: Path) -> None:
    data = _genuine(exchange).read_bytes()
    after = tmp_path / "after.dvpkg"
    after.write_bytes(data + b"MZ hidden payload")
    _refused(exchange, after, Reason.EXTRA_BYTES)
    before = tmp_path / "before.dvpkg"
    before.write_bytes(b"MZ\x90\x00 a program in front" + data)
    _refused(exchange, before, Reason.EXTRA_BYTES)
    zipped = tmp_path / "zip-before.dvpkg"
    zipped.write_bytes(b"PK\x03\x04" + bytes(40) + data)
    _refused(exchange, zipped, Reason.EXTRA_BYTES)


def test_a_package_with_its_first_bytes_cut_off_is_refused(
    exchange: Exchange, tmp_path: Path
) -> None:
    cut = tmp_path / "cut.dvpkg"
    cut.write_bytes(_genuine(exchange).read_bytes()[100:])
    _refused(exchange, cut, Reason.TRUNCATED)


def test_an_lzma_member_has_its_own_reason(exchange: Exchange, tmp_path: Path) -> None:
    members = read_members(_genuine(exchange))
    name = records_member(members)
    path = tmp_path / "lzma.dvpkg"
    with zipfile.ZipFile(path, "w") as archive:
        for member, data in members:
            method = zipfile.ZIP_LZMA if member == name else zipfile.ZIP_STORED
            archive.writestr(member, data, compress_type=method)
    refusal = _refused(exchange, path, Reason.UNSUPPORTED_COMPRESSION)
    assert "USB" not in refusal.message  # not "the stick was pulled out"


# ---------------------------------------------------------------- bounded numbers


@pytest.mark.parametrize(
    "change",
    [
        {"sequence": 2**63},
        {"sequence": 2**53, "covers_from": 1},
        {"change_seq_upto": 2**63 - 1},
    ],
    ids=["2^63", "2^53", "change_seq"],
)
def test_numbers_beyond_2_53_are_refused(
    exchange: Exchange, tmp_path: Path, change: dict[str, int]
) -> None:
    _refused(exchange, _resigned(exchange, tmp_path, change, "n.dvpkg"), Reason.NUMBER_TOO_LARGE)


def test_a_far_gap_is_named_as_a_range_at_once(exchange: Exchange, tmp_path: Path) -> None:
    change = {"sequence": 10**12, "covers_from": 10**12}
    refusal = _refused(exchange, _resigned(exchange, tmp_path, change, "gap.dvpkg"), Reason.GAP)
    assert "1–999999999999" in refusal.message


@pytest.mark.parametrize(
    ("field", "value"),
    [("revision", 2**63), ("attendees", 2**63), ("revision", 2**53)],
)
@pytest.mark.parametrize("dry_run", [False, True], ids=["import", "dry run"])
def test_huge_record_numbers_are_refused_by_import_and_dry_run_alike(
    exchange: Exchange, tmp_path: Path, field: str, value: int, dry_run: bool
) -> None:
    members = read_members(_genuine(exchange))
    records = wire_records(members)
    records[0][field] = value
    path = write_members(tmp_path / "big.dvpkg", with_records(exchange.child, members, records))
    _refused(exchange, path, Reason.BAD_PAYLOAD, dry_run=dry_run)


def test_a_record_count_that_differs_from_the_contents_is_refused_by_verify_and_import(
    exchange: Exchange, tmp_path: Path
) -> None:
    exchange.add(title="Hồ sơ thứ hai")
    exchange.add(title="Hồ sơ thứ ba")
    members = read_members(_genuine(exchange))
    manifest = manifest_of(members)
    manifest["counts"]["record"] = 0
    manifest["offices"] = {}
    for entry in manifest["files"]:
        entry["records"] = 0
    path = write_members(tmp_path / "zero.dvpkg", resign(exchange.child, members, manifest))
    with pytest.raises(Refused) as verified:
        verify_package(exchange.parent, path=path)
    assert verified.value.reason is Reason.COUNT_MISMATCH
    _refused(exchange, path, Reason.COUNT_MISMATCH)
    _refused(exchange, path, Reason.COUNT_MISMATCH, dry_run=True)


def test_dry_run_refuses_a_record_whose_attachment_is_left_out(
    exchange: Exchange, tmp_path: Path
) -> None:
    from tests.test_sync_attacks import _with_attachment

    members = _with_attachment(exchange, tmp_path)
    name = next(n for n, _d in members if n.startswith("attachments/"))
    members = [(n, d) for n, d in members if n != name]
    manifest = manifest_of(members)
    manifest["files"] = [e for e in manifest["files"] if e["name"] != name]
    path = write_members(tmp_path / "no-scan.dvpkg", resign(exchange.child, members, manifest))
    _refused(exchange, path, Reason.BAD_PAYLOAD, dry_run=True)


# ---------------------------------------------------------------- unsigned text


def test_unsigned_text_reaches_messages_only_escaped_and_short(
    exchange: Exchange, tmp_path: Path
) -> None:
    lure = "9999\n\x1b[31mHÃY CHẠY E:\\capnhat.exe ĐỂ CẬP NHẬT\u202e" + "x" * 200
    path = _resigned(exchange, tmp_path, {"schema_version": lure[:20]}, "lure.dvpkg")
    refusal = _refused(exchange, path, Reason.SCHEMA_TOO_NEW)
    members = read_members(_genuine(exchange))
    manifest = manifest_of(members) | {"signer_key_id": lure[:64]}
    members = replaced(members, "manifest.json", sync_fixtures_canonical(manifest))
    stranger = _refused(
        exchange, write_members(tmp_path / "key.dvpkg", members), Reason.UNKNOWN_KEY
    )
    for message in (refusal.message, stranger.message):
        assert "\n" not in message and "\x1b" not in message and "\u202e" not in message
        assert "x" * 41 not in message
    assert "\\u000a" in refusal.message  # shown, escaped
    # An unknown key is no longer named at all (it has no fingerprint to show).
    assert "capnhat" not in stranger.message


def sync_fixtures_canonical(value: dict[str, Any]) -> bytes:
    from dvdesk.sync.format import canonical_json

    return canonical_json(value)


# ---------------------------------------------------------------- files that are not packages


def test_a_fifo_a_device_and_a_folder_are_refused_unread(
    exchange: Exchange, tmp_path: Path
) -> None:
    fifo = tmp_path / "pipe.dvpkg"
    os.mkfifo(fifo)
    device = tmp_path / "zero.dvpkg"
    device.symlink_to("/dev/zero")
    folder = tmp_path / "folder.dvpkg"
    folder.mkdir()
    for path in (fifo, device, folder):
        _refused(exchange, path, Reason.NOT_A_FILE)
    with pytest.raises(Refused) as receipt:
        import_receipt(exchange.child, path=device)
    assert receipt.value.reason is Reason.NOT_A_FILE
    with pytest.raises(Refused) as card:
        read_card_file(fifo)
    assert card.value.reason is Reason.NOT_A_FILE


def test_a_bad_file_in_the_folder_does_not_stop_the_others(
    exchange: Exchange, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    genuine = _genuine(exchange)
    members = replaced(read_members(genuine), "manifest.json", b"[" * 100_000)
    write_members(exchange.stick / "dvdesk-10105-01-000000.dvpkg", members)
    os.mkfifo(exchange.stick / "pipe.dvpkg")
    exchange.parent.close()
    os.environ["DVDESK_PASSPHRASE"] = PASSPHRASE
    try:
        code = main(
            [
                "--data-dir",
                str(exchange.parent.paths.root),
                "--user",
                "chuyenvien",
                "import",
                str(exchange.stick),
            ]
        )
    finally:
        del os.environ["DVDESK_PASSPHRASE"]
    out, err = capsys.readouterr()
    assert code == 6
    assert err.count("\n") == 2, err
    assert "pipe.dvpkg" in err and "000000.dvpkg" in err
    assert table_dump(exchange.parent.paths)["package_in"], out  # the genuine one imported


# ---------------------------------------------------------------- receipts and key cards


def _receipt(tmp: Path, body: bytes) -> Path:
    path = tmp / "crafted.dvrcpt"
    path.write_bytes(body)
    return path


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b'{"receipt":' + b"[" * 50_000 + b"]" * 50_000 + b',"signature":""}', Reason.TOO_DEEP),
        (
            b'{"receipt":{"format":"dvdesk-receipt","acknowledged_sequence":'
            + b"9" * 5_000
            + b'},"signature":""}',
            Reason.NUMBER_TOO_LARGE,
        ),
        (b'{"receipt":[' + b"{}," * 2_000_000 + b'{}],"signature":""}', Reason.MANIFEST_TOO_LARGE),
        (b'{"receipt":{"format":"dvdesk-receipt","format_version":0}}', Reason.BAD_RECEIPT),
    ],
    ids=["nested", "5000 digits", "millions of objects", "no signature"],
)
def test_crafted_receipts_are_refused_without_parsing(
    exchange: Exchange, tmp_path: Path, body: bytes, reason: Reason
) -> None:
    before = table_dump(exchange.child.paths)
    with pytest.raises(Refused) as refused:
        import_receipt(exchange.child, path=_receipt(tmp_path, body))
    assert refused.value.reason is reason
    assert table_dump(exchange.child.paths) == before


def test_a_15_mib_receipt_is_refused_by_its_size(exchange: Exchange, tmp_path: Path) -> None:
    path = _receipt(tmp_path, b'{"receipt":[' + b"{}," * (5 * 1024 * 1024) + b'{}],"x":1}')
    assert path.stat().st_size > 15 * 1024 * 1024
    with _memory_peak() as peak, pytest.raises(Refused) as refused:
        import_receipt(exchange.child, path=path)
    assert refused.value.reason is Reason.BAD_RECEIPT
    assert peak.bytes < 1024 * 1024


def test_a_receipt_with_format_version_zero_is_refused(exchange: Exchange, tmp_path: Path) -> None:
    body = {"receipt": {"format": "dvdesk-receipt", "format_version": 0}, "signature": ""}
    with pytest.raises(Refused) as refused:
        import_receipt(exchange.child, path=_receipt(tmp_path, json.dumps(body).encode()))
    assert refused.value.reason is Reason.BAD_FORMAT_VERSION


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"[" * 150 + b"]" * 150, Reason.TOO_DEEP),
        (
            b'{"format":"dvdesk-keycard","format_version":' + b"1" * 5_000 + b"}",
            Reason.NUMBER_TOO_LARGE,
        ),
        (b"\xff\xfe not json", Reason.BAD_CARD),
    ],
    ids=["nested", "5000 digits", "not json"],
)
def test_crafted_key_cards_are_refused_without_parsing(raw: bytes, reason: Reason) -> None:
    with pytest.raises(Refused) as refused:
        read_card_bytes(raw)
    assert refused.value.reason is reason


def test_a_lone_surrogate_in_a_manifest_is_refused(exchange: Exchange, tmp_path: Path) -> None:
    """Found by the fuzz test: it parsed, then could not be written back as UTF-8."""
    members = read_members(_genuine(exchange))
    text = dict(members)["manifest.json"].replace(b'"created_at":"', b'"created_at":"\\ud800')
    members = replaced(members, "manifest.json", text)
    _refused(exchange, write_members(tmp_path / "surrogate.dvpkg", members), Reason.BAD_MANIFEST)


@pytest.mark.parametrize("value", [7, None, [], {}, True])
def test_a_key_card_with_a_key_that_is_not_text_is_refused(
    exchange: Exchange, value: object
) -> None:
    """Found by the fuzz test: base64 of a number crashed the enrolment."""
    card = dict(keys.active_key(exchange.child).card) | {"signing_public": value}
    with pytest.raises(Refused) as refused:
        read_card_bytes(json.dumps(card).encode("utf-8"))
    assert refused.value.reason is Reason.BAD_CARD


def test_bytes_hidden_between_members_are_refused(exchange: Exchange, tmp_path: Path) -> None:
    members = read_members(_genuine(exchange))
    path = tmp_path / "between.dvpkg"
    with zipfile.ZipFile(path, "w") as archive:
        for index, (name, data) in enumerate(members):
            method = zipfile.ZIP_STORED if name == "manifest.sig" else zipfile.ZIP_DEFLATED
            archive.writestr(name, data, compress_type=method)
            if index == 0:  # zipfile writes the next member at start_dir: leave a gap
                assert archive.fp is not None
                hidden = b"hidden payload between two members"
                archive.fp.seek(archive.start_dir)
                archive.fp.write(hidden)
                archive.start_dir += len(hidden)
    _refused(exchange, path, Reason.EXTRA_BYTES)


@pytest.mark.parametrize("where", ["central comment", "central extra", "local extra"])
def test_bytes_hidden_in_zip_comments_or_extra_fields_are_refused(
    exchange: Exchange, tmp_path: Path, where: str
) -> None:
    """dvdesk writes no comments and no extra fields: any there carry unsigned bytes."""
    members = read_members(_genuine(exchange))
    path = tmp_path / "extra.dvpkg"
    hidden = b"\x99\x99\x10\x00hidden payload.."
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=(2026, 11, 10, 8, 0, 0))
            info.compress_type = (
                zipfile.ZIP_STORED if name == "manifest.sig" else zipfile.ZIP_DEFLATED
            )
            if name == "manifest.sig":
                if where == "central comment":
                    info.comment = b"hidden payload"
                else:
                    info.extra = hidden
            archive.writestr(info, data)
    if where == "central extra":  # zipfile wrote the extra in both headers: clear the local one
        raw = bytearray(path.read_bytes())
        local = raw.find(b"PK\x03\x04")
        name_length = int.from_bytes(raw[local + 26 : local + 28], "little")
        start = local + 30 + name_length
        raw[start : start + len(hidden)] = b"\x00" * len(hidden)
        raw[start : start + 4] = b"\x99\x99\x10\x00"
        path.write_bytes(bytes(raw))
    _refused(exchange, path, Reason.EXTRA_BYTES)


def test_a_zip_asking_for_an_unknown_zip_version_is_refused(
    exchange: Exchange, tmp_path: Path
) -> None:
    """Found by the fuzz test: zipfile raised NotImplementedError ("zip file version 8.4")."""
    data = bytearray(_genuine(exchange).read_bytes())
    central = data.rfind(b"PK\x01\x02")
    data[central + 6] = 84  # "version needed to extract" of the last entry
    path = tmp_path / "version.dvpkg"
    path.write_bytes(bytes(data))
    before = table_dump(exchange.parent.paths)
    with pytest.raises(Refused):
        import_package(exchange.parent, path=path, passphrase=PASSPHRASE)
    assert table_dump(exchange.parent.paths) == before


def test_dry_run_refuses_an_item_id_of_another_record(exchange: Exchange, tmp_path: Path) -> None:
    from tests.test_sync_attacks import item_id_clash

    attack = item_id_clash(exchange, tmp_path)
    _refused(exchange, attack.package, Reason.BAD_PAYLOAD, dry_run=True)
    _refused(exchange, attack.package, Reason.BAD_PAYLOAD)


def test_dry_run_refuses_an_item_id_used_twice_in_the_package(
    exchange: Exchange, tmp_path: Path
) -> None:
    exchange.add(title="Hồ sơ thứ hai")
    members = read_members(_genuine(exchange))
    records = wire_records(members)
    records[1]["recommendations"][0]["id"] = records[0]["recommendations"][0]["id"]
    path = write_members(tmp_path / "twice.dvpkg", with_records(exchange.child, members, records))
    _refused(exchange, path, Reason.BAD_PAYLOAD, dry_run=True)
    _refused(exchange, path, Reason.BAD_PAYLOAD)
