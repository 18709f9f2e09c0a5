"""Scans and photos attached to records, stored once per content (SHA-256)."""

from __future__ import annotations

import hashlib
import mimetypes
import uuid
from pathlib import Path

from dvdesk.clock import now_iso
from dvdesk.db.schema import Attachment, Record
from dvdesk.errors import Conflict, NotFound, UserError
from dvdesk.fileio import AtomicWriter
from dvdesk.i18n import _
from dvdesk.services.audit import audit
from dvdesk.services.records import next_change_seq, record_row
from dvdesk.services.store import Store, storage_errors
from dvdesk.text import clean

MAX_ATTACHMENT_BYTES = 200 * 1024 * 1024
_CHUNK = 1024 * 1024


def blob_path(store: Store, sha256: str) -> Path:
    return store.paths.attachments / sha256[:2] / sha256


def _copy_into_store(store: Store, source: Path) -> tuple[str, int]:
    """Copy ``source`` into the store (atomically) and return its digest and size."""
    store.paths.attachments.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    with AtomicWriter(store.paths.attachments) as writer, source.open("rb") as reader:
        while chunk := reader.read(_CHUNK):
            size += len(chunk)
            if size > MAX_ATTACHMENT_BYTES:
                raise UserError(
                    _("{file} is larger than {limit} MB; attach a smaller scan.").format(
                        file=source.name, limit=MAX_ATTACHMENT_BYTES // 2**20
                    )
                )
            digest.update(chunk)
            writer.file.write(chunk)
        final = blob_path(store, digest.hexdigest())
        if not final.exists():  # else the same content is stored already
            final.parent.mkdir(parents=True, exist_ok=True)
            writer.commit(final)
    return digest.hexdigest(), size


def add_attachment(store: Store, *, record_id: str, source: Path) -> Attachment:
    if not source.is_file():
        raise NotFound(_("There is no file {file}.").format(file=source))
    with store.session() as session:
        record = record_row(session, record_id)
        if record.deleted:
            raise Conflict(_("Record {id} was deleted; it cannot be changed.").format(id=record_id))
    with storage_errors(source):
        sha256, size = _copy_into_store(store, source)
    media_type = mimetypes.guess_type(source.name)[0] or "application/octet-stream"
    attachment = Attachment(
        id=str(uuid.uuid4()),
        record_id=record.id,
        sha256=sha256,
        filename=clean(source.name),
        size=size,
        media_type=media_type,
        added_by=store.actor,
        added_at=now_iso(),
    )
    with store.session() as session:
        row = session.get(Record, record.id)
        assert row is not None
        row.revision += 1
        row.change_seq = next_change_seq(session)
        row.updated_by = store.actor
        row.updated_at = now_iso()
        session.add(row)
        session.add(attachment)
        changes = {"attachment": attachment.filename, "sha256": sha256}
        audit(
            session,
            actor=store.actor,
            action="attach",
            entity="record",
            entity_id=row.id,
            revision=row.revision,
            changes=changes,
        )
        session.flush()
        session.expunge(attachment)
    return attachment
