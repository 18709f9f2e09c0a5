"""This office's own key pairs: made at set-up, rotated, private halves encrypted on disk.

Each key is an Ed25519 signing key plus an X25519 key for packages encrypted to
this office. Both private halves live in one file ``paths.keys/<key id>.key``,
encrypted with ChaCha20-Poly1305 under a key derived from the office passphrase by
scrypt (memory-hard, so a stolen file resists guessing); the database keeps the
public halves and the key card. A retired key's file is overwritten and deleted at
rotation: it may no longer sign, certify or open anything.
"""

from __future__ import annotations

import itertools
import json
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from sqlmodel import Session, col, select

from dvdesk.clock import now_iso
from dvdesk.db.schema import Office, OwnKey
from dvdesk.domain.people import Role
from dvdesk.errors import Conflict, NotFound, UserError, ValidationFailed, WrongPassphrase
from dvdesk.fileio import Access, make_private, write_atomically
from dvdesk.i18n import _
from dvdesk.services.audit import audit
from dvdesk.services.auth import check
from dvdesk.services.office import get_office
from dvdesk.services.store import Store, storage_errors
from dvdesk.sync.format import b64, unb64
from dvdesk.sync.keycard import (
    CARD_SUFFIX,
    Card,
    card_file_bytes,
    card_office,
    fingerprint,
    key_id_of,
    make_card,
    parse_card,
)

MIN_PASSPHRASE = 12
_MIN_DISTINCT = 5
KEY_FILE_FORMAT = "dvdesk-private-key"
# scrypt cost for new and re-sealed keys: 128 MiB and about 0.5–1 s per unlock on an
# office PC (OWASP's floor is N=2^17, r=8). Keys sealed at a lower cost still open and
# are sealed again at this cost on their next unlock.
SCRYPT_N = 2**17
SCRYPT_R = 8
SCRYPT_P = 1
# A key file asking for more than this is damaged (or crafted to exhaust memory).
_MAX_SCRYPT_N = 2**20
_RAW = serialization.Encoding.Raw
_RAW_PUBLIC = serialization.PublicFormat.Raw


@dataclass(frozen=True)
class KeyInfo:
    key_id: str
    fingerprint: str
    office_code: str
    created_at: str
    active: bool
    certified_by: str | None


def _info(row: OwnKey) -> KeyInfo:
    card = parse_card(row.card)
    return KeyInfo(
        key_id=row.key_id,
        fingerprint=card.fingerprint,
        office_code=card.office_code,
        created_at=row.created_at,
        active=row.active,
        certified_by=card.certified_by,
    )


def passphrase_problem(passphrase: str) -> str | None:
    """Why ``passphrase`` is too weak to protect the office key, or None if it will do."""
    text = passphrase.strip()
    if len(text) < MIN_PASSPHRASE:
        return _(
            "use at least {count} characters; a few words you remember, such as "
            "'hoa sen nở sớm mai', are both long and easy to type"
        ).format(count=MIN_PASSPHRASE)
    if text.isdigit():
        return _("do not use only digits (a date or a phone number is guessed first)")
    if len(set(text.casefold())) < _MIN_DISTINCT:
        return _("use more different characters, not one or two repeated")
    steps = {ord(b) - ord(a) for a, b in itertools.pairwise(text)}
    if steps <= {1} or steps <= {-1}:
        return _("do not use a run of letters or digits such as 'abcdef…' or '123456…'")
    return None


def _check_passphrase(passphrase: str) -> bytes:
    problem = passphrase_problem(passphrase)
    if problem is not None:
        raise ValidationFailed(
            _(
                "The passphrase is too weak to protect the office key: anyone who copies the "
                "key file could guess it."
            ),
            [("passphrase", problem)],
        )
    return passphrase.encode("utf-8")


def _key_file(store: Store, key_id: str) -> Path:
    return store.paths.keys / f"{key_id}.key"


def _scrypt(passphrase: bytes, salt: bytes, n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase)


