"""Document settings kept in the office database: margins, template, numbering, signer."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from typing import Annotated, Any

from pydantic import Field

from dvdesk.clock import today
from dvdesk.domain.fields import IsoDate, OptionalText
from dvdesk.domain.inputs import StrictInput
from dvdesk.domain.validation import failed, validate
from dvdesk.i18n import _
from dvdesk.services.register_store import has_entries, latest_date
from dvdesk.services.settings import get_setting, set_setting
from dvdesk.services.store import Store

KEY = "documents"


class Template(StrEnum):
    PARTY = "party"  # Hướng dẫn 36-HD/VPTW
    STATE = "state"  # Nghị định 30/2020/NĐ-CP


class NumberingRule(StrEnum):
    TERM = "term"  # restart at 01 each committee term (Party rule)
    YEAR = "year"  # restart at 01 each calendar year


class RuleChange(StrictInput):
    """From ``since`` on, documents are numbered by ``rule``."""

    rule: NumberingRule
    since: IsoDate


Millimetres = Annotated[float, Field(ge=5, le=60)]


class DocumentSettingsInput(StrictInput):
    margin_top: Millimetres = 20
    margin_bottom: Millimetres = 20
    margin_left: Millimetres = 30
    margin_right: Millimetres = 15
    template: Template = Template.PARTY
    numbering: NumberingRule = NumberingRule.TERM
    # Dated rule changes (kept so every past document stays in its series); empty: always
    # ``numbering``. A change made once numbers were issued starts with the next year/term.
    numbering_changes: list[RuleChange] = Field(default_factory=list, max_length=100)
    # First days of committee terms, oldest first; the last one is the current term.
    term_starts: list[IsoDate] = Field(
        default_factory=lambda: [date(2020, 10, 1), date(2025, 7, 1)], max_length=100
    )
    # Who signs reports: "K/T TRƯỞNG BAN" over "PHÓ TRƯỞNG BAN", or just "TRƯỞNG BAN".
    signer_capacity: OptionalText = None
    signer_post: OptionalText = "TRƯỞNG BAN"
    signer_name: OptionalText = None
    # State template: who keeps copies after "Lưu: VT, …" (the drafting unit, e.g. "TH").
    archive_units: OptionalText = None


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
    archive_units: str | None = None
    numbering_changes: tuple[tuple[NumberingRule, date], ...] = ()

    def term_start(self, on: date) -> date | None:
        """The start of the term ``on`` falls in (None before the first known term)."""
        chosen = None
        for start in sorted(self.term_starts):
            if start <= on:
                chosen = start
        return chosen

    def rule_on(self, on: date) -> tuple[NumberingRule, date | None]:
        """The numbering rule in force on ``on`` and the day it took effect (None: always)."""
        chosen: tuple[NumberingRule, date | None] = (self.numbering, None)
        if self.numbering_changes:
            chosen = (self.numbering_changes[0][0], None)
        for rule, since in self.numbering_changes[1:]:
            if since <= on:
                chosen = (rule, since)
        return chosen


@dataclass(frozen=True)
class SignerChoice:
    """Who signs one report, typed over the office's default signer (None: that line left out)."""

    capacity: str | None
    post: str | None
    name: str | None

    def over(self, settings: DocumentSettings) -> DocumentSettings:
        """``settings`` with this signer; blank text counts as not given."""
        return replace(
            settings,
            signer_capacity=_clean(self.capacity),
            signer_post=_clean(self.post),
            signer_name=_clean(self.name),
        )


def _clean(value: str | None) -> str | None:
    return " ".join(value.split()) or None if value is not None else None


def _from_input(model: DocumentSettingsInput) -> DocumentSettings:
    return DocumentSettings(
        margin_top=model.margin_top,
        margin_bottom=model.margin_bottom,
        margin_left=model.margin_left,
        margin_right=model.margin_right,
        template=model.template,
        numbering=model.numbering,
        term_starts=tuple(sorted(model.term_starts)),
        numbering_changes=tuple(
            (change.rule, change.since) for change in sorted(model.numbering_changes, key=_since)
        ),
        signer_capacity=model.signer_capacity,
        signer_post=model.signer_post,
        signer_name=model.signer_name,
        archive_units=model.archive_units,
    )


