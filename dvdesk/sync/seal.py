"""Encrypting a package's payload to the destination office (``--encrypt``).

An ephemeral X25519 key agrees a secret with the destination's X25519 key; HKDF-SHA256
(salted, bound to both public keys) turns it into a ChaCha20-Poly1305 key. Every payload
member is compressed, then sealed with a nonce from its position and its name as
associated data, so members cannot be swapped or renamed unnoticed. The manifest stays
readable and signed: a forgery is refused before anything is decrypted.
"""

from __future__ import annotations

import os
import zlib
from dataclasses import dataclass
from typing import Final

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from dvdesk.i18n import _
from dvdesk.sync.format import Encryption, b64, unb64
from dvdesk.sync.refusals import Reason, Refused

SCHEME: Final = "x25519-hkdf-sha256-chacha20poly1305"
_INFO = b"dvdesk-package-v1"


def _derive(shared: bytes, salt: bytes, ephemeral: bytes, recipient: bytes) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=salt, info=_INFO + ephemeral + recipient
    ).derive(shared)


def nonce(index: int) -> bytes:
    return index.to_bytes(12, "big")


@dataclass(frozen=True)
class Sealer:
    key: bytes
    header: Encryption

    def seal(self, index: int, name: str, plain: bytes) -> bytes:
        return ChaCha20Poly1305(self.key).encrypt(
            nonce(index), zlib.compress(plain, 1), name.encode("utf-8")
        )


def sealer_for(*, recipient_key_id: str, recipient_public: bytes) -> Sealer:
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = ephemeral.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    salt = os.urandom(16)
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient_public))
    header = Encryption(
        scheme=SCHEME,
        recipient_key_id=recipient_key_id,
        ephemeral_public=b64(ephemeral_public),
        salt=b64(salt),
    )
    return Sealer(_derive(shared, salt, ephemeral_public, recipient_public), header)


@dataclass(frozen=True)
class Opener:
    key: bytes

    def open(self, index: int, name: str, sealed: bytes, *, max_size: int) -> bytes:
        try:
            compressed = ChaCha20Poly1305(self.key).decrypt(
                nonce(index), sealed, name.encode("utf-8")
            )
        except InvalidTag:
            raise _cannot_decrypt() from None
        inflater = zlib.decompressobj()
        try:
            plain = inflater.decompress(compressed, max_size + 1)
        except zlib.error:
            raise _cannot_decrypt() from None
        if len(plain) > max_size or inflater.unconsumed_tail:
            raise Refused(
                Reason.MEMBER_TOO_LARGE,
                _(
                    "A file inside the package unpacks to more than its declared size "
                    "(a possible zip bomb). Nothing was imported; ask the office to export again."
                ),
            )
        return plain


def opener_for(header: Encryption, private: X25519PrivateKey) -> Opener:
    try:
        ephemeral_public = unb64(header.ephemeral_public)
        salt = unb64(header.salt)
        shared = private.exchange(X25519PublicKey.from_public_bytes(ephemeral_public))
    except ValueError:
        raise _cannot_decrypt() from None
    recipient = private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    return Opener(_derive(shared, salt, ephemeral_public, recipient))


def _cannot_decrypt() -> Refused:
    return Refused(
        Reason.CANNOT_DECRYPT,
        _(
            "The encrypted part of the package cannot be opened with this office's key: it was "
            "changed or encrypted for another key. Ask the sending office to export it again."
        ),
    )
