"""Document settings kept in the office database: margins, template, numbering, signer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Annotated, Any

from pydantic import Field

from dvdesk.domain.fields import IsoDate, OptionalText
from dvdesk.domain.inputs import StrictInput
from dvdesk.domain.validation import validate
from dvdesk.services.settings import get_setting, set_setting
from dvdesk.services.store import Store

KEY = "documents"


class Template(StrEnum):
    PARTY = "party"  # Hướng dẫn 36-HD/VPTW
    STATE = "state"  # Nghị định 30/2020/NĐ-CP


class NumberingRule(StrEnum):
    TERM = "term"  # restart at 01 each committee term (Party rule)
    YEAR = "year"  # restart at 01 each calendar year


Millimetres = Annotated[float, Field(ge=5, le=60)]


class DocumentSettingsInput(StrictInput):
    margin_top: Millimetres = 20
    margin_bottom: Millimetres = 20
    margin_left: Millimetres = 30
    margin_right: Millimetres = 15
    template: Template = Template.PARTY
    numbering: NumberingRule = NumberingRule.TERM
    # First days of committee terms, oldest first; the last one is the current term.
    term_starts: list[IsoDate] = Field(
        default_factory=lambda: [date(2020, 10, 1), date(2025, 7, 1)], max_length=100
    )
    # Who signs reports: "K/T TRƯỞNG BAN" over "PHÓ TRƯỞNG BAN", or just "TRƯỞNG BAN".
    signer_capacity: OptionalText = None
    signer_post: OptionalText = "TRƯỞNG BAN"
    signer_name: OptionalText = None


@dataclass(frozen=True)
class DocumentSettings:
    margin_top: float
    margin_bottom: float
    margin_left: float
    margin_right: float
    template: Template
    numbering: NumberingRule
    term_starts: tuple[date, ...]
    signer_capacity: str | None
    signer_post: str | None
    signer_name: str | None

    def term_start(self, on: date) -> date | None:
        """The start of the term ``on`` falls in (None before the first known term)."""
        chosen = None
        for start in sorted(self.term_starts):
            if start <= on:
                chosen = start
        return chosen


def _from_input(model: DocumentSettingsInput) -> DocumentSettings:
    return DocumentSettings(
        margin_top=model.margin_top,
        margin_bottom=model.margin_bottom,
        margin_left=model.margin_left,
        margin_right=model.margin_right,
        template=model.template,
        numbering=model.numbering,
        term_starts=tuple(sorted(model.term_starts)),
        signer_capacity=model.signer_capacity,
        signer_post=model.signer_post,
        signer_name=model.signer_name,
    )


def get_document_settings(store: Store) -> DocumentSettings:
    stored = get_setting(store, key=KEY, default={})
    return _from_input(validate(DocumentSettingsInput, stored if isinstance(stored, dict) else {}))


def set_document_settings(store: Store, *, changes: dict[str, Any]) -> DocumentSettings:
    """Validate and store ``changes`` over the current settings; returns the result."""
    stored = get_setting(store, key=KEY, default={})
    merged = {**(stored if isinstance(stored, dict) else {}), **changes}
    model = validate(DocumentSettingsInput, merged)
    set_setting(store, key=KEY, value=model.model_dump(mode="json"))
    return _from_input(model)
