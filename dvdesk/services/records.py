"""Create, read, update and tombstone records, with an audit entry for every change.

A record is an aggregate: the record row plus its subjects, recommendations and
dialogue issues. Writes validate first, then replace the aggregate in one
transaction; nothing is written when validation fails.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypedDict

from sqlalchemy import Select, delete, func, literal_column
from sqlalchemy import select as sql_select
from sqlmodel import Session, col, select

from dvdesk.clock import now_iso, today
from dvdesk.db.schema import (
    Attachment,
    DialogueIssue,
    Office,
    OrgUnit,
    Recommendation,
    Record,
    RecordSubject,
    StoredRecognition,
)
from dvdesk.domain.enums import FollowUpStatus, IssueKind, RecordStatus, RecordType
from dvdesk.domain.inputs import (
    INPUT_MODELS,
    DialogueInput,
    DirectiveInput,
    ModelInput,
    RecordInput,
    SessionInput,
    SupervisionInput,
)
from dvdesk.domain.people import Role
from dvdesk.domain.record_view import (
    AttachmentView,
    DialogueView,
    DirectiveView,
    InspectionView,
    IssueView,
    ModelView,
    RecognitionView,
    RecommendationView,
    RecordView,
    SessionView,
    SupervisionView,
    input_values,
)
from dvdesk.domain.validation import failed, validate
from dvdesk.errors import Conflict, NotFound
from dvdesk.i18n import _
from dvdesk.ids import new_id
from dvdesk.services import approval_hooks as approval
from dvdesk.services.audit import audit
from dvdesk.services.auth import check, require
from dvdesk.services.browse import RecordSummary
from dvdesk.services.search import matches, search_text
from dvdesk.services.store import Store
from dvdesk.text import vi_sort_key

_BOOKKEEPING = ("revision",)


def parse_record_type(value: str) -> RecordType:
    try:
        return RecordType(value)
    except ValueError:
        choices = ", ".join(t.value for t in RecordType)
        raise failed(
            [("type", _("expected one of: {expected}").format(expected=choices))]
        ) from None


# ---------------------------------------------------------------- writing


def add_record(store: Store, *, record_type: RecordType, data: Mapping[str, object]) -> str:
    """Validate ``data`` and store it as a new record owned by this office. Returns its id."""
    model = validate(INPUT_MODELS[record_type], data)
    check(store, Role.CLERK, Role.HEAD)
    if model.revision is not None:
        raise failed([("revision", _("a new record has no revision yet; leave it out"))])
    _check_item_ids(model, allowed=set())
    record_id = new_id()
    with store.session() as session:
        office = _office(session)
        stamp = now_iso()
        row = Record(
            id=record_id,
            type=record_type.value,
            office_code=office.code,
            revision=1,
            change_seq=next_change_seq(session),
            created_by=store.actor,
            created_at=stamp,
            updated_by=store.actor,
            updated_at=stamp,
            **record_columns(model),
        )
        session.add(row)
        session.flush()
        _write_parts(session, record_id, model)
        approval.start_draft(session, record_id)
        changes = {"record": _public_dump(model), "type": row.type}
        audit(
            session,
            actor=store.actor,
            action="create",
            entity="record",
            entity_id=record_id,
            revision=1,
            changes=changes,
        )
    return record_id


def update_record(store: Store, *, record_id: str, changes: Mapping[str, object]) -> int:
    """Apply ``changes`` (keys as for add; a list replaces the stored list).

    Returns the record's revision afterwards (unchanged if nothing differed).
    """
    if not isinstance(changes, Mapping):
        validate(RecordInput, changes)  # raises the "must be an object" message
    with store.session() as session:
        row = _changeable_row(
            session,
            store,
            record_id,
            if_deleted=_("Record {id} was deleted; it cannot be changed.").format(id=record_id),
        )
        record_type = RecordType(row.type)
        current = input_values(record_view(session, row))
        merged = {**current, **changes}
        model = validate(INPUT_MODELS[record_type], merged)
        if model.revision is not None and model.revision != row.revision:
            raise Conflict(
                _(
                    "Record {id} was changed meanwhile (revision {stored}, you edited {given}). "
                    "Open it again and redo your change."
                ).format(id=record_id, stored=row.revision, given=model.revision)
            )
        _check_item_ids(model, allowed=_item_ids(session, record_id))
        before = _public_dump(validate(INPUT_MODELS[record_type], current))
        after = _public_dump(model)
        diff = {
            key: {"from": before.get(key), "to": value}
            for key, value in after.items()
            if before.get(key) != value
        }
        if not diff:
            return row.revision
        for key, value in record_columns(model).items():
            setattr(row, key, value)
        _stamp_change(session, row, actor=store.actor)
        _delete_parts(session, record_id)
        session.flush()
        _write_parts(session, record_id, model)
        approval.note_change(session, record_id)
        audit(
            session,
            actor=store.actor,
            action="update",
            entity="record",
            entity_id=record_id,
            revision=row.revision,
            changes=diff,
        )
        return row.revision


def delete_record(store: Store, *, record_id: str, withdrawal_reason: str | None = None) -> int:
    """Tombstone a record: it disappears from lists but is kept, so the deletion can travel.

    With ``withdrawal_reason`` it is a withdrawal (thu hồi) of a record already sent: the
    reason travels with the tombstone and the level above shows it."""
    with store.session() as session:
        row = _changeable_row(
            session,
            store,
            record_id,
            if_deleted=_("Record {id} is already deleted.").format(id=record_id),
        )
        row.deleted = True
        _stamp_change(session, row, actor=store.actor)
        if withdrawal_reason is not None:
            approval.note_withdrawal(session, record_id, withdrawal_reason)
        audit(
            session,
            actor=store.actor,
            action="withdraw" if withdrawal_reason is not None else "delete",
            entity="record",
            entity_id=record_id,
            revision=row.revision,
            changes={"reason": withdrawal_reason} if withdrawal_reason is not None else None,
        )
        return row.revision


def _changeable_row(session: Session, store: Store, record_id: str, *, if_deleted: str) -> Record:
    """The record a clerk or head of this office may change; ``if_deleted`` says why not."""
    require(session, store, Role.CLERK, Role.HEAD)
    row = record_row(session, record_id)
    if row.deleted:
        raise Conflict(if_deleted)
    _check_writer(session, row)
    return row


def _stamp_change(session: Session, row: Record, *, actor: str) -> None:
    """A new revision, sent with the next package, marked with who changed it and when."""
    row.revision += 1
    row.change_seq = next_change_seq(session)
    row.updated_by = actor
    row.updated_at = now_iso()
    session.add(row)


@dataclass(frozen=True)
class RecordWriter:
    """The one office that may change a record: the office that made it."""

    code: str
    name: str
    own: bool


def _unit_name(session: Session, code: str) -> str:
    names = session.exec(select(OrgUnit.name).where(OrgUnit.code == code)).all()
    return names[0] if names else code


def _writer(session: Session, row: Record) -> RecordWriter:
    own = row.office_code == _office(session).code
    return RecordWriter(code=row.office_code, name=_unit_name(session, row.office_code), own=own)


def record_writer(store: Store, *, record_id: str) -> RecordWriter:
    """Who may change ``record_id``; imported records belong to the office that sent them."""
    with store.session() as session:
        return _writer(session, record_row(session, record_id))


def _check_writer(session: Session, row: Record) -> None:
    """One writer per record (DESIGN.md §5): a record from another office is read-only here."""
    writer = _writer(session, row)
    if not writer.own:
        raise Conflict(
            _(
                "This record belongs to {office} ({code}): only that office may change or "
                "delete it. Ask them to correct it and send a new package."
            ).format(office=writer.name, code=writer.code)
        )


def check_own_record(session: Session, row: Record) -> None:
    _check_writer(session, row)


def _office(session: Session) -> Office:
    office = session.get(Office, 1)
    if office is None:
        raise NotFound(_("No office is set up yet. Run 'dvdesk init' first."))
    return office


def next_change_seq(session: Session) -> int:
    current = session.exec(select(func.max(Record.change_seq))).one()
    return int(current or 0) + 1


def _public_dump(model: RecordInput) -> dict[str, object]:
    return model.model_dump(mode="json", exclude=set(_BOOKKEEPING))


class RecordColumns(TypedDict, total=False):
    """The record row's content columns; each record type fills its own."""

    title: str
    title_sort: str
    start_date: date
    end_date: date | None
    place: str | None
    fields: list[str]
    legal_basis: str | None
    status: str
    conclusion: str | None
    search_text: str
    decision_number: str | None
    decision_date: date | None
    lead: str | None
    members: list[str]
    findings: str | None
    conclusion_number: str | None
    conclusion_date: date | None
    supervision_kind: str | None
    chair: str | None
    chair_post: str | None
    co_chairs: list[str]
    attendees: int
    attendee_groups: str | None
    directive_kind: str
    directive_kind_name: str | None
    directive_number: str
    issuer: str
    issuer_level: str | None
    model_field: str
    owner: str
    recognitions: list[StoredRecognition]


