"""The figures of a periodic report (the SQL is in :mod:`dvdesk.services.report_queries`).

A record counts in a period by its start date; deleted records never count.
Follow-up figures (resolved, overdue) are taken as of the day after the period
ends (or today, for a period still running): a recommendation resolved after
the window closed was still open at the time the report speaks of.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from enum import StrEnum
from typing import TypeVar

from dvdesk.clock import today
from dvdesk.documents.periods import Period
from dvdesk.documents.registers_figures import RegisterFigures, with_registers
from dvdesk.domain.enums import IssueKind
from dvdesk.services import report_queries
from dvdesk.services.store import Store


class Scope(StrEnum):
    OWN = "own"  # only the office's own records
    ALL = "all"  # also everything imported from subordinate offices


@dataclass(frozen=True)
class SessionFigures:
    sessions: int = 0
    subjects: int = 0


@dataclass(frozen=True)
class DialogueFigures:
    sessions: int = 0
    attendees: int = 0
    issues: int = 0
    complaints: int = 0  # khiếu nại
    denunciations: int = 0  # tố cáo
    petitions: int = 0  # kiến nghị
    feedback: int = 0  # phản ánh
    answered_on_spot: int = 0
    resolved: int = 0
    overdue: int = 0

    def by_kind(self) -> dict[IssueKind, int]:
        return {
            IssueKind.KHIEU_NAI: self.complaints,
            IssueKind.TO_CAO: self.denunciations,
            IssueKind.KIEN_NGHI: self.petitions,
            IssueKind.PHAN_ANH: self.feedback,
        }


@dataclass(frozen=True)
class FollowUpFigures:
    total: int = 0
    resolved: int = 0
    overdue: int = 0


_Part = TypeVar("_Part", SessionFigures, DialogueFigures, FollowUpFigures, RegisterFigures)


@dataclass(frozen=True)
class Figures:
    inspection: SessionFigures = field(default_factory=SessionFigures)
    supervision: SessionFigures = field(default_factory=SessionFigures)
    dialogue: DialogueFigures = field(default_factory=DialogueFigures)
    recommendations: FollowUpFigures = field(default_factory=FollowUpFigures)
    registers: RegisterFigures = field(default_factory=RegisterFigures)

    def as_json(self) -> dict[str, object]:
        dialogue = self.dialogue
        return {
            "inspection": vars(self.inspection).copy(),
            "supervision": vars(self.supervision).copy(),
            "dialogue": {
                "sessions": dialogue.sessions,
                "attendees": dialogue.attendees,
                "issues": dialogue.issues,
                "issues_by_kind": {kind.value: n for kind, n in dialogue.by_kind().items()},
                "answered_on_spot": dialogue.answered_on_spot,
                "resolved": dialogue.resolved,
                "overdue": dialogue.overdue,
            },
            "recommendations": vars(self.recommendations).copy(),
            **self.registers.as_json(),
        }


@dataclass(frozen=True)
class OfficeFigures:
    code: str
    name: str
    own: bool  # the reporting office itself (first row of the table)
    figures: Figures

    def as_json(self) -> dict[str, object]:
        return {"code": self.code, "name": self.name, **self.figures.as_json()}


@dataclass(frozen=True)
class Backlog:
    """Follow-ups from sessions before the period, still overdue on the as-of date."""

    recommendations: int = 0
    issues: int = 0


OverdueItem = report_queries.OverdueRow  # one overdue recommendation, for the appendix


@dataclass(frozen=True)
class ReportFigures:
    """Everything the report's tables show, for the period and the year before."""

    period: Period
    scope: Scope
    office_code: str
    as_of: date
    totals: Figures
    previous: Figures  # the same window one year earlier
    by_office: tuple[OfficeFigures, ...]
    backlog: Backlog = field(default_factory=Backlog)
    overdue: tuple[OverdueItem, ...] = ()
    # Figures that include aggregate counts (entered as numbers, without items).
    counted: frozenset[str] = frozenset()

    def as_json(self) -> dict[str, object]:
        return {
            "counted": sorted(self.counted),
            "period": self.period.as_json(),
            "scope": self.scope.value,
            "as_of": self.as_of.isoformat(),
            "totals": self.totals.as_json(),
            "previous_year": {
                "period": self.period.previous_year().as_json(),
                "totals": self.previous.as_json(),
            },
            "by_office": [row.as_json() for row in self.by_office],
            "backlog": {
                "recommendations_overdue": self.backlog.recommendations,
                "issues_overdue": self.backlog.issues,
            },
        }


