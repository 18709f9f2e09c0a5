"""The adversary with a USB stick, part 2: the structure of what is signed.

Here the attacker holds a real key (a stolen stick with its passphrase, or a
dishonest office): the signature is valid, so only the checks after it stand
between the bytes and the database. Deep nesting, numbers at every edge in every
numeric field, duplicate keys, bytes that are not UTF-8, and office names with
NUL, bidi or zero-width characters or in another Unicode normal form.
"""

from __future__ import annotations

import json
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from dvdesk.errors import UserError
from dvdesk.services.counts import set_counts
from dvdesk.services.office import get_office
from dvdesk.services.store import Store
from dvdesk.sync import keys
from dvdesk.sync.batch import import_batch
from dvdesk.sync.format import b64, canonical_json, sha256_hex
from dvdesk.sync.keycard import make_card, read_card_bytes
from dvdesk.sync.receipt import import_receipt, write_receipt
from dvdesk.sync.refusals import Refused
from dvdesk.sync.trust import enroll_card
from tests import sync_fixtures
from tests.conftest import database_digest
from tests.sync_fixtures import PASSPHRASE, Exchange, table_dump
from tests.test_attack_sizes import assert_tells_what_to_do, batch_refused, genuine, within
from tests.test_sync_attacks import manifest_of, read_members, records_member, replaced

exchange_template = sync_fixtures.exchange_template
exchange = sync_fixtures.exchange

# Placeholders replaced in the signed bytes: the values json.dumps cannot or will not write.
EDGES: dict[str, bytes] = {
    "2^63": b"9223372036854775808",
    "2^64": b"18446744073709551616",
    "-1": b"-1",
    "1e308": b"1e308",
    "NaN": b"NaN",
    "-0.0": b"-0.0",
    "1.5": b"1.5",
}
_MARK = "\u2063EDGE\u2063"


# ---------------------------------------------------------------- forging with a real key


def _sign_raw(store: Store, raw: bytes) -> bytes:
    own = keys.active_key(store)
    return keys.load_signing_key(store, key_id=own.key_id, passphrase=PASSPHRASE).sign(raw)


