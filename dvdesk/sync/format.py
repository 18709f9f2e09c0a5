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
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from dvdesk.i18n import _
from dvdesk.sync.bounded_json import MAX_INT, JsonBounds, Problem, UnsafeJson, loads
from dvdesk.sync.refusals import Reason, Refused
from dvdesk.text import shown

if TYPE_CHECKING:
    from dvdesk.services.office_view import OfficeView

FORMAT: Final = "dvdesk-package"
# The one place the package and receipt format's version is named: written on export;
# every version from OLDEST_FORMAT_VERSION up to it is read. Version 2 relays children's
# packages verbatim with delegations, and an encrypted package keeps its contents list
# (plain names, sizes, hashes, counts) inside the encryption; version 1 packages (a
# direct child's own records) are still read.
FORMAT_VERSION: Final = 2
OLDEST_FORMAT_VERSION: Final = 1
OPAQUE_SINCE: Final = 2
CONTENTS_FORMAT: Final = "dvdesk-package-contents"
# Bumped whenever dvdesk.text.fold / vi_sort_key change: the importer then recomputes
# the derived search and sort columns instead of taking the sender's.
DERIVED_TEXT_VERSION: Final = 2  # 2: the shorter vi_sort_key
SCHEMA_VERSION: Final = "0002"
PACKAGE_SUFFIX: Final = ".dvpkg"
RECORDS_PER_CHUNK: Final = 5_000
# A records (or counts) member is parsed whole, at about five times its size in memory:
# the exporter cuts records into members of at most this many bytes, and the importer
# refuses a bigger one before reading it, so an import's memory does not grow with the
# package (a stolen key could otherwise sign one member of 256 MiB: over 1 GB to parse).
RECORDS_MEMBER_BYTES: Final = 16 * 1024**2

MANIFEST: Final = "manifest.json"
SIGNATURE: Final = "manifest.sig"
SIGNATURE_BYTES: Final = 64
RECORDS_NAME = re.compile(r"records/[0-9]{6}\.json(\.sealed)?")
COUNTS_NAME = re.compile(r"counts\.json(\.sealed)?")
DOCUMENT_NAME = re.compile(r"documents/[0-9]{6}\.json(\.sealed)?")
ATTACHMENT_NAME = re.compile(r"attachments/[0-9a-f]{64}(\.sealed)?")
RELAYED_NAME = re.compile(r"relayed/[0-9]{6}\.dvpkg")
# A relay of a relay of …: deeper than this is refused before anything is opened.
MAX_RELAY_DEPTH: Final = 4
# Members of an encrypted package (format 2): numbered, saying nothing of their contents.
OPAQUE_NAME = re.compile(r"sealed/[0-9]{6}")
SHA256_HEX = re.compile(r"[0-9a-f]{64}")
SEALED: Final = ".sealed"


@dataclass(frozen=True)
class Limits:
    """Sizes checked against the zip's declared sizes before anything is read."""

    package_bytes: int = 4 * 1024**3
    total_bytes: int = 8 * 1024**3
    members: int = 50_000
    # A manifest lists every member in about 300 bytes: 50 000 members fit in 16 MiB.
    # The cap holds for the bytes unpacked, whatever size the zip declares.
    manifest_bytes: int = 16 * 1024**2
    records_member_bytes: int = RECORDS_MEMBER_BYTES
    attachment_bytes: int = 256 * 1024**2
    relayed_bytes: int = 1024**3
    # One issued document (its PDF in base64 plus the register details); all of a
    # package's documents together. Export refuses a document over the cap.
    document_member_bytes: int = 16 * 1024**2
    # All of a package's documents are held in memory together at import: keep it small.
    documents_total_bytes: int = 128 * 1024**2

    @property
    def manifest_json(self) -> JsonBounds:
        # Depth: manifest > signer_chain > card > office > value, with room to spare.
        # Delegations: manifest > delegations > delegation > keys > key > card > office.
        return JsonBounds(max_depth=10, max_values=24 * self.members + 100_000)


DEFAULT_LIMITS = Limits()


def canonical_json(value: Any) -> bytes:
    """The one byte form of ``value`` that is signed and hashed."""
    return json.dumps(
        value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
    ).encode("utf-8")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1024 * 1024):
            digest.update(block)
    return digest.hexdigest()


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: object) -> bytes:
    """Base64 from a parsed file: anything but an ASCII base64 string is a ValueError."""
    if not isinstance(text, str):
        raise ValueError("not base64 text")
    return base64.b64decode(text.encode("ascii"), validate=True)


Size = Annotated[int, Field(ge=0, le=MAX_INT)]
Sequence = Annotated[int, Field(ge=1, le=MAX_INT)]
Text40 = Annotated[str, Field(max_length=40)]


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class OfficeRef(_Frozen):
    code: str = Field(min_length=1, max_length=20)
    name: str = Field(max_length=500)
    level: str = Field(max_length=40)


def office_ref(office: OfficeView) -> OfficeRef:
    """How this office names itself in what it signs: code, current name and level."""
    return OfficeRef(code=office.code, name=office.current.name, level=office.level.value)


