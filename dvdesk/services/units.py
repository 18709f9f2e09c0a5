"""Org units this office deals with: rows with codes and validity, never code."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from dvdesk.errors import NotFound
from dvdesk.i18n import _
from dvdesk.services.store import Store


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    level: str
    relation: str


def list_units(store: Store, *, relation: str | None = None) -> list[Unit]:
    sql = "SELECT code, name, level, relation FROM org_unit"
    params: tuple[str, ...] = ()
    if relation is not None:
        sql += " WHERE relation = ?"
        params = (relation,)
    with store.raw() as connection:
        rows = connection.execute(sql + " ORDER BY relation, code", params).fetchall()
    return [Unit(code=r[0], name=r[1], level=r[2], relation=r[3]) for r in rows]


def add_children(store: Store, *, units: Sequence[tuple[str, str]], level: str) -> None:
    """Register ``(code, name)`` pairs as this office's subordinate units (bulk)."""
    import uuid  # noqa: PLC0415 - only to add units; listing them (at start-up) skips it

    with store.raw() as connection:
        office = connection.execute(
            "SELECT code, code_list_version FROM office WHERE id = 1"
        ).fetchone()
        if office is None:
            raise NotFound(_("No office is set up yet. Run 'dvdesk init' first."))
        connection.execute("BEGIN IMMEDIATE")
        connection.executemany(
            "INSERT INTO org_unit (id, code, code_list_version, name, level, relation, "
            "parent_code) VALUES (?, ?, ?, ?, ?, 'child', ?)",
            [(str(uuid.uuid4()), code, office[1], name, level, office[0]) for code, name in units],
        )
        connection.execute("COMMIT")
