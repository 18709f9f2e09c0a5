"""Writing a package: everything the destination has not acknowledged yet.

The package is written to a temporary file beside its final name, fsynced, read
back and verified, logged in the database, and only then renamed into place: a USB
stick pulled out mid-copy leaves either no package or a complete one.
"""

from __future__ import annotations

import contextlib
import sqlite3
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlmodel import Session, col, func, select

from dvdesk.clock import now_iso
from dvdesk.db.schema import OrgUnit, OwnKey, PackageIn, PackageOut, Receipt, UnitKey
from dvdesk.domain.enums import OfficeLevel
from dvdesk.domain.people import Role
from dvdesk.errors import Conflict, NotFound, UserError
from dvdesk.fileio import fsync_folder
from dvdesk.i18n import _
from dvdesk.services.attachments import blob_path
from dvdesk.services.audit import audit
from dvdesk.services.auth import check, office_has_users
from dvdesk.services.office import OfficeView, get_office
from dvdesk.services.store import Store, storage_errors
from dvdesk.signatures.travel import outgoing_documents
from dvdesk.sync import history, keys
from dvdesk.sync.checks import bad_signature, check_members, read_signed_manifest
from dvdesk.sync.container import PackageWriter, open_package
from dvdesk.sync.counts_wire import MEMBER as COUNTS_MEMBER
from dvdesk.sync.counts_wire import counts_member
from dvdesk.sync.delegation import delegation_for
from dvdesk.sync.format import (
    CONTENTS_FORMAT,
    DEFAULT_LIMITS,
    DERIVED_TEXT_VERSION,
    FORMAT,
    FORMAT_VERSION,
    PACKAGE_SUFFIX,
    RECORDS_MEMBER_BYTES,
    RECORDS_PER_CHUNK,
    SCHEMA_VERSION,
    AuditSeal,
    Contents,
    Delegation,
    FileEntry,
    Manifest,
    OfficeRef,
    RelayedEntry,
    canonical_json,
    file_sha256,
    office_ref,
    opaque_name,
    sha256_hex,
    unb64,
)
from dvdesk.sync.held_back import HeldBack, NothingToSend, held_back
from dvdesk.sync.move import upward_destinations
from dvdesk.sync.policy import destination_requires_encryption
from dvdesk.sync.progress import CancelCheck, Progress, check_cancel, never, no_progress
from dvdesk.sync.relay import relay_folder, stored_name
from dvdesk.sync.seal import Sealer, sealer_for
from dvdesk.sync.sent_digest import carries_news, counts_carried, sent_digest
from dvdesk.sync.trust import current_key_of, verify_signature
from dvdesk.sync.wire import attachment_blobs, part_counts, read_batches, sendable_records


@dataclass(frozen=True)
class ExportResult:
    path: Path
    destination: str
    destination_name: str
    sequence: int
    covers_from: int
    records: int
    tombstones: int
    attachments: int
    counts: dict[str, int]
    offices: dict[str, int]
    encrypted: bool
    package_hash: str
    size: int
    relayed: int = 0  # children's packages carried verbatim
    audit: AuditSeal | None = None
    sent_digest: str | None = None  # of the documents and counts carried (sent_digest.py)


@dataclass(frozen=True)
class _Plan:
    destination: OfficeRef
    sequence: int
    covers_from: int
    previous_hash: str | None
    chain: tuple[str, ...]  # destinations of this package's sequence chain
    after: int
    upto: int
    total: int
    # Children's packages to carry verbatim (only upward, to the parent), and the
    # package_in id up to which they are carried.
    relayed: tuple[PackageIn, ...] = ()
    relayed_upto: int = 0
    delegations: tuple[Delegation, ...] = ()
    # The sequence the destination acknowledged, what documents and counts are compared
    # with; None when none was, or a full package is asked for.
    acknowledged: int | None = None


def _destination(session: Session, office: OfficeView, code: str | None) -> OfficeRef:
    code = (code or office.parent_code or "").strip()
    if not code and office.level is OfficeLevel.CENTRAL:
        raise UserError(
            _(
                "The central office is the top of the hierarchy: packages come up to it and "
                "none goes further up. To send something to an office below, give its code "
                "with --to CODE."
            )
        )
    if not code:
        raise UserError(
            _("This office has no parent office set up. Give the destination with --to CODE.")
        )
    unit = session.exec(select(OrgUnit).where(OrgUnit.code == code)).first()
    if unit is None or unit.relation == "self":
        raise NotFound(
            _(
                "Office {code} is neither the office you report to nor enrolled here. "
                "Check the code, or enrol its key card with 'dvdesk units enroll'."
            ).format(code=code)
        )
    return OfficeRef(code=unit.code, name=unit.name, level=unit.level)


