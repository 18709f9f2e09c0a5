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
from dataclasses import dataclass
from enum import StrEnum
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
from dvdesk.db.schema import AuditEntry, Correction, Office, PackageIn, UnitKey
from dvdesk.domain.enums import OfficeLevel
from dvdesk.errors import UserError
from dvdesk.fileio import atomic_writer
from dvdesk.i18n import N_, _
from dvdesk.services.attachments import blob_path
from dvdesk.services.backup import backup_before_import
from dvdesk.services.compact import compact_after_bulk
from dvdesk.services.store import Store, storage_errors
from dvdesk.sync import keys
from dvdesk.sync.container import PackageFile, changed_member, open_package
from dvdesk.sync.counts_wire import apply_counts, decode_counts
from dvdesk.sync.format import (
    DEFAULT_LIMITS,
    DERIVED_TEXT_VERSION,
    FileEntry,
    Limits,
    sha256_hex,
)
from dvdesk.sync.progress import CancelCheck, Progress, check_cancel, never, no_progress
from dvdesk.sync.refusals import Reason, Refused
from dvdesk.sync.seal import Opener, opener_for
from dvdesk.sync.trust import enrol_rotated
from dvdesk.sync.verify import VerifiedPackage, inspect, sequence_state
from dvdesk.sync.wire import WireRecord, approval_rows, decode_chunk, part_rows, record_row


class Outcome(StrEnum):
    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    REFUSED = "refused"

    @property
    def label(self) -> str:
        """The word for the summary table's outcome column."""
        return _(_OUTCOME_LABELS[self])


_OUTCOME_LABELS = {
    Outcome.NEW: N_("new"),
    Outcome.UPDATED: N_("updated"),
    Outcome.UNCHANGED: N_("unchanged"),
    Outcome.REFUSED: N_("refused"),
}


class RecordReason(StrEnum):
    OWN_RECORD = "own_record"
    OTHER_OFFICE = "other_office"
    OWNER_CHANGED = "owner_changed"
    OLDER_REVISION = "older_revision"
    DUPLICATE = "duplicate"
    NOT_RELAYED = "not_relayed"


@dataclass(frozen=True)
class RecordOutcome:
    """One line of the import summary table."""

    record_id: str
    office_code: str
    record_type: str
    title: str
    revision: int
    deleted: bool
    outcome: Outcome
    reason: RecordReason | None = None
    message: str = ""


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
    records: tuple[RecordOutcome, ...]
    offices: dict[str, int]
    attachments_added: int

    def as_json(self) -> dict[str, Any]:
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


_LEAF_LEVELS = frozenset({OfficeLevel.COMMUNE.value, OfficeLevel.SPECIAL_ZONE.value})


@dataclass
class _Context:
    own_code: str
    origin: str
    origin_name: str
    other_offices: frozenset[str]
    # Communes have no subordinate offices: every record they send must be their own.
    sends_only_own: bool
    seen: set[str]


def _reason_message(
    reason: RecordReason, record: WireRecord, context: _Context, stored: Any
) -> str:
    if reason is RecordReason.OWN_RECORD:
        return _(
            "This record belongs to this office; only this office may change it, so the copy "
            "from {origin} was not imported. Tell {origin} to stop sending it."
        ).format(origin=context.origin_name)
    if reason is RecordReason.OTHER_OFFICE:
        return _(
            "This record belongs to office {code}, which sends its own packages; {origin} may "
            "not send it. It was not imported; ask {origin} why it did."
        ).format(code=record["office_code"], origin=context.origin_name)
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
    if reason is RecordReason.NOT_RELAYED:
        return _(
            "This record belongs to office {code}, but {origin} has no subordinate offices and "
            "may only send its own records. It was not imported; ask {origin} why it did."
        ).format(code=record["office_code"], origin=context.origin_name)
    return _("This record appears twice in the package; only its first copy was used.")


