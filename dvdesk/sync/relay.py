"""Relayed packages: children's packages carried verbatim inside their relay's package.

A relaying office (a province) puts each package it imported from its children,
byte for byte as they signed it, into its own package (``relayed/NNNNNN.dvpkg``),
and vouches for their keys by delegations (:mod:`dvdesk.sync.delegation`). The level
above checks each nested package against its owner's delegated key, so a relay can
withhold a package (a gap in that office's sequence, named in the summary) but never
alter, plant or delete a record of another office.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session, col, func, select

from dvdesk.db.schema import PackageIn, UnitKey
from dvdesk.i18n import _
from dvdesk.paths import DataPaths
from dvdesk.sync.checks import check_members, read_signed_manifest
from dvdesk.sync.container import PackageFile, open_package
from dvdesk.sync.delegation import DelegationPlan, delegated_signer, plan_delegation
from dvdesk.sync.format import MAX_RELAY_DEPTH, Limits, Manifest, RelayedEntry, sha256_hex
from dvdesk.sync.refusals import Reason, Refused
from dvdesk.sync.trust import verify_signature
from dvdesk.text import shown

# Refusals inside a nested package that mean "changed after its owner signed it".
_TAMPERING = frozenset(
    {
        Reason.NOT_A_PACKAGE,
        Reason.TRUNCATED,
        Reason.TOO_MANY_MEMBERS,
        Reason.MEMBER_TOO_LARGE,
        Reason.BAD_MEMBER_NAME,
        Reason.DUPLICATE_MEMBER,
        Reason.UNEXPECTED_MEMBER,
        Reason.MISSING_MEMBER,
        Reason.BAD_MANIFEST,
        Reason.BAD_SIGNATURE,
        Reason.CHANGED_FILE,
        Reason.SIZE_MISMATCH,
        Reason.TOO_LARGE,
    }
)


@dataclass(frozen=True)
class RelayedPackage:
    """One nested package, checked: its owner's signature, its place in the owner's sequence."""

    file: Path
    relay: str
    manifest: Manifest
    package_hash: str
    skip: bool  # already imported here, or older than what was: nothing to apply
    missing: tuple[int, ...]  # sequences of this office never seen here (withheld)
    plan: DelegationPlan


@dataclass(frozen=True)
class RelayedSummary:
    """A line of the import summary for one nested package."""

    origin: str
    origin_name: str
    relay: str
    sequence: int
    covers_from: int
    missing: tuple[int, ...]
    already_imported: bool


def relay_tampered(origin: str, relay: str) -> Refused:
    return Refused(
        Reason.RELAY_TAMPERED,
        _(
            "The package of office {origin} carried inside the package from {relay} was changed "
            "after {origin} signed it (records altered, removed or added on the way). Nothing "
            "was imported; call office {relay}, and ask {origin} to send its package again."
        ).format(origin=origin, relay=relay),
    )


class _Walk:
    """State of one walk over the nested packages (per import)."""

    def __init__(self, session: Session, own_code: str, workdir: Path, limits: Limits) -> None:
        self.session = session
        self.own_code = own_code
        self.workdir = workdir
        self.limits = limits
        self.found: list[RelayedPackage] = []
        self.plans: dict[str, DelegationPlan] = {}
        self.last: dict[str, int] = {}

    def visit(self, package: PackageFile, manifest: Manifest, relay: str, depth: int) -> None:
        if not manifest.relayed and not manifest.delegations:
            return
        if depth > MAX_RELAY_DEPTH:
            raise relay_tampered(manifest.origin.code, relay)
        plans: dict[str, DelegationPlan] = {}
        for delegation in manifest.delegations:
            if delegation.code in plans or delegation.code in self.plans:
                raise relay_tampered(delegation.code, relay)
            plans[delegation.code] = plan_delegation(
                self.session, relay=relay, own_code=self.own_code, delegation=delegation
            )
        self.plans.update(plans)
        for entry in manifest.relayed:
            plan = plans.get(entry.origin)
            if plan is None:
                raise _not_delegated(entry.origin, relay, self.session)
            self._nested(package, entry, plan, depth)

    def _nested(
        self, package: PackageFile, entry: RelayedEntry, plan: DelegationPlan, depth: int
    ) -> None:
        relay = plan.relay
        target = self.workdir / f"{len(self.found) + 1:06d}.dvpkg"
        with target.open("wb") as writer:
            package.copy_to(entry.name, writer, size=entry.size, sha256=entry.sha256)
        try:
            with open_package(target, limits=self.limits) as nested:
                raw, signature, manifest = read_signed_manifest(nested)
                if (
                    manifest.origin.code != entry.origin
                    or manifest.sequence != entry.sequence
                    or sha256_hex(raw) != entry.package_hash
                    or manifest.destination.code != relay
                ):
                    raise relay_tampered(entry.origin, relay)
                public = delegated_signer(
                    plan,
                    key_id=manifest.signer_key_id,
                    sequence=manifest.sequence,
                    office_name=manifest.origin.name,
                )
                if not verify_signature(public, signature, raw):
                    raise relay_tampered(entry.origin, relay)
                check_members(nested, manifest)
                skip, missing = self._sequence(manifest, sha256_hex(raw), plan)
                self.found.append(
                    RelayedPackage(target, relay, manifest, sha256_hex(raw), skip, missing, plan)
                )
                self.visit(nested, manifest, manifest.origin.code, depth + 1)
        except Refused as refused:
            if refused.reason in _TAMPERING:
                raise relay_tampered(entry.origin, relay) from None
            raise

    def _sequence(
        self, manifest: Manifest, package_hash: str, plan: DelegationPlan
    ) -> tuple[bool, tuple[int, ...]]:
        origin = manifest.origin.code
        if origin not in self.last:
            stored = self.session.exec(
                select(func.max(PackageIn.sequence)).where(PackageIn.origin == origin)
            ).one()
            self.last[origin] = 0 if plan.reenrolled else int(stored or 0)
        last = self.last[origin]
        same = None
        if not plan.reenrolled:
            same = self.session.exec(
                select(PackageIn).where(
                    PackageIn.origin == origin, PackageIn.sequence == manifest.sequence
                )
            ).first()
        if same is not None:
            if same.package_hash != package_hash:
                raise Refused(
                    Reason.SEQUENCE_CONFLICT,
                    _(
                        "ALERT: {office} already sent a different package with the same number "
                        "{sequence} (it came through {relay}). Two packages with one number "
                        "should never exist: nothing was imported. Call both offices."
                    ).format(
                        office=shown(manifest.origin.name),
                        sequence=manifest.sequence,
                        relay=shown(plan.relay),
                    ),
                )
            return True, ()
        if manifest.sequence <= last:
            return True, ()
        missing = tuple(range(last + 1, manifest.covers_from))[:1000]
        self.last[origin] = manifest.sequence
        return False, missing


def _not_delegated(origin: str, relay: str, session: Session) -> Refused:
    direct = session.exec(
        select(UnitKey).where(UnitKey.office_code == origin, col(UnitKey.relation) != "delegated")
    ).first()
    if direct is not None:
        return Refused(
            Reason.NOT_DELEGATED,
            _(
                "The package from {relay} carries a package of office {origin}, which reports "
                "directly to this office: a relay may not forward it. Nothing was imported; "
                "call office {relay}."
            ).format(origin=origin, relay=relay),
        )
    return Refused(
        Reason.NOT_DELEGATED,
        _(
            "The package from {relay} carries a package of office {origin} without vouching "
            "for its key. Nothing was imported; ask office {relay} to export again."
        ).format(origin=origin, relay=relay),
    )


@dataclass(frozen=True)
class Relayed:
    """Everything nested in a package, checked, and every delegation it carries (a
    delegation without a package still teaches rotations and revocations)."""

    packages: tuple[RelayedPackage, ...] = ()
    plans: tuple[DelegationPlan, ...] = ()

    def summaries(self) -> tuple[RelayedSummary, ...]:
        return tuple(
            RelayedSummary(
                origin=found.manifest.origin.code,
                origin_name=shown(found.manifest.origin.name, limit=200),
                relay=found.relay,
                sequence=found.manifest.sequence,
                covers_from=found.manifest.covers_from,
                missing=found.missing,
                already_imported=found.skip,
            )
            for found in self.packages
        )


def walk_relayed(
    session: Session,
    package: PackageFile,
    manifest: Manifest,
    *,
    own_code: str,
    workdir: Path,
    limits: Limits,
) -> Relayed:
    """Check every package nested in ``package`` (recursively); write nothing."""
    walk = _Walk(session, own_code, workdir, limits)
    walk.visit(package, manifest, manifest.origin.code, 1)
    return Relayed(tuple(walk.found), tuple(walk.plans.values()))


# ---------------------------------------------------------------- stored for relaying up


def relay_folder(paths: DataPaths) -> Path:
    return paths.root / "relayed"


def stored_name(origin: str, sequence: int, package_hash: str) -> str:
    return f"{origin}-{sequence:06d}-{package_hash[:16]}.dvpkg"


def keep_for_relaying(
    paths: DataPaths, source: Path, *, manifest: Manifest, package_hash: str
) -> None:
    """Keep a child's package byte for byte: the next package upward carries it."""
    folder = relay_folder(paths)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / stored_name(manifest.origin.code, manifest.sequence, package_hash)
    temporary = target.with_name(target.name + ".part")
    shutil.copyfile(source, temporary)
    temporary.replace(target)
