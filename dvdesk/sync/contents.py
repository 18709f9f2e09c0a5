"""What a verified package holds, and reading it, the same way whether sealed or not.

A plain package lists its members in the signed manifest. An encrypted package of
format 1 lists them there too, under their plain names with ``.sealed`` added and their
plain sizes and hashes beside. An encrypted package of format 2 shows only numbered
members and their sizes: member 0 is the sealed contents list (plain names, sizes,
hashes and counts), which only the recipient can open; the signed SHA-256 of its
ciphertext binds it to the signature.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import BinaryIO

from dvdesk.sync.container import PackageFile, changed_member, member_too_large
from dvdesk.sync.format import (
    OPAQUE_SINCE,
    SEALED,
    FileEntry,
    Limits,
    Manifest,
    check_counts,
    parse_contents,
    sha256_hex,
)
from dvdesk.sync.seal import Opener


@dataclass(frozen=True)
class Member:
    """One payload file: what it holds (plain), and where it lies in the zip."""

    entry: FileEntry  # plain name, size, SHA-256 and record count
    stored: FileEntry  # the member as stored (the same entry when not sealed)
    index: int  # position in the signed manifest: the nonce of a sealed member


def _plain_v1(entry: FileEntry) -> FileEntry:
    return FileEntry(
        name=entry.name.removesuffix(SEALED),
        kind=entry.kind,
        size=entry.plain_size or 0,
        sha256=entry.plain_sha256 or "",
        records=entry.records,
    )


def _sealed_bound(limit: int) -> int:
    """The most a sealed member of ``limit`` plain bytes can take: deflate's worst case
    (5 bytes per 16 KiB block, plus its header) and the 16-byte authentication tag."""
    return limit + 5 * (limit // 16_384 + 1) + 64


def read_member(
    package: PackageFile, member: Member, opener: Opener | None, *, limit: int
) -> bytes:
    """The plain bytes of ``member``, checked against its signed (or sealed) size and hash.

    Both sizes are checked against ``limit`` before anything is read: a sealed member's
    zip name says nothing of what it holds, so the zip's own cap for it is the largest.
    """
    stored = member.stored
    if member.entry.size > limit or stored.size > _sealed_bound(limit):
        raise member_too_large(member.entry.name, size=member.entry.size, limit=limit)
    data = package.read(stored.name, size=stored.size, sha256=stored.sha256)
    if opener is None:
        return data
    entry = member.entry
    plain = opener.open(member.index, stored.name, data, max_size=min(limit, entry.size))
    if len(plain) != entry.size or sha256_hex(plain) != entry.sha256:
        raise changed_member(entry.name)
    return plain


def copy_member(
    package: PackageFile, member: Member, opener: Opener | None, target: BinaryIO, *, limit: int
) -> None:
    """:func:`read_member` into ``target`` block by block (attachments of up to 256 MiB).

    ``target`` must be a temporary file kept only if this returns: its bytes are checked
    (signed hash of what is stored, the seal's tag, the plain size and hash) only at the end."""
    stored, entry = member.stored, member.entry
    if entry.size > limit or stored.size > _sealed_bound(limit):
        raise member_too_large(entry.name, size=entry.size, limit=limit)
    if opener is None:
        package.copy_to(stored.name, target, size=stored.size, sha256=stored.sha256)
        return
    sealed = package.blocks(stored.name, size=stored.size, sha256=stored.sha256)
    digest, size = hashlib.sha256(), 0
    for block in opener.open_stream(
        member.index, stored.name, sealed, max_size=min(limit, entry.size)
    ):
        digest.update(block)
        size += len(block)
        target.write(block)
    if size != entry.size or digest.hexdigest() != entry.sha256:
        raise changed_member(entry.name)


def open_contents(
    package: PackageFile, manifest: Manifest, opener: Opener | None, *, limits: Limits
) -> tuple[Manifest, list[Member]]:
    """The manifest as the recipient sees it (counts, offices, plain files) and its members."""
    if opener is None:
        members = [Member(e, e, i) for i, e in enumerate(manifest.files)]
        return manifest, members
    if manifest.format_version < OPAQUE_SINCE:
        members = [Member(_plain_v1(e), e, i) for i, e in enumerate(manifest.files)]
        plain = manifest.model_copy(update={"files": tuple(m.entry for m in members)})
        return plain, members
    listing = manifest.files[0] if manifest.files else None
    if listing is None:
        raise changed_member("sealed/000000")
    raw = package.read(listing.name, size=listing.size, sha256=listing.sha256)
    contents = parse_contents(
        opener.open(0, listing.name, raw, max_size=limits.manifest_bytes), limits=limits
    )
    if contents.package_id != manifest.package_id or len(contents.files) != len(manifest.files) - 1:
        raise changed_member(listing.name)
    members = [
        Member(entry, stored, index)
        for index, (entry, stored) in enumerate(
            zip(contents.files, manifest.files[1:], strict=True), start=1
        )
    ]
    plain = manifest.model_copy(
        update={"counts": contents.counts, "offices": contents.offices, "files": contents.files}
    )
    check_counts(plain)
    return plain, members
