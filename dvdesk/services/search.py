"""Diacritic- and case-insensitive search over records.

Each record keeps a folded copy of its searchable text (``search_text``);
a query is folded the same way and every word of it must occur.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import col

from dvdesk.db.schema import Record
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


def _escape_like(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def matches(query: str) -> list[Any]:
    """SQL conditions: every folded word of ``query`` occurs in the record's search text."""
    return [
        col(Record.search_text).like(f"%{_escape_like(word)}%", escape="\\")
        for word in fold(query).split()
    ]
