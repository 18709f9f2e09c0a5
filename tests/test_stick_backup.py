"""Backups onto a USB stick: a checked copy that only gets its name when complete."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from dvdesk.db.backup import copy_database
from dvdesk.domain.enums import RecordType
from dvdesk.errors import NotFound, StorageError
from dvdesk.os_errors import sqlite_write_reason
from dvdesk.paths import DataPaths
from dvdesk.services import stick_backup
from dvdesk.services.backup import integrity_problems, list_backups
from dvdesk.services.records import add_record
from dvdesk.services.stick_backup import backup_to_folder, office_code
from dvdesk.services.store import Store
from tests.conftest import CliRunner
from tests.samples import dialogue, inspection
from tests.test_backup import corrupt_pages, table_rows

NOW = datetime(2026, 11, 29, 14, 7, tzinfo=UTC)


def stick(tmp_path: Path) -> Path:
    folder = tmp_path / "USB"
    folder.mkdir()
    return folder


def test_backup_to_a_stick_is_complete_checked_and_named_for_the_office(
    store: Store, paths: DataPaths, tmp_path: Path
) -> None:
    add_record(store, record_type=RecordType.INSPECTION, data=inspection())
    add_record(store, record_type=RecordType.DIALOGUE, data=dialogue())
    folder = stick(tmp_path)
    code = office_code(paths.database)
    assert code
    made = backup_to_folder(paths, folder=folder, now=NOW)
    local = NOW.astimezone().strftime("%Y-%m-%d-%H%M")
    assert made.path == folder / f"dvdesk-{code}-{local}.sqlite3"
    assert made.records == 2 and made.office_code == code
    assert sorted(p.name for p in folder.iterdir()) == [made.path.name]  # no .part left
    assert integrity_problems(made.path, full=True) == []
    assert table_rows(made.path) == table_rows(paths.database)
    assert list_backups(paths) == []  # the data folder's own backups are not touched
    again = backup_to_folder(paths, folder=folder, now=NOW)  # same minute: a new name
    assert again.path.name == f"dvdesk-{code}-{local}-2.sqlite3"
    assert made.path.is_file()


def test_a_missing_stick_is_a_clear_message(store: Store, paths: DataPaths, tmp_path: Path) -> None:
    gone = tmp_path / "USB"
    with pytest.raises(StorageError, match="USB bị rút ra"):
        backup_to_folder(paths, folder=gone)
    assert not gone.exists()


def test_no_database_or_no_office_is_refused(tmp_path: Path) -> None:
    paths = DataPaths(tmp_path / "office")
    with pytest.raises(NotFound):
        backup_to_folder(paths, folder=stick(tmp_path))
    paths.root.mkdir()
    sqlite3.connect(paths.database).close()
    with pytest.raises(NotFound):
        backup_to_folder(paths, folder=tmp_path / "USB")
    assert list((tmp_path / "USB").iterdir()) == []


def test_a_full_stick_leaves_no_file_that_looks_complete(
    store: Store, paths: DataPaths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = stick(tmp_path)
    written: list[Path] = []

    def fills_up(database: Path, target: Path, **kwargs: object) -> None:
        # A real partial copy, then the error SQLite gives when the drive is full.
        target.write_bytes(database.read_bytes()[:4096])
        written.append(target)
        error = sqlite3.OperationalError("database or disk is full")
        error.sqlite_errorcode = sqlite3.SQLITE_FULL
        raise error

    monkeypatch.setattr(stick_backup, "copy_database", fills_up)
    with pytest.raises(StorageError, match="ổ đĩa đã đầy") as raised:
        backup_to_folder(paths, folder=folder)
    assert written and written[0].name.endswith(".sqlite3.part")
    assert list(folder.iterdir()) == []
    assert "Không có bản sao lưu dở dang nào để lại ở đó" in str(raised.value)
    monkeypatch.setattr(stick_backup, "copy_database", copy_database)
    assert backup_to_folder(paths, folder=folder).path.is_file()  # the next try works


def test_a_copy_that_does_not_read_back_is_deleted(
    store: Store, paths: DataPaths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = stick(tmp_path)
    real_sync = stick_backup._sync

    def damaged_on_the_stick(part: Path) -> None:
        real_sync(part)
        with part.open("r+b") as handle:  # a failing stick returns other bytes
            handle.seek(100)
            handle.write(b"\xde\xad\xbe\xef" * 1000)

    monkeypatch.setattr(stick_backup, "_sync", damaged_on_the_stick)
    with pytest.raises(StorageError, match="đọc lại không đúng"):
        backup_to_folder(paths, folder=folder)
    assert list(folder.iterdir()) == []


def test_a_stick_pulled_out_during_the_copy(store: Store, paths: DataPaths, tmp_path: Path) -> None:
    folder = stick(tmp_path)

    def pull_out(_percent: int) -> None:
        for path in folder.iterdir():
            path.unlink()
        folder.rmdir()

    with pytest.raises(StorageError, match="USB bị rút ra"):
        backup_to_folder(paths, folder=folder, progress=pull_out)
    assert not folder.exists()


def test_sqlite_write_errors_are_worded_in_vietnamese(tmp_path: Path) -> None:
    database = tmp_path / "small.sqlite3"
    connection = sqlite3.connect(database)
    connection.execute("CREATE TABLE t (x)")
    connection.commit()
    connection.execute(
        f"PRAGMA max_page_count = {connection.execute('PRAGMA page_count').fetchone()[0]}"
    )
    with pytest.raises(sqlite3.OperationalError) as full:
        connection.execute("INSERT INTO t VALUES (zeroblob(100000))")
    connection.close()
    assert sqlite_write_reason(full.value) == "ổ đĩa đã đầy"
    reader = sqlite3.connect(f"{database.as_uri()}?mode=ro", uri=True)
    with pytest.raises(sqlite3.OperationalError) as read_only:
        reader.execute("INSERT INTO t VALUES (1)")
    reader.close()
    assert "chỉ đọc" in sqlite_write_reason(read_only.value)


def test_cli_backs_up_to_a_folder(store: Store, cli: CliRunner, tmp_path: Path) -> None:
    add_record(store, record_type=RecordType.INSPECTION, data=inspection())
    folder = stick(tmp_path)
    done = cli("backup", "create", "--to", str(folder))
    assert done.code == 0, done.err
    [made] = folder.iterdir()
    assert made.name.startswith(f"dvdesk-{office_code(store.paths.database)}-")
    assert str(made) in done.out and "USB" in done.out
    missing = cli("backup", "create", "--to", str(tmp_path / "khong-co"))
    assert missing.code != 0 and "USB bị rút ra" in missing.err


def test_a_damaged_database_is_named_as_such_not_blamed_on_the_stick(
    store: Store, paths: DataPaths, tmp_path: Path
) -> None:
    for index in range(30):
        add_record(store, record_type=RecordType.DIALOGUE, data=dialogue(title=f"Buổi {index}"))
    store.close()
    corrupt_pages(paths.database)
    folder = stick(tmp_path)
    with pytest.raises(StorageError, match=r"Tệp cơ sở dữ liệu .* bị hỏng") as raised:
        backup_to_folder(paths, folder=folder)
    assert "USB" not in str(raised.value)
    assert list(folder.iterdir()) == []


def test_damage_in_the_records_is_named_as_such_not_blamed_on_the_stick(
    store: Store, paths: DataPaths, tmp_path: Path
) -> None:
    for index in range(60):
        add_record(store, record_type=RecordType.DIALOGUE, data=dialogue(title=f"Buổi {index}"))
    store.close()
    connection = sqlite3.connect(paths.database)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    size = paths.database.stat().st_size
    with paths.database.open("r+b") as handle:  # the last pages only: the schema still reads
        for page in range(size // 4096 - 4, size // 4096):
            handle.seek(page * 4096 + 100)
            handle.write(b"\xde\xad\xbe\xef" * 200)
    assert office_code(paths.database)
    folder = stick(tmp_path)
    with pytest.raises(StorageError, match=r"Tệp cơ sở dữ liệu .* bị hỏng"):
        backup_to_folder(paths, folder=folder)
    assert list(folder.iterdir()) == []
