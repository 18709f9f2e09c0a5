"""Restoring from a file on a USB stick: the file may have been made by anyone."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from dvdesk.domain.enums import RecordType
from dvdesk.errors import NotFound, StorageError, UserError
from dvdesk.paths import DataPaths
from dvdesk.services.backup import list_backups
from dvdesk.services.records import add_record
from dvdesk.services.stick_backup import backup_to_folder
from dvdesk.services.stick_restore import restore_from_file
from dvdesk.services.store import Store
from tests.conftest import CliRunner
from tests.samples import dialogue, inspection
from tests.test_backup import corrupt_pages, table_rows


def on_stick(store: Store, tmp_path: Path) -> Path:
    """A genuine backup of this office on a stick."""
    folder = tmp_path / "USB"
    folder.mkdir(exist_ok=True)
    return backup_to_folder(store.paths, folder=folder).path


def edited(original: Path, sql: str) -> Path:
    """A copy of ``original`` changed by ``sql``, as someone with the stick could."""
    copy = original.with_name("sua-" + original.name)
    shutil.copy2(original, copy)
    connection = sqlite3.connect(copy)
    connection.executescript(sql)
    connection.commit()
    connection.close()
    return copy


def refused(paths: DataPaths, file: Path, match: str) -> None:
    rows, raw = table_rows(paths.database), paths.database.read_bytes()
    kept = list_backups(paths)
    with pytest.raises(UserError, match=match):
        restore_from_file(paths, file=file)
    # (a reader may create an empty -wal beside it: the file and every row stay as they were)
    assert paths.database.read_bytes() == raw and table_rows(paths.database) == rows
    assert [b.name for b in list_backups(paths)] == [b.name for b in kept]


def test_not_a_sqlite_file_is_refused(store: Store, paths: DataPaths, tmp_path: Path) -> None:
    fake = tmp_path / "dvdesk-10105-2026-11-29-2107.sqlite3"
    fake.write_bytes(b"PK\x03\x04 a zip, not a database" * 100)
    refused(paths, fake, "không phải bản sao lưu dvdesk")


def test_a_2_gb_file_is_refused_without_reading_it(
    store: Store, paths: DataPaths, tmp_path: Path
) -> None:
    padded = tmp_path / "to.sqlite3"
    shutil.copy2(on_stick(store, tmp_path), padded)
    with padded.open("r+b") as handle:  # a real header, then 2 GB of nothing (sparse)
        handle.truncate(2 * 1024**3)
    refused(paths, padded, "hỏng")


def test_a_backup_of_another_office_is_refused(
    store: Store, paths: DataPaths, tmp_path: Path
) -> None:
    other = edited(on_stick(store, tmp_path), "UPDATE office SET code = '10199';")
    refused(paths, other, "10199")


def test_a_newer_schema_is_refused(store: Store, paths: DataPaths, tmp_path: Path) -> None:
    newer = edited(
        on_stick(store, tmp_path),
        "UPDATE alembic_version SET version_num = '0099_future'; CREATE TABLE future (x);",
    )
    refused(paths, newer, "phiên bản")


def test_a_damaged_file_is_refused(store: Store, paths: DataPaths, tmp_path: Path) -> None:
    for index in range(30):
        add_record(store, record_type=RecordType.DIALOGUE, data=dialogue(title=f"Buổi {index}"))
    damaged = on_stick(store, tmp_path)
    corrupt_pages(damaged)
    refused(paths, damaged, "hỏng")


def test_triggers_and_views_that_run_code_are_refused(
    store: Store, paths: DataPaths, tmp_path: Path
) -> None:
    genuine = on_stick(store, tmp_path)
    trigger = edited(
        genuine,
        "CREATE TRIGGER steal AFTER INSERT ON record BEGIN "
        "SELECT load_extension('/tmp/evil.so'); END;",
    )
    refused(paths, trigger, "phiên bản")
    view = edited(
        genuine,
        "ALTER TABLE office RENAME TO office_real; "
        "CREATE VIEW office AS SELECT id, load_extension('/tmp/evil.so') AS code, "
        "code_list_version, level, created_at FROM office_real;",
    )
    refused(paths, view, "phiên bản")


def test_a_genuine_stick_backup_is_restored_and_the_current_one_kept(
    store: Store, paths: DataPaths, tmp_path: Path
) -> None:
    add_record(store, record_type=RecordType.INSPECTION, data=inspection())
    before = table_rows(paths.database)
    file = on_stick(store, tmp_path)
    add_record(store, record_type=RecordType.DIALOGUE, data=dialogue())
    result = restore_from_file(paths, file=file)
    assert table_rows(paths.database) == before
    assert result.saved_current is not None and result.saved_current.is_file()
    assert file.is_file(), "the file on the stick is only read"


def test_cli_restores_from_a_file(store: Store, cli: CliRunner, tmp_path: Path) -> None:
    add_record(store, record_type=RecordType.INSPECTION, data=inspection())
    file = on_stick(store, tmp_path)
    done = cli("backup", "restore", "--from", str(file))
    assert done.code == 0, done.err
    other = edited(file, "UPDATE office SET code = '10199';")
    bad = cli("backup", "restore", "--from", str(other))
    assert bad.code != 0 and "10199" in bad.err


def test_a_wal_file_is_refused_so_no_wal_beside_it_is_replayed(
    store: Store, paths: DataPaths, tmp_path: Path
) -> None:
    wal = edited(on_stick(store, tmp_path), "PRAGMA journal_mode = WAL;")
    assert wal.read_bytes()[18:20] == b"\x02\x02"
    refused(paths, wal, "hỏng")


def test_without_an_office_here_nothing_is_restored(tmp_path: Path) -> None:
    paths = DataPaths(tmp_path / "office")
    file = tmp_path / "dvdesk-10105-2026-11-29-2107.sqlite3"
    file.write_bytes(b"SQLite format 3\x00" + bytes(200))
    with pytest.raises(NotFound, match="Hãy thiết lập cơ quan này trước"):
        restore_from_file(paths, file=file)
    assert not paths.root.exists()


def test_a_damaged_database_here_is_a_clear_message(
    store: Store, paths: DataPaths, tmp_path: Path
) -> None:
    for index in range(30):
        add_record(store, record_type=RecordType.DIALOGUE, data=dialogue(title=f"Buổi {index}"))
    file = on_stick(store, tmp_path)
    store.close()
    corrupt_pages(paths.database)
    damaged = paths.database.read_bytes()
    with pytest.raises(StorageError, match="máy tính này bị hỏng"):
        restore_from_file(paths, file=file)
    assert paths.database.read_bytes() == damaged
    assert [b.reason for b in list_backups(paths)] == []
