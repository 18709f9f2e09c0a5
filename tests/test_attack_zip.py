"""The adversary with a USB stick, part 5: the zip container itself, byte by byte.

Zip readers disagree on what a file holds when its two copies of each header
disagree; each trick here must be refused (with a Vietnamese message and no change),
never crash the import with an exception the batch does not expect.
"""

from __future__ import annotations

import struct
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from tests import sync_fixtures
from tests.sync_fixtures import Exchange
from tests.test_attack_sizes import batch_refused, genuine
from tests.zip_fixtures import entries_of, write_zip

exchange_template = sync_fixtures.exchange_template
exchange = sync_fixtures.exchange


def _changed(ex: Exchange, tmp: Path, label: str, **change: object) -> Path:
    """The genuine package rebuilt with its records member changed as given."""
    entries = entries_of(genuine(ex))
    changed = [
        replace(e, **change) if e.name.startswith("records/") else e  # type: ignore[arg-type]
        for e in entries
    ]
    return write_zip(tmp / f"{label}.dvpkg", changed)


def test_attack_the_rebuilt_package_is_accepted_unchanged(
    exchange: Exchange, tmp_path: Path
) -> None:
    """The builder itself: without a change the package imports (so refusals below are
    caused by the change, not by the builder)."""
    path = _changed(exchange, tmp_path, "nguyen-ven")
    exchange.import_(path)


@pytest.mark.parametrize(
    ("label", "change"),
    [
        ("ma-hoa-zip", {"flags": 0x1}),  # "encrypted": zipfile asks for a password
        ("mo-ta-du-lieu", {"flags": 0x8}),  # sizes in a data descriptor that is not there
        ("ma-hoa-manh", {"flags": 0x40}),  # strong encryption
        ("ten-khac-nhau", {"local_name": "records/000002.json"}),
        ("ten-thoat-ra", {"local_name": "../../../tmp/evil.json"}),
        ("bzip2", {"method": zipfile.ZIP_BZIP2}),
        ("phuong-phap-la", {"method": 99}),
        ("crc-sai", {"crc": 0}),
    ],
)
def test_attack_a_zip_header_trick_is_refused(
    exchange: Exchange, tmp_path: Path, label: str, change: dict[str, object]
) -> None:
    batch_refused(exchange.parent, _changed(exchange, tmp_path, label, **change))


def test_attack_two_central_entries_pointing_at_one_local_member_are_refused(
    exchange: Exchange, tmp_path: Path
) -> None:
    """Overlapping members (the 'better zip bomb' trick): one body, named twice."""
    entries = entries_of(genuine(exchange))
    path = write_zip(tmp_path / "chong-lan.dvpkg", entries)
    raw = bytearray(path.read_bytes())
    end = raw.rindex(b"PK\x05\x06")
    start = struct.unpack_from("<L", raw, end + 16)[0]
    first = raw.index(b"PK\x01\x02", start)
    offset_at = first + 42
    # Point the second central entry at the first member's local header.
    second = raw.index(b"PK\x01\x02", first + 4)
    struct.pack_into("<L", raw, second + 42, struct.unpack_from("<L", raw, offset_at)[0])
    path.write_bytes(bytes(raw))
    batch_refused(exchange.parent, path)
