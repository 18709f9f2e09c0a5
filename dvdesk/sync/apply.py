"""Importing a verified package: all of it in one transaction, or nothing.

Every check in :mod:`dvdesk.sync.verify` runs before the write transaction opens.
Inside it, each records member is read again (its hash re-checked), validated and
applied; any failure rolls everything back. A dry run classifies the same way and
writes nothing.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from dvdesk.clock import now_iso
from dvdesk.db.columns import (
    ATTACHMENT_COLUMNS,
    BULK_CACHE_KIB,
    ISSUE_COLUMNS,
    RECOMMENDATION_COLUMNS,
    RECORD_COLUMNS,
    SUBJECT_COLUMNS,
    insert_sql,
)
from dvdesk.db.schema import Correction, Office, OrgUnit, PackageIn
from dvdesk.errors import UserError
from dvdesk.fileio import atomic_writer
from dvdesk.i18n import _
from dvdesk.services.attachments import blob_path
from dvdesk.services.audit import audit
from dvdesk.services.backup import backup_before_import
from dvdesk.services.compact import compact_after_bulk
from dvdesk.services.store import Store, storage_errors
from dvdesk.signatures.travel import (
    BadDocument,
    DocumentMember,
    check_origin,
    parse_member,
    receive_documents,
)
from dvdesk.sync import keys
from dvdesk.sync.container import PackageFile, open_package
from dvdesk.sync.contents import Member, copy_member, open_contents, read_member
from dvdesk.sync.counts_wire import WireCount, apply_counts, decode_counts
from dvdesk.sync.delegation import apply_delegation
from dvdesk.sync.format import (
    DEFAULT_LIMITS,
    DERIVED_TEXT_VERSION,
    FileEntry,
    Limits,
    Manifest,
    count_mismatch,
)
from dvdesk.sync.outcomes import Outcome, RecordOutcome, RecordReason, Tally
from dvdesk.sync.progress import CancelCheck, Progress, check_cancel, never, no_progress
from dvdesk.sync.refusals import Reason, Refused
from dvdesk.sync.relay import RelayedSummary, keep_for_relaying
from dvdesk.sync.seal import Opener, opener_for
from dvdesk.sync.seen_ids import SeenIds
from dvdesk.sync.trust import enrol_rotated
from dvdesk.sync.verify import VerifiedPackage, inspect, scratch_folder, sequence_state
from dvdesk.sync.wire import WireRecord, approval_rows, decode_chunk, part_rows, record_row
from dvdesk.text import shown


@dataclass(frozen=True)
class ImportSummary:
    path: Path
    origin: str
    origin_name: str
    destination: str
    sequence: int
    covers_from: int
    package_hash: str
    signer_key_id: str
    encrypted: bool
    dry_run: bool
    already_imported: bool
    new: int
    updated: int
    unchanged: int
    refused: int
    # The records named (refused ones first), at most LISTED of each kind; the rest are
    # counted in ``unlisted`` and, by record type, in ``by_type``.
    records: tuple[RecordOutcome, ...]
    offices: dict[str, int]
    attachments_added: int
    relayed: tuple[RelayedSummary, ...] = ()
    unlisted: int = 0
    by_type: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def missing(self) -> dict[str, tuple[int, ...]]:
        """Sequences of relayed offices never seen here (withheld on the way), by office."""
        return {line.origin: line.missing for line in self.relayed if line.missing}

    def as_json(self) -> dict[str, object]:
        return {
            "file": str(self.path),
            "origin": self.origin,
            "origin_name": self.origin_name,
            "destination": self.destination,
            "sequence": self.sequence,
            "covers_from": self.covers_from,
            "package_hash": self.package_hash,
            "signer_key_id": self.signer_key_id,
            "encrypted": self.encrypted,
            "dry_run": self.dry_run,
            "already_imported": self.already_imported,
            "counts": {
                "new": self.new,
                "updated": self.updated,
                "unchanged": self.unchanged,
                "refused": self.refused,
            },
            "offices": self.offices,
            "by_type": self.by_type,
            "unlisted": self.unlisted,
            "relayed": [
                {
                    "origin": line.origin,
                    "origin_name": line.origin_name,
                    "relay": line.relay,
                    "sequence": line.sequence,
                    "covers_from": line.covers_from,
                    "missing": list(line.missing),
                    "already_imported": line.already_imported,
                }
                for line in self.relayed
            ],
            "records": [
                {
                    "id": r.record_id,
                    "office_code": r.office_code,
                    "type": r.record_type,
                    "title": r.title,
                    "revision": r.revision,
                    "deleted": r.deleted,
                    "outcome": r.outcome.value,
                    "reason": r.reason.value if r.reason else None,
                    "message": r.message,
                }
                for r in self.records
            ],
        }


@dataclass
class _Context:
    own_code: str
    origin: str
    origin_name: str
    format_version: int
    seen: SeenIds


def _reason_message(
    reason: RecordReason, record: WireRecord, context: _Context, stored: Any
) -> str:
    if reason is RecordReason.OWN_RECORD:
        return _(
            "This record belongs to this office; only this office may change it, so the copy "
            "from {origin} was not imported. Tell {origin} to stop sending it."
        ).format(origin=shown(context.origin_name))
    if reason is RecordReason.UNPROVEN_RELAY:
        return _(
            "This record belongs to office {code}, but {origin} sent it in an old-format "
            "package (format 1), which carries no proof from its owner. It was not imported; "
            "it arrives once {origin} updates dvdesk and relays {code}'s own package."
        ).format(code=shown(record["office_code"]), origin=shown(context.origin_name))
    if reason is RecordReason.OWNER_CHANGED:
        return _(
            "This record is stored here as belonging to office {stored}; a package cannot give "
            "it to another office. It was not imported; check with both offices."
        ).format(stored=stored)
    if reason is RecordReason.OLDER_REVISION:
        return _(
            "A newer revision ({stored}) of this record is already here; the older revision "
            "({revision}) in the package was not imported."
        ).format(stored=stored, revision=record["revision"])
    return _("This record appears twice in the package; only its first copy was used.")


def _planted(record: WireRecord, context: _Context) -> Refused:
    return Refused(
        Reason.PLANTED_RECORD,
        _(
            "The package from {origin} carries, among its own records, a record of office "
            "{code}. An office's records travel only in that office's own signed package: "
            "this one may be forged. Nothing was imported; call office {origin}."
        ).format(origin=shown(context.origin_name), code=shown(record["office_code"])),
    )


def _classify(
    record: WireRecord, existing: dict[str, tuple[str, int]], context: _Context, *, again: bool
) -> tuple[Outcome, RecordReason | None, Any]:
    if again:  # its id came earlier in the package
        return Outcome.REFUSED, RecordReason.DUPLICATE, None
    if record["office_code"] != context.origin:
        # Each record is checked against its owner's key: it must be the signer's own.
        if context.format_version >= 2:
            raise _planted(record, context)
        if record["office_code"] == context.own_code:
            return Outcome.REFUSED, RecordReason.OWN_RECORD, None
        return Outcome.REFUSED, RecordReason.UNPROVEN_RELAY, None
    stored = existing.get(record["id"])
    if stored is None:
        return Outcome.NEW, None, None
    owner, revision = stored
    if owner != record["office_code"]:
        return Outcome.REFUSED, RecordReason.OWNER_CHANGED, owner
    if record["revision"] > revision:
        return Outcome.UPDATED, None, None
    if record["revision"] == revision:
        return Outcome.UNCHANGED, None, None
    return Outcome.REFUSED, RecordReason.OLDER_REVISION, revision


def _existing(cursor: sqlite3.Cursor, ids: list[str]) -> dict[str, tuple[str, int]]:
    found: dict[str, tuple[str, int]] = {}
    for start in range(0, len(ids), 900):
        part = ids[start : start + 900]
        marks = ", ".join("?" * len(part))
        sql = f"SELECT id, office_code, revision FROM record WHERE id IN ({marks})"
        for record_id, office_code, revision in cursor.execute(sql, part):
            found[record_id] = (office_code, revision)
    return found


@dataclass(frozen=True)
class _Source:
    """One signed package whose records are applied: the outer one or a nested one."""

    package: PackageFile
    manifest: Manifest  # as the recipient sees it (sealed contents opened)
    members: list[Member]
    opener: Opener | None


@dataclass(frozen=True)
class _Pass:
    """How one source's records are written: the settings `_apply` hands on unchanged."""

    recompute: bool
    limits: Limits
    has_blob: Callable[[str], bool]
    progress: Progress
    cancel: CancelCheck