def aggregation_sql(scope: Scope) -> tuple[str, ...]:
    """The SQL the figures come from (the benchmark runs it raw, for comparison)."""
    return report_queries.aggregation_sql(own=scope is Scope.OWN)


def as_of_date(period: Period, on: date | None = None) -> date:
    """The day follow-ups are judged on: the day after the period, or today if sooner."""
    return min(period.end + timedelta(days=1), on or today())


def sql_parameters(period: Period, *, office_code: str, as_of: date) -> dict[str, str]:
    return report_queries.sql_parameters(
        start=period.start, end=period.end, office_code=office_code, as_of=as_of
    )


def _aggregate(
    store: Store, period: Period, *, scope: Scope, office_code: str, as_of: date
) -> dict[str, Figures]:
    parts = report_queries.aggregate_rows(
        store,
        parameters=sql_parameters(period, office_code=office_code, as_of=as_of),
        own=scope is Scope.OWN,
    )
    return {code: _figures(values) for code, values in parts.items()}


def _follow_up_backlog(
    store: Store,
    period: Period,
    *,
    scope: Scope,
    office_code: str,
    as_of: date,
    names: dict[str, str],
) -> tuple[Backlog, tuple[OverdueItem, ...]]:
    recommendations, issues, rows = report_queries.backlog_rows(
        store,
        parameters=sql_parameters(period, office_code=office_code, as_of=as_of),
        own=scope is Scope.OWN,
        names=names,
    )
    return Backlog(recommendations=recommendations, issues=issues), tuple(rows)


def _figures(values: report_queries.OfficeAggregate) -> Figures:
    sessions, attendees = values.dialogue
    return Figures(
        inspection=SessionFigures(
            sessions=values.sessions.get("inspection", 0),
            subjects=values.subjects.get("inspection", 0),
        ),
        supervision=SessionFigures(
            sessions=values.sessions.get("supervision", 0),
            subjects=values.subjects.get("supervision", 0),
        ),
        dialogue=DialogueFigures(sessions, attendees, *values.issues),
        recommendations=FollowUpFigures(*values.recommendations),
    )


def add_figures(items: Iterable[Figures]) -> Figures:
    """Sum figures field by field."""
    total = Figures()
    for item in items:
        total = Figures(
            inspection=_add(total.inspection, item.inspection),
            supervision=_add(total.supervision, item.supervision),
            dialogue=_add(total.dialogue, item.dialogue),
            recommendations=_add(total.recommendations, item.recommendations),
            registers=_add(total.registers, item.registers),
        )
    return total


def _add(left: _Part, right: _Part) -> _Part:
    values = {f.name: getattr(left, f.name) + getattr(right, f.name) for f in fields(left)}
    return type(left)(**values)


def compute_figures(
    store: Store, *, period: Period, scope: Scope = Scope.OWN, on: date | None = None
) -> ReportFigures:
    """The report's figures for ``period``; ``on`` overrides today (for the as-of date)."""
    own_code, names, children = report_queries.office_names(store)
    as_of = as_of_date(period, on)
    current = _aggregate(store, period, scope=scope, office_code=own_code, as_of=as_of)
    current, counted = with_registers(
        store, current, period=period, scope=scope, office_code=own_code
    )
    previous_period = period.previous_year()
    previous = _aggregate(
        store,
        previous_period,
        scope=scope,
        office_code=own_code,
        as_of=as_of_date(previous_period, on),
    )
    previous, _counted = with_registers(
        store, previous, period=previous_period, scope=scope, office_code=own_code
    )
    codes = [own_code]
    if scope is Scope.ALL:
        # Every subordinate office gets a row, with zeros if it reported nothing.
        extra = sorted(set(current) - {own_code} - set(children))
        codes += [code for code in children if code != own_code] + extra
    by_office = tuple(
        OfficeFigures(
            code=code,
            name=names.get(code, code),
            own=code == own_code,
            figures=current.get(code, Figures()),
        )
        for code in codes
    )
    backlog, overdue = _follow_up_backlog(
        store, period, scope=scope, office_code=own_code, as_of=as_of, names=names
    )
    return ReportFigures(
        period=period,
        scope=scope,
        office_code=own_code,
        as_of=as_of,
        totals=add_figures(current.values()),
        previous=add_figures(previous.values()),
        by_office=by_office,
        backlog=backlog,
        overdue=overdue,
        counted=counted,
    )