def record_columns(model: RecordInput) -> RecordColumns:
    """The record row's columns from a validated input (parts are written separately)."""
    columns: RecordColumns = {
        "title": model.title,
        "title_sort": vi_sort_key(model.title),
        "start_date": model.start_date,
        "end_date": model.end_date,
        "place": model.place,
        "fields": list(model.fields),
        "legal_basis": model.legal_basis,
        "status": model.effective_status(today()).value,
        "conclusion": model.conclusion,
        "search_text": search_text(model),
    }
    if isinstance(model, SessionInput):
        columns |= {
            "decision_number": model.decision_number,
            "decision_date": model.decision_date,
            "lead": model.lead,
            "members": list(model.members),
            "findings": model.findings,
            "conclusion_number": model.conclusion_number,
            "conclusion_date": model.conclusion_date,
            "supervision_kind": model.kind.value if isinstance(model, SupervisionInput) else None,
        }
    if isinstance(model, DialogueInput):
        columns |= {
            "chair": model.chair,
            "chair_post": model.chair_post,
            "co_chairs": list(model.co_chairs),
            "attendees": model.attendees,
            "attendee_groups": model.attendee_groups,
        }
    if isinstance(model, DirectiveInput):
        columns |= {
            "directive_kind": model.kind.value,
            "directive_kind_name": model.kind_name,
            "directive_number": model.number,
            "issuer": model.issuer,
            "issuer_level": model.issuer_level.value if model.issuer_level else None,
        }
    if isinstance(model, ModelInput):
        columns |= {
            "model_field": model.field.value,
            "owner": model.owner,
            "recognitions": recognition_list(model),
        }
    return columns


