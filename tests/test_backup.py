"""Rotating backups, restore, and the integrity check at start-up."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from dvdesk.domain.enums import RecordType
from dvdesk.errors import Cancelled, Conflict, StorageError, UserError
from dvdesk.paths import DataPaths
from dvdesk.services import backup as backups
from dvdesk.services.demo import add_demo_records, ensure_demo_office
from dvdesk.services.records import add_record, update_record
from dvdesk.services.store import Store, open_store
from tests.conftest import CliRunner
from tests.samples import dialogue, inspection


def table_rows(database: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, sorted: 'byte-identical records' compares these."""
    connection = sqlite3.connect(database)
    try:
        tables = [
            str(row[0])
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {
            table: sorted(connection.execute(f'SELECT * FROM "{table}"').fetchall(), key=repr)
            for table in tables
        }
    finally:
        connection.close()


def corrupt_pages(database: Path) -> None:
    """Overwrite the middle of the file (not the header) with garbage, as a bad disk would."""
    connection = sqlite3.connect(database)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    size = database.stat().st_size
    assert size > 8 * 4096
    with database.open("r+b") as handle:
        for page in range(2, size // 4096):
            handle.seek(page * 4096 + 100)
            handle.write(b"\xde\xad\xbe\xef" * 200)


def test_backup_restores_byte_identical_records(store: Store, paths: DataPaths) -> None:
    first = add_record(store, record_type=RecordType.INSPECTION, data=inspection())
    add_record(store, record_type=RecordType.DIALOGUE, data=dialogue())
    before = table_rows(paths.database)
    made = backups.make_backup(paths)
    assert made.records == 2
    assert made.reason == backups.MANUAL
    assert not list(paths.backups.glob("*-wal")), "a backup must be one self-contained file"

    update_record(store, record_id=first, changes={"title": "Đã sửa sau khi sao lưu"})
    add_record(store, record_type=RecordType.INSPECTION, data=inspection(title="Thêm mới"))
    assert table_rows(paths.database) != before

    result = backups.restore_backup(paths, name=made.name)
    assert table_rows(paths.database) == before
    assert result.saved_current is not None
    assert backups.describe(result.saved_current).records == 3
    with sqlite3.connect(paths.database) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    # The open store keeps working on the restored content.
    add_record(store, record_type=RecordType.INSPECTION, data=inspection(title="Sau khôi phục"))


def test_restore_refuses_a_damaged_backup_and_changes_nothing(
    store: Store, paths: DataPaths
) -> None:
    for index in range(30):
        add_record(store, record_type=RecordType.DIALOGUE, data=dialogue(title=f"Buổi {index}"))
    made = backups.make_backup(paths)
    corrupt_pages(made.path)
    before = table_rows(paths.database)
    with pytest.raises(UserError, match="hỏng"):
        backups.restore_backup(paths, name=made.name)
    assert table_rows(paths.database) == before


def test_restore_waits_for_no_writer(store: Store, paths: DataPaths) -> None:
    made = backups.make_backup(paths)
    writer = sqlite3.connect(paths.database, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(Conflict):
            backups.restore_backup(paths, name=made.name)
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def test_damaged_database_is_detected_at_start_up_and_kept(
    store: Store, paths: DataPaths, cli: CliRunner
) -> None:
    for index in range(30):
        add_record(store, record_type=RecordType.DIALOGUE, data=dialogue(title=f"Buổi {index}"))
    good = backups.make_backup(paths)
    store.close()
    corrupt_pages(paths.database)
    damaged = paths.database.read_bytes()

    assert backups.startup_check(paths)  # problems found, no daily backup of a bad file
    assert not [b for b in backups.list_backups(paths) if b.reason == backups.DAILY]
    with pytest.raises(StorageError, match="bị hỏng"):
        backups.check_database(paths)
    result = cli("backup", "check")
    assert result.code != 0
    assert "bị hỏng" in result.err and "dvdesk backup restore" in result.err
    assert paths.database.read_bytes() == damaged, "a damaged database must never be overwritten"

    restored = cli("backup", "restore", good.name)
    assert restored.code == 0, restored.err
    assert backups.integrity_problems(paths.database, full=True) == []
    kept = [b for b in backups.list_backups(paths) if b.reason == backups.DAMAGED]
    assert len(kept) == 1 and kept[0].path.read_bytes() == damaged


def test_header_damage_is_a_clear_message_on_open(tmp_path: Path) -> None:
    paths = DataPaths(tmp_path / "office")
    paths.root.mkdir()
    paths.database.write_bytes(b"this is not a database" * 500)
    with pytest.raises(StorageError, match="bị hỏng"):
        open_store(paths, actor="test", create=True)
    assert paths.database.read_bytes() == b"this is not a database" * 500


def test_daily_backup_at_most_once_a_day(store: Store, paths: DataPaths) -> None:
    assert backups.startup_check(paths) == []
    assert backups.startup_check(paths) == []
    daily = [b for b in backups.list_backups(paths) if b.reason == backups.DAILY]
    assert len(daily) == 1
    tomorrow = datetime.now(UTC) + timedelta(days=1)
    assert backups.daily_backup_due(paths, now=tomorrow)
    assert not backups.daily_backup_due(paths)


def test_rotation_keeps_seven_daily_and_five_event_backups(paths: DataPaths) -> None:
    paths.backups.mkdir(parents=True)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for day in range(12):
        for reason in ("daily", "before-import", "before-upgrade-0001", "manual"):
            stamp = (start + timedelta(days=day)).strftime("%Y%m%dT%H%M%S%fZ")
            (paths.backups / f"dvdesk-{stamp}-{reason}.sqlite3").write_bytes(b"")
    (paths.backups / "notes.sqlite3").write_bytes(b"")  # not ours: never touched
    backups.rotate(paths)
    left = sorted(p.name for p in paths.backups.iterdir())
    assert sum("-daily." in name for name in left) == 7
    assert sum("-manual." in name for name in left) == 10
    assert sum("before-" in name for name in left) == 5
    assert "notes.sqlite3" in left
    assert "dvdesk-20260112T000000000000Z-daily.sqlite3" in left  # the newest stay


def test_backup_while_another_connection_writes(store: Store, paths: DataPaths) -> None:
    add_record(store, record_type=RecordType.INSPECTION, data=inspection())
    stop = threading.Event()

    def keep_writing() -> None:
        while not stop.is_set():
            add_record(store, record_type=RecordType.DIALOGUE, data=dialogue())

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        made = [backups.make_backup(paths) for _ in range(3)]
    finally:
        stop.set()
        writer.join()
    for backup in made:
        assert backups.integrity_problems(backup.path, full=True) == []


def test_backup_cli_list_and_json(store: Store, cli: CliRunner) -> None:
    add_record(store, record_type=RecordType.INSPECTION, data=inspection())
    assert cli("backup", "create").code == 0
    listed = cli("backup", "list", "--json")
    assert listed.code == 0
    [entry] = listed.json()
    assert entry["records"] == 1 and entry["reason"] == "manual" and entry["size"] > 0
    text = cli("backup", "list")
    assert "1 hồ sơ" in text.out
    missing = cli("backup", "restore", "khong-co.sqlite3")
    assert missing.code == 3 and "dvdesk backup list" in missing.err


def test_check_can_be_cancelled(store: Store, paths: DataPaths) -> None:
    for index in range(30):
        add_record(store, record_type=RecordType.DIALOGUE, data=dialogue(title=f"Buổi {index}"))
    with pytest.raises(Cancelled):
        backups.integrity_problems(paths.database, cancelled=lambda: True)


def test_cancelled_backup_leaves_no_partial_file(store: Store, paths: DataPaths) -> None:
    with pytest.raises(Cancelled):
        backups.make_backup(paths, cancelled=lambda: True)
    assert list(paths.backups.iterdir()) == []


def test_start_up_check_reports_its_progress(store: Store, paths: DataPaths) -> None:
    ensure_demo_office(store)
    add_demo_records(store, count=600, seed=2, office_codes=["01"])
    seen: list[tuple[backups.StartupStage, int]] = []
    assert backups.startup_check(paths, progress=lambda s, p: seen.append((s, p))) == []
    checked = [percent for stage, percent in seen if stage is backups.StartupStage.CHECK]
    copied = [percent for stage, percent in seen if stage is backups.StartupStage.BACKUP]
    assert len(set(checked)) > 3 and checked == sorted(checked)
    assert checked[0] == 0 and checked[-1] == 100
    assert copied and copied == sorted(copied) and copied[-1] == 100
    stages = [stage for stage, _ in seen]
    assert stages == [backups.StartupStage.CHECK] * len(checked) + [
        backups.StartupStage.BACKUP
    ] * len(copied)  # the check, then the backup


def held_exclusively(database: Path) -> sqlite3.Connection:
    """Another program holding the database (an exclusive write lock, never released)."""
    holder = sqlite3.connect(database, isolation_level=None)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("CREATE TABLE held_by_another_program (x)")
    return holder


def test_a_busy_database_is_not_reported_as_damaged(
    store: Store, paths: DataPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A database held by another program past the busy timeout: the check says so and
    asks nothing of the clerk; it never reports damage (which sends her to restore)."""
    add_record(store, record_type=RecordType.INSPECTION, data=inspection())
    store.close()
    monkeypatch.setattr(backups, "BUSY_TIMEOUT_MS", 50)
    holder = held_exclusively(paths.database)
    try:
        with pytest.raises(backups.DatabaseBusy) as raised:
            backups.startup_check(paths)
        assert "hỏng" not in raised.value.message
        assert "chương trình khác" in raised.value.message
    finally:
        holder.close()
    assert backups.startup_check(paths) == []  # released: the check and backup run
    assert [b.reason for b in backups.list_backups(paths)] == [backups.DAILY]
