"""The attack catalogue (in the spirit of TUF's conformance suite).

Every case builds a bad package from a real one and checks that the import is
refused with its own reason and message, and that the database did not change.
"""

from __future__ import annotations

import json
import shutil
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from dvdesk.paths import DataPaths
from dvdesk.services.records import get_record
from dvdesk.services.store import Store, open_store
from dvdesk.sync import keys
from dvdesk.sync.apply import import_package
from dvdesk.sync.export import export_package
from dvdesk.sync.format import DEFAULT_LIMITS, Limits, canonical_json, sha256_hex
from dvdesk.sync.receipt import import_receipt, write_receipt
from dvdesk.sync.refusals import Reason, Refused
from dvdesk.sync.trust import revoke
from dvdesk.sync.verify import verify_package
from tests import sync_fixtures
from tests.conftest import database_digest
from tests.sync_fixtures import PASSPHRASE, Exchange, make_office

exchange_template = sync_fixtures.exchange_template
exchange = sync_fixtures.exchange


# ---------------------------------------------------------------- tools for forging


def read_members(path: Path) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(path) as archive:
        return [(info.filename, archive.read(info)) for info in archive.infolist()]


def write_members(path: Path, members: list[tuple[str, bytes]]) -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about duplicate names; we want one
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in members:
                # As dvdesk writes it: the signature stored, so it is read at a fixed size.
                method = zipfile.ZIP_STORED if name == "manifest.sig" else zipfile.ZIP_DEFLATED
                archive.writestr(name, data, compress_type=method)
    return path


def replaced(members: list[tuple[str, bytes]], name: str, data: bytes) -> list[tuple[str, bytes]]:
    return [(n, data if n == name else d) for n, d in members]


def manifest_of(members: list[tuple[str, bytes]]) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(dict(members)["manifest.json"])
    return data


def resign(
    store: Store, members: list[tuple[str, bytes]], manifest: dict[str, Any]
) -> list[tuple[str, bytes]]:
    """Sign ``manifest`` with ``store``'s real key, as an office (or a thief of its key) could."""
    own = keys.active_key(store)
    signing = keys.load_signing_key(store, key_id=own.key_id, passphrase=PASSPHRASE)
    raw = canonical_json(manifest)
    members = replaced(members, "manifest.json", raw)
    return replaced(members, "manifest.sig", signing.sign(raw))


def records_member(members: list[tuple[str, bytes]]) -> str:
    return next(name for name, _data in members if name.startswith("records/"))


def with_records(
    store: Store, members: list[tuple[str, bytes]], records: list[dict[str, Any]]
) -> list[tuple[str, bytes]]:
    """Replace the records with ``records``, fix the hashes, sign again with ``store``'s key."""
    name = records_member(members)
    payload = json.dumps(records, ensure_ascii=False).encode("utf-8")
    manifest = manifest_of(members)
    for entry in manifest["files"]:
        if entry["name"] == name:
            entry.update(size=len(payload), sha256=sha256_hex(payload), records=len(records))
    manifest["counts"]["record"] = len(records)
    offices: dict[str, int] = {}
    for record in records:
        offices[record["office_code"]] = offices.get(record["office_code"], 0) + 1
    manifest["offices"] = offices
    return resign(store, replaced(members, name, payload), manifest)


def wire_records(members: list[tuple[str, bytes]]) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = json.loads(dict(members)[records_member(members)])
    return records


def restore(paths: DataPaths, saved: Path) -> None:
    """Put back a copy of a database taken earlier, as after restoring a backup."""
    for suffix in ("", "-wal", "-shm"):
        Path(str(paths.database) + suffix).unlink(missing_ok=True)
    for file in saved.iterdir():
        shutil.copy(file, paths.root / file.name)


def snapshot(paths: DataPaths, target: Path) -> Path:
    target.mkdir()
    for suffix in ("", "-wal"):
        source = Path(str(paths.database) + suffix)
        if source.exists():
            shutil.copy(source, target / source.name)
    return target


# ---------------------------------------------------------------- the catalogue


@dataclass
class Attack:
    package: Path
    reason: Reason
    target: Store | None = None  # who imports (default: the parent)
    limits: Limits = DEFAULT_LIMITS


Builder = Callable[[Exchange, Path], Attack]


