"""The adversary with a USB stick, part 4: a signed document member with a repeated key.

pydantic's JSON parser keeps the last copy of a repeated key; a member that names the
sibling first and the sender last would show one office to a person and another to
the importer. It is refused whole.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from tests import sync_fixtures
from tests.signature_fixtures import needs_softhsm
from tests.sync_fixtures import Exchange
from tests.test_attack_sizes import batch_refused
from tests.test_signatures_travel import run, signed  # noqa: F401 - fixtures
from tests.test_sync_attacks import manifest_of, read_members, replaced, resign, write_members

exchange_template = sync_fixtures.exchange_template
exchange = sync_fixtures.exchange

pytestmark = [needs_softhsm, pytest.mark.slow]


def test_attack_a_document_member_with_a_repeated_office_code_is_refused(
    exchange: Exchange,
    signed: bytes,  # noqa: F811 - the fixture
    tmp_path: Path,
) -> None:
    package = exchange.export().path
    members = read_members(package)
    [(name, data)] = [(n, d) for n, d in members if n.startswith("documents/")]
    genuine = b'"office_code":"10105"'
    assert genuine in data.replace(b": ", b":")
    doubled = data.replace(b": ", b":").replace(genuine, b'"office_code":"10106",' + genuine, 1)
    manifest = manifest_of(members)
    for entry in manifest["files"]:
        if entry["name"] == name:
            entry.update(size=len(doubled), sha256=hashlib.sha256(doubled).hexdigest())
    forged = write_members(
        tmp_path / "van-ban-trung-khoa.dvpkg",
        resign(exchange.child, replaced(members, name, doubled), manifest),
    )
    batch_refused(exchange.parent, forged)
