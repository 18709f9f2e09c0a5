"""Checks shared by a package and the packages nested in it: signed manifest, members."""

from __future__ import annotations

from dvdesk.i18n import _
from dvdesk.sync.container import PackageFile, missing_member, size_mismatch
from dvdesk.sync.format import (
    MANIFEST,
    OPAQUE_SINCE,
    SEALED,
    SIGNATURE,
    SIGNATURE_BYTES,
    FileEntry,
    Manifest,
    opaque_name,
    parse_manifest,
)
from dvdesk.sync.progress import CancelCheck, Progress, check_cancel, never, no_progress
from dvdesk.sync.refusals import Reason, Refused
from dvdesk.text import shown


def read_signed_manifest(package: PackageFile) -> tuple[bytes, bytes, Manifest]:
    """The fixed-size signature first, then the size-capped manifest, parsed within bounds."""
    if package.declared_size(SIGNATURE) != SIGNATURE_BYTES:
        raise bad_signature()
    signature = package.read_declared(SIGNATURE)
    raw = package.read_declared(MANIFEST)
    return raw, signature, parse_manifest(raw, limits=package.limits)


def bad_signature() -> Refused:
    return Refused(
        Reason.BAD_SIGNATURE,
        _(
            "The package's signature does not match its contents: it was changed or forged "
            "after it was signed. Nothing was imported; do not use it, and ask the sending "
            "office to export it again."
        ),
    )


def check_members(
    package: PackageFile,
    manifest: Manifest,
    *,
    progress: Progress = no_progress,
    cancel: CancelCheck = never,
) -> None:
    """Every member listed, with its signed size and SHA-256; nothing else in the zip."""
    listed = {entry.name for entry in manifest.files} | {e.name for e in manifest.relayed}
    for name in package.members:
        if name not in listed and name not in (MANIFEST, SIGNATURE):
            raise Refused(
                Reason.UNEXPECTED_MEMBER,
                _(
                    "The package contains a file {member} that dvdesk never writes. It is "
                    "refused; nothing was imported."
                ).format(member=shown(name)),
            )
    for index, entry in enumerate(manifest.files):
        declared = package.declared_size(entry.name)
        if declared is None:
            raise missing_member(entry.name)
        if not _laid_out(manifest, index, entry):
            raise Refused(
                Reason.BAD_MANIFEST,
                _(
                    "The package's table of contents (manifest) is damaged or was not made by "
                    "dvdesk. Ask the sending office to export the package again."
                ),
            )
        if declared != entry.size:
            raise size_mismatch(entry.name)
    for relayed in manifest.relayed:
        declared = package.declared_size(relayed.name)
        if declared is None:
            raise missing_member(relayed.name)
        if declared != relayed.size:
            raise size_mismatch(relayed.name)
    members = [(e.name, e.size, e.sha256) for e in manifest.files]
    members += [(e.name, e.size, e.sha256) for e in manifest.relayed]
    for done, (name, size, sha256) in enumerate(members, start=1):
        check_cancel(cancel)
        package.check(name, size=size, sha256=sha256)
        progress(done, len(members))


def _laid_out(manifest: Manifest, index: int, entry: FileEntry) -> bool:
    """The member is named and described as its package's format and encryption say."""
    if manifest.encryption is None:
        return entry.kind != "sealed" and not entry.name.endswith(SEALED)
    if manifest.format_version >= OPAQUE_SINCE:  # opaque: numbered, nothing plain shown
        return (
            entry.kind == "sealed"
            and entry.name == opaque_name(index)
            and entry.plain_size is None
            and entry.plain_sha256 is None
            and not manifest.counts
            and not manifest.offices
        )
    return (  # format 1: sealed members under their plain names
        entry.kind != "sealed"
        and entry.name.endswith(SEALED)
        and entry.plain_size is not None
        and entry.plain_sha256 is not None
    )
