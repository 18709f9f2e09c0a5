"""Checking a package completely before anything is written.

Order matters: structure and sizes (container), then the manifest's signature by a
trusted key, then the claims the signature covers (origin, destination, sequence,
hash chain), then every payload member against its signed SHA-256.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlmodel import Session, col, func, select

from dvdesk.db.schema import Office, PackageIn
from dvdesk.errors import NotFound
from dvdesk.i18n import _
from dvdesk.services.store import Store, storage_errors
from dvdesk.sync.checks import bad_signature, check_members, read_signed_manifest
from dvdesk.sync.container import PackageFile, open_package
from dvdesk.sync.format import (
    DEFAULT_LIMITS,
    Limits,
    Manifest,
    check_counts,
    count_mismatch,
    sha256_hex,
)
from dvdesk.sync.policy import check_encryption
from dvdesk.sync.progress import CancelCheck, Progress, check_cancel, never, no_progress
from dvdesk.sync.refusals import Reason, Refused
from dvdesk.sync.relay import Relayed, walk_relayed
from dvdesk.sync.trust import Signer, resolve_signer, verify_signature
from dvdesk.sync.wire import decode_chunk
from dvdesk.text import shown


@dataclass(frozen=True)
class VerifiedPackage:
    """A package whose every check passed, ready to import (or already imported)."""

    path: Path
    manifest: Manifest
    package_hash: str
    signer: Signer
    already_imported: bool
    last_sequence: int
    relayed: Relayed = field(default_factory=Relayed)

    @property
    def encrypted(self) -> bool:
        return self.manifest.encryption is not None

    @property
    def record_count(self) -> int:
        return self.manifest.counts.get("record", 0)


def _own_code(session: Session) -> str:
    office = session.get(Office, 1)
    if office is None:
        raise NotFound(_("No office is set up yet. Run 'dvdesk init' first."))
    return office.code


def trusted_signer(session: Session, manifest: Manifest, raw: bytes, signature: bytes) -> Signer:
    own = _own_code(session)
    if manifest.origin.code == own:
        raise Refused(
            Reason.FROM_SELF,
            _(
                "This package was made by this office itself (to send to {code}); it cannot be "
                "imported here. Take it to the office it is addressed to."
            ).format(code=shown(manifest.destination.code)),
        )
    signer = resolve_signer(
        session,
        key_id=manifest.signer_key_id,
        office_code=manifest.origin.code,
        chain=manifest.signer_chain,
        relation="child",
    )
    if not verify_signature(signer.signing_public, signature, raw):
        raise bad_signature()
    if manifest.destination.code != own:
        raise Refused(
            Reason.WRONG_DESTINATION,
            _(
                "This package from {origin} is addressed to office {destination}, not to this "
                "office ({own}). Nothing was imported; take it to the office it is addressed to."
            ).format(
                origin=shown(manifest.origin.name),
                destination=shown(manifest.destination.code),
                own=own,
            ),
        )
    return signer


def _numbers(first: int, last: int) -> str:
    """The missing package numbers, as a range when there are many (never a huge list)."""
    if last - first < 5:
        return ", ".join(str(n) for n in range(first, last + 1))
    return f"{first}–{last}"


def sequence_state(session: Session, manifest: Manifest, package_hash: str) -> tuple[bool, int]:
    """(already imported, last imported sequence); refuses old, forked or gapped packages."""
    origin = manifest.origin.code
    last = session.exec(
        select(func.max(PackageIn.sequence)).where(PackageIn.origin == origin)
    ).one()
    last = int(last or 0)
    same = session.exec(
        select(PackageIn).where(PackageIn.origin == origin, PackageIn.sequence == manifest.sequence)
    ).first()
    if same is not None:
        if same.package_hash == package_hash:
            return True, last
        raise Refused(
            Reason.SEQUENCE_CONFLICT,
            _(
                "ALERT: {office} already sent a different package with the same number "
                "{sequence}. Two packages with one number should never exist: nothing was "
                "imported. Call the office to find out which one is genuine."
            ).format(office=shown(manifest.origin.name), sequence=manifest.sequence),
        )
    if manifest.sequence < last:
        raise Refused(
            Reason.OLD_PACKAGE,
            _(
                "This is package {sequence} from {office}, older than package {last} already "
                "imported, which contains everything in it. Nothing was changed."
            ).format(sequence=manifest.sequence, office=shown(manifest.origin.name), last=last),
        )
    if manifest.covers_from > last + 1:
        missing = _numbers(last + 1, manifest.covers_from - 1)
        raise Refused(
            Reason.GAP,
            _(
                "Package {sequence} from {office} starts after package(s) {missing}, which were "
                "never imported here. Import the missing package(s) first; if they are lost, ask "
                "the office to make a full package with 'dvdesk export --full'."
            ).format(
                sequence=manifest.sequence, office=shown(manifest.origin.name), missing=missing
            ),
        )
    previous = session.exec(
        select(PackageIn).where(
            PackageIn.origin == origin, PackageIn.sequence == manifest.sequence - 1
        )
    ).first()
    if previous is not None and manifest.previous_hash != previous.package_hash:
        raise Refused(
            Reason.CHAIN_BROKEN,
            _(
                "ALERT: package {sequence} from {office} does not follow the package {previous} "
                "imported here (their hash link differs). Nothing was imported. Call the office "
                "to find out which package is genuine."
            ).format(
                sequence=manifest.sequence,
                office=shown(manifest.origin.name),
                previous=previous.sequence,
            ),
        )
    return False, last


def inspect(
    store: Store,
    package: PackageFile,
    *,
    progress: Progress = no_progress,
    cancel: CancelCheck = never,
    records_follow: bool = False,
    workdir: Path,
    limits: Limits = DEFAULT_LIMITS,
) -> VerifiedPackage:
    """Every check before import, nested packages included (extracted into ``workdir``).
    Progress counts members checked; with ``records_follow`` the total also counts the
    records an import applies afterwards (one bar for both)."""
    raw, signature, manifest = read_signed_manifest(package)
    package_hash = sha256_hex(raw)
    with store.session() as session:
        signer = trusted_signer(session, manifest, raw, signature)
        check_counts(manifest)  # a signed claim, checked once the signature holds
        check_encryption(session, manifest)
        already, last = sequence_state(session, manifest, package_hash)
    more = manifest.counts.get("record", 0) if records_follow else 0
    check_members(
        package,
        manifest,
        progress=lambda done, total: progress(done, total + more),
        cancel=cancel,
    )
    relayed = Relayed()
    if not already:
        with store.session() as session:
            relayed = walk_relayed(
                session,
                package,
                manifest,
                own_code=_own_code(session),
                workdir=workdir,
                limits=limits,
            )
    return VerifiedPackage(
        path=package.path,
        manifest=manifest,
        package_hash=package_hash,
        signer=signer,
        already_imported=already,
        last_sequence=last,
        relayed=relayed,
    )


@contextmanager
def scratch_folder(store: Store) -> Iterator[Path]:
    """A private folder beside the database for nested packages while they are checked."""
    with storage_errors(store.paths.root):
        store.paths.root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=store.paths.root, prefix="relay-") as folder:
        yield Path(folder)


def verify_package(
    store: Store,
    *,
    path: Path,
    limits: Limits = DEFAULT_LIMITS,
    progress: Progress = no_progress,
    cancel: CancelCheck = never,
) -> VerifiedPackage:
    """Every check an import makes, without importing."""
    with open_package(path, limits=limits) as package, scratch_folder(store) as workdir:
        verified = inspect(
            store, package, progress=progress, cancel=cancel, workdir=workdir, limits=limits
        )
        if not verified.encrypted:  # sealed records need the passphrase: counted on import
            _check_record_counts(package, verified.manifest, cancel=cancel)
        return verified


def _check_record_counts(package: PackageFile, manifest: Manifest, *, cancel: CancelCheck) -> None:
    """Each records member holds the number of records the signed manifest gives it."""
    for entry in manifest.files:
        if entry.kind == "records":
            check_cancel(cancel)
            data = package.read(entry.name, size=entry.size, sha256=entry.sha256)
            if len(decode_chunk(data, name=entry.name)) != entry.records:
                raise count_mismatch(manifest.counts.get("record", 0))


def last_sequences(session: Session) -> dict[str, int]:
    rows = session.exec(
        select(PackageIn.origin, func.max(PackageIn.sequence)).group_by(col(PackageIn.origin))
    ).all()
    return {origin: int(sequence) for origin, sequence in rows}


def check_sender(store: Store, path: Path, *, limits: Limits = DEFAULT_LIMITS) -> None:
    """Refuse a package whose sender is not trusted here, from its signed manifest alone.

    The manifest is never encrypted (only the members are), so a package from an office
    that is not enrolled is refused before anyone is asked for the passphrase to open it.
    """
    with open_package(path, limits=limits) as package:
        raw, signature, manifest = read_signed_manifest(package)
    with store.session() as session:
        trusted_signer(session, manifest, raw, signature)


def peek_manifest(path: Path, *, limits: Limits = DEFAULT_LIMITS) -> Manifest:
    """The manifest as the package states it, unverified: only for ordering and prompts."""
    with open_package(path, limits=limits) as package:
        return read_signed_manifest(package)[2]