class FileEntry(_Frozen):
    """One payload member: its bytes in the zip, and for sealed members the plain bytes."""

    name: str = Field(max_length=200)
    # "counts" members exist since aggregate counts, "document" ones since issued
    # documents travel; older readers refuse them.
    kind: Literal["records", "attachment", "counts", "document", "sealed"]
    size: Size
    sha256: str = Field(pattern=SHA256_HEX.pattern)
    records: int = Field(default=0, ge=0, le=RECORDS_PER_CHUNK)
    plain_size: Size | None = None
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


class RelayedEntry(_Frozen):
    """A child's package carried verbatim (``relayed/NNNNNN.dvpkg``), as its relay got it."""

    name: str = Field(pattern=RELAYED_NAME.pattern)
    origin: str = Field(min_length=1, max_length=20)
    sequence: int = Field(ge=1, le=MAX_INT)
    package_hash: str = Field(pattern=SHA256_HEX.pattern)
    size: int = Field(ge=0, le=MAX_INT)
    sha256: str = Field(pattern=SHA256_HEX.pattern)


class DelegatedKey(_Frozen):
    """One key of a delegated office: its self-signed card, and until when it may sign."""

    card: dict[str, object]
    # For a replaced key, the last sequence it signed; None for the current key.
    last_sequence: int | None = Field(default=None, ge=0, le=MAX_INT)
    revoked: bool = False


class Delegation(_Frozen):
    """The relay vouches for a subordinate office's keys (as a TUF delegation)."""

    code: str = Field(min_length=1, max_length=20)
    name: str = Field(max_length=500)
    level: str = Field(max_length=40)
    parent_code: str = Field(min_length=1, max_length=20)
    # Bumped each time the relay re-enrolled the office with a new, uncertified key.
    enrolment: int = Field(ge=0, lt=2**31)
    keys: tuple[DelegatedKey, ...] = Field(min_length=1, max_length=32)


class Manifest(_Frozen):
    format: Literal["dvdesk-package"]
    format_version: int = Field(ge=OLDEST_FORMAT_VERSION, le=FORMAT_VERSION)
    schema_version: str = Field(max_length=20)
    derived_text_version: int = Field(ge=0, le=1_000)
    package_id: str = Field(max_length=64)
    origin: OfficeRef
    destination: OfficeRef
    signer_key_id: str = Field(max_length=64)
    # Key cards from the first enrolled key to the signer's, each certified by the one before.
    signer_chain: tuple[dict[str, object], ...] = Field(default=(), max_length=100)
    sequence: Sequence
    covers_from: Sequence
    previous_hash: str | None = Field(default=None, pattern=SHA256_HEX.pattern)
    change_seq_after: Size
    change_seq_upto: Size
    counts: dict[Text40, Size] = Field(max_length=20)
    offices: dict[Text40, Size] = Field(max_length=100_000)
    files: tuple[FileEntry, ...] = Field(max_length=1_000_000)
    encryption: Encryption | None = None
    created_at: str = Field(max_length=40)  # the sender's clock: shown, never trusted
    audit: AuditSeal | None = None  # absent in packages from before the audit chain
    # Format 2: children's packages carried verbatim, and the keys the sender vouches for.
    relayed: tuple[RelayedEntry, ...] = Field(default=(), max_length=100_000)
    delegations: tuple[Delegation, ...] = Field(default=(), max_length=10_000)


def opaque_name(index: int) -> str:
    return f"sealed/{index:06d}"


class Contents(_Frozen):
    """What an encrypted package holds, sealed as its member 0: only its recipient sees it."""

    format: Literal["dvdesk-package-contents"]
    package_id: str = Field(max_length=64)
    counts: dict[Text40, Size] = Field(max_length=20)
    offices: dict[Text40, Size] = Field(max_length=100_000)
    files: tuple[FileEntry, ...] = Field(max_length=1_000_000)


def parse_contents(raw: bytes, *, limits: Limits) -> Contents:
    """The sealed contents list (authenticated by the signed hash of its ciphertext)."""
    try:
        data = loads(raw, limits.manifest_json)
        if canonical_json(data) != raw:
            raise ValueError("not canonical")
        contents = Contents.model_validate_json(raw)
    except (UnsafeJson, ValueError):
        raise _bad_manifest() from None
    names = {entry.name for entry in contents.files}
    if len(names) != len(contents.files) or any(e.kind == "sealed" for e in contents.files):
        raise _bad_manifest()
    check_counts(contents)
    return contents