def _package(ex: Exchange, **options: Any) -> Path:
    ex.add(title="Kiểm tra thật")
    return ex.export(**options).path


def unknown_key(ex: Exchange, tmp: Path) -> Attack:
    stranger = make_office(tmp / "stranger", dict(sync_fixtures.SIBLING) | {"code": "10107"})
    from dvdesk.sync.keycard import parse_card
    from dvdesk.sync.trust import enroll_card

    enroll_card(stranger, card=parse_card(keys.active_key(ex.parent).card))
    ex.add(stranger, title="Của một xã lạ")
    path = export_package(stranger, out=ex.stick, passphrase=PASSPHRASE, destination="01").path
    stranger.close()
    return Attack(path, Reason.UNKNOWN_KEY)


def revoked_key(ex: Exchange, tmp: Path) -> Attack:
    path = _package(ex)
    revoke(ex.parent, target="10105")
    return Attack(path, Reason.REVOKED_KEY)


def bad_signature(ex: Exchange, tmp: Path) -> Attack:
    members = read_members(_package(ex))
    manifest = manifest_of(members)
    manifest["counts"]["record"] += 1
    members = replaced(members, "manifest.json", canonical_json(manifest))
    return Attack(write_members(tmp / "bad-signature.dvpkg", members), Reason.BAD_SIGNATURE)


def other_office_claims_this_one(ex: Exchange, tmp: Path) -> Attack:
    """The sibling, with its own valid key, signs a package claiming to be the child."""
    members = read_members(_package(ex))
    manifest = manifest_of(members)
    manifest["signer_key_id"] = keys.active_key(ex.sibling).key_id
    members = resign(ex.sibling, members, manifest)
    return Attack(write_members(tmp / "impostor.dvpkg", members), Reason.KEY_OF_OTHER_OFFICE)


def changed_payload(ex: Exchange, tmp: Path) -> Attack:
    members = read_members(_package(ex))
    name = records_member(members)
    payload = dict(members)[name].replace(
        b'"start_date":"2024-05-14"', b'"start_date":"2023-05-14"'
    )
    assert payload != dict(members)[name]
    members = replaced(members, name, payload)
    return Attack(write_members(tmp / "changed.dvpkg", members), Reason.CHANGED_FILE)


def flipped_byte_on_the_stick(ex: Exchange, tmp: Path) -> Attack:
    path = _package(ex)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(records_member(read_members(path)))
    data[info.header_offset + 30 + len(info.filename) + 10] ^= 0x55  # inside the member
    path.write_bytes(bytes(data))
    return Attack(path, Reason.CHANGED_FILE)


def truncated(ex: Exchange, tmp: Path) -> Attack:
    path = _package(ex)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return Attack(path, Reason.TRUNCATED)


def member_cut_short(ex: Exchange, tmp: Path) -> Attack:
    members = read_members(_package(ex))
    name = records_member(members)
    members = replaced(members, name, dict(members)[name][:-10])
    return Attack(write_members(tmp / "short.dvpkg", members), Reason.SIZE_MISMATCH)