def _chunks(source: _Source, limits: Limits) -> Iterator[list[WireRecord]]:
    for member in source.members:
        entry = member.entry
        if entry.kind != "records":
            continue
        data = read_member(source.package, member, source.opener, limit=limits.records_member_bytes)
        chunk = decode_chunk(data, name=entry.name)
        if len(chunk) != entry.records:  # the signed count is what 'verify' reported
            raise count_mismatch(sum(m.entry.records for m in source.members))
        yield chunk


def _context(session: Session, cursor: sqlite3.Cursor, manifest: Manifest) -> _Context:
    office = session.get(Office, 1)
    assert office is not None
    return _Context(
        own_code=office.code,
        origin=manifest.origin.code,
        origin_name=manifest.origin.name,
        format_version=manifest.format_version,
        seen=SeenIds(cursor),
    )


def _nested_sources(stack: ExitStack, verified: VerifiedPackage, limits: Limits) -> list[_Source]:
    """The nested packages to apply, opened (they were checked by :func:`inspect`)."""
    sources = []
    for found in verified.relayed.packages:
        if found.skip:
            continue
        if found.manifest.encryption is not None:
            raise Refused(
                Reason.CANNOT_DECRYPT,
                _(
                    "The package of office {origin} carried inside the package from {relay} is "
                    "encrypted to {relay}'s key, so it cannot be read here. Nothing was "
                    "imported; ask {origin} to export to {relay} without encryption."
                ).format(origin=found.manifest.origin.code, relay=found.relay),
            )
        package = stack.enter_context(open_package(found.file, limits=limits))
        plain, members = open_contents(package, found.manifest, None, limits=limits)
        sources.append(_Source(package, plain, members, None))
    return sources


