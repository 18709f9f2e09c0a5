"""Key cards: an office's identity and public keys, self-signed, with a phone-readable fingerprint.

A card travels as a small JSON file. Its body is signed by the card's own Ed25519
key (binding the X25519 encryption key to it) and, after a rotation, also by the
office's previous key (the certificate that lets the parent trust the new key).
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from dvdesk.i18n import _
from dvdesk.sync.bounded_json import JsonBounds, UnsafeJson, loads
from dvdesk.sync.format import b64, canonical_json, json_refusal, unb64
from dvdesk.sync.infile import read_small
from dvdesk.sync.refusals import Reason, Refused

CARD_FORMAT: Final = "dvdesk-keycard"
CARD_VERSION: Final = 1
CARD_SUFFIX: Final = ".dvkey"
MAX_CARD_BYTES: Final = 64 * 1024
# A card nests card > office > value; a rotation card is no deeper.
_CARD_BOUNDS: Final = JsonBounds(max_depth=4, max_values=200)
_BODY_KEYS = frozenset(
    {
        "format",
        "format_version",
        "office",
        "key_id",
        "signing_public",
        "encryption_public",
        "created_at",
        "certified_by",
    }
)


def key_id_of(signing_public: bytes) -> str:
    return hashlib.sha256(signing_public).hexdigest()[:16]


def fingerprint(signing_public: bytes, encryption_public: bytes) -> str:
    """Six groups of five digits, easy to read aloud over the phone in any language."""
    digest = hashlib.sha256(b"dvdesk-fingerprint" + signing_public + encryption_public).digest()
    groups = (int.from_bytes(digest[i * 5 : i * 5 + 5], "big") % 100_000 for i in range(6))
    return " ".join(f"{group:05d}" for group in groups)


@dataclass(frozen=True)
class Card:
    office_code: str
    office_name: str
    office_level: str
    parent_code: str | None
    key_id: str
    signing_public: bytes
    encryption_public: bytes
    created_at: str
    certified_by: str | None
    certificate: bytes | None
    data: dict[str, object]

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.signing_public, self.encryption_public)

    @property
    def body(self) -> dict[str, object]:
        return {key: value for key, value in self.data.items() if key in _BODY_KEYS}

    def verify_certificate(self, certifier_public: bytes) -> bool:
        """True if the previous key ``certifier_public`` signed this card's body."""
        if self.certificate is None:
            return False
        try:
            Ed25519PublicKey.from_public_bytes(certifier_public).verify(
                self.certificate, canonical_json(self.body)
            )
        except (InvalidSignature, ValueError):
            return False
        return True


def make_card(
    *,
    office: dict[str, object],
    signing_key: Ed25519PrivateKey,
    signing_public: bytes,
    encryption_public: bytes,
    created_at: str,
    certifier: tuple[str, Ed25519PrivateKey] | None = None,
) -> dict[str, object]:
    """A card's JSON data, self-signed and (after a rotation) certified by the old key."""
    body: dict[str, object] = {
        "format": CARD_FORMAT,
        "format_version": CARD_VERSION,
        "office": office,
        "key_id": key_id_of(signing_public),
        "signing_public": b64(signing_public),
        "encryption_public": b64(encryption_public),
        "created_at": created_at,
        "certified_by": certifier[0] if certifier else None,
    }
    signed = canonical_json(body)
    return body | {
        "self_signature": b64(signing_key.sign(signed)),
        "certificate": b64(certifier[1].sign(signed)) if certifier else None,
    }


def card_office(data: dict[str, object]) -> dict[str, object]:
    """The office a card names (code, name, level, parent_code); empty if it names none."""
    office = data.get("office")
    return office if isinstance(office, dict) else {}