def zip_bomb(ex: Exchange, tmp: Path) -> Attack:
    members = read_members(_package(ex))
    name = records_member(members)
    target = tmp / "bomb.dvpkg"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, data in members:
            if member != name:
                stored = member == "manifest.sig"
                archive.writestr(member, data, zipfile.ZIP_STORED if stored else None)
        with archive.open(name, "w", force_zip64=True) as writer:
            block = b"\0" * (1 << 20)
            for _ in range(DEFAULT_LIMITS.records_member_bytes // len(block) + 1):
                writer.write(block)
    assert target.stat().st_size < 2 * 1024 * 1024  # small on the stick, huge unpacked
    return Attack(target, Reason.MEMBER_TOO_LARGE)


def oversized_package(ex: Exchange, tmp: Path) -> Attack:
    path = _package(ex)
    return Attack(path, Reason.TOO_LARGE, limits=Limits(package_bytes=path.stat().st_size - 1))


def too_many_members(ex: Exchange, tmp: Path) -> Attack:
    members = read_members(_package(ex))
    extra = [(f"attachments/{index:064x}", b"x") for index in range(20)]
    path = write_members(tmp / "many.dvpkg", members + extra)
    return Attack(path, Reason.TOO_MANY_MEMBERS, limits=Limits(members=10))


def path_traversal(ex: Exchange, tmp: Path) -> Attack:
    members = [*read_members(_package(ex)), ("../../Startup/evil.bat", b"echo pwned")]
    return Attack(write_members(tmp / "escape.dvpkg", members), Reason.BAD_MEMBER_NAME)


def absolute_path(ex: Exchange, tmp: Path) -> Attack:
    members = [*read_members(_package(ex)), ("/etc/cron.d/evil", b"* * * * * root sh")]
    return Attack(write_members(tmp / "absolute.dvpkg", members), Reason.BAD_MEMBER_NAME)


def duplicate_member(ex: Exchange, tmp: Path) -> Attack:
    members = read_members(_package(ex))
    name = records_member(members)
    members = [*members, (name, b"[]")]
    return Attack(write_members(tmp / "twice.dvpkg", members), Reason.DUPLICATE_MEMBER)


def unexpected_member(ex: Exchange, tmp: Path) -> Attack:
    members = [*read_members(_package(ex)), ("autorun.inf", b"[autorun]")]
    return Attack(write_members(tmp / "extra.dvpkg", members), Reason.UNEXPECTED_MEMBER)


def unlisted_member(ex: Exchange, tmp: Path) -> Attack:
    members = [*read_members(_package(ex)), ("records/000099.json", b"[]")]
    return Attack(write_members(tmp / "unlisted.dvpkg", members), Reason.UNEXPECTED_MEMBER)


def missing_member(ex: Exchange, tmp: Path) -> Attack:
    members = read_members(_package(ex))
    name = records_member(members)
    members = [(n, d) for n, d in members if n != name]
    return Attack(write_members(tmp / "missing.dvpkg", members), Reason.MISSING_MEMBER)


def wrong_destination(ex: Exchange, tmp: Path) -> Attack:
    members = read_members(_package(ex))
    manifest = manifest_of(members)
    manifest["destination"]["code"] = "02"
    members = resign(ex.child, members, manifest)
    return Attack(write_members(tmp / "elsewhere.dvpkg", members), Reason.WRONG_DESTINATION)


def old_after_new(ex: Exchange, tmp: Path) -> Attack:
    first = _package(ex)
    second = _package(ex)
    import_package(ex.parent, path=second)
    return Attack(first, Reason.OLD_PACKAGE)


def gap(ex: Exchange, tmp: Path) -> Attack:
    """The province restored an old backup: package 1, acknowledged, is lost there."""
    saved = snapshot(ex.parent.paths, tmp / "backup")
    import_package(ex.parent, path=_package(ex))
    ex.acknowledge()
    second = _package(ex)
    restore(ex.parent.paths, saved)
    return Attack(second, Reason.GAP)


def same_sequence_other_content(ex: Exchange, tmp: Path) -> Attack:
    """The commune restored an old backup and numbered a different package 1 again."""
    saved = snapshot(ex.child.paths, tmp / "backup")
    first = _package(ex)
    import_package(ex.parent, path=first)
    restore(ex.child.paths, saved)
    ex.stick = tmp / "second-stick"
    ex.stick.mkdir()
    return Attack(_package(ex), Reason.SEQUENCE_CONFLICT)


def broken_chain(ex: Exchange, tmp: Path) -> Attack:
    saved = snapshot(ex.child.paths, tmp / "backup")
    import_package(ex.parent, path=_package(ex))
    restore(ex.child.paths, saved)
    ex.stick = tmp / "second-stick"
    ex.stick.mkdir()
    _package(ex)  # a different package 1, never imported
    return Attack(_package(ex), Reason.CHAIN_BROKEN)


def mixed_manifest_and_payload(ex: Exchange, tmp: Path) -> Attack:
    """Manifest and signature of one genuine package, payload of another."""
    first = read_members(_package(ex))
    ex.add(title="Thêm một hồ sơ")
    second = read_members(ex.export().path)
    payload = {n: d for n, d in second if n.startswith("records/")}
    members = [(n, payload.get(n, d)) for n, d in first]
    return Attack(write_members(tmp / "mixed.dvpkg", members), Reason.SIZE_MISMATCH)


def mixed_same_size(ex: Exchange, tmp: Path) -> Attack:
    """As above, with payloads of exactly the same size: only the hash tells them apart."""
    first = read_members(_package(ex))
    name = records_member(first)
    record = wire_records(first)[0]
    record["title"] = record["title"].replace("thật", "giật")  # same length in UTF-8
    payload = json.dumps([record], ensure_ascii=False, separators=(",", ":")).encode()
    assert len(payload) == len(dict(first)[name])
    return Attack(
        write_members(tmp / "mixed-size.dvpkg", replaced(first, name, payload)),
        Reason.CHANGED_FILE,
    )


def from_self(ex: Exchange, tmp: Path) -> Attack:
    ex.add(ex.parent, title="Của tỉnh")
    path = export_package(ex.parent, out=ex.stick, passphrase=PASSPHRASE).path
    return Attack(path, Reason.FROM_SELF)


def from_the_parent(ex: Exchange, tmp: Path) -> Attack:
    ex.add(ex.parent, title="Của tỉnh")
    path = export_package(ex.parent, out=ex.stick, passphrase=PASSPHRASE, destination="10105").path
    return Attack(path, Reason.NOT_A_CHILD, target=ex.child)


def not_a_package(ex: Exchange, tmp: Path) -> Attack:
    path = tmp / "photo.dvpkg"
    path.write_bytes(b"\xff\xd8\xff\xe0 not a zip at all" * 100)
    return Attack(path, Reason.NOT_A_PACKAGE)


def garbage_manifest(ex: Exchange, tmp: Path) -> Attack:
    members = replaced(read_members(_package(ex)), "manifest.json", b'{"format": "dvdesk-package"')
    return Attack(write_members(tmp / "garbage.dvpkg", members), Reason.BAD_MANIFEST)


def newer_format(ex: Exchange, tmp: Path) -> Attack:
    members = read_members(_package(ex))
    manifest = manifest_of(members)
    manifest["format_version"] = 99
    members = resign(ex.child, members, manifest)
    return Attack(write_members(tmp / "future.dvpkg", members), Reason.FORMAT_TOO_NEW)


def newer_schema(ex: Exchange, tmp: Path) -> Attack:
    members = read_members(_package(ex))
    manifest = manifest_of(members)
    manifest["schema_version"] = "9999"
    members = resign(ex.child, members, manifest)
    return Attack(write_members(tmp / "schema.dvpkg", members), Reason.SCHEMA_TOO_NEW)


def invalid_records(ex: Exchange, tmp: Path) -> Attack:
    members = read_members(_package(ex))
    records = wire_records(members)
    records[0]["revision"] = "một"  # the right shape is checked even under a valid signature
    members = with_records(ex.child, members, records)
    return Attack(write_members(tmp / "invalid.dvpkg", members), Reason.BAD_PAYLOAD)


def tampered_ciphertext(ex: Exchange, tmp: Path) -> Attack:
    """Encrypted, with ciphertext replaced and hashes fixed by a holder of the child's key."""
    members = read_members(_package(ex, encrypt=True))
    name = "sealed/000001"  # the records, under their opaque number
    forged = bytes(len(dict(members)[name]))
    manifest = manifest_of(members)
    for entry in manifest["files"]:
        if entry["name"] == name:
            entry["sha256"] = sha256_hex(forged)
    members = resign(ex.child, replaced(members, name, forged), manifest)
    return Attack(write_members(tmp / "sealed.dvpkg", members), Reason.CANNOT_DECRYPT)


def item_id_clash(ex: Exchange, tmp: Path) -> Attack:
    """A recommendation id that belongs to another record already stored."""
    import_package(ex.parent, path=_package(ex))
    first = get_record(ex.parent, record_id=_only_record_id(ex.parent))
    members = read_members(_package(ex))
    records = [r for r in wire_records(members) if r["id"] != first.id]
    records[0]["recommendations"][0]["id"] = first.recommendations[0].id
    members = with_records(ex.child, members, records)
    return Attack(write_members(tmp / "clash.dvpkg", members), Reason.BAD_PAYLOAD)


def _with_attachment(ex: Exchange, tmp: Path) -> list[tuple[str, bytes]]:
    from dvdesk.services.attachments import add_attachment

    record = ex.add(title="Có ảnh")
    scan = tmp / "scan.jpg"
    scan.write_bytes(b"\xff\xd8 a genuine scan " * 100)
    add_attachment(ex.child, record_id=record, source=scan)
    return read_members(ex.export().path)


def attachment_under_another_name(ex: Exchange, tmp: Path) -> Attack:
    """Other bytes under a scan's name, with a valid signature over their real hash."""
    members = _with_attachment(ex, tmp)
    name = next(n for n, _d in members if n.startswith("attachments/"))
    other = b"not the scan at all"
    manifest = manifest_of(members)
    for entry in manifest["files"]:
        if entry["name"] == name:
            entry.update(size=len(other), sha256=sha256_hex(other))
    members = resign(ex.child, replaced(members, name, other), manifest)
    return Attack(write_members(tmp / "swapped.dvpkg", members), Reason.BAD_PAYLOAD)


def attachment_left_out(ex: Exchange, tmp: Path) -> Attack:
    """A record refers to a scan the (validly signed) package does not carry."""
    members = _with_attachment(ex, tmp)
    name = next(n for n, _d in members if n.startswith("attachments/"))
    members = [(n, d) for n, d in members if n != name]
    manifest = manifest_of(members)
    manifest["files"] = [e for e in manifest["files"] if e["name"] != name]
    members = resign(ex.child, members, manifest)
    return Attack(write_members(tmp / "no-scan.dvpkg", members), Reason.BAD_PAYLOAD)


def _only_record_id(store: Store) -> str:
    from dvdesk.services.records import list_records

    (record,) = list_records(store)
    return record.id


CATALOGUE: dict[str, Builder] = {
    "unknown key": unknown_key,
    "revoked key": revoked_key,
    "bad signature": bad_signature,
    "valid key of another office claiming to be this one": other_office_claims_this_one,
    "changed payload": changed_payload,
    "byte flipped on the stick": flipped_byte_on_the_stick,
    "truncated file": truncated,
    "member cut short": member_cut_short,
    "zip bomb": zip_bomb,
    "oversized package": oversized_package,
    "too many members": too_many_members,
    "path escaping the package": path_traversal,
    "absolute path": absolute_path,
    "duplicate member": duplicate_member,
    "unexpected member": unexpected_member,
    "member not in the manifest": unlisted_member,
    "missing member": missing_member,
    "package for another destination": wrong_destination,
    "old package after a newer one": old_after_new,
    "gap in the sequence": gap,
    "same sequence, different content": same_sequence_other_content,
    "broken hash chain": broken_chain,
    "manifest of one package, payload of another": mixed_manifest_and_payload,
    "payload of the same size": mixed_same_size,
    "package made by this office": from_self,
    "package from the parent": from_the_parent,
    "not a package": not_a_package,
    "garbage manifest": garbage_manifest,
    "newer package format": newer_format,
    "newer schema": newer_schema,
    "invalid records under a valid signature": invalid_records,
    "tampered ciphertext under a valid signature": tampered_ciphertext,
    "item id of another record": item_id_clash,
    "attachment bytes under another file's name": attachment_under_another_name,
    "record refers to an attachment left out": attachment_left_out,
}


def _run(exchange: Exchange, tmp_path: Path, name: str) -> Refused:
    attack = CATALOGUE[name](exchange, tmp_path)
    target = attack.target or exchange.parent
    before = database_digest(target.paths)
    with pytest.raises(Refused) as refused:
        import_package(target, path=attack.package, passphrase=PASSPHRASE, limits=attack.limits)
    assert refused.value.reason is attack.reason, refused.value.message
    assert database_digest(target.paths) == before
    detected_by_verify = attack.reason not in (Reason.BAD_PAYLOAD, Reason.CANNOT_DECRYPT)
    if attack.limits == DEFAULT_LIMITS and detected_by_verify:
        with pytest.raises(Refused) as verified:  # 'verify' refuses the same way
            verify_package(target, path=attack.package)
        assert verified.value.reason is attack.reason
    assert database_digest(target.paths) == before
    return refused.value


@pytest.mark.parametrize("name", list(CATALOGUE))
def test_attack_is_refused_without_any_change(
    exchange: Exchange, tmp_path: Path, name: str
) -> None:
    refusal = _run(exchange, tmp_path, name)
    assert refusal.message and refusal.message == refusal.message.strip()
    _SEEN[name] = refusal


_SEEN: dict[str, Refused] = {}


def test_every_reason_has_its_own_message(exchange_template: Path, tmp_path: Path) -> None:
    messages: dict[Reason, set[str]] = {}
    for refusal in _SEEN.values():  # cases already run by the test above
        messages.setdefault(refusal.reason, set()).add(refusal.message)
    for index, name in enumerate(CATALOGUE):
        if name in _SEEN:
            continue
        folder = tmp_path / str(index)
        folder.mkdir()
        for office in ("child", "parent", "sibling"):
            shutil.copytree(exchange_template / office, folder / office)
        (folder / "stick").mkdir()
        ex = Exchange(
            child=open_store(DataPaths(folder / "child"), actor="t"),
            parent=open_store(DataPaths(folder / "parent"), actor="t"),
            sibling=open_store(DataPaths(folder / "sibling"), actor="t"),
            stick=folder / "stick",
        )
        try:
            refusal = _run(ex, folder, name)
        finally:
            ex.close()
        messages.setdefault(refusal.reason, set()).add(refusal.message)
    assert len(messages) >= 25
    for reason, texts in messages.items():
        others = set().union(*(t for r, t in messages.items() if r is not reason))
        assert not texts & others, reason


def test_a_record_of_the_importing_office_is_never_overwritten(exchange: Exchange) -> None:
    """A package signed with the child's key carrying the province's own record is
    refused whole: a package carries only its signer's own records."""
    theirs = exchange.add(exchange.parent, title="Hồ sơ của tỉnh")
    stolen = get_record(exchange.parent, record_id=theirs)
    members = read_members(_package(exchange))
    records = wire_records(members)
    copy = dict(records[0]) | {"id": stolen.id, "office_code": "01", "revision": 9}
    members = with_records(exchange.child, members, [*records, copy])
    path = write_members(exchange.stick / "own.dvpkg", members)
    before = database_digest(exchange.parent.paths)
    with pytest.raises(Refused) as refused:
        import_package(exchange.parent, path=path)
    assert refused.value.reason is Reason.PLANTED_RECORD
    assert database_digest(exchange.parent.paths) == before
    assert get_record(exchange.parent, record_id=theirs) == stolen


def test_a_forged_receipt_is_refused(exchange: Exchange, tmp_path: Path) -> None:
    exchange.add()
    import_package(exchange.parent, path=exchange.export().path)
    receipt = write_receipt(exchange.parent, origin="10105", out=tmp_path, passphrase=PASSPHRASE)
    document = json.loads(receipt.path.read_text(encoding="utf-8"))
    document["receipt"]["acknowledged_sequence"] = 5
    forged = tmp_path / "forged.dvrcpt"
    forged.write_text(json.dumps(document), encoding="utf-8")
    before = database_digest(exchange.child.paths)
    with pytest.raises(Refused) as refused:
        import_receipt(exchange.child, path=forged)
    assert refused.value.reason is Reason.BAD_SIGNATURE
    with pytest.raises(Refused) as other:
        import_receipt(exchange.sibling, path=receipt.path)
    assert other.value.reason is Reason.RECEIPT_NOT_OURS
    assert database_digest(exchange.child.paths) == before


def test_derived_columns_are_recomputed_from_another_text_version(exchange: Exchange) -> None:
    """Sort keys and search text from a sender with other text rules are not trusted."""
    import sqlite3

    from dvdesk.text import vi_sort_key

    members = read_members(_package(exchange))
    records = wire_records(members)
    records[0] |= {"title_sort": "00", "search_text": "sai"}
    members = with_records(exchange.child, members, records)
    manifest = manifest_of(members)
    manifest["derived_text_version"] = 0
    members = resign(exchange.child, members, manifest)
    path = write_members(exchange.stick / "old-rules.dvpkg", members)
    assert import_package(exchange.parent, path=path).new == 1
    connection = sqlite3.connect(exchange.parent.paths.database)
    try:
        title, title_sort, search = connection.execute(
            "SELECT title, title_sort, search_text FROM record"
        ).fetchone()
    finally:
        connection.close()
    assert title_sort == vi_sort_key(title)
    assert "kiem tra that" in search