def _plan(session: Session, office: OfficeView, destination: str | None, full: bool) -> _Plan:
    target = _destination(session, office, destination)
    upward = target.code == office.parent_code
    # Packages to the offices above form one chain across a move (docs/reparenting.md §3):
    # the first package to a new parent continues from the last one sent to the old.
    chain = upward_destinations(session, target.code) if upward else {target.code}
    last = session.exec(
        select(PackageOut)
        .where(col(PackageOut.destination).in_(chain))
        .order_by(col(PackageOut.sequence).desc())
    ).first()
    acknowledged = session.exec(
        select(func.max(Receipt.acknowledged_sequence)).where(
            Receipt.direction == "in", Receipt.office_code == target.code
        )
    ).one()
    after = 0
    covers_from = 1
    relayed_after = 0
    if acknowledged and not full:
        acked = session.exec(
            select(PackageOut).where(
                PackageOut.destination == target.code, PackageOut.sequence == acknowledged
            )
        ).one()
        after, covers_from = acked.upto_change_seq, acked.sequence + 1
        relayed_after = acked.relayed_upto
    connection = session.connection().connection.driver_connection
    assert isinstance(connection, sqlite3.Connection)
    upto, total = connection.execute(
        "SELECT coalesce(max(change_seq), 0), "
        "(SELECT count(*) FROM record WHERE change_seq > ? AND office_code = ?) FROM record",
        (after, office.code),
    ).fetchone()
    sequence = (last.sequence if last else 0) + 1
    delegations = _delegations(session, office.code) if upward else ()
    vouched = {delegation.code for delegation in delegations}
    relayed = tuple(
        row
        for row in (_relayed_since(session, relayed_after) if upward else ())
        if row.origin in vouched  # an office this one cannot vouch for is not relayed
    )
    return _Plan(
        destination=target,
        sequence=sequence,
        covers_from=min(covers_from, sequence),
        previous_hash=last.package_hash if last else None,
        chain=tuple(sorted(chain)),
        after=after,
        upto=max(int(upto), after),
        total=int(total),
        relayed=relayed,
        relayed_upto=max([row.id or 0 for row in relayed], default=relayed_after),
        delegations=delegations,
        acknowledged=int(acknowledged) if acknowledged and not full else None,
    )


def check_something_to_send(
    store: Store, *, destination: str | None = None, full: bool = False
) -> None:
    """Raise :class:`NothingToSend` (saying why) when a package would carry nothing.

    Cheap enough to run before asking for the passphrase; the export checks again
    in the transaction that plans the package.
    """
    office = get_office(store)
    documents = outgoing_documents(store, office_code=office.code)
    with store.session() as session:
        plan = _plan(session, office, destination, full)
        _refuse_empty(session, office, plan, documents=documents)


def _refuse_empty(
    session: Session, office: OfficeView, plan: _Plan, *, documents: list[bytes]
) -> None:
    """Nothing new (records, deletions, relayed packages, counts, documents): refuse.

    Documents and counts travel in every package, so they are new only when they differ
    from what the acknowledged package (and any sent after it) carried.
    """
    connection = session.connection().connection.driver_connection
    assert isinstance(connection, sqlite3.Connection)
    if plan.relayed:
        return
    if sendable_records(connection, after=plan.after, upto=plan.upto, owner=office.code):
        return
    if carries_news(
        session,
        destination=plan.destination.code,
        acknowledged=plan.acknowledged,
        documents=documents,
        counts=counts_carried(connection, office=office.code),
    ):
        return
    one_person = not office_has_users(session)
    raise NothingToSend(
        destination=plan.destination.name,
        held=held_back(connection, owner=office.code, one_person=one_person),
    )


def records_kept(store: Store) -> HeldBack:
    """This office's records no package carries now (unapproved, demo), by reason."""
    office = get_office(store)
    with store.session() as session:
        one_person = not office_has_users(session)
        connection = session.connection().connection.driver_connection
        assert isinstance(connection, sqlite3.Connection)
        return held_back(connection, owner=office.code, one_person=one_person)


