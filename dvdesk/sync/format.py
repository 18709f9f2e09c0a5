"""The package format: names, limits, canonical JSON and the manifest model.

The manifest is canonical JSON (sorted keys, UTF-8, no whitespace) and is signed
as those exact bytes; the package's hash is the SHA-256 of the same bytes.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from dvdesk.i18n import _
from dvdesk.sync.refusals import Reason, Refused

FORMAT: Final = "dvdesk-package"
FORMAT_VERSION: Final = 1
# Bumped whenever dvdesk.text.fold / vi_sort_key change: the importer then recomputes
# the derived search and sort columns instead of taking the sender's.
DERIVED_TEXT_VERSION: Final = 2  # 2: the shorter vi_sort_key
SCHEMA_VERSION: Final = "0002"
PACKAGE_SUFFIX: Final = ".dvpkg"
RECORDS_PER_CHUNK: Final = 5_000

MANIFEST: Final = "manifest.json"
SIGNATURE: Final = "manifest.sig"
SIGNATURE_BYTES: Final = 64
RECORDS_NAME = re.compile(r"records/[0-9]{6}\.json(\.sealed)?")
COUNTS_NAME = re.compile(r"counts\.json(\.sealed)?")
ATTACHMENT_NAME = re.compile(r"attachments/[0-9a-f]{64}(\.sealed)?")
SHA256_HEX = re.compile(r"[0-9a-f]{64}")
SEALED: Final = ".sealed"


@dataclass(frozen=True)
class Limits:
    """Sizes checked against the zip's declared sizes before anything is read."""

    package_bytes: int = 4 * 1024**3
    total_bytes: int = 8 * 1024**3
    members: int = 200_000
    manifest_bytes: int = 32 * 1024**2
    records_member_bytes: int = 256 * 1024**2
    attachment_bytes: int = 256 * 1024**2


DEFAULT_LIMITS = Limits()


def canonical_json(value: Any) -> bytes:
    """The one byte form of ``value`` that is signed and hashed."""
    return json.dumps(
        value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
    ).encode("utf-8")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class OfficeRef(_Frozen):
    code: str = Field(min_length=1, max_length=20)
    name: str = Field(max_length=500)
    level: str = Field(max_length=40)


class FileEntry(_Frozen):
    """One payload member: its bytes in the zip, and for sealed members the plain bytes."""

    name: str = Field(max_length=200)
    # "counts" members exist since aggregate counts; older readers refuse them.
    kind: Literal["records", "attachment", "counts"]
    size: int = Field(ge=0)
    sha256: str = Field(pattern=SHA256_HEX.pattern)
    records: int = Field(default=0, ge=0)
    plain_size: int | None = Field(default=None, ge=0)
    plain_sha256: str | None = Field(default=None, pattern=SHA256_HEX.pattern)


class Encryption(_Frozen):
    scheme: Literal["x25519-hkdf-sha256-chacha20poly1305"]
    recipient_key_id: str = Field(max_length=64)
    ephemeral_public: str = Field(max_length=100)
    salt: str = Field(max_length=100)


class AuditCheckpoint(_Frozen):
    count: int = Field(ge=0, le=10**12)
    hash: str = Field(pattern=SHA256_HEX.pattern)


class AuditSeal(_Frozen):
    """The head of the sender's audit chain, and its hashes where earlier packages ended,
    so the receiver can check the history continues from what it saw last."""

    count: int = Field(ge=0, le=10**12)
    head: str = Field(pattern=SHA256_HEX.pattern)
    broken_at: int | None = Field(default=None, ge=0)
    checkpoints: tuple[AuditCheckpoint, ...] = Field(default=(), max_length=64)


class Manifest(_Frozen):
    format: Literal["dvdesk-package"]
    format_version: int
    schema_version: str
    derived_text_version: int
    package_id: str = Field(max_length=64)
    origin: OfficeRef
    destination: OfficeRef
    signer_key_id: str = Field(max_length=64)
    # Key cards from the first enrolled key to the signer's, each certified by the one before.
    signer_chain: tuple[dict[str, Any], ...] = ()
    sequence: int = Field(ge=1)
    covers_from: int = Field(ge=1)
    previous_hash: str | None = Field(default=None, pattern=SHA256_HEX.pattern)
    change_seq_after: int = Field(ge=0)
    change_seq_upto: int = Field(ge=0)
    counts: dict[str, int]
    offices: dict[str, int]
    files: tuple[FileEntry, ...]
    encryption: Encryption | None = None
    created_at: str = Field(max_length=40)  # the sender's clock: shown, never trusted
    audit: AuditSeal | None = None  # absent in packages from before the audit chain


def parse_manifest(raw: bytes) -> Manifest:
    """Parse the manifest bytes (already size-checked); refuse anything malformed."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise _bad_manifest() from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise _bad_manifest()
    version = data.get("format_version")
    if isinstance(version, int) and version > FORMAT_VERSION:
        raise Refused(
            Reason.FORMAT_TOO_NEW,
            _(
                "This package was made by a newer dvdesk (package format {version}). "
                "Update dvdesk on this computer, then import it again."
            ).format(version=version),
        )
    try:
        manifest = Manifest.model_validate_json(raw)
    except ValidationError:
        raise _bad_manifest() from None
    if manifest.covers_from > manifest.sequence or len(
        {entry.name for entry in manifest.files}
    ) != len(manifest.files):
        raise _bad_manifest()
    if manifest.schema_version > SCHEMA_VERSION:
        raise Refused(
            Reason.SCHEMA_TOO_NEW,
            _(
                "This package comes from a newer database version ({version}). "
                "Update dvdesk on this computer, then import it again."
            ).format(version=manifest.schema_version),
        )
    return manifest


def _bad_manifest() -> Refused:
    return Refused(
        Reason.BAD_MANIFEST,
        _(
            "The package's table of contents (manifest) is damaged or was not made by dvdesk. "
            "Ask the sending office to export the package again."
        ),
    )
