"""Diacritic- and case-insensitive search over records, through the trigram index.

Each record keeps a folded copy of its searchable text (``search_text``), indexed by
the FTS5 table ``record_search``; a query is folded the same way. The matching rules
are those of :func:`dvdesk.db.search_index.search_condition`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from dvdesk.db.search_index import search_condition
from dvdesk.domain.inputs import (
    DialogueInput,
    DirectiveInput,
    ModelInput,
    RecordInput,
    SessionInput,
)
from dvdesk.text import fold


def search_text(model: RecordInput) -> str:
    parts: list[str | None] = [model.title, model.place, model.legal_basis, *model.fields]
    if isinstance(model, SessionInput):
        parts += [model.lead, model.decision_number, *model.subjects, *model.members]
    if isinstance(model, DialogueInput):
        parts += [model.chair, *model.co_chairs]
    if isinstance(model, DirectiveInput):
        parts += [model.number, model.issuer, model.kind_name]
    if isinstance(model, ModelInput):
        parts += [model.owner]
    return fold(" | ".join(part for part in parts if part))


def matches(query: str) -> list[Any]:
    """The same condition for SQLAlchemy queries on :class:`Record`."""
    condition = search_condition(query)
    if condition is None:
        return []
    names = [f"search_{number}" for number in range(len(condition.params))]
    sql = condition.sql
    for name in names:
        sql = sql.replace("?", f":{name}", 1)
    return [text(sql).bindparams(**dict(zip(names, condition.params, strict=True)))]