def _relayed_since(session: Session, after: int) -> tuple[PackageIn, ...]:
    """Packages imported directly from children since the parent's last acknowledgement."""
    return tuple(
        session.exec(
            select(PackageIn)
            .where(col(PackageIn.id) > after, col(PackageIn.relay).is_(None))
            .order_by(col(PackageIn.id))
        ).all()
    )


def _delegations(session: Session, own_code: str) -> tuple[Delegation, ...]:
    """A delegation for every enrolled child: its keys, rotations and revocations."""
    codes = sorted(
        set(session.exec(select(UnitKey.office_code).where(UnitKey.relation == "child")).all())
    )
    found = (delegation_for(session, own_code=own_code, child=code) for code in codes)
    return tuple(delegation for delegation in found if delegation is not None)


def _final_path(out: Path, *, origin: str, plan: _Plan) -> Path:
    if out.is_dir():
        return out / f"dvdesk-{origin}-{plan.destination.code}-{plan.sequence:06d}{PACKAGE_SUFFIX}"
    if not out.parent.is_dir():
        raise NotFound(
            _(
                "The folder {folder} does not exist. Plug in the USB stick or choose "
                "another folder."
            ).format(folder=out.parent)
        )
    return out


class _Builder:
    """Adds payload members and remembers their manifest entries.

    Encrypted (format 2), each payload member is sealed under an opaque number
    (``sealed/000001`` …) and the list of what they hold — plain names, sizes, hashes,
    counts — is sealed as ``sealed/000000``: a lost stick shows only sizes.
    """

    def __init__(self, writer: PackageWriter, sealer: Sealer | None) -> None:
        self.writer = writer
        self.sealer = sealer
        self.files: list[FileEntry] = []  # what the package holds
        self.stored: list[FileEntry] = []  # sealed members as they are in the zip

    def add(
        self,
        name: str,
        plain: bytes,
        *,
        kind: Literal["records", "attachment", "counts", "document"],
        records: int = 0,
    ) -> None:
        entry = FileEntry(
            name=name, kind=kind, size=len(plain), sha256=sha256_hex(plain), records=records
        )
        self.files.append(entry)
        if self.sealer is None:
            self.writer.add(name, plain, compress=kind != "attachment")
        else:
            self.stored.append(self._seal(len(self.stored) + 1, plain))

    def _seal(self, index: int, plain: bytes) -> FileEntry:
        assert self.sealer is not None
        name = opaque_name(index)
        data = self.sealer.seal(index, name, plain)
        self.writer.add(name, data, compress=False)
        return FileEntry(name=name, kind="sealed", size=len(data), sha256=sha256_hex(data))

    def add_attachment(self, sha256: str, source: Path) -> None:
        name = f"attachments/{sha256}"
        if self.sealer is None:
            self.writer.add_file(name, source)
            self.files.append(
                FileEntry(name=name, kind="attachment", size=source.stat().st_size, sha256=sha256)
            )
        else:
            self.add(name, source.read_bytes(), kind="attachment")

    def manifest_files(
        self, *, package_id: str, counts: dict[str, int], offices: dict[str, int]
    ) -> tuple[tuple[FileEntry, ...], dict[str, int], dict[str, int]]:
        """The signed manifest's files, counts and offices (empty when sealed)."""
        if self.sealer is None:
            return tuple(self.files), counts, offices
        contents = Contents(
            format=CONTENTS_FORMAT,
            package_id=package_id,
            counts=counts,
            offices=offices,
            files=tuple(self.files),
        )
        listing = self._seal(0, canonical_json(contents.model_dump(mode="json")))
        return (listing, *self.stored), {}, {}


