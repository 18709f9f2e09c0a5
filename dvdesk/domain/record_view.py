"""A stored record as the record services return it: typed, immutable views.

One class per record type, so mypy checks every field a consumer reads
(``isinstance(record, DialogueView)`` before ``record.issues``). Two mappings
leave this module, each made by one function: ``as_json`` (the shape of
``record show --json``) and ``input_values`` (the shape ``record add`` accepts,
for merging an update or filling a form).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from datetime import date

from dvdesk.domain.enums import FollowUpStatus, IssueKind, RecordStatus, RecordType
from dvdesk.domain.inputs import INPUT_MODELS

# Keys the record computes from its items; ``record add`` does not take them.
DERIVED_ITEM_KEYS = ("overdue", "answered_on_spot")
_BOOKKEEPING = ("revision",)


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


@dataclass(frozen=True, kw_only=True)
class RecommendationView:
    id: str
    content: str
    addressee: str | None
    deadline: date | None
    status: FollowUpStatus
    result: str | None
    result_date: date | None
    overdue: bool

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "content": self.content,
            "addressee": self.addressee,
            "deadline": _iso(self.deadline),
            "status": self.status.value,
            "result": self.result,
            "result_date": _iso(self.result_date),
            "overdue": self.overdue,
        }


@dataclass(frozen=True, kw_only=True)
class IssueView:
    """A matter raised at a dialogue session."""

    id: str
    content: str
    kind: IssueKind
    raised_by: str | None
    protect_identity: bool
    field: str | None
    answer: str | None
    assignee: str | None
    deadline: date | None
    status: FollowUpStatus
    result: str | None
    result_date: date | None
    notified_date: date | None
    overdue: bool

    @property
    def answered_on_spot(self) -> bool:
        return self.answer is not None and self.assignee is None

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "content": self.content,
            "kind": self.kind.value,
            "raised_by": self.raised_by,
            "protect_identity": self.protect_identity,
            "field": self.field,
            "answer": self.answer,
            "answered_on_spot": self.answered_on_spot,
            "assignee": self.assignee,
            "deadline": _iso(self.deadline),
            "status": self.status.value,
            "result": self.result,
            "result_date": _iso(self.result_date),
            "notified_date": _iso(self.notified_date),
            "overdue": self.overdue,
        }


@dataclass(frozen=True, kw_only=True)
class RecognitionView:
    """A level's recognition of a "Dân vận khéo" model."""

    level: str
    date: datetime.date
    decision: str | None

    def as_json(self) -> dict[str, object]:
        return {"level": self.level, "date": self.date.isoformat(), "decision": self.decision}


@dataclass(frozen=True, kw_only=True)
class AttachmentView:
    id: str
    filename: str
    size: int
    media_type: str
    sha256: str
    added_by: str
    added_at: str

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "filename": self.filename,
            "size": self.size,
            "media_type": self.media_type,
            "sha256": self.sha256,
            "added_by": self.added_by,
            "added_at": self.added_at,
        }


@dataclass(frozen=True, kw_only=True)
class RecordView:
    """Fields every record type has, its recommendations, attachments and bookkeeping."""

    id: str
    type: RecordType
    office_code: str
    title: str
    start_date: date
    end_date: date | None
    place: str | None
    fields: tuple[str, ...]
    legal_basis: str | None
    status: RecordStatus
    conclusion: str | None
    recommendations: tuple[RecommendationView, ...]
    attachments: tuple[AttachmentView, ...]
    revision: int
    created_by: str
    created_at: str
    updated_by: str
    updated_at: str
    deleted: bool

    def as_json(self) -> dict[str, object]:
        """Every field as JSON-ready data, in the order ``record show --json`` prints them."""
        return {
            "id": self.id,
            "type": self.type.value,
            "office_code": self.office_code,
            "title": self.title,
            "start_date": _iso(self.start_date),
            "end_date": _iso(self.end_date),
            "place": self.place,
            "fields": list(self.fields),
            "legal_basis": self.legal_basis,
            "status": self.status.value,
            "conclusion": self.conclusion,
            **self._type_json(),
            "recommendations": [item.as_json() for item in self.recommendations],
            "attachments": [item.as_json() for item in self.attachments],
            "revision": self.revision,
            "created_by": self.created_by,
            "created_at": self.created_at,
            "updated_by": self.updated_by,
            "updated_at": self.updated_at,
            "deleted": self.deleted,
        }

    def _type_json(self) -> dict[str, object]:
        """The fields of this record type (each subclass says which)."""
        return {}


