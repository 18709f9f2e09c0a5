"""Leadership documents and "Dân vận khéo" models: validation, services and the command line."""

from __future__ import annotations

import json
from datetime import date

import pytest

from dvdesk.domain.enums import RecordType
from dvdesk.domain.inputs import INPUT_MODELS
from dvdesk.domain.record_view import (
    DirectiveView,
    ModelView,
    RecognitionView,
    RecordView,
    input_values,
)
from dvdesk.domain.validation import validate
from dvdesk.errors import ValidationFailed
from dvdesk.paths import DataPaths
from dvdesk.services.demo_registers import add_demo_registers
from dvdesk.services.records import (
    add_record,
    get_record,
    list_records,
    update_record,
)
from dvdesk.services.store import Store
from tests.conftest import CliRunner, database_digest
from tests.register_fixtures import directive, model
from tests.test_cli import INIT


@pytest.fixture
def office(cli: CliRunner) -> CliRunner:
    assert cli(*INIT).code == 0
    return cli


def _kept(record: RecordView, sent: dict[str, object]) -> dict[str, object]:
    shown = record.as_json()
    return {key: shown[key] for key in sent}


def test_directive_round_trips_through_the_service(store: Store) -> None:
    record_id = add_record(store, record_type=RecordType.DIRECTIVE, data=directive())
    stored = get_record(store, record_id=record_id)
    assert _kept(stored, directive()) == directive()
    assert isinstance(stored, DirectiveView)
    assert stored.kind_name is None
    assert stored.type is RecordType.DIRECTIVE


def test_model_keeps_recognitions_oldest_first(store: Store) -> None:
    record_id = add_record(store, record_type=RecordType.MODEL, data=model())
    stored = get_record(store, record_id=record_id)
    assert isinstance(stored, ModelView)
    assert [item.level for item in stored.recognitions] == ["xa", "tinh"]
    assert stored.owner == "Ủy ban MTTQ Việt Nam xã Bát Tràng"
    assert stored.field == "xay_dung_he_thong_chinh_tri"


def test_other_kind_needs_its_name_and_only_then(store: Store) -> None:
    with pytest.raises(ValidationFailed) as refused:
        add_record(store, record_type=RecordType.DIRECTIVE, data=directive(kind="khac"))
    assert [field for field, _m in refused.value.problems] == ["kind_name"]
    assert "khac" in str(refused.value)
    with pytest.raises(ValidationFailed):
        add_record(store, record_type=RecordType.DIRECTIVE, data=directive(kind_name="Thông báo"))
    record_id = add_record(
        store,
        record_type=RecordType.DIRECTIVE,
        data=directive(kind="khac", kind_name="Thông báo"),
    )
    other = get_record(store, record_id=record_id)
    assert isinstance(other, DirectiveView) and other.kind_name == "Thông báo"
    assert list_records(store) and len(list_records(store)) == 1


def test_bad_values_are_refused_in_vietnamese(store: Store) -> None:
    with pytest.raises(ValidationFailed) as refused:
        add_record(
            store,
            record_type=RecordType.MODEL,
            data=model(field="the_thao", recognitions=[{"level": "huyen", "date": "2023-02-30"}]),
        )
    fields = {field for field, _m in refused.value.problems}
    assert fields == {"field", "recognitions[0].level", "recognitions[0].date"}
    assert "Trường" in str(refused.value)
    assert list_records(store) == []


def test_update_changes_a_recognition_and_search_finds_number(store: Store) -> None:
    record_id = add_record(store, record_type=RecordType.MODEL, data=model())
    update_record(
        store,
        record_id=record_id,
        changes={"recognitions": [{"level": "trung_uong", "date": "2024-01-09"}]},
    )
    recognised = get_record(store, record_id=record_id)
    assert isinstance(recognised, ModelView)
    assert recognised.recognitions == (
        RecognitionView(level="trung_uong", date=date(2024, 1, 9), decision=None),
    )
    add_record(store, record_type=RecordType.DIRECTIVE, data=directive())
    found = list_records(store, search="12-nq/tu")
    assert [r.type for r in found] == [RecordType.DIRECTIVE]
    assert [r.type for r in list_records(store, search="mttq bat trang")] == [RecordType.MODEL]


@pytest.mark.parametrize(("kind", "data"), [("directive", directive()), ("model", model())])
def test_cli_add_show_update_list_delete(
    office: CliRunner, kind: str, data: dict[str, object]
) -> None:
    added = office("record", "add", kind, "--json", "-", stdin=json.dumps(data))
    assert added.code == 0, added.err
    record_id = added.out.strip()
    shown = office("record", "show", record_id, "--json").json()
    assert shown["title"] == data["title"]
    changed = office(
        "record", "update", record_id, "--json", "-", stdin=json.dumps({"title": "Tên mới"})
    )
    assert changed.code == 0, changed.err
    listed = office("record", "list", "--type", kind, "--json").json()
    assert [(item["id"], item["title"]) for item in listed] == [(record_id, "Tên mới")]
    assert office("record", "list").out.count(record_id) == 1
    assert office("record", "delete", record_id).code == 0
    assert office("record", "list", "--type", kind, "--json").json() == []


def test_cli_refuses_a_bad_directive_and_writes_nothing(
    office: CliRunner, paths: DataPaths
) -> None:
    before = database_digest(paths)
    bad = office(
        "record", "add", "directive", "--json", "-", stdin=json.dumps(directive(number=""))
    )
    assert bad.code != 0
    assert "number" in bad.err
    assert database_digest(paths) == before


def test_demo_registers_are_valid_inputs(store: Store) -> None:
    add_demo_registers(store, count=60, seed=4, office_codes=["01"])
    records = list_records(store)
    assert {r.type for r in records} == {RecordType.DIRECTIVE, RecordType.MODEL}
    for summary in records:
        full = get_record(store, record_id=summary.id)
        validate(INPUT_MODELS[summary.type], input_values(full))


def test_no_minutes_for_a_document_or_a_model(store: Store) -> None:
    from dvdesk.documents.minutes import build_minutes

    for record_type, data in ((RecordType.DIRECTIVE, directive()), (RecordType.MODEL, model())):
        record_id = add_record(store, record_type=record_type, data=data)
        with pytest.raises(ValidationFailed) as refused:
            build_minutes(store, record_id=record_id)
        assert "Biên bản" in str(refused.value)