def recognition_list(model: ModelInput) -> list[StoredRecognition]:
    """Recognitions as stored (JSON), oldest first."""
    items = sorted(model.recognitions, key=lambda item: (item.date, item.level.value))
    return [
        {"level": item.level.value, "date": item.date.isoformat(), "decision": item.decision}
        for item in items
    ]


def _write_parts(session: Session, record_id: str, model: RecordInput) -> None:
    if isinstance(model, SessionInput):
        session.add_all(
            RecordSubject(record_id=record_id, position=index, name=name)
            for index, name in enumerate(model.subjects)
        )
    session.add_all(
        Recommendation(
            id=item.id or new_id(),
            record_id=record_id,
            position=index,
            content=item.content,
            addressee=item.addressee,
            deadline=item.deadline,
            status=item.status.value,
            result=item.result,
            result_date=item.result_date,
        )
        for index, item in enumerate(model.recommendations)
    )
    if isinstance(model, DialogueInput):
        session.add_all(
            DialogueIssue(
                id=issue.id or new_id(),
                record_id=record_id,
                position=index,
                content=issue.content,
                kind=issue.kind.value,
                raised_by=issue.raised_by,
                protect_identity=issue.effective_protect_identity,
                field=issue.field,
                answer=issue.answer,
                assignee=issue.assignee,
                deadline=issue.deadline,
                status=issue.effective_status.value,
                result=issue.result,
                result_date=issue.result_date,
                notified_date=issue.notified_date,
            )
            for index, issue in enumerate(model.issues)
        )


