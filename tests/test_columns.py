"""The bulk paths' column lists match the table definitions and the migrated database."""

from __future__ import annotations

import sqlite3

import pytest

from dvdesk.db import columns
from dvdesk.db.schema import Attachment, DialogueIssue, Recommendation, Record, RecordSubject
from dvdesk.db.search_index import TRIGGER_KEPT
from dvdesk.paths import DataPaths
from dvdesk.services.store import Store

LISTS = {
    "record": (Record, columns.RECORD_COLUMNS),
    "record_subject": (RecordSubject, columns.SUBJECT_COLUMNS),
    "recommendation": (Recommendation, columns.RECOMMENDATION_COLUMNS),
    "dialogue_issue": (DialogueIssue, columns.ISSUE_COLUMNS),
    "attachment": (Attachment, columns.ATTACHMENT_COLUMNS),
}


@pytest.mark.parametrize("table", sorted(LISTS))
def test_bulk_columns_are_the_migrated_tables_columns(
    table: str, store: Store, paths: DataPaths
) -> None:
    model, listed = LISTS[table]
    connection = sqlite3.connect(paths.database)
    try:
        info = connection.execute(f"PRAGMA table_info({table})").fetchall()
    finally:
        connection.close()
    # (cid, name, type, notnull, default, pk): an INTEGER primary key is SQLite's row number.
    # Columns kept by triggers are no bulk path's business (nor the models').
    kept = {name for what, name in TRIGGER_KEPT if what == "column"}
    migrated = [
        name
        for _cid, name, kind, _nn, _d, pk in info
        if not (pk and kind == "INTEGER") and name not in kept
    ]
    assert sorted(listed) == sorted(migrated)
    assert len(set(listed)) == len(listed)
    assert [c.name for c in model.__table__.columns if c.name in listed] == list(listed)  # type: ignore[attr-defined]


def test_the_importer_and_the_demo_generator_share_the_lists() -> None:
    from dvdesk.services import demo
    from dvdesk.sync import apply, wire

    for name in ("RECORD_COLUMNS", "ISSUE_COLUMNS", "RECOMMENDATION_COLUMNS"):
        assert vars(demo)[name] is vars(apply)[name] is vars(wire)[name] is vars(columns)[name]
    assert vars(apply)["ATTACHMENT_COLUMNS"] is vars(wire)["ATTACHMENT_COLUMNS"]
    assert "id" not in columns.SUBJECT_COLUMNS  # numbered by SQLite
    assert columns.insert_sql("record_subject", columns.SUBJECT_COLUMNS) == (
        "INSERT INTO record_subject (record_id, position, name) VALUES (?, ?, ?)"
    )