def _opener(store: Store, verified: VerifiedPackage, passphrase: str | None) -> Opener | None:
    header = verified.manifest.encryption
    if header is None:
        return None
    own = keys.own_key(store, key_id=header.recipient_key_id)
    if own is None:
        raise Refused(
            Reason.CANNOT_DECRYPT,
            _(
                "The package is encrypted to a key ({key}) this office does not have. Send "
                "{origin} this office's current key card, then ask it to export again."
            ).format(
                key=shown(header.recipient_key_id), origin=shown(verified.manifest.origin.name)
            ),
        )
    if not own.active:
        raise Refused(
            Reason.CANNOT_DECRYPT,
            _(
                "The package is encrypted to this office's old key {key}, which was replaced "
                "and destroyed. Send {origin} this office's current key card, then ask it to "
                "export again."
            ).format(key=keys.card_fingerprint(own), origin=shown(verified.manifest.origin.name)),
        )
    if passphrase is None:
        raise UserError(
            _(
                "This package is encrypted. Give the office's key passphrase (DVDESK_PASSPHRASE "
                "or --passphrase-file) to open it."
            )
        )
    return opener_for(
        header, keys.load_encryption_key(store, key_id=own.key_id, passphrase=passphrase)
    )


def import_package(
    store: Store,
    *,
    path: Path,
    dry_run: bool = False,
    passphrase: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    progress: Progress = no_progress,
    cancel: CancelCheck = never,
) -> ImportSummary:
    """Verify ``path`` completely (nested packages included), then apply it in one
    transaction (or classify, if dry_run)."""
    with ExitStack() as stack:
        package = stack.enter_context(open_package(path, limits=limits))
        workdir = stack.enter_context(scratch_folder(store))
        verified = inspect(
            store,
            package,
            progress=progress,
            cancel=cancel,
            records_follow=True,
            workdir=workdir,
            limits=limits,
        )
        if verified.already_imported:
            return _summary(
                verified, dry_run=dry_run, already=True, outcomes=Tally(), attachments=0
            )
        opener = _opener(store, verified, passphrase)
        plain, members = open_contents(package, verified.manifest, opener, limits=limits)
        verified = replace(verified, manifest=plain)  # sealed counts and names, now opened
        sources = [_Source(package, plain, members, opener)]
        sources += _nested_sources(stack, verified, limits)
        files = len(verified.manifest.files)
        total = files + verified.record_count

        def applied(done: int, _records: int) -> None:
            progress(files + done, total)

        if dry_run:
            return _dry_run(
                store, verified, sources, limits=limits, progress=applied, cancel=cancel
            )
        backup_before_import(store.paths)  # verified, about to change: keep a way back
        added = sum(
            _store_attachments(store, source, limits=limits, cancel=cancel) for source in sources
        )
        with storage_errors(store.paths.database), store.session() as session:
            already, _last = sequence_state(session, verified.manifest, verified.package_hash)
            if already:  # imported meanwhile by another window
                return _summary(
                    verified, dry_run=False, already=True, outcomes=Tally(), attachments=0
                )
            for plan in verified.relayed.plans:  # keys first: a re-enrolment resets sequences
                apply_delegation(session, plan, actor=store.actor)
            outcomes = Tally()
            by_source: list[Tally] = []
            for source in sources:
                done_before = outcomes.total

                def step(done: int, _total: int, before: int = done_before) -> None:
                    applied(before + done, 0)

                run = _Pass(
                    recompute=source.manifest.derived_text_version != DERIVED_TEXT_VERSION,
                    limits=limits,
                    has_blob=lambda sha256: blob_path(store, sha256).is_file(),
                    progress=step,
                    cancel=cancel,
                )
                lines = _apply(session, source, run=run, actor=store.actor)
                by_source.append(lines)
                outcomes.extend(lines)
            _finish(session, store, verified, by_source)
            check_cancel(cancel)
        summary = _summary(
            verified, dry_run=False, already=False, outcomes=outcomes, attachments=added
        )
        compact_after_bulk(store, records=summary.new + summary.updated)  # after the commit
        return summary


