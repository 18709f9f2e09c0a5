"""The adversary with a stolen office key, part 4: records members too big, too many, or
laid out in a way dvdesk never writes.

A stolen (still trusted) key signs whatever it likes, so the signature proves nothing
about size: the importer parses a records member whole, at several times its size in
memory, so it refuses any member over the cap before reading a byte of it, and the
exporter cuts genuine records into members under the cap. Each hostile package goes
through the app's one import path, must be refused with a Vietnamese message saying
what to do, and must leave the database byte for byte as it was.
"""

from __future__ import annotations

import hashlib
import json
import struct
import uuid
import zipfile
from pathlib import Path
from typing import Any

import pytest

from dvdesk.errors import UserError
from dvdesk.services.counts import set_counts
from dvdesk.sync import export as export_module
from dvdesk.sync.apply import import_package
from dvdesk.sync.format import DEFAULT_LIMITS, RECORDS_MEMBER_BYTES, Limits
from dvdesk.sync.refusals import Reason, Refused
from tests import sync_fixtures
from tests.conftest import database_digest
from tests.sync_fixtures import PASSPHRASE, Exchange, record_content, table_dump
from tests.test_attack_sizes import MIB, assert_tells_what_to_do, batch_refused, bounded_cost
from tests.test_sync_attacks import manifest_of, read_members, resign, write_members

exchange_template = sync_fixtures.exchange_template
exchange = sync_fixtures.exchange

# About 25 KB of UTF-8 per field: long minutes, as a real office may write them.
LONG = (
    "Qua giám sát, đoàn ghi nhận 1.554 cuộc kiểm tra đối với 2.612 tổ chức, đơn vị; "
    "đề nghị tiếp tục đối thoại với Nhân dân về giải phóng mặt bằng. "
) * 180


def _records_names(members: list[tuple[str, bytes]]) -> list[str]:
    return [name for name, _data in members if name.startswith("records/")]


def _split_package(ex: Exchange, monkeypatch: pytest.MonkeyPatch, count: int = 3) -> Path:
    """A genuine package whose records the exporter had to cut into several members."""
    for number in range(count):
        ex.add(title=f"Giám sát số {number + 1}", conclusion=LONG[:3_000])
    with monkeypatch.context() as patched:
        patched.setattr(export_module, "RECORDS_MEMBER_BYTES", 8_000)
        path = ex.export().path
    assert len(_records_names(read_members(path))) == count
    return path


def _hostile_records(template: dict[str, Any], count: int) -> bytes:
    """``count`` well-formed records of the signer's office, each with ~50 KB of text."""
    records = [
        dict(template, id=str(uuid.uuid4()), findings=LONG, conclusion=LONG)
        | {"recommendations": [], "issues": [], "attachments": [], "subjects": []}
        for _ in range(count)
    ]
    return json.dumps(records, ensure_ascii=False, separators=(",", ":")).encode()


def _signed_with_records(
    ex: Exchange, source: Path, payloads: list[bytes], counts: list[int]
) -> list[tuple[str, bytes]]:
    """``source``'s other members, with ``payloads`` as its records members, signed with
    the child's (stolen) key: every size, hash and count as the signature says."""
    members = [(n, d) for n, d in read_members(source) if not n.startswith("records/")]
    manifest = manifest_of(read_members(source))
    others = [entry for entry in manifest["files"] if entry["kind"] != "records"]
    entries = [
        {
            "name": f"records/{index:06d}.json",
            "kind": "records",
            "size": len(payload),
            "sha256": hashlib.sha256(payload).hexdigest(),
            "records": count,
        }
        for index, (payload, count) in enumerate(zip(payloads, counts, strict=True), start=1)
    ]
    manifest["files"] = entries + others
    manifest["counts"] |= {"record": sum(counts), "tombstone": 0}
    manifest["offices"] = {"10105": sum(counts)}
    records = [(f"records/{index:06d}.json", p) for index, p in enumerate(payloads, start=1)]
    return resign(ex.child, records + members, manifest)


