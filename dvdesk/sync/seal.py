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
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Final

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.poly1305 import Poly1305

from dvdesk.i18n import _
from dvdesk.sync.format import Encryption, b64, unb64
from dvdesk.sync.refusals import Reason, Refused

SCHEME: Final = "x25519-hkdf-sha256-chacha20poly1305"
_INFO = b"dvdesk-package-v1"
_TAG = 16  # Poly1305's tag, at the end of every sealed member


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

    def seal_stream(self, index: int, name: str, plain: Iterable[bytes]) -> Iterator[bytes]:
        """:meth:`seal` block by block (attachments of up to 256 MiB): the same format,
        opened by :meth:`Opener.open` or :meth:`Opener.open_stream`."""
        mac = _mac(self.key, index, name)
        encrypt = _keystream(self.key, index).encryptor()
        deflater = zlib.compressobj(1)
        length = 0
        for block in plain:
            sealed = encrypt.update(deflater.compress(block))
            mac.update(sealed)
            length += len(sealed)
            if sealed:
                yield sealed
        sealed = encrypt.update(deflater.flush())
        mac.update(sealed)
        length += len(sealed)
        yield sealed
        yield _finish(mac, name, length).finalize()


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
            raise _too_large()
        return plain

    def open_stream(
        self, index: int, name: str, sealed: Iterable[bytes], *, max_size: int
    ) -> Iterator[bytes]:
        """:meth:`open` block by block, for attachments of up to 256 MiB.

        The same ChaCha20-Poly1305 (RFC 8439) built from its two parts, since the one-shot
        cipher needs all the bytes at once. Blocks come out before the tag is checked at
        the end: the caller writes them to a temporary file only and keeps it only when
        this generator finishes and the plain bytes' sealed size and hash match."""
        mac = _mac(self.key, index, name)
        decrypt = _keystream(self.key, index).decryptor()
        inflater = zlib.decompressobj()
        held, length, out = b"", 0, 0
        for block in sealed:
            held += block
            body, held = held[:-_TAG], held[-_TAG:]  # the last 16 bytes may be the tag
            mac.update(body)
            length += len(body)
            out += yield from _inflate(inflater, decrypt.update(body), max_size - out)
        if len(held) != _TAG:
            raise _cannot_decrypt()
        try:
            _finish(mac, name, length).verify(held)
        except InvalidSignature:
            raise _cannot_decrypt() from None
        if not inflater.eof:
            raise _cannot_decrypt()


def _counter(value: int) -> bytes:
    return value.to_bytes(4, "little")


def _keystream(key: bytes, index: int) -> Cipher[None]:
    """ChaCha20 from block 1 on, as the AEAD encrypts (block 0 makes the MAC key)."""
    return Cipher(algorithms.ChaCha20(key, _counter(1) + nonce(index)), mode=None)


def _mac(key: bytes, index: int, name: str) -> Poly1305:
    """Poly1305 keyed from ChaCha20's block 0 (RFC 8439 2.6), the name already taken in."""
    block0 = Cipher(algorithms.ChaCha20(key, _counter(0) + nonce(index)), mode=None)
    mac = Poly1305(block0.encryptor().update(bytes(32)))
    aad = name.encode("utf-8")
    mac.update(aad + _pad16(len(aad)))
    return mac


def _finish(mac: Poly1305, name: str, length: int) -> Poly1305:
    """The padding and both lengths that close the MAC (RFC 8439 2.8)."""
    aad = len(name.encode("utf-8"))
    mac.update(_pad16(length) + aad.to_bytes(8, "little") + length.to_bytes(8, "little"))
    return mac


def _pad16(length: int) -> bytes:
    return bytes(-length % 16)


def _inflate(inflater: Any, compressed: bytes, room: int) -> Generator[bytes, None, int]:
    """Yield what ``compressed`` unpacks to, never more than ``room`` bytes (a bomb stops
    at the limit); returns how many bytes came out."""
    out = 0
    data = compressed
    while data:
        try:
            plain = inflater.decompress(data, max(room - out, 0) + 1)
        except zlib.error:
            raise _cannot_decrypt() from None
        out += len(plain)
        if out > room:
            raise _too_large()
        if plain:
            yield plain
        data = inflater.unconsumed_tail
    return out


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


def _too_large() -> Refused:
    return Refused(
        Reason.MEMBER_TOO_LARGE,
        _(
            "A file inside the package unpacks to more than its declared size "
            "(a possible zip bomb). Nothing was imported; ask the office to export again."
        ),
    )


def _cannot_decrypt() -> Refused:
    return Refused(
        Reason.CANNOT_DECRYPT,
        _(
            "The encrypted part of the package cannot be opened with this office's key: it was "
            "changed or encrypted for another key. Ask the sending office to export it again."
        ),
    )
