"""The audit log as a hash chain: every writer's entries are sealed; hand edits are found."""

from __future__ import annotations

import sqlite3

import pytest

from dvdesk.domain.enums import RecordType
from dvdesk.services.audit_chain import GENESIS, verify_chain
from dvdesk.services.demo import add_demo_records
from dvdesk.services.records import add_record, update_record
from dvdesk.services.settings import set_setting
from dvdesk.services.store import Store
from tests.conftest import CliRunner, inspection


def _plain(store: Store) -> sqlite3.Connection:
    """What someone with a database tool has: no dvdesk functions registered."""
    return sqlite3.connect(store.paths.database, isolation_level=None)


def _fill(store: Store) -> str:
    record_id = add_record(store, record_type=RecordType.INSPECTION, data=inspection())
    update_record(store, record_id=record_id, changes={"place": "Nhà văn hóa thôn Giang Cao"})
    set_setting(store, key="document.margins", value=[20, 15, 20, 30])
    # A bulk insert, not through the ORM.
    add_demo_records(store, count=5, seed=3, office_codes=["10105"])
    return record_id


def test_every_writer_extends_the_chain(store: Store) -> None:
    _fill(store)
    result = verify_chain(store)
    assert result.intact and result.head.count >= 5
    with store.raw() as connection:
        rows = connection.execute("SELECT prev_hash, hash FROM audit_log ORDER BY id").fetchall()
    assert rows[0][0] == GENESIS
    assert all(later[0] == earlier[1] for earlier, later in zip(rows, rows[1:], strict=False))
    assert all(row[1] for row in rows)


def test_an_outside_tool_cannot_add_entries(store: Store) -> None:
    _fill(store)
    with _plain(store) as connection, pytest.raises(sqlite3.OperationalError):
        connection.execute(
            "INSERT INTO audit_log (at, actor, action, entity, changes) "
            "VALUES ('2026-01-01', 'x', 'create', 'record', '{}')"
        )


@pytest.mark.parametrize(
    "tamper",
    [
        "UPDATE audit_log SET actor = 'nguoikhac' WHERE id = 2",
        "UPDATE audit_log SET changes = '{}' WHERE id = 2",
        "DELETE FROM audit_log WHERE id = 2",
    ],
    ids=["actor", "changes", "delete"],
)
def test_editing_the_audit_table_by_hand_is_detected(
    store: Store, cli: CliRunner, tamper: str
) -> None:
    _fill(store)
    assert cli("audit", "verify").code == 0
    connection = _plain(store)
    try:
        connection.execute("DROP TRIGGER trg_audit_log_no_update")
        connection.execute("DROP TRIGGER trg_audit_log_no_delete")
        connection.execute(tamper)
    finally:
        connection.close()
    result = verify_chain(store)
    assert not result.intact
    refused = cli("audit", "verify")
    assert refused.code == 4
    assert "bị sửa" in refused.err


def test_audit_list_shows_who_did_what_to_a_record(store: Store, cli: CliRunner) -> None:
    record_id = _fill(store)
    listed = cli("audit", "list", "--record", record_id, "--json")
    assert listed.code == 0, listed.err
    assert [(e["action"], e["actor"]) for e in listed.json()] == [
        ("update", "chuyenvien"),
        ("create", "chuyenvien"),
    ]
    assert listed.json()[0]["changes"]["place"]["to"] == "Nhà văn hóa thôn Giang Cao"
