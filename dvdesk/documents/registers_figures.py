"""Figures of leadership documents and "Dân vận khéo" models, and aggregate counts.

Hooked into :mod:`dvdesk.documents.figures`: :func:`with_registers` adds the register
figures to every office's :class:`Figures` and merges the aggregate counts into all
figures, by the rule of :mod:`dvdesk.services.counts`:

- a count is used when its period lies inside the report period;
- a ``figures_only`` count replaces the unit's items of that figure dated inside the
  count's period (they are subtracted, then the count is added);
- any other count is added to the items (it stands for what has no items: the years
  before dvdesk, work never typed in).

Models count as registered by their registration date (``start_date``) and as
recognised when a recognition is dated inside the period (each model once).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import Connection, text

from dvdesk.domain.counts import FIGURES
from dvdesk.domain.enums import DirectiveKind, ModelField
from dvdesk.services.store import Store

if TYPE_CHECKING:
    from dvdesk.documents.figures import Figures, Scope
    from dvdesk.documents.periods import Period


@dataclass(frozen=True)
class RegisterFigures:
    """Documents issued by kind, models registered and recognised by field."""

    nghi_quyet: int = 0
    chi_thi: int = 0
    ket_luan: int = 0
    quy_dinh: int = 0
    quyet_dinh: int = 0
    chuong_trinh_hanh_dong: int = 0
    ke_hoach: int = 0
    huong_dan: int = 0
    cong_van: int = 0
    khac: int = 0
    registered_kinh_te: int = 0
    registered_van_hoa_xa_hoi: int = 0
    registered_quoc_phong_an_ninh: int = 0
    registered_xay_dung_he_thong_chinh_tri: int = 0
    recognised_kinh_te: int = 0
    recognised_van_hoa_xa_hoi: int = 0
    recognised_quoc_phong_an_ninh: int = 0
    recognised_xay_dung_he_thong_chinh_tri: int = 0

    def documents(self) -> dict[DirectiveKind, int]:
        return {kind: getattr(self, kind.value) for kind in DirectiveKind}

    def registered(self) -> dict[ModelField, int]:
        return {field: getattr(self, f"registered_{field.value}") for field in ModelField}

    def recognised(self) -> dict[ModelField, int]:
        return {field: getattr(self, f"recognised_{field.value}") for field in ModelField}

    def as_json(self) -> dict[str, object]:
        return {
            "documents": {kind.value: n for kind, n in self.documents().items()},
            "models_registered": {field.value: n for field, n in self.registered().items()},
            "models_recognised": {field.value: n for field, n in self.recognised().items()},
        }


def _attribute(figure: str) -> str:
    """``directive.ke_hoach`` -> ``ke_hoach``; ``model.registered.kinh_te`` -> its field."""
    group, _dot, rest = figure.partition(".")
    if group == "directive":
        return rest
    return rest.replace(".", "_")


REGISTER_FIGURES = tuple(f for f in FIGURES if f.startswith(("directive.", "model.")))
_SESSION_ATTRIBUTES = {
    "inspection.sessions": ("inspection", "sessions"),
    "inspection.subjects": ("inspection", "subjects"),
    "supervision.sessions": ("supervision", "sessions"),
    "supervision.subjects": ("supervision", "subjects"),
    "dialogue.sessions": ("dialogue", "sessions"),
    "dialogue.attendees": ("dialogue", "attendees"),
}

_RECORDS = """
SELECT office_code, type, directive_kind, model_field, count(*), coalesce(sum(attendees), 0)
FROM record
WHERE deleted = 0 AND start_date BETWEEN :start AND :end AND type IN ({types}) {own}
GROUP BY office_code, type, directive_kind, model_field
"""
_SUBJECTS = """
SELECT r.office_code, r.type, count(*)
FROM record AS r JOIN record_subject AS s ON s.record_id = r.id
WHERE r.deleted = 0 AND r.start_date BETWEEN :start AND :end
  AND r.type IN ('inspection', 'supervision') {own}
GROUP BY r.office_code, r.type
"""
# Each model once, however many of its recognitions fall in the window.
_RECOGNISED = """
SELECT r.office_code, r.model_field, count(DISTINCT r.id)
FROM record AS r, json_each(r.recognitions) AS j
WHERE r.type = 'model' AND r.deleted = 0
  AND json_extract(j.value, '$.date') BETWEEN :start AND :end {own}
