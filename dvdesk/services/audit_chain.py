"""The audit log as a hash chain: each entry carries the hash of the one before.

A trigger seals every new row (whoever inserts it: the ORM, a bulk insert, an import),
calling :func:`entry_hash` through the SQL function every dvdesk connection registers.
Editing or deleting a row by hand breaks the chain from that row on; `audit verify`
finds it, and the head sealed into each package lets the parent see a rewrite.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dvdesk.services.store import Store

# The SQL function and triggers; the migration installs them with these exact names.
SQL_FUNCTION = "dvdesk_audit_hash"
GENESIS = "0" * 64
SEAL_TRIGGER = (
    "CREATE TRIGGER trg_audit_log_seal AFTER INSERT ON audit_log BEGIN "
    "UPDATE audit_log SET prev_hash = coalesce("
    "(SELECT hash FROM audit_log WHERE id < NEW.id ORDER BY id DESC LIMIT 1), "
    f"'{GENESIS}'), "
    f"hash = {SQL_FUNCTION}(coalesce("
    "(SELECT hash FROM audit_log WHERE id < NEW.id ORDER BY id DESC LIMIT 1), "
    f"'{GENESIS}'), NEW.at, NEW.actor, NEW.action, NEW.entity, NEW.entity_id, "
    "NEW.revision, NEW.changes) WHERE id = NEW.id; END"
)
# Sealing is the only update allowed: an entry that has its hash never changes.
NO_UPDATE_TRIGGER = (
    "CREATE TRIGGER trg_audit_log_no_update BEFORE UPDATE ON audit_log "
    "WHEN OLD.hash IS NOT NULL BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END"
)


def entry_hash(  # noqa: PLR0917 - called by SQLite with the row's columns in order
    prev: str,
    at: str,
    actor: str,
    action: str,
    entity: str,
    entity_id: str | None,
    revision: int | None,
    changes: str,
) -> str:
    """SHA-256 over the previous hash and the entry's columns as stored (JSON text as is)."""
    canonical = json.dumps(
        [prev, at, actor, action, entity, entity_id, revision, changes],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def register(connection: sqlite3.Connection) -> None:
    connection.create_function(SQL_FUNCTION, 8, entry_hash, deterministic=True)


# Every column the hash covers, in the order entry_hash takes them, after the id.
ENTRY_ROWS = (
    "SELECT id, at, actor, action, entity, entity_id, revision, changes FROM audit_log ORDER BY id"
)
RESEAL = "UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?"


def sealed_chain(rows: Sequence[Sequence[Any]]) -> list[tuple[str, str, int]]:
    """``(prev_hash, hash, id)`` for ``rows`` of ENTRY_ROWS, chained from the start: the
    upgrade seals entries written before the chain existed with it."""
    previous = GENESIS
    sealed = []
    for entry_id, *columns in rows:
        current = entry_hash(previous, *columns)
        sealed.append((previous, current, int(entry_id)))
        previous = current
    return sealed


@dataclass(frozen=True)
class ChainHead:
    """How long the chain is and the hash of its last entry (sealed into packages)."""

    count: int
    head: str


@dataclass(frozen=True)
class ChainCheck:
    """The result of walking the chain: intact, or the first entry that does not fit."""

    head: ChainHead
    broken_at: int | None  # the audit entry id where the chain breaks
    checkpoints: dict[int, str]  # hash after each requested count, as recomputed

    @property
    def intact(self) -> bool:
        return self.broken_at is None


_ROWS = (
    "SELECT id, prev_hash, hash, at, actor, action, entity, entity_id, revision, changes "
    "FROM audit_log ORDER BY id"
)


def check_chain(
    connection: sqlite3.Connection, *, at_counts: frozenset[int] = frozenset()
) -> ChainCheck:
    """Recompute every hash in order. The head is the recomputed one, so a package sealed
    after a hand edit carries a head the parent has never seen."""
    previous = GENESIS
    broken: int | None = None
    checkpoints: dict[int, str] = {}
    count = 0
    for row in connection.execute(_ROWS):
        entry_id, prev_hash, stored, *columns = row
        expected = entry_hash(previous, *columns)
        if broken is None and (prev_hash != previous or stored != expected):
            broken = int(entry_id)
        previous = expected
        count += 1
        if count in at_counts:
            checkpoints[count] = previous
    return ChainCheck(
        head=ChainHead(count=count, head=previous), broken_at=broken, checkpoints=checkpoints
    )


# ---------------------------------------------------------------- reading, for the front-ends


def verify_chain(store: Store) -> ChainCheck:
    with store.raw() as connection:
        return check_chain(connection)


@dataclass(frozen=True)
class AuditLine:
    id: int
    at: str
    actor: str
    action: str
    entity: str
    entity_id: str | None
    revision: int | None
    changes: str

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "at": self.at,
            "actor": self.actor,
            "action": self.action,
            "entity": self.entity,
            "entity_id": self.entity_id,
            "revision": self.revision,
            "changes": json.loads(self.changes),
        }


def audit_lines(
    store: Store, *, record_id: str | None = None, limit: int = 1000
) -> list[AuditLine]:
    """Who did what, newest first (for one record when ``record_id`` is given)."""
    sql = "SELECT id, at, actor, action, entity, entity_id, revision, changes FROM audit_log"
    params: list[object] = []
    if record_id is not None:
        sql += " WHERE entity_id = ?"
        params.append(record_id)
    sql += " ORDER BY id DESC LIMIT ?"
    params.append(max(1, min(limit, 100_000)))
    with store.raw() as connection:
        return [AuditLine(*row) for row in connection.execute(sql, params)]
