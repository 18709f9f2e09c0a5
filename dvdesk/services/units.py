"""Org units this office deals with: rows with codes and validity, never code."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import insert
from sqlmodel import col, select

from dvdesk.db.schema import Office, OrgUnit
from dvdesk.services.store import Store


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    level: str
    relation: str


def list_units(store: Store, *, relation: str | None = None) -> list[Unit]:
    query = select(OrgUnit).order_by(col(OrgUnit.relation), col(OrgUnit.code))
    if relation is not None:
        query = query.where(OrgUnit.relation == relation)
    with store.session() as session:
        return [
            Unit(code=u.code, name=u.name, level=u.level, relation=u.relation)
            for u in session.exec(query)
        ]


def add_children(store: Store, *, units: Sequence[tuple[str, str]], level: str) -> None:
    """Register ``(code, name)`` pairs as this office's subordinate units (bulk)."""
    with store.session() as session:
        office = session.get(Office, 1)
        assert office is not None, "office must exist before its children"
        session.execute(
            insert(OrgUnit),
            [
                {
                    "id": str(uuid.uuid4()),
                    "code": code,
                    "code_list_version": office.code_list_version,
                    "name": name,
                    "level": level,
                    "relation": "child",
                    "parent_code": office.code,
                }
                for code, name in units
            ],
        )