@dataclass(frozen=True, kw_only=True)
class SessionView(RecordView):
    """Inspections and supervisions: a team visits organisations."""

    subjects: tuple[str, ...]
    decision_number: str | None
    decision_date: date | None
    lead: str | None
    members: tuple[str, ...]
    findings: str | None
    conclusion_number: str | None
    conclusion_date: date | None

    def _type_json(self) -> dict[str, object]:
        return {
            "subjects": list(self.subjects),
            "decision_number": self.decision_number,
            "decision_date": _iso(self.decision_date),
            "lead": self.lead,
            "members": list(self.members),
            "findings": self.findings,
            "conclusion_number": self.conclusion_number,
            "conclusion_date": _iso(self.conclusion_date),
        }


@dataclass(frozen=True, kw_only=True)
class InspectionView(SessionView):
    pass


@dataclass(frozen=True, kw_only=True)
class SupervisionView(SessionView):
    kind: str | None

    def _type_json(self) -> dict[str, object]:
        return super()._type_json() | {"kind": self.kind}


@dataclass(frozen=True, kw_only=True)
class DialogueView(RecordView):
    chair: str | None
    chair_post: str | None
    co_chairs: tuple[str, ...]
    attendees: int | None
    attendee_groups: str | None
    issues: tuple[IssueView, ...]

    def _type_json(self) -> dict[str, object]:
        return {
            "chair": self.chair,
            "chair_post": self.chair_post,
            "co_chairs": list(self.co_chairs),
            "attendees": self.attendees,
            "attendee_groups": self.attendee_groups,
            "issues": [item.as_json() for item in self.issues],
        }


@dataclass(frozen=True, kw_only=True)
class DirectiveView(RecordView):
    """A leadership document; ``start_date`` is its date of issue."""

    kind: str | None
    kind_name: str | None
    number: str | None
    issuer: str | None
    issuer_level: str | None

    def _type_json(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "kind_name": self.kind_name,
            "number": self.number,
            "issuer": self.issuer,
            "issuer_level": self.issuer_level,
        }


@dataclass(frozen=True, kw_only=True)
class ModelView(RecordView):
    """A "Dân vận khéo" model; ``start_date`` is the date it was registered."""

    field: str | None
    owner: str | None
    recognitions: tuple[RecognitionView, ...]

    def _type_json(self) -> dict[str, object]:
        return {
            "field": self.field,
            "owner": self.owner,
            "recognitions": [item.as_json() for item in self.recognitions],
        }


def item_input(item: RecommendationView | IssueView) -> dict[str, object]:
    """One recommendation or issue in the shape ``record add`` accepts."""
    return {k: v for k, v in item.as_json().items() if k not in DERIVED_ITEM_KEYS}


def input_values(record: RecordView) -> dict[str, object]:
    """The record in the shape ``record add`` accepts (JSON values), for merging or a form."""
    accepted = INPUT_MODELS[record.type].model_fields
    data = {
        key: value
        for key, value in record.as_json().items()
        if key in accepted and key not in _BOOKKEEPING
    }
    data["recommendations"] = [item_input(item) for item in record.recommendations]
    if isinstance(record, DialogueView):
        data["issues"] = [item_input(item) for item in record.issues]
    return data