def card_file_bytes(data: dict[str, object]) -> bytes:
    """The card as a readable file; the fingerprint line is for people, never trusted."""
    shown = dict(data)
    shown["fingerprint"] = fingerprint(
        unb64(data["signing_public"]), unb64(data["encryption_public"])
    )
    return json.dumps(shown, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8") + b"\n"


def parse_card(data: Any) -> Card:
    """Check a card's shape and self-signature; refuse anything else."""
    try:
        if not isinstance(data, dict) or data.get("format") != CARD_FORMAT:
            raise ValueError("not a card")
        if data.get("format_version") != CARD_VERSION:
            raise ValueError("version")
        office = data["office"]
        signing_public = unb64(data["signing_public"])
        encryption_public = unb64(data["encryption_public"])
        certificate = unb64(data["certificate"]) if data.get("certificate") else None
        card = Card(
            office_code=_code(office["code"]),
            office_name=_name(office["name"]),
            office_level=_text(office["level"]),
            parent_code=_code(office["parent_code"]) if office.get("parent_code") else None,
            key_id=_text(data["key_id"]),
            signing_public=signing_public,
            encryption_public=encryption_public,
            created_at=_text(data["created_at"]),
            certified_by=_text(data["certified_by"]) if data.get("certified_by") else None,
            certificate=certificate,
            data={key: value for key, value in data.items() if key != "fingerprint"},
        )
        if len(encryption_public) != 32 or card.key_id != key_id_of(signing_public):
            raise ValueError("key id")
        Ed25519PublicKey.from_public_bytes(signing_public).verify(
            unb64(data["self_signature"]), canonical_json(card.body)
        )
    except _HiddenCharacters:
        raise _hidden_characters() from None
    except (KeyError, TypeError, ValueError, InvalidSignature):
        raise _bad_card() from None
    return card


def _bad_card() -> Refused:
    return Refused(
        Reason.BAD_CARD,
        _(
            "This key card is damaged or was changed after it was made. "
            "Ask the office for its key card again and check the fingerprint by phone."
        ),
    )


def _card_too_large(_path: Path | None = None) -> Refused:
    return Refused(
        Reason.BAD_CARD,
        _("This file is too large to be a key card. Check that you chose the right file."),
    )


def read_card_file(path: Path) -> Card:
    """A key card file: an ordinary file, size-capped before reading, parsed within bounds."""
    return read_card_bytes(read_small(path, limit=MAX_CARD_BYTES, too_large=_card_too_large))


def read_card_bytes(raw: bytes) -> Card:
    if len(raw) > MAX_CARD_BYTES:
        raise _card_too_large()
    try:
        data = loads(raw.removeprefix(b"\xef\xbb\xbf"), _CARD_BOUNDS)
    except UnsafeJson as problem:
        raise json_refusal(problem, what=_("key card"), malformed=_bad_card()) from None
    return parse_card(data)


# Control, separator and unassigned characters and bidi controls: in a name they could
# forge a line in a message or a log, or reverse what a clerk reads. (Zero-width
# characters are left to the lookalike check, which asks for a confirmation.)
_HIDDEN: Final = frozenset({"Cc", "Cs", "Co", "Cn", "Zl", "Zp"})
_BIDI_CONTROLS: Final = frozenset({"LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI"})
_BIDI_MARKS: Final = frozenset({"\u200e", "\u200f", "\u061c"})


def _hidden(char: str) -> bool:
    return (
        unicodedata.category(char) in _HIDDEN
        or unicodedata.bidirectional(char) in _BIDI_CONTROLS
        or char in _BIDI_MARKS
    )


class _HiddenCharacters(ValueError):
    pass


def _name(value: Any) -> str:
    """An office name without control or bidi characters, kept in NFC like all stored text."""
    text = _text(value)
    if any(_hidden(char) for char in text):
        raise _HiddenCharacters
    return unicodedata.normalize("NFC", text)


def _code(value: Any) -> str:
    """An office code as the card's messages name it: no line breaks or bidi marks that
    could forge or reverse what the clerk reads (the card is signed by its own key only)."""
    text = _text(value)
    if any(_hidden(char) for char in text):
        raise _HiddenCharacters
    return text


def _hidden_characters() -> Refused:
    return Refused(
        Reason.BAD_CARD,
        _(
            "The office name or code on this key card contains control characters (such "
            "as a right-to-left mark or a line break), which could make it read as another "
            "office. It was not enrolled; ask the office to make its key card again and "
            "check the fingerprint by phone."
        ),
    )


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value or len(value) > 500:
        raise ValueError("text")
    return value
