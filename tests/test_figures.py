"""Report figures: period edges, deleted records, scope, follow-ups as of the period end."""

from __future__ import annotations

import json
from datetime import date

from dvdesk.documents.figures import Scope, compute_figures
from dvdesk.documents.periods import parse_period
from dvdesk.domain.enums import RecordType
from dvdesk.services.demo import add_demo_records
from dvdesk.services.records import add_record, delete_record
from dvdesk.services.store import Store
from dvdesk.services.units import add_children
from tests.samples import dialogue, inspection


def _inspection_on(store: Store, day: str, subjects: int = 2) -> str:
    names = [f"Chi bộ thôn {i}" for i in range(subjects)]
    return add_record(
        store,
        record_type=RecordType.INSPECTION,
        data=inspection(start_date=day, end_date=None, subjects=names, recommendations=[]),
    )


def _sessions(store: Store, key: str) -> tuple[int, int]:
    totals = compute_figures(store, period=parse_period(key)).totals
    return totals.inspection.sessions, totals.inspection.subjects


def test_period_edges(store: Store) -> None:
    _inspection_on(store, "2022-06-14", subjects=3)  # last day of H1
    _inspection_on(store, "2022-06-15", subjects=1)  # first day of H2
    _inspection_on(store, "2022-12-15", subjects=2)  # counts in 2023
    _inspection_on(store, "2021-12-15", subjects=4)  # first day of 2022
    assert _sessions(store, "2022-H1") == (2, 7)
    assert _sessions(store, "2022-H2") == (1, 1)
    assert _sessions(store, "2022") == (3, 8)
    assert _sessions(store, "2023-H1") == (1, 2)
    assert _sessions(store, "2023-Q1") == (1, 2)
    assert _sessions(store, "2022-M06") == (1, 3)
    assert _sessions(store, "2022-06-14..2022-06-15") == (2, 4)


def test_deleted_records_do_not_count(store: Store) -> None:
    kept = _inspection_on(store, "2022-03-01")
    gone = _inspection_on(store, "2022-03-02")
    delete_record(store, record_id=gone)
    assert kept
    assert _sessions(store, "2022-H1") == (1, 2)


def test_dialogue_and_follow_up_figures(store: Store) -> None:
    add_record(
        store,
        record_type=RecordType.DIALOGUE,
        data=dialogue(
            start_date="2025-09-10",
            attendees=152,
            recommendations=[
                {"content": "Sửa đường", "deadline": "2025-09-20"},
                {
                    "content": "Lắp đèn",
                    "deadline": "2025-09-20",
                    "status": "resolved",
                    "result_date": "2025-09-10",
                },
                {
                    "content": "Nạo vét kênh",
                    "deadline": "2025-09-12",
                    "status": "resolved",
                    "result_date": "2025-10-01",
                },
            ],
        ),
    )
    figures = compute_figures(store, period=parse_period("2025-Q3"), on=date(2026, 1, 1))
    d = figures.totals.dialogue
    assert (d.sessions, d.attendees, d.issues) == (1, 152, 2)
    assert (d.petitions, d.denunciations, d.complaints, d.feedback) == (1, 1, 0, 0)
    assert d.answered_on_spot == 1
    assert d.resolved == 1
    # The denunciation's deadline (24/09) is after the window (ends 14/09): not yet overdue.
    assert d.overdue == 0
    r = figures.totals.recommendations
    # As of 15/09: one resolved; the one resolved on 01/10 was still overdue then.
    assert (r.total, r.resolved, r.overdue) == (3, 1, 1)
    assert figures.as_of == date(2025, 9, 15)


def test_scope_and_table_by_office(store: Store) -> None:
    add_children(store, units=[("00001", "Xã Một"), ("00002", "Xã Hai")], level="commune")
    _inspection_on(store, "2022-03-01")
    add_demo_records(store, count=200, seed=3, office_codes=["00001"])
    own = compute_figures(store, period=parse_period("2022"), scope=Scope.OWN)
    every = compute_figures(store, period=parse_period("2022"), scope=Scope.ALL)
    assert own.totals.inspection.sessions == 1
    assert [row.code for row in every.by_office] == ["10105", "00001", "00002"]
    assert [row.name for row in every.by_office][1:] == ["Xã Một", "Xã Hai"]
    assert every.by_office[2].figures.inspection.sessions == 0
    child = every.by_office[1].figures
    assert child.inspection.sessions > 0
    assert every.totals.inspection.sessions == 1 + child.inspection.sessions
    payload = json.loads(json.dumps(every.as_json()))  # as the command line prints it
    assert payload["period"] == {"from": "2021-12-15", "to": "2022-12-14"}
    assert set(payload["totals"]) == {
        "inspection",
        "supervision",
        "dialogue",
        "recommendations",
        "documents",
        "models_registered",
        "models_recognised",
    }
    assert set(payload["by_office"][0]) >= {"code", "name", "inspection", "dialogue"}
    assert payload["totals"]["dialogue"]["sessions"] == sum(
        row["dialogue"]["sessions"] for row in payload["by_office"]
    )


def test_same_period_of_the_previous_year(store: Store) -> None:
    _inspection_on(store, "2021-03-01")
    _inspection_on(store, "2021-04-01")
    _inspection_on(store, "2022-03-01")
    figures = compute_figures(store, period=parse_period("2022-H1"))
    assert figures.totals.inspection.sessions == 1
    assert figures.previous.inspection.sessions == 2