def get_document_settings(store: Store) -> DocumentSettings:
    stored = get_setting(store, key=KEY, default={})
    return _from_input(validate(DocumentSettingsInput, stored if isinstance(stored, dict) else {}))


def _since(change: RuleChange) -> date:
    return change.since


def _next_boundary(rule: NumberingRule, terms: list[date], after: date) -> date:
    """The first day of the next year, or of the next known term when numbering by term."""
    boundary = date(after.year + 1, 1, 1)
    if rule is NumberingRule.TERM:
        upcoming = [start for start in terms if start > after]
        if upcoming:
            boundary = min(*upcoming, boundary)
    return boundary


def _dated_rule_change(store: Store, current: DocumentSettingsInput, wanted: NumberingRule) -> Any:
    """The rule history after switching to ``wanted``.

    With nothing issued yet the rule applies at once. Otherwise it takes effect
    from the next year (or term), so no series is cut in two and no number is
    given twice in one year or term.
    """
    if not has_entries(store):
        return []
    floor = max(today(), latest_date(store) or today())
    since = _next_boundary(wanted, list(current.term_starts), floor)
    history = [change.model_dump(mode="json") for change in current.numbering_changes]
    if not history:
        history = [{"rule": current.numbering.value, "since": "2000-01-01"}]
    # A change not yet in force is replaced by the new one.
    history = [item for item in history[:1]] + [
        item for item in history[1:] if date.fromisoformat(item["since"]) <= floor
    ]
    history.append({"rule": wanted.value, "since": since.isoformat()})
    return history


def _check_term_starts(store: Store, old: list[date], new: list[date]) -> None:
    """Terms that documents were already numbered in stay as they are.

    A new term may not begin on or before the last issued document (it would split a
    series), and a term start on or before it may not be removed (later numbers would
    continue the wrong series).
    """
    last = latest_date(store)
    if last is None:
        return
    added = [start for start in sorted(set(new) - set(old)) if start <= last]
    removed = [start for start in sorted(set(old) - set(new)) if start <= last]
    if added:
        raise failed(
            [
                (
                    "term_starts",
                    _(
                        "a term starting {start} would renumber documents already issued "
                        "(the last is dated {last}); give a start after {last}"
                    ).format(start=added[0].strftime("%d/%m/%Y"), last=last.strftime("%d/%m/%Y")),
                )
            ]
        )
    if removed:
        raise failed(
            [
                (
                    "term_starts",
                    _(
                        "documents up to {last} were numbered with the term starting {start}; "
                        "keep that date and add the new term's start after it"
                    ).format(start=removed[0].strftime("%d/%m/%Y"), last=last.strftime("%d/%m/%Y")),
                )
            ]
        )


def check_document_settings(store: Store, *, changes: Mapping[str, object]) -> dict[str, object]:
    """The settings ``changes`` would store, checked; raises and writes nothing if refused."""
    stored = get_setting(store, key=KEY, default={})
    current = validate(DocumentSettingsInput, stored if isinstance(stored, dict) else {})
    merged = {**(stored if isinstance(stored, dict) else {}), **changes}
    model = validate(DocumentSettingsInput, merged)
    if model.numbering is not current.numbering and "numbering_changes" not in changes:
        merged["numbering_changes"] = _dated_rule_change(store, current, model.numbering)
        model = validate(DocumentSettingsInput, merged)
    _check_term_starts(store, list(current.term_starts), list(model.term_starts))
    checked: dict[str, object] = model.model_dump(mode="json")
    return checked


def set_document_settings(store: Store, *, changes: Mapping[str, object]) -> DocumentSettings:
    """Validate and store ``changes`` over the current settings; returns the result."""
    checked = check_document_settings(store, changes=changes)
    set_setting(store, key=KEY, value=checked)
    return _from_input(validate(DocumentSettingsInput, checked))
