"""Leadership documents and models travel in packages and are relayed upward unchanged."""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path

from dvdesk.domain.enums import RecordType
from dvdesk.domain.record_view import ModelView, RecognitionView
from dvdesk.services.approval import approve_records
from dvdesk.services.records import add_record, get_record, list_records, update_record
from dvdesk.sync.export import export_package
from dvdesk.sync.wire import decode_chunk, record_row
from tests import sync_fixtures
from tests.register_fixtures import directive, model
from tests.sync_fixtures import CENTRAL, PASSPHRASE, Exchange, introduce, make_office

exchange_template = sync_fixtures.exchange_template
exchange = sync_fixtures.exchange


def _row(store_path: Path, record_id: str) -> tuple[object, ...]:
    connection = sqlite3.connect(store_path)
    try:
        row = connection.execute(
            "SELECT title_sort, search_text, directive_kind, directive_number, issuer, "
            "issuer_level, model_field, owner, recognitions FROM record WHERE id = ?",
            (record_id,),
        ).fetchone()
    finally:
        connection.close()
    return tuple(row)


def test_commune_to_province_then_relayed_to_central(exchange: Exchange, tmp_path: Path) -> None:
    document = add_record(exchange.child, record_type=RecordType.DIRECTIVE, data=directive())
    other = add_record(
        exchange.child,
        record_type=RecordType.DIRECTIVE,
        data=directive(kind="khac", kind_name="Thông báo", number="05-TB/ĐU"),
    )
    good_model = add_record(exchange.child, record_type=RecordType.MODEL, data=model())
    approve_records(exchange.child, record_ids=[document, other, good_model])
    summary = exchange.import_(exchange.export().path)
    assert (summary.new, summary.refused) == (3, 0)
    for record_id in (document, other, good_model):
        assert get_record(exchange.parent, record_id=record_id) == get_record(
            exchange.child, record_id=record_id
        )
        assert _row(exchange.parent.paths.database, record_id) == _row(
            exchange.child.paths.database, record_id
        )
    assert [r.id for r in list_records(exchange.parent, search="05-tb")] == [other]

    # A later recognition travels as a new revision.
    update_record(
        exchange.child,
        record_id=good_model,
        changes={"recognitions": [{"level": "trung_uong", "date": "2024-01-09"}]},
    )
    approve_records(exchange.child, record_ids=[good_model])
    again = exchange.import_(exchange.export().path)
    assert (again.new, again.updated) == (0, 1)
    received = get_record(exchange.parent, record_id=good_model)
    assert isinstance(received, ModelView)
    assert received.recognitions == (
        RecognitionView(level="trung_uong", date=date(2024, 1, 9), decision=None),
    )

    central = make_office(tmp_path / "central", CENTRAL)
    introduce(exchange.parent, central)
    upward = export_package(exchange.parent, out=exchange.stick, passphrase=PASSPHRASE)
    relayed = exchange.import_(upward.path, store=central)
    assert relayed.new == 3
    for record_id in (document, other, good_model):
        assert get_record(central, record_id=record_id) == get_record(
            exchange.child, record_id=record_id
        )
    central.close()


def test_a_package_without_the_new_columns_still_reads() -> None:
    """Packages written before these record types existed lack their keys."""
    old = {
        "id": "3f2a0c9e-0000-4000-8000-000000000001",
        "type": "inspection",
        "office_code": "10105",
        "title": "Kiểm tra",
        "title_sort": "",
        "start_date": "2024-05-14",
        "end_date": None,
        "place": None,
        "fields": [],
        "legal_basis": None,
        "status": "completed",
        "conclusion": None,
        "decision_number": None,
        "decision_date": None,
        "lead": None,
        "members": [],
        "supervision_kind": None,
        "findings": None,
        "conclusion_number": None,
        "conclusion_date": None,
        "chair": None,
        "chair_post": None,
        "co_chairs": [],
        "attendees": None,
        "attendee_groups": None,
        "search_text": "kiem tra",
        "revision": 1,
        "created_by": "a",
        "created_at": "2024-05-14T00:00:00",
        "updated_by": "a",
        "updated_at": "2024-05-14T00:00:00",
        "deleted": False,
        "subjects": ["UBND xã"],
        "recommendations": [],
        "issues": [],
        "attachments": [],
    }
    (record,) = decode_chunk(json.dumps([old]).encode(), name="records/000001.json")
    row = record_row(record, change_seq=7, recompute=True)
    assert "[]" in row  # recognitions: an empty list
    assert row.count(None) >= 7
