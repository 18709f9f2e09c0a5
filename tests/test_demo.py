"""Demo data is realistic, deterministic and valid by the same rules as typed input."""

from __future__ import annotations

from pathlib import Path

import pytest

from dvdesk.domain.inputs import INPUT_MODELS
from dvdesk.domain.record_view import DialogueView, item_input
from dvdesk.domain.validation import validate
from dvdesk.paths import DataPaths
from dvdesk.services.demo import add_demo_records, ensure_demo_office
from dvdesk.services.office import get_office
from dvdesk.services.records import get_record, list_records
from dvdesk.services.store import Store, open_store
from tests import sync_fixtures

exchange_template = sync_fixtures.exchange_template

_BOOKKEEPING = {
    "id",
    "type",
    "office_code",
    "attachments",
    "revision",
    "created_by",
    "created_at",
    "updated_by",
    "updated_at",
    "deleted",
}


def _demo_store(paths: DataPaths, count: int, seed: int = 3) -> Store:
    store = open_store(paths, actor="demo", create=True)
    ensure_demo_office(store)
    add_demo_records(store, count=count, seed=seed, office_codes=[get_office(store).code])
    return store


def test_demo_records_pass_the_input_models(paths: DataPaths) -> None:
    store = _demo_store(paths, 300)
    try:
        for summary in list_records(store):
            shown = get_record(store, record_id=summary.id)
            data = {k: v for k, v in shown.as_json().items() if k not in _BOOKKEEPING}
            data["recommendations"] = [item_input(item) for item in shown.recommendations]
            if isinstance(shown, DialogueView):
                data["issues"] = [item_input(item) for item in shown.issues]
            validate(INPUT_MODELS[shown.type], data)
    finally:
        store.close()


def test_demo_is_deterministic_for_a_seed(tmp_path: object) -> None:
    from pathlib import Path

    base = Path(str(tmp_path))
    titles = []
    for name in ("a", "b"):
        store = _demo_store(DataPaths(base / name), 50, seed=11)
        titles.append([(r.id, r.title) for r in list_records(store)])
        store.close()
    assert titles[0] == titles[1]


def test_demo_office_has_its_2025_merger_profile(paths: DataPaths) -> None:
    from datetime import date

    store = _demo_store(paths, 0)
    try:
        office = get_office(store)
        assert office.profile_at(date(2024, 12, 31)).symbol == "BDVTU"
        assert office.profile_at(date(2025, 7, 1)).symbol == "BTGDVTU"
        assert office.profile_at(date(1999, 1, 1)).symbol == "BDVTU"
    finally:
        store.close()


def test_two_demo_offices_make_distinct_ids_and_send_none_of_them(
    exchange_template: Path, tmp_path: Path
) -> None:
    """Same seed, two communes: their record ids differ (so they could never overwrite each
    other), and demo records never leave either office: there is nothing to export."""
    import shutil

    from dvdesk.sync.export import export_package
    from dvdesk.sync.held_back import NothingToSend
    from tests.sync_fixtures import PASSPHRASE

    for name in ("child", "parent", "sibling"):
        shutil.copytree(exchange_template / name, tmp_path / name)
    stick = tmp_path / "stick"
    stick.mkdir()
    stores = {
        name: open_store(DataPaths(tmp_path / name), actor="demo")
        for name in ("child", "parent", "sibling")
    }
    try:
        add_demo_records(stores["child"], count=40, seed=3, office_codes=["10105"])
        add_demo_records(stores["child"], count=10, seed=3, office_codes=["10105"])  # again
        add_demo_records(stores["sibling"], count=40, seed=3, office_codes=["10106"])
        ids = [
            record.id
            for name in ("child", "sibling")
            for record in list_records(stores[name], limit=1000)
        ]
        assert len(set(ids)) == len(ids) == 90
        for name in ("child", "sibling"):
            with pytest.raises(NothingToSend):
                export_package(stores[name], out=stick, passphrase=PASSPHRASE)
        assert list(stick.iterdir()) == []
        assert list_records(stores["parent"], limit=1000) == []
    finally:
        for store in stores.values():
            store.close()
