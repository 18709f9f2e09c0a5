"""The SQL behind a report's figures: counts per office and record type, follow-up backlog.

Only reading; :mod:`dvdesk.documents.figures` turns the rows into figures. The
statements are kept as text so the benchmark can time them raw.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import text

from dvdesk.db.schema import Office, OrgUnit
from dvdesk.errors import NotFound
from dvdesk.i18n import _
from dvdesk.services.store import Store

# The aggregation, one statement per table; {own} is empty or limits to one office.
_RECORDS = """
SELECT office_code, type, count(*), coalesce(sum(attendees), 0)
FROM record
WHERE deleted = 0 AND start_date BETWEEN :start AND :end {own}
GROUP BY office_code, type
"""
_SUBJECTS = """
SELECT r.office_code, r.type, count(*)
FROM record AS r JOIN record_subject AS s ON s.record_id = r.id
WHERE r.deleted = 0 AND r.start_date BETWEEN :start AND :end {own}
GROUP BY r.office_code, r.type
"""
# Resolved as of: marked resolved with no result date or a result date before :as_of.
_RESOLVED = "(x.status = 'resolved' AND (x.result_date IS NULL OR x.result_date < :as_of))"
_ISSUES = f"""
SELECT r.office_code, count(*),
       sum(x.kind = 'khieu_nai'), sum(x.kind = 'to_cao'),
       sum(x.kind = 'kien_nghi'), sum(x.kind = 'phan_anh'),
       sum(x.answer IS NOT NULL AND x.assignee IS NULL),
       sum({_RESOLVED}),
       sum(NOT {_RESOLVED} AND x.deadline IS NOT NULL AND x.deadline < :as_of)
FROM record AS r JOIN dialogue_issue AS x ON x.record_id = r.id
WHERE r.deleted = 0 AND r.start_date BETWEEN :start AND :end {{own}}
GROUP BY r.office_code
"""
_RECOMMENDATIONS = f"""
SELECT r.office_code, count(*),
       sum({_RESOLVED}),
       sum(NOT {_RESOLVED} AND x.deadline IS NOT NULL AND x.deadline < :as_of)
FROM record AS r JOIN recommendation AS x ON x.record_id = r.id
WHERE r.deleted = 0 AND r.start_date BETWEEN :start AND :end {{own}}
GROUP BY r.office_code
"""


# Overdue on :as_of from sessions before the period: the backlog a report must name.
_OVERDUE = f"NOT {_RESOLVED} AND x.deadline IS NOT NULL AND x.deadline < :as_of"
_BACKLOG = f"""
SELECT
  (SELECT count(*) FROM record AS r JOIN recommendation AS x ON x.record_id = r.id
   WHERE r.deleted = 0 AND r.start_date < :start {{own}} AND {_OVERDUE}),
  (SELECT count(*) FROM record AS r JOIN dialogue_issue AS x ON x.record_id = r.id
   WHERE r.deleted = 0 AND r.start_date < :start {{own}} AND {_OVERDUE})
"""
_OVERDUE_LIST = f"""
SELECT r.office_code, r.title, r.start_date, x.content, x.addressee, x.deadline,
       r.start_date < :start
FROM record AS r JOIN recommendation AS x ON x.record_id = r.id
WHERE r.deleted = 0 AND r.start_date <= :end {{own}} AND {_OVERDUE}
ORDER BY x.deadline, r.start_date, x.position
"""


def aggregation_sql(*, own: bool) -> tuple[str, ...]:
    """The four statements; ``own`` limits them to the office's own records."""
    only = "AND office_code = :office" if own else ""
    only_r = "AND r.office_code = :office" if own else ""
    return (
        _RECORDS.format(own=only),
        _SUBJECTS.format(own=only_r),
        _ISSUES.format(own=only_r),
        _RECOMMENDATIONS.format(own=only_r),
    )


def sql_parameters(*, start: date, end: date, office_code: str, as_of: date) -> dict[str, str]:
    return {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "as_of": as_of.isoformat(),
        "office": office_code,
    }


@dataclass
class OfficeAggregate:
    """One office's counts for a period, as the aggregation queries return them."""

    sessions: dict[str, int] = field(default_factory=dict)  # by record type
    subjects: dict[str, int] = field(default_factory=dict)  # by record type
    dialogue: tuple[int, int] = (0, 0)  # sessions, attendees
    issues: tuple[int, ...] = (0,) * 8
    recommendations: tuple[int, ...] = (0, 0, 0)  # total, resolved, overdue


def aggregate_rows(
    store: Store, *, parameters: dict[str, str], own: bool
) -> dict[str, OfficeAggregate]:
    """Per office code, its session, subject, dialogue, issue and recommendation counts."""
    records, subjects, issues, recommendations = aggregation_sql(own=own)
    parts: dict[str, OfficeAggregate] = defaultdict(OfficeAggregate)
    with store.engine.connect() as connection:
        for code, kind, count, attendees in connection.execute(text(records), parameters):
            if kind == "dialogue":
                parts[code].dialogue = (count, int(attendees))
            else:
                parts[code].sessions[kind] = count
        for code, kind, count in connection.execute(text(subjects), parameters):
            parts[code].subjects[kind] = count
        for row in connection.execute(text(issues), parameters):
            parts[row[0]].issues = tuple(int(value or 0) for value in row[1:])
        for row in connection.execute(text(recommendations), parameters):
            parts[row[0]].recommendations = tuple(int(value or 0) for value in row[1:])
    return dict(parts)


@dataclass(frozen=True)
class OverdueRow:
    office_code: str  # the office that owns the record
    office_name: str
    record_title: str
    session_date: date
    content: str
    addressee: str | None
    deadline: date
    earlier: bool  # from a session before the period


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def backlog_rows(
    store: Store, *, parameters: dict[str, str], own: bool, names: Mapping[str, str]
) -> tuple[int, int, list[OverdueRow]]:
    """Overdue recommendations and dialogue issues from earlier sessions, and every overdue
    recommendation up to the period's end (for the appendix), oldest deadline first.

    ``names`` gives each office code its name (an unknown code stands for itself)."""
    only = "AND r.office_code = :office" if own else ""
    with store.engine.connect() as connection:
        counts = connection.execute(text(_BACKLOG.format(own=only)), parameters).one()
        rows = connection.execute(text(_OVERDUE_LIST.format(own=only)), parameters).all()
    items = [
        OverdueRow(
            office_code=str(code),
            office_name=names.get(str(code), str(code)),
            record_title=str(title),
            session_date=_as_date(started),
            content=str(content),
            addressee=addressee,
            deadline=_as_date(deadline),
            earlier=bool(earlier),
        )
        for code, title, started, content, addressee, deadline, earlier in rows
    ]
    return int(counts[0]), int(counts[1]), items


def office_names(store: Store) -> tuple[str, dict[str, str], list[str]]:
    """This office's code, a name for every known code, and the child codes in order."""
    with store.engine.connect() as connection:
        office = connection.execute(text(f"SELECT code FROM {Office.__tablename__}")).first()
        if office is None:
            raise NotFound(_("No office is set up yet. Run 'dvdesk init' first."))
        rows = connection.execute(
            text(f"SELECT code, name, relation FROM {OrgUnit.__tablename__} ORDER BY code")
        ).all()
    names = {code: name for code, name, _relation in rows}
    for code, name, relation in rows:
        if relation == "self":
            names[code] = name
    children = sorted({code for code, _name, relation in rows if relation == "child"})
    return str(office[0]), names, children
