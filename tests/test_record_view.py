"""Typed record views: one class per type, the JSON shape of `record show`, the input shape."""

from __future__ import annotations

from datetime import date

import pytest

from dvdesk.domain.enums import RecordType
from dvdesk.domain.inputs import INPUT_MODELS
from dvdesk.domain.record_view import (
    DialogueView,
    DirectiveView,
    InspectionView,
    ModelView,
    RecordView,
    SupervisionView,
    input_values,
)
from dvdesk.domain.validation import validate
from dvdesk.services.records import add_record, get_record, update_record
from dvdesk.services.store import Store
from tests.register_fixtures import directive, model
from tests.samples import dialogue, inspection

_HEAD = [
    "id",
    "type",
    "office_code",
    "title",
    "start_date",
    "end_date",
    "place",
    "fields",
    "legal_basis",
    "status",
    "conclusion",
]
_TAIL = [
    "recommendations",
    "attachments",
    "revision",
    "created_by",
    "created_at",
    "updated_by",
    "updated_at",
    "deleted",
]
_SESSION = [
    "subjects",
    "decision_number",
    "decision_date",
    "lead",
    "members",
    "findings",
    "conclusion_number",
    "conclusion_date",
]
# The keys `record show --json` prints, in order; scripts read this shape.
SHAPES: dict[RecordType, tuple[type[RecordView], list[str]]] = {
    RecordType.INSPECTION: (InspectionView, _SESSION),
    RecordType.SUPERVISION: (SupervisionView, [*_SESSION, "kind"]),
    RecordType.DIALOGUE: (
        DialogueView,
        ["chair", "chair_post", "co_chairs", "attendees", "attendee_groups", "issues"],
    ),
    RecordType.DIRECTIVE: (
        DirectiveView,
        ["kind", "kind_name", "number", "issuer", "issuer_level"],
    ),
    RecordType.MODEL: (ModelView, ["field", "owner", "recognitions"]),
}
DATA = {
    RecordType.INSPECTION: inspection,
    RecordType.SUPERVISION: inspection,
    RecordType.DIALOGUE: dialogue,
    RecordType.DIRECTIVE: directive,
    RecordType.MODEL: model,
}


@pytest.mark.parametrize("record_type", list(RecordType))
def test_each_type_has_its_view_and_json_shape(store: Store, record_type: RecordType) -> None:
    record_id = add_record(store, record_type=record_type, data=DATA[record_type]())
    record = get_record(store, record_id=record_id)
    view_class, middle = SHAPES[record_type]
    assert type(record) is view_class
    assert list(record.as_json()) == [*_HEAD, *middle, *_TAIL]


@pytest.mark.parametrize("record_type", list(RecordType))
def test_input_values_round_trip_without_a_change(store: Store, record_type: RecordType) -> None:
    record_id = add_record(store, record_type=record_type, data=DATA[record_type]())
    record = get_record(store, record_id=record_id)
    values = input_values(record)
    assert set(values) <= set(INPUT_MODELS[record_type].model_fields)
    validate(INPUT_MODELS[record_type], values)
    assert update_record(store, record_id=record_id, changes=values) == 1
    assert get_record(store, record_id=record_id) == record


def test_views_are_frozen_and_typed(store: Store) -> None:
    record_id = add_record(store, record_type=RecordType.DIALOGUE, data=dialogue())
    record = get_record(store, record_id=record_id)
    assert isinstance(record, DialogueView)
    assert isinstance(record.start_date, date)
    assert record.as_json()["start_date"] == record.start_date.isoformat()
    with pytest.raises(AttributeError):
        record.title = "Khác"  # type: ignore[misc]