def _dry_run(
    store: Store,
    verified: VerifiedPackage,
    sources: list[_Source],
    *,
    limits: Limits,
    progress: Progress,
    cancel: CancelCheck,
) -> ImportSummary:
    outcomes = Tally()
    items_seen: dict[str, str] = {}
    with store.session() as session:
        cursor = _cursor(session)
        try:
            for source in sources:
                # The same refusals as a real import, short of writing anything.
                carried = {
                    _attachment_hash(member.entry)
                    for member in source.members
                    if member.entry.kind == "attachment"
                }

                def has_blob(sha: str, carried: set[str] = carried) -> bool:
                    return sha in carried or blob_path(store, sha).is_file()

                context = _context(session, cursor, source.manifest)
                _counts(source, limits)
                _documents(source, limits)
                for chunk in _chunks(source, limits):
                    check_cancel(cancel)
                    ids = [r["id"] for r in chunk]
                    existing = _existing(cursor, ids)
                    repeated = context.seen.repeated(ids)
                    lines = [
                        _outcome(r, existing, context, again=again)
                        for r, again in zip(chunk, repeated, strict=True)
                    ]
                    kept = [
                        record
                        for record, (_line, outcome) in zip(chunk, lines, strict=True)
                        if outcome in (Outcome.NEW, Outcome.UPDATED)
                    ]
                    for record in kept:
                        _check_blobs(record, has_blob)
                    _check_item_ids(cursor, kept, items_seen)
                    for line, _kind in lines:
                        outcomes.add(line)
                    progress(outcomes.total, 0)
        finally:
            cursor.close()
    return _summary(verified, dry_run=True, already=False, outcomes=outcomes, attachments=0)