def export_package(
    store: Store,
    *,
    out: Path,
    passphrase: str,
    destination: str | None = None,
    encrypt: bool = False,
    full: bool = False,
    progress: Progress = no_progress,
    cancel: CancelCheck = never,
) -> ExportResult:
    """Write the package for ``destination`` (default: the parent) to ``out`` (file or folder)."""
    check(store, Role.HEAD)
    office = get_office(store)
    documents = outgoing_documents(store, office_code=office.code)  # may refuse: before writing
    with store.session() as session:
        plan = _plan(session, office, destination, full)
        # An empty package is refused before the passphrase is checked: that is not the
        # problem to fix first.
        _refuse_empty(session, office, plan, documents=documents)
        encrypt = encrypt or destination_requires_encryption(session, plan.destination.code)
    own = keys.active_key(store)
    signing = keys.load_signing_key(store, key_id=own.key_id, passphrase=passphrase)
    sealer = None
    if encrypt:
        recipient = current_key_of(store, office_code=plan.destination.code)
        if recipient is None:
            raise NotFound(
                _(
                    "To encrypt the package, first enrol the key card of {office} "
                    "('dvdesk units enroll'), whose key it is encrypted to."
                ).format(office=plan.destination.name)
            )
        sealer = sealer_for(
            recipient_key_id=recipient.key_id, recipient_public=unb64(recipient.encryption_public)
        )
    final = _final_path(out, origin=office.code, plan=plan)
    temporary = final.with_name(final.name + ".part")
    try:
        with storage_errors(final):  # the clerk knows the package's name, not its .part
            result = _write(
                store,
                office=office,
                plan=plan,
                own=own,
                signing=signing,
                sealer=sealer,
                documents=documents,
                temporary=temporary,
                final=final,
                progress=progress,
                cancel=cancel,
            )
            _log(store, plan=plan, result=result, final=final)
            temporary.replace(final)
            fsync_folder(final.parent)
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
    return result


def _write(
    store: Store,
    *,
    office: OfficeView,
    plan: _Plan,
    own: OwnKey,
    signing: Ed25519PrivateKey,
    sealer: Sealer | None,
    documents: list[bytes],
    temporary: Path,
    final: Path,
    progress: Progress,
    cancel: CancelCheck,
) -> ExportResult:
    writer = PackageWriter(temporary)
    builder = _Builder(writer, sealer)
    counts: Counter[str] = Counter()
    offices: Counter[str] = Counter()
    done = 0
    total = plan.total + 1
    raw = store.engine.raw_connection()
    try:
        connection = raw.driver_connection
        assert isinstance(connection, sqlite3.Connection)
        connection.execute("BEGIN")  # one snapshot for every batch
        counts.update(part_counts(connection, after=plan.after, upto=plan.upto, owner=office.code))
        blobs = attachment_blobs(connection, after=plan.after, upto=plan.upto, owner=office.code)
        for number, batch in enumerate(
            read_batches(
                connection,
                after=plan.after,
                upto=plan.upto,
                owner=office.code,
                batch=RECORDS_PER_CHUNK,
                max_bytes=RECORDS_MEMBER_BYTES,
            ),
            start=1,
        ):
            check_cancel(cancel)
            counts["record"] += batch.records
            counts["tombstone"] += batch.tombstones
            offices.update(batch.offices)
            builder.add(
                f"records/{number:06d}.json", batch.data, kind="records", records=batch.records
            )
            done += batch.records
            progress(done, total)
        carried = _add_counts(builder, connection, office_code=office.code, counts=counts)
        audit_seal = history.seal(connection, destinations=plan.chain)
        connection.execute("COMMIT")
    except BaseException:
        writer.close()  # else Windows keeps the half-written file and it is never removed
        raise
    finally:
        raw.close()
    for sha256 in blobs:
        check_cancel(cancel)
        source = blob_path(store, sha256)
        if not source.is_file():
            writer.close()
            raise NotFound(
                _(
                    "The attached file {sha} is missing from the attachments folder, so the "
                    "package would be incomplete. Put back the attachments folder from a backup."
                ).format(sha=sha256[:12])
            )
        builder.add_attachment(sha256, source)
    for number, document in enumerate(documents, start=1):
        check_cancel(cancel)
        builder.add(f"documents/{number:06d}.json", document, kind="document")
    relayed = _add_relayed(store, writer, plan, cancel)
    package_id = str(uuid.uuid4())
    files, signed_counts, signed_offices = builder.manifest_files(
        package_id=package_id,
        counts=dict(sorted(counts.items())),
        offices=dict(sorted(offices.items())),
    )
    manifest = Manifest(
        format=FORMAT,
        format_version=FORMAT_VERSION,
        schema_version=SCHEMA_VERSION,
        derived_text_version=DERIVED_TEXT_VERSION,
        package_id=package_id,
        origin=office_ref(office),
        destination=plan.destination,
        signer_key_id=own.key_id,
        signer_chain=keys.signer_chain(store, own),
        sequence=plan.sequence,
        covers_from=plan.covers_from,
        previous_hash=plan.previous_hash,
        change_seq_after=plan.after,
        change_seq_upto=plan.upto,
        counts=signed_counts,
        offices=signed_offices,
        files=files,
        encryption=sealer.header if sealer else None,
        created_at=now_iso(),
        relayed=relayed,
        delegations=plan.delegations,
        audit=audit_seal,
    )
    raw_manifest = canonical_json(manifest.model_dump(mode="json"))
    writer.add("manifest.json", raw_manifest, compress=True)
    writer.add("manifest.sig", signing.sign(raw_manifest), compress=False)
    writer.close()
    _read_back(temporary, signing_public=unb64(own.signing_public), progress=progress)
    progress(total, total)
    return ExportResult(
        path=final,
        destination=plan.destination.code,
        destination_name=plan.destination.name,
        sequence=plan.sequence,
        covers_from=plan.covers_from,
        records=counts["record"],
        tombstones=counts["tombstone"],
        attachments=len(blobs),
        counts=dict(counts),
        offices=dict(offices),
        encrypted=sealer is not None,
        package_hash=sha256_hex(raw_manifest),
        size=temporary.stat().st_size,
        relayed=len(relayed),
        audit=audit_seal,
        sent_digest=sent_digest(documents=documents, counts=carried),
    )


