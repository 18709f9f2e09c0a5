"""Aggregate counts: set, list and delete the figures entered without items.

Rules (see docs/counts.md):
- one value per unit, figure and period; periods of the same unit and figure never
  overlap, so no number is counted twice by two counts;
- a count is used by a report when its period lies inside the report's period;
- a count marked ``figures_only`` replaces the unit's items of that figure dated
  inside its period; otherwise it is added to them (e.g. the years before dvdesk).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from dvdesk.clock import now_iso
from dvdesk.db.schema import AggregateCount, Office
from dvdesk.domain.counts import FIGURES, CountInput
from dvdesk.domain.validation import failed, validate
from dvdesk.errors import Conflict, NotFound
from dvdesk.formatting import short_date
from dvdesk.i18n import _
from dvdesk.services.audit import audit
from dvdesk.services.store import Store


@dataclass(frozen=True)
class CountRow:
    id: str
    office_code: str
    unit_code: str
    period_start: date
    period_end: date
    figure: str
    value: int
    figures_only: bool
    note: str | None
    revision: int

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "office_code": self.office_code,
            "unit_code": self.unit_code,
            "period_start": self.period_start.isoformat(),
            "period_end": self.period_end.isoformat(),
            "figure": self.figure,
            "value": self.value,
            "figures_only": self.figures_only,
            "note": self.note,
            "revision": self.revision,
        }


def _row(item: AggregateCount) -> CountRow:
    return CountRow(
        id=item.id,
        office_code=item.office_code,
        unit_code=item.unit_code,
        period_start=item.period_start,
        period_end=item.period_end,
        figure=item.figure,
        value=item.value,
        figures_only=item.figures_only,
        note=item.note,
        revision=item.revision,
    )


def _overlapping(session: Session, model: CountInput, figure: str) -> list[AggregateCount]:
    return list(
        session.exec(
            select(AggregateCount).where(
                AggregateCount.unit_code == model.unit_code,
                AggregateCount.figure == figure,
                col(AggregateCount.deleted).is_(False),
                col(AggregateCount.period_start) <= model.period_end,
                col(AggregateCount.period_end) >= model.period_start,
            )
        )
    )


def _same_key(session: Session, model: CountInput, figure: str) -> AggregateCount | None:
    return session.exec(
        select(AggregateCount).where(
            AggregateCount.unit_code == model.unit_code,
            AggregateCount.figure == figure,
            AggregateCount.period_start == model.period_start,
            AggregateCount.period_end == model.period_end,
        )
    ).first()


def set_counts(store: Store, *, data: Mapping[str, object]) -> list[CountRow]:
    """Store the counts of ``data`` (a :class:`CountInput`); a value for the same unit,
    figure and period replaces the stored one. Returns the rows written."""
    model = validate(CountInput, data)
    written: list[AggregateCount] = []
    with store.session() as session:
        office = session.get(Office, 1)
        if office is None:
            raise NotFound(_("No office is set up yet. Run 'dvdesk init' first."))
        problems = []
        for figure, value in model.figures.items():
            clash = _overlapping(session, model, figure)
            same = [
                c
                for c in clash
                if (c.period_start, c.period_end) == (model.period_start, model.period_end)
            ]
            others = [c for c in clash if c not in same]
            if others:
                other = others[0]
                problems.append(
                    (
                        f"figures.{figure}",
                        _(
                            "overlaps the count for {start}–{end}; delete that one first or "
                            "give a period that does not overlap"
                        ).format(
                            start=short_date(other.period_start), end=short_date(other.period_end)
                        ),
                    )
                )
                continue
            if same and same[0].office_code != office.code:
                raise Conflict(
                    _(
                        "Office {code} entered this count; only it may change it. Ask it to "
                        "correct the figure."
                    ).format(code=same[0].office_code)
                )
            # A deleted count with the same key comes back (the key is unique in the table).
            row = same[0] if same else _same_key(session, model, figure)
            if row is None:
                row = AggregateCount(
                    id=str(uuid.uuid4()),
                    office_code=office.code,
                    unit_code=model.unit_code,
                    period_start=model.period_start,
                    period_end=model.period_end,
                    figure=figure,
                    value=value,
                    figures_only=model.figures_only,
                    note=model.note,
                    revision=1,
                    updated_by=store.actor,
                    updated_at=now_iso(),
                )
            else:
                row.value, row.figures_only, row.note = value, model.figures_only, model.note
                row.deleted = False
                row.revision += 1
                row.updated_by, row.updated_at = store.actor, now_iso()
            written.append(row)
        if problems:
            raise failed(problems)
        session.add_all(written)
        audit(
            session,
            actor=store.actor,
            action="set",
            entity="count",
            entity_id=model.unit_code,
            changes=model.model_dump(mode="json"),
        )
        session.flush()
        return [_row(row) for row in written]


def list_counts(
    store: Store,
    *,
    unit_code: str | None = None,
    start: date | None = None,
    end: date | None = None,
) -> list[CountRow]:
    """Live counts, by unit, period and report order of the figures."""
    query = select(AggregateCount).where(col(AggregateCount.deleted).is_(False))
    if unit_code:
        query = query.where(AggregateCount.unit_code == unit_code)
    if start is not None:
        query = query.where(col(AggregateCount.period_start) >= start)
    if end is not None:
        query = query.where(col(AggregateCount.period_end) <= end)
    order = {figure: index for index, figure in enumerate(FIGURES)}
    with store.session() as session:
        rows = [_row(item) for item in session.exec(query)]
    return sorted(rows, key=lambda r: (r.unit_code, r.period_start, order.get(r.figure, 0)))


def delete_count(store: Store, *, count_id: str) -> None:
    """Tombstone a count (kept, so the deletion can travel upward)."""
    with store.session() as session:
        row = session.get(AggregateCount, count_id.strip().lower())
        office = session.get(Office, 1)
        if row is None or row.deleted:
            raise NotFound(
                _("There is no count {id}. Check the id with 'dvdesk count list'.").format(
                    id=count_id
                )
            )
        if office is None or row.office_code != office.code:
            raise Conflict(
                _("Office {code} entered this count; only it may delete it.").format(
                    code=row.office_code
                )
            )
        row.deleted = True
        row.revision += 1
        row.updated_by, row.updated_at = store.actor, now_iso()
        session.add(row)
        audit(
            session,
            actor=store.actor,
            action="delete",
            entity="count",
            entity_id=row.id,
            revision=row.revision,
            changes={},
        )