def _cursor(session: Session) -> sqlite3.Cursor:
    connection = session.connection().connection.driver_connection
    assert isinstance(connection, sqlite3.Connection)
    return connection.cursor()


def _outcome(
    record: WireRecord, existing: dict[str, tuple[str, int]], context: _Context, *, again: bool
) -> tuple[RecordOutcome, Outcome]:
    outcome, reason, stored = _classify(record, existing, context, again=again)
    return (
        RecordOutcome(
            record_id=record["id"],
            office_code=shown(record["office_code"]),
            record_type=record["type"],
            title=record["title"],
            revision=record["revision"],
            deleted=record["deleted"],
            outcome=outcome,
            reason=reason,
            message=_reason_message(reason, record, context, stored) if reason else "",
        ),
        outcome,
    )


def _apply(session: Session, source: _Source, *, run: _Pass, actor: str) -> Tally:
    cursor = _cursor(session)
    # A big page cache for the one transaction: random UUID keys touch index pages everywhere.
    cursor.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
    try:
        corrections = _Corrections.load(session, actor=actor, origin=source.manifest.origin.code)
        outcomes = _apply_records(session, cursor, source, run=run, corrections=corrections)
        _apply_counts(session, cursor, source, limits=run.limits, actor=actor)
        receive_documents(
            session, origin=source.manifest.origin.code, members=_documents(source, run.limits)
        )
        return outcomes
    finally:
        cursor.close()  # else the failed statement keeps the connection (and its WAL) open


def _apply_records(
    session: Session,
    cursor: sqlite3.Cursor,
    source: _Source,
    *,
    run: _Pass,
    corrections: _Corrections,
) -> Tally:
    context = _context(session, cursor, source.manifest)
    (change_seq,) = cursor.execute("SELECT coalesce(max(change_seq), 0) FROM record").fetchone()
    outcomes = Tally()
    total = source.manifest.counts.get("record", 0)
    for chunk in _chunks(source, run.limits):
        check_cancel(run.cancel)
        ids = [r["id"] for r in chunk]
        existing = _existing(cursor, ids)
        repeated = context.seen.repeated(ids)
        accepted: list[WireRecord] = []
        replaced: list[str] = []
        lines: list[RecordOutcome] = []
        for record, again in zip(chunk, repeated, strict=True):
            line, outcome = _outcome(record, existing, context, again=again)
            outcomes.add(line)
            lines.append(line)
            if outcome is Outcome.UPDATED:
                replaced.append(record["id"])
            if outcome in (Outcome.NEW, Outcome.UPDATED):
                accepted.append(record)
        for start in range(0, len(replaced), 900):
            part = replaced[start : start + 900]
            # Deleting the row cascades to its parts; the package carries the whole aggregate.
            cursor.execute(f"DELETE FROM record WHERE id IN ({', '.join('?' * len(part))})", part)
        records, subjects, recommendations, issues, attachments = [], [], [], [], []
        for record in accepted:
            change_seq += 1
            records.append(record_row(record, change_seq=change_seq, recompute=run.recompute))
            s, r, i, a = part_rows(record)
            _check_blobs(record, run.has_blob)
            subjects += s
            recommendations += r
            issues += i
            attachments += a
        try:
            cursor.executemany(insert_sql("record", RECORD_COLUMNS), records)
            cursor.executemany(insert_sql("record_subject", SUBJECT_COLUMNS), subjects)
            cursor.executemany(
                insert_sql("recommendation", RECOMMENDATION_COLUMNS), recommendations
            )
            cursor.executemany(insert_sql("dialogue_issue", ISSUE_COLUMNS), issues)
            cursor.executemany(insert_sql("attachment", ATTACHMENT_COLUMNS), attachments)
            cursor.executemany(
                "INSERT INTO record_approval (record_id, status, approved_by, approved_at, "
                "withdrawn_reason, resubmission) VALUES (?, ?, ?, ?, ?, ?)",
                approval_rows(accepted),
            )
        except sqlite3.IntegrityError:
            raise _item_clash() from None
        corrections.take(lines)
        run.progress(outcomes.total, total)
    return outcomes