def _write(path: Path, members: list[tuple[str, bytes]]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            method = zipfile.ZIP_STORED if name == "manifest.sig" else zipfile.ZIP_DEFLATED
            archive.writestr(name, data, compress_type=method)
    return path


def forged_manifest(ex: Exchange, path: Path, raw_manifest: bytes) -> Path:
    """The package at ``path`` with these manifest bytes, signed by the child's real key."""
    members = read_members(path)
    members = replaced(members, "manifest.json", raw_manifest)
    members = replaced(members, "manifest.sig", _sign_raw(ex.child, raw_manifest))
    return _write(path.with_name("gia-" + path.name), members)


def forged_records(ex: Exchange, path: Path, payload: bytes, name: str | None = None) -> Path:
    """The package with this payload for member ``name`` (the records by default),
    hashes fixed, signed by the child's real key."""
    members = read_members(path)
    name = name or records_member(members)
    manifest = manifest_of(members)
    for entry in manifest["files"]:
        if entry["name"] == name:
            entry.update(size=len(payload), sha256=sha256_hex(payload))
    raw = canonical_json(manifest)
    members = replaced(replaced(members, name, payload), "manifest.json", raw)
    members = replaced(members, "manifest.sig", _sign_raw(ex.child, raw))
    return _write(path.with_name("gia-" + path.name), members)


def leaves(value: Any, trail: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from leaves(item, (*trail, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from leaves(item, (*trail, index))
    else:
        yield trail, value


def set_at(value: Any, trail: tuple[Any, ...], new: Any) -> Any:
    copy = json.loads(json.dumps(value))
    target = copy
    for step in trail[:-1]:
        target = target[step]
    target[trail[-1]] = new
    return copy


def with_edge(value: Any, trail: tuple[Any, ...], edge: bytes) -> bytes:
    """Canonical bytes of ``value`` with the leaf at ``trail`` written as ``edge``."""
    raw = canonical_json(set_at(value, trail, _MARK))
    return raw.replace(json.dumps(_MARK, ensure_ascii=False).encode(), edge)


def numeric_trails(value: Any) -> list[tuple[Any, ...]]:
    return [t for t, v in leaves(value) if isinstance(v, int | float) and not isinstance(v, bool)]


def no_change(store: Store) -> Callable[[], None]:
    before = table_dump(store.paths)
    digest = database_digest(store.paths)

    def check() -> None:
        assert table_dump(store.paths) == before
        assert database_digest(store.paths) == digest

    return check


# ---------------------------------------------------------------- numbers in every field

_MANIFEST_FIELDS = [
    "audit.count",
    "change_seq_after",
    "change_seq_upto",
    "counts.attachment",
    "counts.record",
    "counts.recommendation",
    "counts.tombstone",
    "covers_from",
    "derived_text_version",
    "files.0.records",
    "files.0.size",
    "format_version",
    "offices.10105",
    "sequence",
]


def _trail(dotted: str) -> tuple[Any, ...]:
    return tuple(int(p) if p.isdigit() and len(p) < 3 else p for p in dotted.split("."))


def test_attack_every_numeric_manifest_field_is_listed(exchange: Exchange) -> None:
    """The list below covers every number the manifest has (a new field needs a case)."""
    manifest = manifest_of(read_members(genuine(exchange)))
    found = {".".join(str(p) for p in t) for t in numeric_trails(manifest)}
    assert found - {"counts.dialogue_issue", "counts.record_subject"} <= set(_MANIFEST_FIELDS)


@pytest.mark.parametrize("field", _MANIFEST_FIELDS)
def test_attack_an_edge_number_in_a_signed_manifest_is_refused(
    exchange: Exchange, field: str
) -> None:
    path = genuine(exchange)
    manifest = manifest_of(read_members(path))
    for edge in EDGES.values():  # each refused, so the next starts from the same database
        forged = forged_manifest(exchange, path, with_edge(manifest, _trail(field), edge))
        batch_refused(exchange.parent, forged)


_RECORD_FIELDS = ["revision", "attendees", "title", "deleted", "recommendations", "fields.0"]


@pytest.mark.parametrize("field", _RECORD_FIELDS)
def test_attack_an_edge_number_in_a_signed_record_is_refused(
    exchange: Exchange, field: str
) -> None:
    path = genuine(exchange)
    records = json.loads(dict(read_members(path))[records_member(read_members(path))])
    for edge in EDGES.values():
        payload = with_edge(records, (0, *_trail(field)), edge)
        batch_refused(exchange.parent, forged_records(exchange, path, payload))


def _receipt_document(ex: Exchange) -> dict[str, Any]:
    ex.import_(genuine(ex))
    path = write_receipt(ex.parent, origin="10105", out=ex.stick, passphrase=PASSPHRASE).path
    document: dict[str, Any] = json.loads(path.read_bytes())
    return document["receipt"]  # type: ignore[no-any-return]


def _signed_receipt(ex: Exchange, path: Path, body_raw: bytes) -> Path:
    signature = b64(_sign_raw(ex.parent, body_raw))
    path.write_bytes(b'{"receipt":' + body_raw + b',"signature":"' + signature.encode() + b'"}')
    return path


def refused_receipt(ex: Exchange, path: Path) -> UserError:
    unchanged = no_change(ex.child)
    with pytest.raises(UserError) as refused:
        within(30, lambda: import_receipt(ex.child, path=path))
    assert_tells_what_to_do(refused.value.message)
    unchanged()
    return refused.value


_RECEIPT_FIELDS = [
    "format_version",
    "acknowledged_sequence",
    "received.0.sequence",
    "received.0.new",
    "received.0.updated",
    "received.0.unchanged",
    "received.0.refused",
]


@pytest.mark.parametrize("field", _RECEIPT_FIELDS)
def test_attack_an_edge_number_in_a_signed_receipt_is_refused(
    exchange: Exchange, tmp_path: Path, field: str
) -> None:
    body = _receipt_document(exchange)
    for edge in EDGES.values():
        raw = with_edge(body, _trail(field), edge)
        refused_receipt(exchange, _signed_receipt(exchange, tmp_path / "bn.dvrcpt", raw))


# ---------------------------------------------------------------- nesting 10,000 deep

_DEEP = b"[" * 10_000 + b"]" * 10_000


def test_attack_a_record_nested_10000_deep_under_a_valid_signature_is_refused(
    exchange: Exchange,
) -> None:
    path = genuine(exchange)
    records = json.loads(dict(read_members(path))[records_member(read_members(path))])
    payload = with_edge(records, (0, "title"), _DEEP)
    batch_refused(exchange.parent, forged_records(exchange, path, payload))


def test_attack_a_receipt_nested_10000_deep_under_a_valid_signature_is_refused(
    exchange: Exchange, tmp_path: Path
) -> None:
    body = _receipt_document(exchange)
    raw = with_edge(body, ("returned",), _DEEP)
    refused_receipt(exchange, _signed_receipt(exchange, tmp_path / "sau.dvrcpt", raw))


def test_attack_a_key_card_nested_10000_deep_is_refused() -> None:
    with pytest.raises(Refused) as refused:
        read_card_bytes(b'{"format":"dvdesk-keycard","office":' + _DEEP + b"}")
    assert_tells_what_to_do(refused.value.message)


# ---------------------------------------------------------------- duplicate keys


def test_attack_a_signed_manifest_with_a_duplicate_key_is_refused(exchange: Exchange) -> None:
    """Which ``sequence`` wins? Neither: the manifest is refused."""
    path = genuine(exchange)
    raw = dict(read_members(path))["manifest.json"]
    doubled = raw.replace(b'"sequence":1,', b'"sequence":1,"sequence":7,')
    assert doubled != raw
    batch_refused(exchange.parent, forged_manifest(exchange, path, doubled))


def test_attack_a_signed_record_with_a_duplicate_office_code_is_refused(
    exchange: Exchange,
) -> None:
    path = genuine(exchange)
    raw = dict(read_members(path))[records_member(read_members(path))]
    doubled = raw.replace(b'"office_code":"10105",', b'"office_code":"10105","office_code":"01",')
    assert doubled != raw
    batch_refused(exchange.parent, forged_records(exchange, path, doubled))
    doubled = raw.replace(b'"revision":1,', b'"revision":1,"revision":9,')
    batch_refused(exchange.parent, forged_records(exchange, path, doubled))


def test_attack_a_signed_receipt_with_a_duplicate_key_is_refused(
    exchange: Exchange, tmp_path: Path
) -> None:
    body = _receipt_document(exchange)
    raw = canonical_json(body)
    doubled = raw.replace(
        b'"acknowledged_sequence":1,', b'"acknowledged_sequence":1,"acknowledged_sequence":5,'
    )
    assert doubled != raw
    refused_receipt(exchange, _signed_receipt(exchange, tmp_path / "trung.dvrcpt", doubled))
    # The duplicate outside the signed body: a second signature or a second body.
    path = _signed_receipt(exchange, tmp_path / "trung2.dvrcpt", raw)
    text = path.read_bytes()
    twice = (
        text[:-1]
        + b',"receipt":'
        + raw.replace(b'"acknowledged_sequence":1', b'"acknowledged_sequence":5')
        + b"}"
    )
    (tmp_path / "trung3.dvrcpt").write_bytes(twice)
    refused_receipt(exchange, tmp_path / "trung3.dvrcpt")


def _card_bytes(
    office: dict[str, object], *, key: Ed25519PrivateKey | None = None
) -> tuple[dict[str, object], bytes]:
    signing = key or Ed25519PrivateKey.generate()
    data = make_card(
        office=office,
        signing_key=signing,
        signing_public=signing.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw),
        encryption_public=X25519PrivateKey.generate()
        .public_key()
        .public_bytes(Encoding.Raw, PublicFormat.Raw),
        created_at="2026-11-29T08:00:00Z",
    )
    return data, canonical_json(data)


_NEW_COMMUNE: dict[str, object] = {
    "code": "10107",
    "name": "Ban Xây dựng Đảng Đảng ủy xã Đông Anh",
    "level": "commune",
    "parent_code": "01",
}


def test_attack_a_key_card_with_a_duplicate_key_is_refused(exchange: Exchange) -> None:
    """The self-signature covers one reading; a person or another parser may see the other."""
    _data, raw = _card_bytes(_NEW_COMMUNE)
    doubled = raw.replace(b'"code":"10107",', b'"code":"10107","code":"01",', 1)
    assert doubled != raw
    unchanged = no_change(exchange.parent)
    with pytest.raises(Refused) as refused:
        enroll_card(exchange.parent, card=read_card_bytes(doubled), confirm=True)
    assert_tells_what_to_do(refused.value.message)
    unchanged()


def test_attack_a_signed_count_with_a_duplicate_key_is_refused(exchange: Exchange) -> None:
    set_counts(
        exchange.child,
        data={
            "unit_code": "10105",
            "period_start": "2022-04-01",
            "period_end": "2022-04-30",
            "figures": {"directive.cong_van": 3},
        },
    )
    path = exchange.export().path
    members = read_members(path)
    name = next(n for n, _data in members if n.startswith("counts"))
    raw = dict(members)[name]
    doubled = raw.replace(b'"value":3', b'"value":3,"value":300', 1)
    assert doubled != raw
    batch_refused(exchange.parent, forged_records(exchange, path, doubled, name))


# ---------------------------------------------------------------- bytes that are not UTF-8


def test_attack_non_utf8_bytes_under_a_valid_signature_are_refused(
    exchange: Exchange, tmp_path: Path
) -> None:
    path = genuine(exchange)
    members = read_members(path)
    raw = dict(members)["manifest.json"]
    latin = raw.replace("Bát Tràng".encode(), "Bát Tràng".encode("cp1258"))
    assert latin != raw
    batch_refused(exchange.parent, forged_manifest(exchange, path, latin))
    records = dict(members)[records_member(members)]
    batch_refused(
        exchange.parent,
        forged_records(exchange, path, records.replace("Kiểm".encode(), b"Ki\xff\xfem")),
    )
    body = _receipt_document(exchange)
    receipt = canonical_json(body).replace("Hà Nội".encode(), b"H\xe0 N\xf4i")
    refused_receipt(exchange, _signed_receipt(exchange, tmp_path / "latin.dvrcpt", receipt))
    _data, card = _card_bytes(_NEW_COMMUNE)
    with pytest.raises(Refused) as refused:
        read_card_bytes(card.replace("Đông".encode(), b"\xd0\xf4ng"))
    assert_tells_what_to_do(refused.value.message)


# ---------------------------------------------------------------- office names


@pytest.mark.parametrize(
    "name",
    [
        "Ban Xây dựng Đảng\x00 Đảng ủy xã Đông Anh",
        "Ban Xây dựng Đảng Đảng ủy xã \u202eHNA GNÔĐ",
        "Ban Xây dựng Đảng Đảng ủy xã Đông Anh\n[OK] Đã ghi danh",
        "\u2066Ban Xây dựng Đảng Đảng ủy xã Đông Anh\u2069",
        "Ban Xây dựng Đảng Đảng ủy xã Đông Anh\x1b[2K",
        "Ban Xây dựng Đảng Đảng ủy xã \u200fĐông Anh",
    ],
    ids=["NUL", "RTL override", "newline", "bidi isolate", "ANSI escape", "RTL mark"],
)
def test_attack_an_office_name_with_control_or_bidi_characters_is_refused(
    exchange: Exchange, name: str
) -> None:
    _data, raw = _card_bytes(_NEW_COMMUNE | {"name": name})
    unchanged = no_change(exchange.parent)
    with pytest.raises(UserError) as refused:
        enroll_card(exchange.parent, card=read_card_bytes(raw), confirm=True)
    assert_tells_what_to_do(refused.value.message)
    unchanged()


@pytest.mark.parametrize(
    "disguise",
    [
        lambda name: unicodedata.normalize("NFD", name),
        lambda name: name.replace(" ", " \u200b", 1),
        lambda name: name.replace(" ", "\u00ad ", 1),
        lambda name: name.replace("a", "\u0430", 1),  # Cyrillic a
    ],
    ids=["NFD", "zero width space", "soft hyphen", "Cyrillic letter"],
)
def test_attack_a_disguised_name_of_an_existing_office_needs_a_confirmation(
    exchange: Exchange, disguise: Callable[[str], str]
) -> None:
    existing = get_office(exchange.child).current.name
    disguised = disguise(existing)
    assert disguised != existing
    _data, raw = _card_bytes(_NEW_COMMUNE | {"name": disguised})
    unchanged = no_change(exchange.parent)
    with pytest.raises(Refused) as refused:
        enroll_card(exchange.parent, card=read_card_bytes(raw))
    assert_tells_what_to_do(refused.value.message)
    unchanged()


def test_attack_an_nfd_name_is_stored_in_nfc_when_confirmed(exchange: Exchange) -> None:
    """Confirmed, the new office's name is kept in one normal form (search and sort agree)."""
    decomposed = unicodedata.normalize("NFD", str(_NEW_COMMUNE["name"]))
    _data, raw = _card_bytes(_NEW_COMMUNE | {"name": decomposed})
    enrolled = enroll_card(exchange.parent, card=read_card_bytes(raw), confirm=True)
    assert unicodedata.is_normalized("NFC", enrolled.office_name)


def test_attack_control_characters_in_the_signed_origin_name_never_reach_the_clerk(
    exchange: Exchange,
) -> None:
    """The sender's key signs a manifest whose origin name forges a line and reverses text;
    whatever the import does, no control or bidi character reaches what is shown."""
    path = genuine(exchange)
    manifest = manifest_of(read_members(path))
    manifest["origin"]["name"] = "Xã Bát Tràng\n[OK] Đã kiểm tra: an toàn \u202eexe.gnahtpac"
    forged = forged_manifest(exchange, path, canonical_json(manifest))
    result = import_batch(exchange.parent, paths=[forged], ask_passphrase=lambda _r: PASSPHRASE)
    [outcome] = result.files
    shown_text = (
        outcome.error.message
        if outcome.error is not None
        else json.dumps(outcome.summary.as_json() if outcome.summary else None, ensure_ascii=False)
    )
    assert "\n[OK]" not in shown_text and "\u202e" not in shown_text
    if outcome.summary is not None:
        assert "\n" not in outcome.summary.origin_name
        assert "\u202e" not in outcome.summary.origin_name


def test_attack_control_characters_in_the_signed_issuer_name_never_reach_the_clerk(
    exchange: Exchange, tmp_path: Path
) -> None:
    body = _receipt_document(exchange)
    body["issuer"]["name"] = "Tỉnh\n[OK] Đã xác nhận \u202eexe.gnahtpac"
    path = _signed_receipt(exchange, tmp_path / "ten-la.dvrcpt", canonical_json(body))
    try:
        result = import_receipt(exchange.child, path=path)
    except UserError as refused:
        assert_tells_what_to_do(refused.message)
        return
    assert "\n" not in result.issuer_name and "\u202e" not in result.issuer_name
