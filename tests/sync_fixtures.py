"""Offices that exchange packages: a commune (child) and its province (parent), keys enrolled.

Building offices and keys costs time, so a template pair is made once per session
and copied into each test's temporary folder.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from dvdesk.domain.enums import RecordType
from dvdesk.paths import DataPaths
from dvdesk.services.approval import approve_records
from dvdesk.services.office import create_office, get_office
from dvdesk.services.records import add_record
from dvdesk.services.store import Store, open_store
from dvdesk.sync import keys
from dvdesk.sync.apply import ImportSummary, import_package
from dvdesk.sync.export import ExportResult, export_package
from dvdesk.sync.keycard import parse_card
from dvdesk.sync.receipt import import_receipt, write_receipt
from dvdesk.sync.refusals import Reason, Refused
from dvdesk.sync.trust import enroll_card
from tests.conftest import database_digest
from tests.samples import OFFICE, inspection

PASSPHRASE = "mật khẩu thử nghiệm"

PROVINCE: dict[str, object] = {
    "level": "province",
    "code": "01",
    "name": "Ban Tuyên giáo và Dân vận Thành ủy Hà Nội",
    "header_name": "Ban Tuyên giáo và Dân vận",
    "superior": "Thành ủy Hà Nội",
    "symbol": "BTGDVTU",
    "place": "Hà Nội",
    "parent_code": "00",
    "parent_name": "Ban Tuyên giáo và Dân vận Trung ương",
}
SIBLING: dict[str, object] = {
    **OFFICE,
    "code": "10106",
    "name": "Ban Xây dựng Đảng Đảng ủy xã Gia Lâm",
    "superior": "Đảng ủy xã Gia Lâm",
    "place": "Gia Lâm",
}
CENTRAL: dict[str, object] = {
    "level": "central",
    "code": "00",
    "name": "Ban Tuyên giáo và Dân vận Trung ương",
    "symbol": "BTGDVTW",
    "place": "Hà Nội",
}


def make_office(root: Path, data: Mapping[str, object]) -> Store:
    store = open_store(DataPaths(root), actor="chuyenvien", create=True)
    create_office(store, data=dict(data))
    keys.create_keys(store, passphrase=PASSPHRASE)
    return store


def introduce(child: Store, parent: Store) -> None:
    """The two offices exchange key cards (read by phone in real life)."""
    enroll_card(parent, card=parse_card(keys.active_key(child).card))
    enroll_card(child, card=parse_card(keys.active_key(parent).card))


@dataclass
class Exchange:
    """A child office, its parent, a sibling of the child and a USB stick folder."""

    child: Store
    parent: Store
    sibling: Store
    stick: Path

    def add(self, store: Store | None = None, **overrides: Any) -> str:
        """Add a record and approve it (a one-person office), so it is sent."""
        office = store or self.child
        record_id = add_record(
            office, record_type=RecordType.INSPECTION, data=inspection(**overrides)
        )
        approve_records(office, record_ids=[record_id])
        return record_id

    def export(self, store: Store | None = None, **options: Any) -> ExportResult:
        return export_package(store or self.child, out=self.stick, passphrase=PASSPHRASE, **options)

    def import_(self, path: Path, store: Store | None = None, **options: Any) -> ImportSummary:
        return import_package(store or self.parent, path=path, passphrase=PASSPHRASE, **options)

    def acknowledge(self) -> Path:
        receipt = write_receipt(self.parent, origin="10105", out=self.stick, passphrase=PASSPHRASE)
        import_receipt(self.child, path=receipt.path)
        return receipt.path

    def close(self) -> None:
        for store in (self.child, self.parent, self.sibling):
            store.close()


@pytest.fixture(scope="session")
def exchange_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("exchange")
    child = make_office(root / "child", OFFICE)
    parent = make_office(root / "parent", PROVINCE)
    sibling = make_office(root / "sibling", SIBLING)
    introduce(child, parent)
    introduce(sibling, parent)
    for store in (child, parent, sibling):
        store.close()
    return root


@pytest.fixture
def exchange(exchange_template: Path, tmp_path: Path) -> Iterator[Exchange]:
    for name in ("child", "parent", "sibling"):
        shutil.copytree(exchange_template / name, tmp_path / name)
    stick = tmp_path / "stick"
    stick.mkdir()
    opened = Exchange(
        child=open_store(DataPaths(tmp_path / "child"), actor="chuyenvien"),
        parent=open_store(DataPaths(tmp_path / "parent"), actor="chuyenvien"),
        sibling=open_store(DataPaths(tmp_path / "sibling"), actor="chuyenvien"),
        stick=stick,
    )
    yield opened
    opened.close()


DATA_TABLES = (
    "record",
    "record_subject",
    "recommendation",
    "dialogue_issue",
    "attachment",
    "unit_key",
    "package_in",
    "correction",
)


def table_dump(paths: DataPaths, tables: tuple[str, ...] = DATA_TABLES) -> dict[str, list[Any]]:
    """Every row of the data tables, ordered: equal dumps mean equal content."""
    connection = sqlite3.connect(paths.database)
    try:
        return {
            table: connection.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
            for table in tables
        }
    finally:
        connection.close()


def record_content(paths: DataPaths) -> dict[str, list[Any]]:
    """Records and parts without the local change counter (it differs between databases)."""
    connection = sqlite3.connect(paths.database)
    try:
        records = connection.execute(
            "SELECT id, office_code, title, revision, deleted, updated_at, status FROM record "
            "ORDER BY id"
        ).fetchall()
        parts = {
            table: connection.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
            for table in ("recommendation", "dialogue_issue", "attachment")
        }
        subjects = connection.execute(
            "SELECT record_id, position, name FROM record_subject ORDER BY 1, 2"
        ).fetchall()
    finally:
        connection.close()
    return {"record": records, "record_subject": subjects, **parts}


# ---------------------------------------------------------------- three levels

OTHER_PROVINCE: dict[str, object] = {
    **PROVINCE,
    "code": "31",
    "name": "Ban Tuyên giáo và Dân vận Thành ủy Hải Phòng",
    "superior": "Thành ủy Hải Phòng",
    "place": "Hải Phòng",
}
OTHER_COMMUNE: dict[str, object] = {
    **OFFICE,
    "code": "11311",
    "name": "Ban Xây dựng Đảng Đảng ủy xã Thủy Nguyên",
    "superior": "Đảng ủy xã Thủy Nguyên",
    "place": "Thủy Nguyên",
    "parent_code": "31",
    "parent_name": "Ban Tuyên giáo và Dân vận Thành ủy Hải Phòng",
}


@dataclass
class Hierarchy:
    """commune → province → centre, and a sibling province with its own commune."""

    commune: Store
    province: Store
    centre: Store
    other_province: Store
    other_commune: Store
    stick: Path

    def add(self, store: Store, **overrides: Any) -> str:
        """Add a record and approve it (each office here is a one-person office)."""
        record_id = add_record(
            store, record_type=RecordType.INSPECTION, data=inspection(**overrides)
        )
        approve_records(store, record_ids=[record_id])
        return record_id

    def export(self, store: Store, **options: Any) -> ExportResult:
        return export_package(store, out=self.stick, passphrase=PASSPHRASE, **options)

    def import_(self, store: Store, path: Path, **options: Any) -> ImportSummary:
        return import_package(store, path=path, passphrase=PASSPHRASE, **options)

    def send(self, child: Store, parent: Store) -> ImportSummary:
        return self.import_(parent, self.export(child).path)

    def acknowledge(self, parent: Store, child: Store) -> Path:
        code = get_office(child).code
        receipt = write_receipt(parent, origin=code, out=self.stick, passphrase=PASSPHRASE)
        import_receipt(child, path=receipt.path)
        return receipt.path

    def stores(self) -> tuple[Store, ...]:
        return (self.commune, self.province, self.centre, self.other_province, self.other_commune)

    def close(self) -> None:
        for store in self.stores():
            store.close()


_LEVELS = ("commune", "province", "centre", "other_province", "other_commune")


@pytest.fixture(scope="session")
def hierarchy_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hierarchy")
    commune = make_office(root / "commune", OFFICE)
    province = make_office(root / "province", PROVINCE)
    centre = make_office(root / "centre", CENTRAL)
    other_province = make_office(root / "other_province", OTHER_PROVINCE)
    other_commune = make_office(root / "other_commune", OTHER_COMMUNE)
    introduce(commune, province)
    introduce(province, centre)
    introduce(other_commune, other_province)
    introduce(other_province, centre)
    for store in (commune, province, centre, other_province, other_commune):
        store.close()
    return root


def open_hierarchy(template: Path, folder: Path) -> Hierarchy:
    for name in _LEVELS:
        shutil.copytree(template / name, folder / name)
    stick = folder / "stick"
    stick.mkdir()
    stores = {name: open_store(DataPaths(folder / name), actor="chuyenvien") for name in _LEVELS}
    return Hierarchy(
        commune=stores["commune"],
        province=stores["province"],
        centre=stores["centre"],
        other_province=stores["other_province"],
        other_commune=stores["other_commune"],
        stick=stick,
    )


@pytest.fixture
def hierarchy(hierarchy_template: Path, tmp_path: Path) -> Iterator[Hierarchy]:
    opened = open_hierarchy(hierarchy_template, tmp_path)
    yield opened
    opened.close()


def introduce_parent(child: Store, parent: Store) -> None:
    """The child enrols its parent's card (the parent enrolled the child another way)."""
    enroll_card(child, card=parse_card(keys.active_key(parent).card))


def refused_unchanged(store: Store, reason: Reason, action: Callable[[], object]) -> Refused:
    """Run ``action``: it must be refused for ``reason`` and leave the database as it was."""
    before = database_digest(store.paths)
    with pytest.raises(Refused) as refused:
        action()
    assert refused.value.reason is reason, refused.value.message
    assert database_digest(store.paths) == before
    return refused.value