def _counts(source: _Source, limits: Limits) -> list[WireCount]:
    """The counts a package carries; each must be entered by the office that signed it
    (a relay's children's counts travel in their own nested packages)."""
    found: list[WireCount] = []
    for member in source.members:
        if member.entry.kind != "counts":
            continue
        data = read_member(source.package, member, source.opener, limit=limits.records_member_bytes)
        found += decode_counts(data)
    origin = source.manifest.origin
    for count in found:
        if count["office_code"] != origin.code:
            raise Refused(
                Reason.PLANTED_RECORD,
                _(
                    "The package from {origin} carries figures entered by office {office}; "
                    "an office may only send its own. Nothing was imported; tell the sending "
                    "office."
                ).format(origin=shown(origin.code), office=shown(count["office_code"])),
            )
    return found


def _documents(source: _Source, limits: Limits) -> list[tuple[DocumentMember, bytes]]:
    """The issued documents a package carries, each read against its signed (or sealed)
    hash before it is parsed; each must be issued by the office that signed the package."""
    entries = [m for m in source.members if m.entry.kind == "document"]
    if sum(m.entry.size for m in entries) > limits.documents_total_bytes:
        raise _bad_document(source)
    found: list[tuple[DocumentMember, bytes]] = []
    for member in entries:
        data = read_member(
            source.package, member, source.opener, limit=limits.document_member_bytes
        )
        try:
            found.append(parse_member(data, limits=limits))
        except BadDocument:
            raise _bad_document(source) from None
    check_origin(found, origin=source.manifest.origin.code)
    return found


def _bad_document(source: _Source) -> Refused:
    return Refused(
        Reason.BAD_PAYLOAD,
        _(
            "The package from {origin} carries an issued document that is damaged or larger "
            "than dvdesk ever writes. Nothing was imported; ask the sending office to export "
            "the package again."
        ).format(origin=shown(source.manifest.origin.code)),
    )


def _apply_counts(
    session: Session, cursor: sqlite3.Cursor, source: _Source, *, limits: Limits, actor: str
) -> None:
    """Take the package's aggregate counts (newer revisions only), in the same transaction."""
    counts = _counts(source, limits)
    if not counts:
        return
    office = session.get(Office, 1)
    assert office is not None
    applied = apply_counts(cursor, counts, own_code=office.code)
    manifest = source.manifest
    audit(
        session,
        actor=actor,
        action="import",
        entity="count",
        entity_id=f"{manifest.origin.code}/{manifest.sequence}",
        changes={"taken": applied.taken, "skipped": applied.skipped},
    )


def _package_in(
    manifest: Manifest,
    package_hash: str,
    outcomes: Tally,
    *,
    actor: str,
    relay: str | None,
) -> PackageIn:
    tally = outcomes.counts
    return PackageIn(
        origin=manifest.origin.code,
        sequence=manifest.sequence,
        covers_from=manifest.covers_from,
        package_hash=package_hash,
        signer_key_id=manifest.signer_key_id,
        manifest=manifest.model_dump(mode="json"),
        new=tally[Outcome.NEW],
        updated=tally[Outcome.UPDATED],
        unchanged=tally[Outcome.UNCHANGED],
        refused=tally[Outcome.REFUSED],
        imported_at=now_iso(),
        imported_by=actor,
        relay=relay,
    )