def _template(ex: Exchange) -> tuple[Path, dict[str, Any]]:
    ex.add(title="Mẫu")
    path = ex.export().path
    members = read_members(path)
    first: dict[str, Any] = json.loads(dict(members)[_records_names(members)[0]])[0]
    return path, first


# ---------------------------------------------------------------- too big


def test_attack_a_signed_records_member_of_250_mb_is_refused_before_it_is_read(
    exchange: Exchange, tmp_path: Path
) -> None:
    """4.5 MB on the stick, 250 MB unpacked, every hash and size signed: it used to peak
    at 1.25 GB of memory; now its declared size alone refuses it."""
    source, template = _template(exchange)
    block = _hostile_records(template, 200)[1:-1] + b","  # ~10 MB of records and a comma
    repeats = 235 * MIB // len(block)  # with the last block: under the old cap of 256 MiB
    digest, size = hashlib.sha256(b"["), 1
    for _ in range(repeats):
        digest.update(block)
    digest.update(block[:-1] + b"]")
    size += repeats * len(block) + len(block)
    manifest = manifest_of(read_members(source))
    name = _records_names(read_members(source))[0]
    for entry in manifest["files"]:
        if entry["name"] == name:
            entry.update(size=size, sha256=digest.hexdigest(), records=200 * (repeats + 1))
    manifest["counts"]["record"] = 200 * (repeats + 1)
    manifest["offices"] = {"10105": 200 * (repeats + 1)}
    signed = resign(exchange.child, read_members(source), manifest)
    path = tmp_path / "goi-250mb.dvpkg"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for member, data in signed:
            if member == name:
                with archive.open(member, "w", force_zip64=True) as writer:
                    writer.write(b"[")
                    for _ in range(repeats):
                        writer.write(block)
                    writer.write(block[:-1] + b"]")
            else:
                method = zipfile.ZIP_STORED if member == "manifest.sig" else zipfile.ZIP_DEFLATED
                archive.writestr(member, data, compress_type=method)
    assert path.stat().st_size < 16 * MIB and 230 * MIB < size < 256 * MIB
    with bounded_cost() as cost:
        error = batch_refused(exchange.parent, path, Reason.MEMBER_TOO_LARGE)
    assert str(DEFAULT_LIMITS.records_member_bytes) in error.message
    assert cost.bytes < 16 * MIB


def test_attack_a_signed_member_just_over_the_cap_is_refused(
    exchange: Exchange, tmp_path: Path
) -> None:
    source, template = _template(exchange)
    count = RECORDS_MEMBER_BYTES // len(_hostile_records(template, 1)) + 1
    payload = _hostile_records(template, count)
    assert RECORDS_MEMBER_BYTES < len(payload) < RECORDS_MEMBER_BYTES + 100_000
    signed = _signed_with_records(exchange, source, [payload], [count])
    path = write_members(tmp_path / "vua-qua.dvpkg", signed)
    batch_refused(exchange.parent, path, Reason.MEMBER_TOO_LARGE)