def parse_manifest(raw: bytes, *, limits: Limits) -> Manifest:
    """Parse the manifest bytes (already size-capped) within bounds; refuse anything else.

    Depth, value count and number length are checked before parsing; the bytes must
    be exactly the canonical JSON dvdesk writes, so one manifest has one hash.
    """
    try:
        data = loads(raw, limits.manifest_json)
    except UnsafeJson as problem:
        raise json_refusal(problem, what=_("package's table of contents (manifest)")) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise _bad_manifest()
    check_format_version(
        data.get("format_version"),
        newest=FORMAT_VERSION,
        oldest=OLDEST_FORMAT_VERSION,
        what=_("package"),
    )
    if canonical_json(data) != raw:
        raise Refused(
            Reason.NOT_CANONICAL,
            _(
                "The package's table of contents (manifest) is not written the one way dvdesk "
                "writes it (changed spacing, order or escapes), so it may have been edited. "
                "Nothing was imported; ask the sending office to export the package again."
            ),
        )
    try:
        manifest = Manifest.model_validate_json(raw)
    except ValidationError:
        raise _bad_manifest() from None
    names = [entry.name for entry in manifest.files] + [e.name for e in manifest.relayed]
    if (
        manifest.covers_from > manifest.sequence
        or len(set(names)) != len(names)
        or len(names) > limits.members
        or manifest.format_version < OLDEST_FORMAT_VERSION
        or (manifest.format_version < 2 and (manifest.relayed or manifest.delegations))
    ):
        raise _bad_manifest()
    if manifest.schema_version > SCHEMA_VERSION:
        raise Refused(
            Reason.SCHEMA_TOO_NEW,
            _(
                "This package comes from a newer database version ({version}). "
                "Update dvdesk on this computer, then import it again."
            ).format(version=shown(manifest.schema_version)),
        )
    return manifest


def check_counts(manifest: Manifest | Contents) -> None:
    """The records members are numbered as dvdesk writes them; the record count, the
    per-office counts and the records members agree."""
    check_records_order(manifest.files)
    in_files = sum(entry.records for entry in manifest.files if entry.kind == "records")
    stray = any(entry.records for entry in manifest.files if entry.kind != "records")
    stated = manifest.counts.get("record", 0)
    if stray or in_files != stated or sum(manifest.offices.values()) != stated:
        raise count_mismatch(stated)


def check_records_order(files: tuple[FileEntry, ...]) -> None:
    """Records members are listed as records/000001.json, records/000002.json, … in that
    order, none missing or repeated: the order the exporter wrote them in, which is the
    order their records changed in."""
    names = [entry.name.removesuffix(SEALED) for entry in files if entry.kind == "records"]
    if names != [f"records/{number:06d}.json" for number in range(1, len(names) + 1)]:
        raise Refused(
            Reason.MEMBERS_OUT_OF_ORDER,
            _(
                "The parts holding the package's records are not numbered in the order "
                "dvdesk writes them (a part is missing, repeated or out of place), so the "
                "package may have been altered. Nothing was imported; ask the sending "
                "office to export the package again."
            ),
        )


def count_mismatch(stated: int) -> Refused:
    return Refused(
        Reason.COUNT_MISMATCH,
        _(
            "The package says it holds {count} record(s), but its contents do not add up to "
            "that. Nothing was imported; ask the sending office to export the package again."
        ).format(count=stated),
    )


def check_format_version(version: object, *, newest: int, oldest: int, what: str) -> None:
    """A format version dvdesk can read: newer ones need an update, others are refused."""
    if isinstance(version, int) and not isinstance(version, bool) and version > newest:
        raise Refused(
            Reason.FORMAT_TOO_NEW,
            _(
                "This {what} was made by a newer dvdesk (format {version}). "
                "Update dvdesk on this computer, then import it again."
            ).format(what=what, version=shown(version)),
        )
    if not isinstance(version, int) or isinstance(version, bool) or version < oldest:
        raise Refused(
            Reason.BAD_FORMAT_VERSION,
            _(
                "This {what} names a format version ({version}) that no dvdesk ever wrote. "
                "Nothing was imported; check that it came from a dvdesk office."
            ).format(what=what, version=shown(version)),
        )


def json_refusal(problem: UnsafeJson, *, what: str, malformed: Refused | None = None) -> Refused:
    """The refusal for JSON that failed the bounds checked before parsing."""
    if problem.problem is Problem.TOO_DEEP:
        return Refused(
            Reason.TOO_DEEP,
            _(
                "The {what} is nested far deeper than dvdesk ever writes (a crafted file). It "
                "was refused without reading it further; nothing was changed."
            ).format(what=what),
        )
    if problem.problem is Problem.NUMBER_TOO_LARGE:
        return Refused(
            Reason.NUMBER_TOO_LARGE,
            _(
                "The {what} holds a number larger than dvdesk ever writes (a crafted file). It "
                "was refused without reading it further; nothing was changed."
            ).format(what=what),
        )
    if problem.problem is Problem.TOO_MANY_VALUES:
        return Refused(
            Reason.MANIFEST_TOO_LARGE,
            _(
                "The {what} is larger than any dvdesk writes (a possible attack on memory). It "
                "was refused without reading it further; nothing was changed."
            ).format(what=what),
        )
    return malformed or _bad_manifest()


def _bad_manifest() -> Refused:
    return Refused(
        Reason.BAD_MANIFEST,
        _(
            "The package's table of contents (manifest) is damaged or was not made by dvdesk. "
            "Ask the sending office to export the package again."
        ),
    )