def _finish(
    session: Session,
    store: Store,
    verified: VerifiedPackage,
    by_source: list[Tally],
) -> None:
    manifest = verified.manifest
    tally: Counter[Outcome] = sum((lines.counts for lines in by_source), Counter())
    if verified.signer.new_cards:
        enrol_rotated(session, signer=verified.signer, actor=store.actor)
    session.add(
        _package_in(manifest, verified.package_hash, by_source[0], actor=store.actor, relay=None)
    )
    nested = [found for found in verified.relayed.packages if not found.skip]
    for found, lines in zip(nested, by_source[1:], strict=True):
        session.add(
            _package_in(
                found.manifest, found.package_hash, lines, actor=store.actor, relay=found.relay
            )
        )
    office = session.get(Office, 1)
    if office is not None and _has_parent(session):
        keep_for_relaying(
            store.paths, verified.path, manifest=manifest, package_hash=verified.package_hash
        )
    audit(
        session,
        actor=store.actor,
        action="import",
        entity="package",
        entity_id=f"{manifest.origin.code}/{manifest.sequence}",
        changes={
            "hash": verified.package_hash,
            "new": tally[Outcome.NEW],
            "updated": tally[Outcome.UPDATED],
            "unchanged": tally[Outcome.UNCHANGED],
            "refused": tally[Outcome.REFUSED],
            "relayed": [[f.manifest.origin.code, f.manifest.sequence] for f in nested],
            "missing": {f.manifest.origin.code: list(f.missing) for f in nested if f.missing},
        },
    )


def _has_parent(session: Session) -> bool:
    return session.exec(select(OrgUnit).where(OrgUnit.relation == "parent")).first() is not None


@dataclass
class _Corrections:
    """Chunk by chunk, in the import's transaction: close the correction requests the new
    revisions answer, and send each refused record back with the reason."""

    session: Session
    actor: str
    origin: str
    open_requests: dict[str, list[Correction]]

    @classmethod
    def load(cls, session: Session, *, actor: str, origin: str) -> _Corrections:
        found: dict[str, list[Correction]] = {}
        for request in session.exec(
            select(Correction).where(
                Correction.direction == "out", col(Correction.status).in_(("pending", "sent"))
            )
        ):
            found.setdefault(request.record_id, []).append(request)
        return cls(session, actor, origin, found)

    def take(self, lines: list[RecordOutcome]) -> None:
        stamp = now_iso()
        changed = False
        for line in lines:
            if line.outcome is Outcome.UPDATED:
                for request in self.open_requests.get(line.record_id, ()):
                    if line.revision > request.revision:
                        request.status = "resolved"
                        self.session.add(request)
                        changed = True
            elif line.outcome is Outcome.REFUSED and line.reason is not RecordReason.DUPLICATE:
                self.session.add(
                    Correction(
                        id=str(uuid.uuid4()),
                        direction="out",
                        record_id=line.record_id,
                        office_code=self.origin,
                        title=line.title,
                        revision=line.revision,
                        comment=line.message,
                        status="pending",
                        created_at=stamp,
                        created_by=self.actor,
                    )
                )
                changed = True
        if changed:
            self.session.flush()  # written now: the session need not hold a million rows


def _store_attachments(
    store: Store,
    source: _Source,
    *,
    limits: Limits,
    cancel: CancelCheck,
) -> int:
    """Copy attachment files not yet stored (content-addressed: a refused import leaves
    at most unreferenced copies, never a changed one)."""
    added = 0
    package, opener = source.package, source.opener
    for member in source.members:
        entry = member.entry
        if entry.kind != "attachment":
            continue
        check_cancel(cancel)
        sha256 = _attachment_hash(entry)
        target = blob_path(store, sha256)
        if target.exists():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        with storage_errors(target), atomic_writer(target) as writer:
            # Streamed to a temporary file, renamed into the store only once every hash
            # and the seal's tag have matched: a refused file is never stored.
            copy_member(package, member, opener, writer, limit=limits.attachment_bytes)
        added += 1
    return added