def _add_counts(
    builder: _Builder, connection: sqlite3.Connection, *, office_code: str, counts: Counter[str]
) -> bytes:
    """The office's aggregate counts, in one member the importer reads whole: figures
    too many for it are refused here, not at the parent. Returns the member (or b"")."""
    data, rows = counts_member(connection, office=office_code)
    if not rows:
        return b""
    size = len(data)
    if size > RECORDS_MEMBER_BYTES:
        raise UserError(
            _(
                "The office's figures (aggregate counts) take {size} MB, more than the "
                "{limit} MB one part of a package may hold. No package was written; delete "
                "the figures that are no longer needed, then export again."
            ).format(size=-(-size // 1024**2), limit=RECORDS_MEMBER_BYTES // 1024**2)
        )
    counts["aggregate_count"] = rows
    builder.add(COUNTS_MEMBER, data, kind="counts")
    return data


def _add_relayed(
    store: Store, writer: PackageWriter, plan: _Plan, cancel: CancelCheck
) -> tuple[RelayedEntry, ...]:
    """Children's packages, byte for byte as they signed them."""
    entries: list[RelayedEntry] = []
    for row in plan.relayed:
        check_cancel(cancel)
        source = relay_folder(store.paths) / stored_name(row.origin, row.sequence, row.package_hash)
        if not source.is_file():
            continue  # imported before dvdesk kept packages for relaying: nothing to carry
        name = f"relayed/{len(entries) + 1:06d}.dvpkg"
        writer.add_file(name, source)
        entries.append(
            RelayedEntry(
                name=name,
                origin=row.origin,
                sequence=row.sequence,
                package_hash=row.package_hash,
                size=source.stat().st_size,
                sha256=file_sha256(source),
            )
        )
    return tuple(entries)


def _read_back(path: Path, *, signing_public: bytes, progress: Progress) -> None:
    """Verify what is on the stick now, as the destination will."""
    with open_package(path, limits=DEFAULT_LIMITS) as package:
        raw, signature, manifest = read_signed_manifest(package)
        if not verify_signature(signing_public, signature, raw):
            raise bad_signature()
        check_members(package, manifest)
    del progress


def _log(store: Store, *, plan: _Plan, result: ExportResult, final: Path) -> None:
    with store.session() as session:
        taken = session.exec(
            select(PackageOut).where(
                PackageOut.destination == plan.destination.code,
                PackageOut.sequence == plan.sequence,
            )
        ).first()
        if taken is not None:
            raise Conflict(
                _(
                    "Another export to {code} ran at the same time. Delete the package just "
                    "written and export again."
                ).format(code=plan.destination.code)
            )
        session.add(
            PackageOut(
                destination=plan.destination.code,
                sequence=plan.sequence,
                covers_from=plan.covers_from,
                package_hash=result.package_hash,
                previous_hash=plan.previous_hash,
                after_change_seq=plan.after,
                upto_change_seq=plan.upto,
                records=result.records,
                encrypted=result.encrypted,
                file_name=final.name,
                created_at=now_iso(),
                created_by=store.actor,
                audit_count=result.audit.count if result.audit else None,
                audit_head=result.audit.head if result.audit else None,
                relayed_upto=plan.relayed_upto,
                sent_digest=result.sent_digest,
            )
        )
        changes = {"records": result.records, "hash": result.package_hash}
        package = f"{plan.destination.code}/{plan.sequence}"
        audit(
            session,
            actor=store.actor,
            action="export",
            entity="package",
            entity_id=package,
            changes=changes,
        )
