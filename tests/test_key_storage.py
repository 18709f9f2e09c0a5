"""Key storage: scrypt cost, passphrase strength, files readable by this user only."""

from __future__ import annotations

import base64
import json
import os
import sqlite3
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from dvdesk.errors import UserError, ValidationFailed
from dvdesk.paths import DataPaths
from dvdesk.services.backup import make_backup
from dvdesk.services.office import create_office
from dvdesk.services.store import Store, open_store
from dvdesk.sync import keys
from tests.samples import OFFICE
from tests.sync_fixtures import PASSPHRASE

posix_only = pytest.mark.skipif(os.name == "nt", reason="POSIX modes; Windows uses ACLs")
# The app's real scrypt cost here (tests/conftest.py seals keys cheaply elsewhere).
pytestmark = pytest.mark.usefixtures("real_key_cost")


@pytest.mark.parametrize(
    "weak",
    ["12345678", "123456789012", "aaaaaaaaaaaaaaa", "abababababababab", "abcdefghijklmn", "ngắn"],
)
def test_weak_passphrases_are_refused_with_a_reason(tmp_path: Path, weak: str) -> None:
    assert keys.passphrase_problem(weak)
    store = open_store(DataPaths(tmp_path), actor="t", create=True)
    try:
        create_office(store, data=dict(OFFICE))
        with pytest.raises(ValidationFailed) as refused:
            keys.create_keys(store, passphrase=weak)
        assert refused.value.problems and refused.value.problems[0][1]
        assert not list(store.paths.keys.glob("*.key"))
    finally:
        store.close()


@pytest.mark.parametrize(
    "good", [PASSPHRASE, "hoa sen nở sớm mai", "Ban Dân vận 2025!", "self-check passphrase"]
)
def test_passphrases_of_a_few_words_are_accepted(good: str) -> None:
    assert keys.passphrase_problem(good) is None


def _key_document(paths: DataPaths) -> tuple[Path, dict[str, object]]:
    (key_file,) = paths.keys.glob("*.key")
    document: dict[str, object] = json.loads(key_file.read_bytes())
    return key_file, document


@posix_only
def test_new_keys_use_scrypt_2_17_and_every_private_file_is_the_users_only(
    tmp_path: Path,
) -> None:
    paths = DataPaths(tmp_path / "office")
    store = open_store(paths, actor="t", create=True)
    try:
        create_office(store, data=dict(OFFICE))
        keys.create_keys(store, passphrase=PASSPHRASE)
        backup = make_backup(paths)
        reader = sqlite3.connect(paths.database)  # the WAL exists while a connection is open
        try:
            reader.execute("SELECT count(*) FROM record").fetchone()
            for suffix in ("-wal", "-shm"):
                side = paths.database.with_name(paths.database.name + suffix)
                assert stat.S_IMODE(side.stat().st_mode) == 0o600, side
        finally:
            reader.close()
    finally:
        store.close()
    key_file, document = _key_document(paths)
    kdf = document["kdf"]
    assert isinstance(kdf, dict) and kdf["n"] >= 2**17 and kdf["r"] == 8
    for file in (key_file, paths.database, backup.path):
        assert stat.S_IMODE(file.stat().st_mode) == 0o600, file
    for folder in (paths.root, paths.keys, paths.backups, paths.attachments):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    assert not list(paths.keys.glob("*.part"))


@posix_only
def test_an_existing_world_readable_office_is_made_private_on_opening(tmp_path: Path) -> None:
    paths = DataPaths(tmp_path / "office")
    open_store(paths, actor="t", create=True).close()
    paths.database.chmod(0o644)
    paths.root.chmod(0o755)
    open_store(paths, actor="t").close()
    assert stat.S_IMODE(paths.database.stat().st_mode) == 0o600
    assert stat.S_IMODE(paths.root.stat().st_mode) == 0o700


def test_a_key_sealed_at_the_old_cost_opens_and_is_sealed_again(
    store: Store, paths: DataPaths
) -> None:
    info = keys.create_keys(store, passphrase=PASSPHRASE)
    key_file, document = _key_document(paths)
    original = keys.load_signing_key(store, key_id=info.key_id, passphrase=PASSPHRASE)
    # Seal it as dvdesk 1 did: scrypt N=2^15.
    private = (
        original.private_bytes_raw()
        + keys.load_encryption_key(
            store, key_id=info.key_id, passphrase=PASSPHRASE
        ).private_bytes_raw()
    )
    salt, nonce = os.urandom(16), os.urandom(12)
    secret = Scrypt(salt=salt, length=32, n=2**15, r=8, p=1).derive(PASSPHRASE.encode())
    document["kdf"] = {
        "name": "scrypt",
        "n": 2**15,
        "r": 8,
        "p": 1,
        "salt": base64.b64encode(salt).decode(),
    }
    document["nonce"] = base64.b64encode(nonce).decode()
    sealed = ChaCha20Poly1305(secret).encrypt(nonce, private, info.key_id.encode())
    document["ciphertext"] = base64.b64encode(sealed).decode()
    key_file.write_text(json.dumps(document), encoding="utf-8")
    reopened = keys.load_signing_key(store, key_id=info.key_id, passphrase=PASSPHRASE)
    assert reopened.private_bytes_raw() == original.private_bytes_raw()
    _file, resealed = _key_document(paths)
    kdf = resealed["kdf"]
    assert isinstance(kdf, dict) and kdf["n"] == keys.SCRYPT_N
    again = keys.load_signing_key(store, key_id=info.key_id, passphrase=PASSPHRASE)
    assert again.private_bytes_raw() == original.private_bytes_raw()


def test_a_key_file_asking_for_absurd_scrypt_cost_is_damaged(
    store: Store, paths: DataPaths
) -> None:
    info = keys.create_keys(store, passphrase=PASSPHRASE)
    key_file, document = _key_document(paths)
    kdf = document["kdf"]
    assert isinstance(kdf, dict)
    kdf["n"] = 2**40
    key_file.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(UserError, match=r"hỏng"):
        keys.load_signing_key(store, key_id=info.key_id, passphrase=PASSPHRASE)