def _item_clash() -> Refused:
    return Refused(
        Reason.BAD_PAYLOAD,
        _(
            "The records in the package clash with records stored here (an item "
            "identifier is used twice). Nothing was imported; tell the sending office."
        ),
    )


_ITEM_TABLES = (
    ("recommendation", "recommendations"),
    ("dialogue_issue", "issues"),
    ("attachment", "attachments"),
)


def _check_item_ids(
    cursor: sqlite3.Cursor, records: list[WireRecord], seen: dict[str, str]
) -> None:
    """What the import's unique keys would refuse, found without writing (for --dry-run):
    an item id used twice in the package, or already used by another stored record."""
    for table, key in _ITEM_TABLES:
        owners: dict[str, str] = {}
        for record in records:
            for item in record[key]:  # type: ignore[literal-required]
                if seen.setdefault(f"{table}/{item['id']}", record["id"]) != record["id"]:
                    raise _item_clash()
                owners[item["id"]] = record["id"]
        ids = list(owners)
        for start in range(0, len(ids), 900):
            part = ids[start : start + 900]
            marks = ", ".join("?" * len(part))
            sql = f"SELECT id, record_id FROM {table} WHERE id IN ({marks})"
            for item_id, record_id in cursor.execute(sql, part):
                if record_id != owners[item_id]:
                    raise _item_clash()


def _attachment_hash(entry: FileEntry) -> str:
    """The content hash an attachment is stored under, checked against its name."""
    sha256 = entry.name.removeprefix("attachments/")
    # The store is addressed by content: a name that is not the hash of the bytes
    # would put one file where another is expected.
    if sha256 != entry.sha256:
        raise Refused(Reason.BAD_PAYLOAD, _bad_attachment())
    return sha256


def _check_blobs(record: WireRecord, has_blob: Callable[[str], bool]) -> None:
    for attachment in record["attachments"]:
        if not attachment["deleted"] and not has_blob(attachment["sha256"]):
            raise Refused(
                Reason.BAD_PAYLOAD,
                _(
                    "The record {id} in the package refers to an attached file that the "
                    "package does not contain. Nothing was imported; tell the sending office."
                ).format(id=record["id"]),
            )


def _bad_attachment() -> str:
    return _(
        "An attached file in the package does not match its name. Nothing was imported; "
        "tell the sending office."
    )


def _summary(
    verified: VerifiedPackage,
    *,
    dry_run: bool,
    already: bool,
    outcomes: Tally,
    attachments: int,
) -> ImportSummary:
    manifest = verified.manifest
    tally = outcomes.counts
    listed = outcomes.lines()
    return ImportSummary(
        path=verified.path,
        origin=manifest.origin.code,
        # Signed by the sender, not checked by a person: escaped like unsigned text.
        origin_name=shown(manifest.origin.name, limit=200),
        destination=manifest.destination.code,
        sequence=manifest.sequence,
        covers_from=manifest.covers_from,
        package_hash=verified.package_hash,
        signer_key_id=manifest.signer_key_id,
        encrypted=verified.encrypted,
        dry_run=dry_run,
        already_imported=already,
        new=tally[Outcome.NEW],
        updated=tally[Outcome.UPDATED],
        unchanged=tally[Outcome.UNCHANGED] if not already else verified.record_count,
        refused=tally[Outcome.REFUSED],
        records=listed,
        offices=dict(manifest.offices),
        attachments_added=attachments,
        relayed=verified.relayed.summaries(),
        unlisted=outcomes.total - len(listed),
        by_type=outcomes.type_counts(),
    )