GROUP BY r.office_code, r.model_field
"""

Values = dict[str, Counter[str]]  # office code -> figure -> value


def item_values(
    connection: Connection,
    *,
    start: date,
    end: date,
    office: str | None,
    sessions: bool,
) -> Values:
    """Figures counted from items in ``start..end`` (one office, or all if None).

    ``sessions`` adds the inspection, supervision and dialogue figures (needed only
    where a figures-only count replaces them: the report computes them already).
    """
    types = "'directive', 'model'" + (", 'inspection', 'supervision', 'dialogue'" * sessions)
    own = "AND office_code = :office" if office else ""
    own_r = "AND r.office_code = :office" if office else ""
    window = {"start": start.isoformat(), "end": end.isoformat(), "office": office}
    values: Values = defaultdict(Counter)
    rows = connection.execute(text(_RECORDS.format(types=types, own=own)), window)
    for code, kind, directive_kind, model_field, count, attendees in rows:
        if kind == "directive" and directive_kind:
            values[code][f"directive.{directive_kind}"] += count
        elif kind == "model" and model_field:
            values[code][f"model.registered.{model_field}"] += count
        elif kind in ("inspection", "supervision", "dialogue"):
            values[code][f"{kind}.sessions"] += count
            if kind == "dialogue":
                values[code]["dialogue.attendees"] += int(attendees)
    if sessions:
        for code, kind, count in connection.execute(text(_SUBJECTS.format(own=own_r)), window):
            values[code][f"{kind}.subjects"] += count
    for code, field, count in connection.execute(text(_RECOGNISED.format(own=own_r)), window):
        if field:
            values[code][f"model.recognised.{field}"] += count
    return values


_COUNTS = """
SELECT unit_code, figure, value, figures_only, period_start, period_end
FROM aggregate_count
WHERE deleted = 0 AND period_start >= :start AND period_end <= :end {own}
"""


@dataclass(frozen=True)
class Combined:
    """Register figures from items and counts, session-figure changes from counts."""

    values: Values
    counted: frozenset[str]  # figures a count contributed to


def combine(connection: Connection, *, start: date, end: date, office: str | None) -> Combined:
    values = item_values(connection, start=start, end=end, office=office, sessions=False)
    # Session figures start at zero here: they hold only what the counts change.
    own = "AND unit_code = :office" if office else ""
    rows = connection.execute(
        text(_COUNTS.format(own=own)),
        {"start": start.isoformat(), "end": end.isoformat(), "office": office},
    ).all()
    windows: dict[tuple[str, str, str], Values] = {}
    counted: set[str] = set()
    for unit, figure, value, figures_only, count_start, count_end in rows:
        if figures_only:
            key = (unit, str(count_start), str(count_end))
            if key not in windows:
                windows[key] = item_values(
                    connection,
                    start=date.fromisoformat(str(count_start)),
                    end=date.fromisoformat(str(count_end)),
                    office=unit,
                    sessions=True,
                )
            values[unit][figure] -= windows[key][unit][figure]
        values[unit][figure] += int(value)
        counted.add(figure)
    return Combined(values=values, counted=frozenset(counted))


def _with_values(figures: Figures, values: Mapping[str, int]) -> Figures:
    registers = RegisterFigures(**{_attribute(f): values.get(f, 0) for f in REGISTER_FIGURES})
    changed = replace(figures, registers=registers)
    for figure, (part, attribute) in _SESSION_ATTRIBUTES.items():
        delta = values.get(figure, 0)
        if delta:
            group = getattr(changed, part)
            group = replace(group, **{attribute: getattr(group, attribute) + delta})
            changed = replace(changed, **{part: group})
    return changed


def with_registers(
    store: Store,
    current: dict[str, Figures],
    *,
    period: Period,
    scope: Scope,
    office_code: str,
) -> tuple[dict[str, Figures], frozenset[str]]:
    """``current`` with register figures and counts merged in, and the counted figures."""
    from dvdesk.documents.figures import Figures, Scope  # noqa: PLC0415 - figures imports us

    office = office_code if scope is Scope.OWN else None
    with store.engine.connect() as connection:
        combined = combine(connection, start=period.start, end=period.end, office=office)
    codes = set(current) | {code for code, v in combined.values.items() if any(v.values())}
    merged = {
        code: _with_values(current.get(code, Figures()), combined.values.get(code, Counter()))
        for code in codes
    }
    return merged, combined.counted


def register_fields() -> tuple[str, ...]:
    return tuple(f.name for f in fields(RegisterFigures))