def _classify(
    record: WireRecord, existing: dict[str, tuple[str, int]], context: _Context
) -> tuple[Outcome, RecordReason | None, Any]:
    if record["id"] in context.seen:
        return Outcome.REFUSED, RecordReason.DUPLICATE, None
    context.seen.add(record["id"])
    if record["office_code"] == context.own_code:
        return Outcome.REFUSED, RecordReason.OWN_RECORD, None
    if record["office_code"] in context.other_offices:
        return Outcome.REFUSED, RecordReason.OTHER_OFFICE, None
    if context.sends_only_own and record["office_code"] != context.origin:
        return Outcome.REFUSED, RecordReason.NOT_RELAYED, None
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


def _chunks(
    package: PackageFile,
    verified: VerifiedPackage,
    opener: Opener | None,
    limits: Limits,
) -> Iterator[list[WireRecord]]:
    for index, entry in enumerate(verified.manifest.files):
        if entry.kind != "records":
            continue
        data = package.read(entry.name, size=entry.size, sha256=entry.sha256)
        if opener is not None:
            data = _open_sealed(opener, index, entry, data, limits.records_member_bytes)
        yield decode_chunk(data, name=entry.name)


def _open_sealed(opener: Opener, index: int, entry: FileEntry, data: bytes, limit: int) -> bytes:
    plain = opener.open(index, entry.name, data, max_size=min(limit, entry.plain_size or 0))
    if len(plain) != entry.plain_size or sha256_hex(plain) != entry.plain_sha256:
        raise changed_member(entry.name)
    return plain


def _context(session: Session, verified: VerifiedPackage) -> _Context:
    office = session.get(Office, 1)
    assert office is not None
    origin = verified.manifest.origin.code
    units = session.exec(select(UnitKey.office_code, UnitKey.office_level)).all()
    others = {code for code, _level in units if code != origin}
    origin_levels = {level for code, level in units if code == origin}
    return _Context(
        own_code=office.code,
        origin=verified.manifest.origin.code,
        origin_name=verified.manifest.origin.name,
        other_offices=frozenset(others),
        sends_only_own=bool(origin_levels) and origin_levels <= _LEAF_LEVELS,
        seen=set(),
    )


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
            ).format(key=header.recipient_key_id, origin=verified.manifest.origin.name),
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
    """Verify ``path`` completely, then apply it in one transaction (or classify, if dry_run)."""
    with open_package(path, limits=limits) as package:
        verified = inspect(store, package, progress=progress, cancel=cancel, records_follow=True)
        if verified.already_imported:
            return _summary(verified, dry_run=dry_run, already=True, outcomes=[], attachments=0)
        opener = _opener(store, verified, passphrase)
        files = len(verified.manifest.files)
        total = files + verified.record_count

        def applied(done: int, _records: int) -> None:
            progress(files + done, total)

        if dry_run:
            with store.session() as session:
                context = _context(session, verified)
                cursor = _cursor(session)
                outcomes: list[RecordOutcome] = []
                try:
                    for chunk in _chunks(package, verified, opener, limits):
                        check_cancel(cancel)
                        existing = _existing(cursor, [r["id"] for r in chunk])
                        outcomes += [_outcome(r, existing, context)[0] for r in chunk]
                        applied(len(outcomes), total)
                finally:
                    cursor.close()
            return _summary(verified, dry_run=True, already=False, outcomes=outcomes, attachments=0)
        backup_before_import(store.paths)  # verified, about to change: keep a way back
        added = _store_attachments(
            store, package, verified, opener=opener, limits=limits, cancel=cancel
        )
        with storage_errors(store.paths.database), store.session() as session:
            already, _last = sequence_state(session, verified.manifest, verified.package_hash)
            if already:  # imported meanwhile by another window
                return _summary(verified, dry_run=False, already=True, outcomes=[], attachments=0)
            outcomes = _apply(
                session,
                package,
                verified,
                opener=opener,
                limits=limits,
                has_blob=lambda sha256: blob_path(store, sha256).is_file(),
                progress=applied,
                cancel=cancel,
            )
            _finish(session, store, verified, outcomes)
            check_cancel(cancel)
        summary = _summary(
            verified, dry_run=False, already=False, outcomes=outcomes, attachments=added
        )
        compact_after_bulk(store, records=summary.new + summary.updated)  # after the commit
        return summary


