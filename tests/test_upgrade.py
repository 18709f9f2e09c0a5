"""Installing a newer build over an older one: the data folder of every released schema
opens, is upgraded after a backup, and keeps every record, setting and key."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from dvdesk.db.migrate import SCHEMA_HEAD, current_revision
from dvdesk.paths import DataPaths
from dvdesk.services.backup import list_backups
from tests.conftest import CliRunner
from tests.test_backup import table_rows

SAVED = sorted((Path(__file__).parent / "data" / "schemas").glob("*.sqlite3"))
OLDER = [path for path in SAVED if path.stem != SCHEMA_HEAD]


def rows_by_column(database: Path) -> dict[str, list[dict[str, object]]]:
    connection = sqlite3.connect(database)
    connection.row_factory = sqlite3.Row
    try:
        tables = [
            str(row[0])
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
                " AND name != 'alembic_version'"
            )
        ]
        return {
            table: [dict(row) for row in connection.execute(f'SELECT * FROM "{table}"')]
            for table in tables
        }
    finally:
        connection.close()


@pytest.fixture
def old_install(paths: DataPaths, request: pytest.FixtureRequest) -> Path:
    saved: Path = request.param
    paths.ensure()
    shutil.copy(saved, paths.database)
    (paths.keys / "office.key").write_bytes(b"-----BEGIN ENCRYPTED PRIVATE KEY-----\nabc\n")
    (paths.keys / "office.pub").write_bytes(b"ssh-ed25519 AAAA test\n")
    return saved


def test_every_older_schema_is_tested() -> None:
    assert OLDER, "no saved database of an earlier schema"


@pytest.mark.parametrize("old_install", OLDER, ids=[p.stem for p in OLDER], indirect=True)
def test_upgrade_keeps_every_record_and_the_keys(
    old_install: Path, paths: DataPaths, cli: CliRunner
) -> None:
    before = rows_by_column(paths.database)
    exact_before = table_rows(paths.database)
    keys_before = {p.name: p.read_bytes() for p in paths.keys.iterdir()}

    listed = cli("record", "list", "--json", "--deleted")
    assert listed.code == 0, listed.err
    assert current_revision(paths.database) == SCHEMA_HEAD
    assert len(listed.json()) == len(before["record"])

    after = rows_by_column(paths.database)
    for table, rows in before.items():
        # Every old row is still there with every old column's value (new columns may be added).
        kept = [{key: row[key] for key in rows[0]} for row in after[table]] if rows else []
        assert sorted(map(repr, kept)) == sorted(map(repr, rows)), table
    assert {p.name: p.read_bytes() for p in paths.keys.iterdir()} == keys_before

    [backup] = [b for b in list_backups(paths) if b.reason.startswith("before-upgrade-")]
    assert backup.reason == f"before-upgrade-{old_install.stem}"
    assert table_rows(backup.path) == exact_before, "the pre-upgrade backup is not exact"

    again = cli("record", "list")
    assert again.code == 0
    assert len([b for b in list_backups(paths) if b.reason.startswith("before-")]) == 1


PEOPLE = "0005_people"


@pytest.mark.parametrize(
    "old_install",
    [p for p in OLDER if p.stem < PEOPLE],
    ids=[p.stem for p in OLDER if p.stem < PEOPLE],
    indirect=True,
)
def test_upgrade_to_people_approves_old_records_and_seals_the_audit_log(
    old_install: Path, paths: DataPaths, cli: CliRunner
) -> None:
    """Records made before approval existed were already kept as final (or sent): they are
    approved by the migration user; the old audit entries become the start of the chain."""
    before = rows_by_column(paths.database)
    listed = cli("record", "list", "--json", "--deleted")
    assert listed.code == 0, listed.err
    assert len(listed.json()) == len(before["record"]) > 0
    for record in listed.json():
        assert record["approval"]["status"] == "approved"
        assert record["approval"]["approved_by"] == "migration"
    assert cli("user", "list").code == 0  # still a one-person office: no sign-in
    verified = cli("audit", "verify")
    assert verified.code == 0, verified.err