def _sealed_private(key_id: str, private: bytes, passphrase: bytes) -> bytes:
    salt = os.urandom(16)
    nonce = os.urandom(12)
    key = _scrypt(passphrase, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    document = {
        "format": KEY_FILE_FORMAT,
        "format_version": 1,
        "key_id": key_id,
        "kdf": {"name": "scrypt", "n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P, "salt": b64(salt)},
        "cipher": "chacha20poly1305",
        "nonce": b64(nonce),
        "ciphertext": b64(ChaCha20Poly1305(key).encrypt(nonce, private, key_id.encode())),
    }
    return json.dumps(document, indent=1).encode("utf-8")


def _write_private(path: Path, data: bytes) -> None:
    """Through the atomic writer (its temporary file is created 0600), in a 0700 folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    make_private(path.parent)
    write_atomically(path, data)
    make_private(path)


def _office_identity(store: Store) -> dict[str, object]:
    office = get_office(store)
    return {
        "code": office.code,
        "name": office.current.name,
        "level": office.level.value,
        "parent_code": office.parent_code,
    }


def _new_key(
    store: Store,
    *,
    passphrase: bytes,
    certifier: tuple[str, Ed25519PrivateKey] | None,
    office: dict[str, object] | None = None,
) -> OwnKey:
    signing = Ed25519PrivateKey.generate()
    encryption = X25519PrivateKey.generate()
    signing_public = signing.public_key().public_bytes(_RAW, _RAW_PUBLIC)
    encryption_public = encryption.public_key().public_bytes(_RAW, _RAW_PUBLIC)
    key_id = key_id_of(signing_public)
    stamp = now_iso()
    card = make_card(
        office=office or _office_identity(store),
        signing_key=signing,
        signing_public=signing_public,
        encryption_public=encryption_public,
        created_at=stamp,
        certifier=certifier,
    )
    private = signing.private_bytes_raw() + encryption.private_bytes_raw()
    with storage_errors(store.paths.keys):
        _write_private(_key_file(store, key_id), _sealed_private(key_id, private, passphrase))
    return OwnKey(
        key_id=key_id,
        signing_public=b64(signing_public),  # as the card writes them
        encryption_public=b64(encryption_public),
        card=card,
        active=True,
        created_at=stamp,
        created_by=store.actor,
    )


def create_keys(store: Store, *, passphrase: str) -> KeyInfo:
    """Make this office's first key pair. Refuses if it has one (use :func:`rotate_keys`)."""
    check(store, Role.ADMIN)
    secret = _check_passphrase(passphrase)
    if _active_row(store) is not None:
        raise Conflict(
            _(
                "This office already has a key. To replace it use 'dvdesk keys rotate', "
                "which lets the level above trust the new key."
            )
        )
    row = _new_key(store, passphrase=secret, certifier=None)
    with store.session() as session:
        session.add(row)
        changes = {"fingerprint": _info(row).fingerprint}
        audit(
            session,
            actor=store.actor,
            action="create",
            entity="key",
            entity_id=row.key_id,
            changes=changes,
        )
    return _info(row)


def rotate_keys(store: Store, *, passphrase: str, new_passphrase: str | None = None) -> KeyInfo:
    """Make a new key pair certified by the current one; the current one is retired."""
    check(store, Role.ADMIN)
    old = active_key(store)
    old_signing = load_signing_key(store, key_id=old.key_id, passphrase=passphrase)
    secret = _check_passphrase(new_passphrase or passphrase)
    row = _new_key(store, passphrase=secret, certifier=(old.key_id, old_signing))
    with store.session() as session:
        stored = session.get(OwnKey, old.key_id)
        assert stored is not None
        stored.active = False
        stored.retired_at = now_iso()
        session.add(stored)
        session.add(row)
        changes = {"previous": old.key_id, "certified_by": old.key_id}
        audit(
            session,
            actor=store.actor,
            action="rotate",
            entity="key",
            entity_id=row.key_id,
            changes=changes,
        )
    # The old key may no longer sign or certify anything: nothing must be able to use it.
    with storage_errors(store.paths.keys):
        destroy_private(_key_file(store, old.key_id))
    return _info(row)


def key_for_move(store: Store, *, passphrase: str, parent_code: str) -> tuple[OwnKey, OwnKey]:
    """(current key, new key whose card names ``parent_code``), for a move to a new office
    above. The new card is certified by the current key: whoever pinned the current key can
    tell the same office made it. Only the private key file is written; the caller stores
    the row, retires the current key in the same transaction and then destroys its file."""
    old = active_key(store)
    old_signing = load_signing_key(store, key_id=old.key_id, passphrase=passphrase)
    secret = _check_passphrase(passphrase)
    identity = _office_identity(store) | {"parent_code": parent_code}
    new = _new_key(store, passphrase=secret, certifier=(old.key_id, old_signing), office=identity)
    return old, new


def retire_for_move(session: Session, *, old: OwnKey, new: OwnKey) -> None:
    stored = session.get(OwnKey, old.key_id)
    assert stored is not None
    stored.active = False
    stored.retired_at = now_iso()
    session.add(stored)
    session.add(new)


def destroy_key_file(store: Store, key_id: str) -> None:
    with storage_errors(store.paths.keys):
        destroy_private(_key_file(store, key_id))


def destroy_private(path: Path) -> None:
    """Overwrite a private key file with random bytes, flush it to disk, then delete it."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return
    with path.open("r+b") as handle:
        handle.write(os.urandom(max(size, 1)))
        handle.flush()
        os.fsync(handle.fileno())
    path.unlink()


def _active_row(store: Store) -> OwnKey | None:
    with store.session() as session:
        return session.exec(select(OwnKey).where(col(OwnKey.active).is_(True))).first()


def active_key(store: Store) -> OwnKey:
    row = _active_row(store)
    if row is None:
        raise NotFound(_("This office has no key yet. Run 'dvdesk keys init' to make one first."))
    return row


def own_key(store: Store, *, key_id: str) -> OwnKey | None:
    with store.session() as session:
        return session.get(OwnKey, key_id)


def _in_rotation_order(rows: list[OwnKey]) -> list[OwnKey]:
    """First key first, then each key after the one that certified it (clocks may tie)."""
    successor = {row.card.get("certified_by"): row for row in rows}
    ordered: list[OwnKey] = []
    current = successor.get(None)
    while current is not None and len(ordered) < len(rows):
        ordered.append(current)
        current = successor.get(current.key_id)
    return ordered


def own_keys(store: Store) -> list[KeyInfo]:
    with store.session() as session:
        rows = list(session.exec(select(OwnKey)).all())
    return [_info(row) for row in _in_rotation_order(rows)]


def own_chain(store: Store) -> tuple[dict[str, object], ...]:
    """The cards of every key this office has had, oldest first (each certifies the next)."""
    with store.session() as session:
        rows = list(session.exec(select(OwnKey)).all())
    return tuple(row.card for row in _in_rotation_order(rows))


def signer_chain(store: Store, own: OwnKey) -> tuple[dict[str, object], ...]:
    """The chain a signature by ``own`` carries: empty for a first key, else every card."""
    return own_chain(store) if own.card.get("certified_by") else ()


def active_card(store: Store) -> Card:
    return parse_card(active_key(store).card)


def _load_private(store: Store, key_id: str, passphrase: str) -> bytes:
    path = _key_file(store, key_id)
    try:
        document = json.loads(path.read_bytes())
    except FileNotFoundError:
        raise NotFound(
            _(
                "The private key file {file} is missing. Put back the keys folder from a "
                "backup, or make a new key with 'dvdesk keys init' in a new office folder."
            ).format(file=path)
        ) from None
    except OSError as error:
        raise UserError(
            _("Cannot read {file}: {reason}.").format(file=path, reason=error.strerror)
        ) from None
    except ValueError:
        document = None
    try:
        if not isinstance(document, dict) or document.get("format") != KEY_FILE_FORMAT:
            raise ValueError("not a key file")
        kdf = document["kdf"]
        cost = _cost(kdf)
        key = _scrypt(passphrase.encode("utf-8"), unb64(kdf["salt"]), *cost)
    except (KeyError, TypeError, ValueError):
        raise UserError(
            _(
                "The private key file {file} is damaged. Put back the keys folder from a backup."
            ).format(file=path)
        ) from None
    try:
        private = ChaCha20Poly1305(key).decrypt(
            unb64(document["nonce"]), unb64(document["ciphertext"]), key_id.encode()
        )
    except InvalidTag:
        raise WrongPassphrase(
            _("The passphrase is wrong. Type the office's key passphrase again.")
        ) from None
    if cost < (SCRYPT_N, SCRYPT_R, SCRYPT_P):
        # Sealed by an older dvdesk at a lower cost: seal again at today's cost.
        with storage_errors(store.paths.keys):
            _write_private(path, _sealed_private(key_id, private, passphrase.encode("utf-8")))
    return private


def _cost(kdf: dict[str, object]) -> tuple[int, int, int]:
    """scrypt's (n, r, p) from a key file, refused beyond what any dvdesk writes."""
    if kdf.get("name") != "scrypt":
        raise ValueError("kdf")
    n, r, p = (kdf[name] for name in ("n", "r", "p"))
    if not (type(n) is int and type(r) is int and type(p) is int):
        raise ValueError("kdf")
    if not (2 <= n <= _MAX_SCRYPT_N and n & (n - 1) == 0 and 1 <= r <= 32 and 1 <= p <= 16):
        raise ValueError("kdf")
    return n, r, p


def load_signing_key(store: Store, *, key_id: str, passphrase: str) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(_load_private(store, key_id, passphrase)[:32])


def load_encryption_key(store: Store, *, key_id: str, passphrase: str) -> X25519PrivateKey:
    return X25519PrivateKey.from_private_bytes(_load_private(store, key_id, passphrase)[32:64])


def card_fingerprint(row: OwnKey) -> str:
    return fingerprint(unb64(row.signing_public), unb64(row.encryption_public))


def get_office_code(session: Session) -> str:
    office = session.get(Office, 1)
    if office is None:
        raise NotFound(_("No office is set up yet. Run 'dvdesk init' first."))
    return office.code


def write_card(store: Store, *, out: Path) -> tuple[Path, str]:
    """Write the active key card to ``out`` (a file, or a folder to put it in).

    Returns the file written and the fingerprint to read over the phone.
    """
    row = active_key(store)
    target = out / f"dvdesk-{card_office(row.card)['code']}{CARD_SUFFIX}" if out.is_dir() else out
    try:
        # A key card is public: it is handed to other offices.
        write_atomically(target, card_file_bytes(row.card), access=Access.SHARED)
    except OSError as error:
        raise UserError(
            _("Cannot write {file}: {reason}.").format(file=target, reason=error.strerror)
        ) from None
    return target, card_fingerprint(row)