def _cursor(session: Session) -> sqlite3.Cursor:
    connection = session.connection().connection.driver_connection
    assert isinstance(connection, sqlite3.Connection)
    return connection.cursor()


def _outcome(
    record: WireRecord, existing: dict[str, tuple[str, int]], context: _Context
) -> tuple[RecordOutcome, Outcome]:
    outcome, reason, stored = _classify(record, existing, context)
    return (
        RecordOutcome(
            record_id=record["id"],
            office_code=record["office_code"],
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


def _apply(
    session: Session,
    package: PackageFile,
    verified: VerifiedPackage,
    *,
    opener: Opener | None,
    limits: Limits,
    has_blob: Callable[[str], bool],
    progress: Progress,
    cancel: CancelCheck,
) -> list[RecordOutcome]:
    cursor = _cursor(session)
    # A big page cache for the one transaction: random UUID keys touch index pages everywhere.
    cursor.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
    try:
        outcomes = _apply_records(
            session,
            cursor,
            package,
            verified,
            opener=opener,
            limits=limits,
            has_blob=has_blob,
            progress=progress,
            cancel=cancel,
        )
        _apply_counts(session, cursor, package, verified, opener=opener, limits=limits)
        return outcomes
    finally:
        cursor.close()  # else the failed statement keeps the connection (and its WAL) open


def _apply_records(
    session: Session,
    cursor: sqlite3.Cursor,
    package: PackageFile,
    verified: VerifiedPackage,
    *,
    opener: Opener | None,
    limits: Limits,
    has_blob: Callable[[str], bool],
    progress: Progress,
    cancel: CancelCheck,
) -> list[RecordOutcome]:
    context = _context(session, verified)
    recompute = verified.manifest.derived_text_version != DERIVED_TEXT_VERSION
    (change_seq,) = cursor.execute("SELECT coalesce(max(change_seq), 0) FROM record").fetchone()
    outcomes: list[RecordOutcome] = []
    total = verified.record_count
    for chunk in _chunks(package, verified, opener, limits):
        check_cancel(cancel)
        existing = _existing(cursor, [r["id"] for r in chunk])
        accepted: list[WireRecord] = []
        replaced: list[str] = []
        for record in chunk:
            line, outcome = _outcome(record, existing, context)
            outcomes.append(line)
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
            records.append(record_row(record, change_seq=change_seq, recompute=recompute))
            s, r, i, a = part_rows(record)
            _check_blobs(record, has_blob)
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
            raise Refused(
                Reason.BAD_PAYLOAD,
                _(
                    "The records in the package clash with records stored here (an item "
                    "identifier is used twice). Nothing was imported; tell the sending office."
                ),
            ) from None
        progress(len(outcomes), total)
    return outcomes


def _apply_counts(
    session: Session,
    cursor: sqlite3.Cursor,
    package: PackageFile,
    verified: VerifiedPackage,
    *,
    opener: Opener | None,
    limits: Limits,
) -> None:
    """Take the package's aggregate counts (newer revisions only), in the same transaction."""
    office = session.get(Office, 1)
    assert office is not None
    for index, entry in enumerate(verified.manifest.files):
        if entry.kind != "counts":
            continue
        data = package.read(entry.name, size=entry.size, sha256=entry.sha256)
        if opener is not None:
            data = _open_sealed(opener, index, entry, data, limits.records_member_bytes)
        applied = apply_counts(cursor, decode_counts(data), own_code=office.code)
        session.add(
            AuditEntry(
                at=now_iso(),
                actor="import",
                action="import",
                entity="count",
                entity_id=f"{verified.manifest.origin.code}/{verified.manifest.sequence}",
                changes={"taken": applied.taken, "skipped": applied.skipped},
            )
        )


def _finish(
    session: Session, store: Store, verified: VerifiedPackage, outcomes: list[RecordOutcome]
) -> None:
    manifest = verified.manifest
    tally = Counter(line.outcome for line in outcomes)
    if verified.signer.new_cards:
        enrol_rotated(session, signer=verified.signer, actor=store.actor)
    session.add(
        PackageIn(
            origin=manifest.origin.code,
            sequence=manifest.sequence,
            covers_from=manifest.covers_from,
            package_hash=verified.package_hash,
            signer_key_id=manifest.signer_key_id,
            manifest=manifest.model_dump(mode="json"),
            new=tally[Outcome.NEW],
            updated=tally[Outcome.UPDATED],
            unchanged=tally[Outcome.UNCHANGED],
            refused=tally[Outcome.REFUSED],
            imported_at=now_iso(),
            imported_by=store.actor,
        )
    )
    _update_corrections(session, store, manifest.origin.code, outcomes)
    session.add(
        AuditEntry(
            at=now_iso(),
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
            },
        )
    )


def _update_corrections(
    session: Session, store: Store, origin: str, outcomes: list[RecordOutcome]
) -> None:
    """Close requests the new revisions answer; send refused records back with the reason."""
    open_requests = session.exec(
        select(Correction).where(
            Correction.direction == "out", col(Correction.status).in_(("pending", "sent"))
        )
    ).all()
    revised = {
        line.record_id: line.revision for line in outcomes if line.outcome is Outcome.UPDATED
    }
    for request in open_requests:
        if revised.get(request.record_id, 0) > request.revision:
            request.status = "resolved"
            session.add(request)
    stamp = now_iso()
    for line in outcomes:
        if line.outcome is Outcome.REFUSED and line.reason is not RecordReason.DUPLICATE:
            session.add(
                Correction(
                    id=str(uuid.uuid4()),
                    direction="out",
                    record_id=line.record_id,
                    office_code=origin,
                    title=line.title,
                    revision=line.revision,
                    comment=line.message,
                    status="pending",
                    created_at=stamp,
                    created_by=store.actor,
                )
            )


def _store_attachments(
    store: Store,
    package: PackageFile,
    verified: VerifiedPackage,
    *,
    opener: Opener | None,
    limits: Limits,
    cancel: CancelCheck,
) -> int:
    """Copy attachment files not yet stored (content-addressed: a refused import leaves
    at most unreferenced copies, never a changed one)."""
    added = 0
    for index, entry in enumerate(verified.manifest.files):
        if entry.kind != "attachment":
            continue
        check_cancel(cancel)
        sha256 = entry.name.removeprefix("attachments/").removesuffix(".sealed")
        # The store is addressed by content: a name that is not the hash of the bytes
        # would put one file where another is expected.
        if sha256 != (entry.sha256 if opener is None else entry.plain_sha256):
            raise Refused(Reason.BAD_PAYLOAD, _bad_attachment())
        target = blob_path(store, sha256)
        if target.exists():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        with storage_errors(target), atomic_writer(target) as writer:
            if opener is None:
                package.copy_to(entry.name, writer, size=entry.size, sha256=entry.sha256)
            else:
                data = package.read(entry.name, size=entry.size, sha256=entry.sha256)
                writer.write(_open_sealed(opener, index, entry, data, limits.attachment_bytes))
        added += 1
    return added


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
    outcomes: list[RecordOutcome],
    attachments: int,
) -> ImportSummary:
    manifest = verified.manifest
    tally = Counter(line.outcome for line in outcomes)
    return ImportSummary(
        path=verified.path,
        origin=manifest.origin.code,
        origin_name=manifest.origin.name,
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
        records=tuple(outcomes),
        offices=dict(manifest.offices),
        attachments_added=attachments,
    )
