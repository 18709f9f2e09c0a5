"""The audit log as a hash chain: every writer's entries are sealed; hand edits are found."""

from __future__ import annotations

import itertools
import sqlite3

import pytest

from dvdesk.domain.enums import RecordType
from dvdesk.services.audit_chain import (
    ENTRY_ROWS,
    GENESIS,
    RESEAL,
    sealed_chain,
    verify_chain,
)
from dvdesk.services.demo import add_demo_records
from dvdesk.services.records import add_record, update_record
from dvdesk.services.settings import set_setting
from dvdesk.services.store import Store
from dvdesk.sync.history import history_findings
from tests import sync_fixtures
from tests.conftest import CliRunner
from tests.samples import inspection
from tests.sync_fixtures import Exchange


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
    assert all(later[0] == earlier[1] for earlier, later in itertools.pairwise(rows))
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
    _tamper(store, tamper)
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


# ---------------------------------------------------------------- the parent's check

exchange_template = sync_fixtures.exchange_template
exchange = sync_fixtures.exchange


def _rehash(store: Store) -> None:
    """A careful forger: after editing, recompute every hash so the local chain verifies."""
    connection = _plain(store)
    try:
        rows = connection.execute(ENTRY_ROWS).fetchall()
        connection.executemany(RESEAL, sealed_chain(rows))
    finally:
        connection.close()


def _tamper(store: Store, sql: str) -> None:
    connection = _plain(store)
    try:
        connection.execute("DROP TRIGGER IF EXISTS trg_audit_log_no_update")
        connection.execute("DROP TRIGGER IF EXISTS trg_audit_log_no_delete")
        connection.execute(sql)
    finally:
        connection.close()


def _second_package_finding(exchange: Exchange) -> list[str]:
    exchange.add(title="Kiểm tra thứ hai")
    exchange.import_(exchange.export().path)
    return [f.message for f in history_findings(exchange.parent, origin="10105")]


def _first_package(exchange: Exchange) -> None:
    exchange.add()
    exchange.import_(exchange.export().path)
    assert history_findings(exchange.parent) == []


def test_an_honest_history_continues_without_findings(exchange: Exchange) -> None:
    _first_package(exchange)
    assert _second_package_finding(exchange) == []
    assert _second_package_finding(exchange) == []


def test_the_parent_sees_a_hand_edit_on_the_next_package(exchange: Exchange) -> None:
    _first_package(exchange)
    _tamper(exchange.child, "UPDATE audit_log SET actor = 'nguoikhac' WHERE id = 2")
    [message] = _second_package_finding(exchange)
    assert "bị sửa bằng tay" in message


def test_the_parent_sees_a_rewritten_history_that_verifies_locally(exchange: Exchange) -> None:
    _first_package(exchange)
    _tamper(exchange.child, "UPDATE audit_log SET actor = 'nguoikhac' WHERE id = 2")
    _rehash(exchange.child)
    assert verify_chain(exchange.child).intact  # the forger fooled the local check …
    [message] = _second_package_finding(exchange)
    assert "viết lại" in message  # … not the parent


def test_the_parent_sees_a_shortened_history(exchange: Exchange) -> None:
    _first_package(exchange)
    _tamper(exchange.child, "DELETE FROM audit_log WHERE id > 3")
    _rehash(exchange.child)
    exchange.add(title="Kiểm tra thứ hai")  # fewer entries than the parent saw last time
    _tamper(exchange.child, "DELETE FROM audit_log WHERE id > 3")
    _rehash(exchange.child)
    [message] = [m for m in _second_package_finding(exchange) if "ngắn hơn" in m or "viết lại" in m]
    assert message