def _delete_parts(session: Session, record_id: str) -> None:
    for table in (RecordSubject, Recommendation, DialogueIssue):
        session.execute(delete(table).where(col(table.record_id) == record_id))


def _item_ids(session: Session, record_id: str) -> set[str]:
    ids = set(session.exec(select(Recommendation.id).where(Recommendation.record_id == record_id)))
    ids |= set(session.exec(select(DialogueIssue.id).where(DialogueIssue.record_id == record_id)))
    return ids


def _check_item_ids(model: RecordInput, *, allowed: set[str]) -> None:
    """Item ids may only name items of this record, each once."""
    items: list[tuple[str, Sequence[Any]]] = [("recommendations", model.recommendations)]
    if isinstance(model, DialogueInput):
        items.append(("issues", model.issues))
    seen: set[str] = set()
    problems = []
    for key, values in items:
        for index, item in enumerate(values):
            if item.id is None:
                continue
            if item.id not in allowed or item.id in seen:
                problems.append(
                    (
                        f"{key}[{index}].id",
                        _("not an item of this record; leave the id out to add a new one"),
                    )
                )
            seen.add(item.id)
    if problems:
        raise failed(problems)


# ---------------------------------------------------------------- reading


def record_row(session: Session, record_id: str) -> Record:
    """The stored record (deleted ones included); NotFound, with what to do, if none."""
    row = session.get(Record, record_id.strip().lower())
    if row is None:
        raise NotFound(
            _("There is no record {id}. Check the id with 'dvdesk record list'.").format(
                id=record_id
            )
        )
    return row


def get_record(store: Store, *, record_id: str) -> RecordView:
    """Every field of a record, its parts, attachments and bookkeeping."""
    with store.session() as session:
        row = record_row(session, record_id)
        return record_view(session, row)


def _parts(
    session: Session, record_id: str
) -> tuple[list[str], list[Recommendation], list[DialogueIssue]]:
    subjects = list(
        session.exec(
            select(RecordSubject.name)
            .where(RecordSubject.record_id == record_id)
            .order_by(col(RecordSubject.position))
        )
    )
    recommendations = list(
        session.exec(
            select(Recommendation)
            .where(Recommendation.record_id == record_id)
            .order_by(col(Recommendation.position))
        )
    )
    issues = list(
        session.exec(
            select(DialogueIssue)
            .where(DialogueIssue.record_id == record_id)
            .order_by(col(DialogueIssue.position))
        )
    )
    return subjects, recommendations, issues


def is_overdue(*, status: str, deadline: date | None, on: date) -> bool:
    return status != FollowUpStatus.RESOLVED.value and deadline is not None and deadline < on


def _recommendation_view(item: Recommendation, on: date) -> RecommendationView:
    return RecommendationView(
        id=item.id,
        content=item.content,
        addressee=item.addressee,
        deadline=item.deadline,
        status=FollowUpStatus(item.status),
        result=item.result,
        result_date=item.result_date,
        overdue=is_overdue(status=item.status, deadline=item.deadline, on=on),
    )


def _issue_view(item: DialogueIssue, on: date) -> IssueView:
    return IssueView(
        id=item.id,
        content=item.content,
        kind=IssueKind(item.kind),
        raised_by=item.raised_by,
        protect_identity=item.protect_identity,
        field=item.field,
        answer=item.answer,
        assignee=item.assignee,
        deadline=item.deadline,
        status=FollowUpStatus(item.status),
        result=item.result,
        result_date=item.result_date,
        notified_date=item.notified_date,
        overdue=is_overdue(status=item.status, deadline=item.deadline, on=on),
    )


def _attachment_views(session: Session, record_id: str) -> tuple[AttachmentView, ...]:
    attachments = session.exec(
        select(Attachment)
        .where(Attachment.record_id == record_id, col(Attachment.deleted).is_(False))
        .order_by(col(Attachment.added_at))
    ).all()
    return tuple(
        AttachmentView(
            id=a.id,
            filename=a.filename,
            size=a.size,
            media_type=a.media_type,
            sha256=a.sha256,
            added_by=a.added_by,
            added_at=a.added_at,
        )
        for a in attachments
    )


