"""Schema changes only through migrations; saved databases of every released schema upgrade."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from dvdesk.db.backup import backup_file
from dvdesk.db.engine import make_engine
from dvdesk.db.migrate import (
    SCHEMA_HEAD,
    current_revision,
    head_revision,
    upgrade_to,
)
from dvdesk.db.schema import metadata
from dvdesk.db.search_index import include_name
from dvdesk.paths import DataPaths
from dvdesk.services.records import get_record, list_records
from dvdesk.services.store import open_store

SAVED = sorted((Path(__file__).parent / "data" / "schemas").glob("*.sqlite3"))


def _rows(database: Path, sql: str) -> list[tuple[object, ...]]:
    connection = sqlite3.connect(database)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


def test_models_match_the_migrations(tmp_path: Path) -> None:
    engine = make_engine(tmp_path / "fresh.sqlite3")
    upgrade_to(engine)
    with engine.connect() as connection:
        differences = compare_metadata(
            MigrationContext.configure(connection, opts={"include_name": include_name}), metadata
        )
    engine.dispose()
    assert differences == []


def test_schema_head_constant_is_alembics_head() -> None:
    assert head_revision() == SCHEMA_HEAD


def test_a_saved_database_exists_for_the_current_schema() -> None:
    assert head_revision() in {path.stem for path in SAVED}


@pytest.mark.parametrize("saved", SAVED, ids=[path.stem for path in SAVED])
def test_saved_database_upgrades_to_head_without_loss(saved: Path, tmp_path: Path) -> None:
    paths = DataPaths(tmp_path / "office")
    paths.root.mkdir()
    shutil.copy(saved, paths.database)
    before = _rows(paths.database, "SELECT id, title, revision, deleted FROM record ORDER BY id")
    parts_before = _rows(paths.database, "SELECT count(*) FROM record_subject")

    store = open_store(paths, actor="test")
    try:
        assert current_revision(paths.database) == head_revision()
        after = list_records(store, include_deleted=True)
        assert sorted((r.id, r.title, r.revision, r.deleted) for r in after) == [
            (str(i), str(t), int(str(v)), bool(d)) for i, t, v, d in before
        ]
        for record in after:
            get_record(store, record_id=record.id)
    finally:
        store.close()
    assert _rows(paths.database, "SELECT count(*) FROM record_subject") == parts_before
    if saved.stem != head_revision():
        assert list(paths.backups.glob("*before-upgrade*")), "no backup was made before upgrading"


def test_backup_is_a_consistent_copy(tmp_path: Path) -> None:
    paths = DataPaths(tmp_path / "office")
    paths.root.mkdir()
    shutil.copy(SAVED[-1], paths.database)
    copy = backup_file(paths.database, paths.backups, reason="test")
    assert _rows(copy, "PRAGMA integrity_check") == [("ok",)]
    assert _rows(copy, "SELECT count(*) FROM record") == _rows(
        paths.database, "SELECT count(*) FROM record"
    )


def test_new_database_uses_wal(tmp_path: Path) -> None:
    store = open_store(DataPaths(tmp_path / "office"), actor="test", create=True)
    store.close()
    assert _rows(tmp_path / "office" / "dvdesk.sqlite3", "PRAGMA journal_mode") == [("wal",)]
