"""Aggregate counts: the figures a report uses, entered as numbers for a unit and period.

Figure keys are dotted names (``directive.nghi_quyet``, ``inspection.subjects``,
``model.recognised.kinh_te``); :data:`FIGURES` lists every key in report order.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import Field, StrictBool, StrictInt, ValidationInfo, field_validator

from dvdesk.domain.enums import DirectiveKind, ModelField
from dvdesk.domain.fields import IsoDate, OptionalText, check_end_not_before_start, custom_error
from dvdesk.domain.inputs import StrictInput
from dvdesk.i18n import N_, _

SESSION_FIGURES = (
    "inspection.sessions",
    "inspection.subjects",
    "supervision.sessions",
    "supervision.subjects",
    "dialogue.sessions",
    "dialogue.attendees",
)
DIRECTIVE_FIGURES = tuple(f"directive.{kind.value}" for kind in DirectiveKind)
MODEL_REGISTERED = tuple(f"model.registered.{field.value}" for field in ModelField)
MODEL_RECOGNISED = tuple(f"model.recognised.{field.value}" for field in ModelField)
FIGURES: tuple[str, ...] = DIRECTIVE_FIGURES + SESSION_FIGURES + MODEL_REGISTERED + MODEL_RECOGNISED

_SESSION_LABELS = {
    "inspection.sessions": N_("inspections"),
    "inspection.subjects": N_("organisations inspected"),
    "supervision.sessions": N_("supervisions"),
    "supervision.subjects": N_("organisations supervised"),
    "dialogue.sessions": N_("dialogue sessions"),
    "dialogue.attendees": N_("citizens attending dialogues"),
}


def figure_label(figure: str) -> str:
    """What a figure counts, in the user's language."""
    if figure in _SESSION_LABELS:
        return _(_SESSION_LABELS[figure])
    group, _dot, value = figure.partition(".")
    if group == "directive":
        return DirectiveKind(value).label
    stage, _dot, field = value.partition(".")
    template = _("models registered: {field}") if stage == "registered" else None
    template = template or _("models recognised: {field}")
    return template.format(field=ModelField(field).label)


Code = Annotated[str, Field(min_length=1, max_length=20, pattern=r"^[0-9A-Za-z_-]+$")]
Value = Annotated[StrictInt, Field(ge=0, le=100_000_000)]


class CountInput(StrictInput):
    """Counts for one unit and period, one value per figure."""

    unit_code: Code
    period_start: IsoDate
    period_end: IsoDate
    figures: Annotated[dict[str, Value], Field(min_length=1, max_length=len(FIGURES))]
    # The unit reports only figures for this period: its items dated inside are replaced.
    figures_only: StrictBool = False
    note: OptionalText = None

    @field_validator("period_end")
    @classmethod
    def _end_not_before_start(cls, end: date, info: ValidationInfo) -> date:
        check_end_not_before_start(end, info.data.get("period_start"))
        return end

    @field_validator("figures")
    @classmethod
    def _known_figures(cls, figures: dict[str, int]) -> dict[str, int]:
        unknown = sorted(set(figures) - set(FIGURES))
        if unknown:
            raise custom_error(
                "figure",
                N_("unknown figure {names}; see 'dvdesk count figures' for the list"),
                names=", ".join(unknown),
            )
        return figures