def test_attack_an_encrypted_member_over_the_cap_is_refused_before_it_is_read(
    exchange: Exchange, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sealed members say nothing of their contents in the zip: the cap is checked
    against the sizes in the sealed contents list, before the member is read."""
    exchange.add(conclusion=LONG[:4_000])
    path = exchange.export(encrypt=True).path
    reads: list[str] = []
    from dvdesk.sync.container import PackageFile

    real_read = PackageFile.read

    def counted(self: PackageFile, name: str, *, size: int, sha256: str) -> bytes:
        reads.append(name)
        return real_read(self, name, size=size, sha256=sha256)

    monkeypatch.setattr(PackageFile, "read", counted)
    digest = database_digest(exchange.parent.paths)
    with pytest.raises(Refused) as refused:
        import_package(
            exchange.parent,
            path=path,
            passphrase=PASSPHRASE,
            limits=Limits(records_member_bytes=2_000),
        )
    assert refused.value.reason is Reason.MEMBER_TOO_LARGE
    assert_tells_what_to_do(refused.value.message)
    assert reads == ["sealed/000000"]  # the contents list only: no records member was read
    assert database_digest(exchange.parent.paths) == digest


# ---------------------------------------------------------------- too many


def test_attack_many_members_each_under_the_cap_cost_the_memory_of_one(
    exchange: Exchange, tmp_path: Path
) -> None:
    """The thief splits his records into members under the cap: they are genuine in form
    and import, but one member at a time, so memory stays that of one member."""
    source, template = _template(exchange)
    cap = 512 * 1024
    per_member = cap // len(_hostile_records(template, 1))
    payloads = [_hostile_records(template, per_member) for _ in range(24)]
    assert all(len(payload) <= cap for payload in payloads)
    signed = _signed_with_records(exchange, source, payloads, [per_member] * 24)
    path = write_members(tmp_path / "nhieu-phan.dvpkg", signed)
    with bounded_cost() as cost:
        summary = import_package(
            exchange.parent, path=path, limits=Limits(records_member_bytes=cap)
        )
    assert summary.new == 24 * per_member
    total = sum(len(payload) for payload in payloads)
    assert total > 11 * MIB and cost.bytes < total / 2


def _with_zip64_count(source: Path, target: Path, count: int) -> Path:
    """``source`` whose end record says 0xFFFF files and whose zip64 end record says
    ``count``: the directory itself is unchanged."""
    data = source.read_bytes()
    end = data[-22:]
    size_cd, offset_cd = struct.unpack("<LL", end[12:20])
    body = data[:-22]
    zip64 = struct.pack(
        "<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, count, count, size_cd, offset_cd
    )
    locator = struct.pack("<4sLQL", b"PK\x06\x07", 0, len(body), 1)
    record = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, size_cd, offset_cd, 0)
    target.write_bytes(body + zip64 + locator + record)
    return target


def test_attack_a_zip_that_says_it_holds_2_63_files_is_refused(
    exchange: Exchange, tmp_path: Path
) -> None:
    exchange.add()
    path = exchange.export().path
    huge = _with_zip64_count(path, tmp_path / "2-mu-63.dvpkg", 2**63)
    with bounded_cost() as cost:
        batch_refused(exchange.parent, huge, Reason.TOO_MANY_MEMBERS)
    assert cost.bytes < 8 * MIB
    with zipfile.ZipFile(path) as archive:
        real = len(archive.infolist())
    lying = _with_zip64_count(path, tmp_path / "dem-sai.dvpkg", real + 1)
    batch_refused(exchange.parent, lying, Reason.TRUNCATED)


def test_attack_a_signed_record_count_of_2_63_is_refused(
    exchange: Exchange, tmp_path: Path
) -> None:
    source, _template_record = _template(exchange)
    members = read_members(source)
    manifest = manifest_of(members)
    for entry in manifest["files"]:
        if entry["kind"] == "records":
            entry["records"] = 2**63
    manifest["counts"]["record"] = 2**63
    path = write_members(tmp_path / "dem-2-mu-63.dvpkg", resign(exchange.child, members, manifest))
    batch_refused(exchange.parent, path, Reason.NUMBER_TOO_LARGE)


# ---------------------------------------------------------------- laid out wrongly


def _resigned_files(
    ex: Exchange, members: list[tuple[str, bytes]], files: list[dict[str, Any]]
) -> list[tuple[str, bytes]]:
    manifest = manifest_of(members)
    manifest["files"] = files
    records = sum(entry["records"] for entry in files)
    manifest["counts"]["record"] = records
    manifest["offices"] = {"10105": records}
    return resign(ex.child, members, manifest)


def test_attack_records_members_out_of_order_are_refused(
    exchange: Exchange, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    members = read_members(_split_package(exchange, monkeypatch))
    files = manifest_of(members)["files"]
    swapped = [files[1], files[0], *files[2:]]
    path = write_members(tmp_path / "dao-thu-tu.dvpkg", _resigned_files(exchange, members, swapped))
    batch_refused(exchange.parent, path, Reason.MEMBERS_OUT_OF_ORDER)


def test_attack_a_records_member_dropped_from_the_signed_list_is_refused(
    exchange: Exchange, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The thief withholds the middle member and signs the rest: a gap in the numbers."""
    members = read_members(_split_package(exchange, monkeypatch))
    files = manifest_of(members)["files"]
    kept = [f for f in files if f["name"] != "records/000002.json"]
    rest = [(n, d) for n, d in members if n != "records/000002.json"]
    path = write_members(tmp_path / "bo-phan.dvpkg", _resigned_files(exchange, rest, kept))
    batch_refused(exchange.parent, path, Reason.MEMBERS_OUT_OF_ORDER)


def test_attack_a_duplicated_records_member_is_refused(
    exchange: Exchange, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    members = read_members(_split_package(exchange, monkeypatch))
    first = dict(members)["records/000001.json"]
    twice_in_zip = write_members(
        tmp_path / "hai-lan-zip.dvpkg", [*members, ("records/000001.json", first)]
    )
    batch_refused(exchange.parent, twice_in_zip, Reason.DUPLICATE_MEMBER)
    files = manifest_of(members)["files"]
    twice_listed = write_members(
        tmp_path / "hai-lan-ke.dvpkg", _resigned_files(exchange, members, [files[0], *files])
    )
    batch_refused(exchange.parent, twice_listed, Reason.BAD_MANIFEST)


def test_attack_a_records_member_listed_but_missing_is_refused(
    exchange: Exchange, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    members = read_members(_split_package(exchange, monkeypatch))
    rest = [(n, d) for n, d in members if n != "records/000003.json"]
    path = write_members(tmp_path / "thieu-phan.dvpkg", rest)
    batch_refused(exchange.parent, path, Reason.MISSING_MEMBER)


# ---------------------------------------------------------------- genuine packages


def test_genuine_long_records_are_cut_into_members_under_the_cap_and_all_import(
    exchange: Exchange, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _split_package(exchange, monkeypatch, count=5)
    for name, data in read_members(path):
        if name.startswith("records/"):
            assert len(data) <= 8_000 and len(json.loads(data)) == 1
    summary = exchange.import_(path, limits=Limits(records_member_bytes=8_000))
    assert summary.new == 5 and summary.refused == 0
    assert record_content(exchange.parent.paths) == record_content(exchange.child.paths)


def test_the_exporter_never_writes_a_member_the_importer_refuses() -> None:
    assert Limits().records_member_bytes == RECORDS_MEMBER_BYTES
    assert vars(export_module)["RECORDS_MEMBER_BYTES"] == RECORDS_MEMBER_BYTES


def test_a_record_too_large_for_one_member_is_refused_at_export_with_its_title(
    exchange: Exchange, monkeypatch: pytest.MonkeyPatch
) -> None:
    exchange.add(title="Biên bản đối thoại rất dài", conclusion=LONG[:6_000])
    before = table_dump(exchange.child.paths, ("package_out",))
    monkeypatch.setattr(export_module, "RECORDS_MEMBER_BYTES", 4_000)
    with pytest.raises(UserError) as refused:
        exchange.export()
    assert "Biên bản đối thoại rất dài" in refused.value.message
    assert_tells_what_to_do(refused.value.message)
    assert list(exchange.stick.iterdir()) == []
    assert table_dump(exchange.child.paths, ("package_out",)) == before


def test_figures_too_many_for_one_member_are_refused_at_export(
    exchange: Exchange, monkeypatch: pytest.MonkeyPatch
) -> None:
    set_counts(
        exchange.child,
        data={
            "unit_code": "10105",
            "period_start": "2021-12-15",
            "period_end": "2022-06-14",
            "figures": {"directive.nghi_quyet": 4, "directive.chi_thi": 2},
        },
    )
    monkeypatch.setattr(export_module, "RECORDS_MEMBER_BYTES", 300)
    with pytest.raises(UserError) as refused:
        exchange.export()
    assert_tells_what_to_do(refused.value.message)
    assert "MB" in refused.value.message
    assert list(exchange.stick.iterdir()) == []