def _recognition_views(row: Record) -> tuple[RecognitionView, ...]:
    return tuple(
        RecognitionView(
            level=item["level"],
            date=date.fromisoformat(item["date"]),
            decision=item.get("decision"),
        )
        for item in row.recognitions
    )


def _common(
    session: Session, row: Record, recommendations: list[Recommendation], on: date
) -> RecordView:
    """The fields every record has; each type's view extends them (see ``record_view``)."""
    return RecordView(
        id=row.id,
        type=RecordType(row.type),
        office_code=row.office_code,
        title=row.title,
        start_date=row.start_date,
        end_date=row.end_date,
        place=row.place,
        fields=tuple(row.fields),
        legal_basis=row.legal_basis,
        status=RecordStatus(row.status),
        conclusion=row.conclusion,
        recommendations=tuple(_recommendation_view(item, on) for item in recommendations),
        attachments=_attachment_views(session, row.id),
        revision=row.revision,
        created_by=row.created_by,
        created_at=row.created_at,
        updated_by=row.updated_by,
        updated_at=row.updated_at,
        deleted=row.deleted,
    )


def _session_view(common: RecordView, row: Record, subjects: list[str]) -> SessionView:
    inspection = InspectionView(
        **vars(common),
        subjects=tuple(subjects),
        decision_number=row.decision_number,
        decision_date=row.decision_date,
        lead=row.lead,
        members=tuple(row.members),
        findings=row.findings,
        conclusion_number=row.conclusion_number,
        conclusion_date=row.conclusion_date,
    )
    if common.type is RecordType.SUPERVISION:
        return SupervisionView(**vars(inspection), kind=row.supervision_kind)
    return inspection


def record_view(session: Session, row: Record) -> RecordView:
    """The typed view of a stored record (deleted ones included)."""
    on = today()
    subjects, recommendations, issues = _parts(session, row.id)
    common = _common(session, row, recommendations, on)
    if common.type in (RecordType.INSPECTION, RecordType.SUPERVISION):
        return _session_view(common, row, subjects)
    if common.type == RecordType.DIRECTIVE:
        return DirectiveView(
            **vars(common),
            kind=row.directive_kind,
            kind_name=row.directive_kind_name,
            number=row.directive_number,
            issuer=row.issuer,
            issuer_level=row.issuer_level,
        )
    if common.type == RecordType.MODEL:
        return ModelView(
            **vars(common),
            field=row.model_field,
            owner=row.owner,
            recognitions=_recognition_views(row),
        )
    return DialogueView(
        **vars(common),
        chair=row.chair,
        chair_post=row.chair_post,
        co_chairs=tuple(row.co_chairs),
        attendees=row.attendees,
        attendee_groups=row.attendee_groups,
        issues=tuple(_issue_view(item, on) for item in issues),
    )


def list_records(
    store: Store,
    *,
    record_type: RecordType | None = None,
    search: str | None = None,
    include_deleted: bool = False,
    order: str = "date",
    limit: int | None = None,
    offset: int = 0,
) -> list[RecordSummary]:
    """Records of every origin, newest first (or by Vietnamese title order)."""
    columns = (
        Record.id,
        Record.type,
        Record.title,
        Record.start_date,
        Record.end_date,
        Record.place,
        Record.status,
        Record.office_code,
        Record.revision,
        Record.deleted,
        Record.directive_number,
    )
    query: Select[*tuple[Any, ...]] = sql_select(
        literal_column("record.rowid"), *(col(column) for column in columns)
    )
    if record_type is not None:
        query = query.where(col(Record.type) == record_type.value)
    if not include_deleted:
        query = query.where(col(Record.deleted).is_(False))
    if search:
        query = query.where(*matches(search))
    if order == "title":
        query = query.order_by(col(Record.title_sort), col(Record.start_date).desc())
    else:
        query = query.order_by(col(Record.start_date).desc(), col(Record.title_sort))
    if limit is not None:
        query = query.limit(limit).offset(offset)
    with store.session() as session:
        return [RecordSummary.from_row(r) for r in session.execute(query)]
