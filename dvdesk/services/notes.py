"""This office's notes on a record: the one thing it may add to another office's record.

A record belongs to the office that made it (one writer, DESIGN.md §5); the level above
may still note what it did about it ("đã chuyển Ban Tuyên giáo xem xét"). Notes sit in
their own table, so the record itself, its revision and its change sequence never
change: nothing is re-sent and the child's bytes stay as they were. Notes never travel
in packages; they are in this office's backups. Only a note's author edits or deletes it.
The audit log files each note change under its record (``audit log`` for the record shows
them), without changing the record's revision.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from dvdesk.clock import now_iso
from dvdesk.db.schema import Record, RecordNote
from dvdesk.domain.people import Role
from dvdesk.errors import Conflict, NotFound, UserError
from dvdesk.i18n import _
from dvdesk.ids import new_id
from dvdesk.services.audit import audit
from dvdesk.services.auth import require
from dvdesk.services.store import Store
from dvdesk.text import clean

MAX_NOTE_CHARS = 4000


@dataclass(frozen=True)
class NoteView:
    id: str
    record_id: str
    author: str
    text: str
    created_at: str
    updated_at: str | None
    mine: bool  # written by the person acting now: they may edit or delete it

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "record_id": self.record_id,
            "author": self.author,
            "text": self.text,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "mine": self.mine,
        }


def _view(row: RecordNote, actor: str) -> NoteView:
    return NoteView(
        row.id, row.record_id, row.author, row.text, row.created_at, row.updated_at,
        row.author == actor,
    )  # fmt: skip


def _text(value: str) -> str:
    text = clean(value)
    if not text:
        raise UserError(_("The note is empty: write what this office noted, then try again."))
    if len(text) > MAX_NOTE_CHARS:
        raise UserError(
            _("The note is too long ({count} characters): keep it under {limit}.").format(
                count=len(text), limit=MAX_NOTE_CHARS
            )
        )
    return text


def _record(session: Session, record_id: str) -> Record:
    record = session.get(Record, record_id)
    if record is None:
        raise NotFound(
            _("There is no record {id}. Check the id in the record list.").format(id=record_id)
        )
    return record


def _own_note(session: Session, store: Store, note_id: str) -> RecordNote:
    note = session.get(RecordNote, note_id)
    if note is None:
        raise NotFound(
            _("There is no note {id}. List the record's notes to see their ids.").format(id=note_id)
        )
    if note.author != store.actor:
        raise Conflict(
            _(
                "This note was written by {author}: only its author may change or delete it. "
                "Add a note of your own instead. Nothing was changed."
            ).format(author=note.author)
        )
    return note


def add_note(store: Store, *, record_id: str, text: str) -> NoteView:
    """Add this office's note to ``record_id`` (its own record or another office's)."""
    body = _text(text)
    with store.session() as session:
        require(session, store, Role.CLERK, Role.HEAD)
        _record(session, record_id)
        note = RecordNote(
            id=new_id(), record_id=record_id, author=store.actor, text=body, created_at=now_iso()
        )
        session.add(note)
        audit(
            session,
            actor=store.actor,
            action="note-add",
            entity="record",
            entity_id=record_id,
            changes={"note": note.id, "text": body},
        )
        return _view(note, store.actor)


def list_notes(store: Store, *, record_id: str) -> list[NoteView]:
    """The notes on ``record_id``, oldest first."""
    with store.session() as session:
        _record(session, record_id)
        rows = session.exec(
            select(RecordNote)
            .where(RecordNote.record_id == record_id)
            .order_by(col(RecordNote.created_at), col(RecordNote.id))
        ).all()
        return [_view(row, store.actor) for row in rows]


def edit_note(store: Store, *, note_id: str, text: str) -> NoteView:
    """Replace the text of one's own note."""
    body = _text(text)
    with store.session() as session:
        require(session, store, Role.CLERK, Role.HEAD)
        note = _own_note(session, store, note_id)
        if note.text == body:
            return _view(note, store.actor)
        before = note.text
        note.text = body
        note.updated_at = now_iso()
        session.add(note)
        audit(
            session,
            actor=store.actor,
            action="note-edit",
            entity="record",
            entity_id=note.record_id,
            changes={"note": note.id, "text": {"from": before, "to": body}},
        )
        return _view(note, store.actor)


def delete_note(store: Store, *, note_id: str) -> None:
    """Delete one's own note; the audit log keeps what it said."""
    with store.session() as session:
        require(session, store, Role.CLERK, Role.HEAD)
        note = _own_note(session, store, note_id)
        session.delete(note)
        audit(
            session,
            actor=store.actor,
            action="note-delete",
            entity="record",
            entity_id=note.record_id,
            changes={"note": note.id, "text": note.text},
        )
