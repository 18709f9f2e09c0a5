"""Known storage failures reach the user as plain Vietnamese, with nothing lost."""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

import pytest

from dvdesk.domain.enums import RecordType
from dvdesk.errors import StorageError
from dvdesk.paths import DataPaths
from dvdesk.services.records import add_record, list_records
from dvdesk.services.store import Store, storage_message
from dvdesk.sync.container import PackageWriter
from tests import sync_fixtures
from tests.samples import inspection
from tests.sync_fixtures import Exchange

exchange_template = sync_fixtures.exchange_template
exchange = sync_fixtures.exchange


def _failure(kind: type[sqlite3.Error], code: int) -> sqlite3.Error:
    """A failure as SQLite raises it: the code is what counts, not the (English) text."""
    error = kind("a message in whatever language")
    error.sqlite_errorcode = code
    return error


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (_failure(sqlite3.OperationalError, sqlite3.SQLITE_FULL), "đĩa"),
        (_failure(sqlite3.OperationalError, sqlite3.SQLITE_BUSY), "đang"),
        (_failure(sqlite3.OperationalError, sqlite3.SQLITE_BUSY_SNAPSHOT), "đang"),
        (_failure(sqlite3.DatabaseError, sqlite3.SQLITE_NOTADB), "hỏng"),
        (_failure(sqlite3.DatabaseError, sqlite3.SQLITE_CORRUPT_INDEX), "hỏng"),
        (_failure(sqlite3.OperationalError, sqlite3.SQLITE_READONLY), "ghi"),
        (OSError(28, "No space left on device"), "đĩa"),
    ],
)
def test_known_failures_have_messages(error: BaseException, words: str) -> None:
    message = storage_message(error, Path("/data/dvdesk.sqlite3"))
    assert message is not None
    assert words in message.lower()


def test_unknown_failures_are_bugs() -> None:
    assert storage_message(sqlite3.OperationalError("no such column: x"), Path("x")) is None
    # The text alone no longer decides: "locked" in a message without the code is a bug.
    assert storage_message(sqlite3.OperationalError("database is locked"), Path("x")) is None


def test_a_real_sqlite_failure_is_classified_by_its_code(tmp_path: Path) -> None:
    not_a_database = tmp_path / "bien-ban.sqlite3"
    not_a_database.write_bytes(b"Day khong phai co so du lieu. " * 100)
    connection = sqlite3.connect(not_a_database)
    try:
        with pytest.raises(sqlite3.DatabaseError) as raised:
            connection.execute("SELECT * FROM record")
    finally:
        connection.close()
    message = storage_message(raised.value, not_a_database)
    assert message is not None and "hỏng" in message


def test_locked_database_is_reported_and_nothing_is_lost(store: Store) -> None:
    record_id = add_record(store, record_type=RecordType.INSPECTION, data=inspection())
    blocker = sqlite3.connect(store.paths.database, timeout=0)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        import dvdesk.db.engine as engine_module

        assert engine_module.BUSY_TIMEOUT_MS > 0
        with pytest.raises(StorageError), store.session() as session:
            session.connection().exec_driver_sql("PRAGMA busy_timeout = 50")
            session.connection().exec_driver_sql(
                "INSERT INTO setting(key, value, updated_by, updated_at) "
                "VALUES ('x', '1', 'x', 'x')"
            )
    finally:
        blocker.rollback()
        blocker.close()
    assert [r.id for r in list_records(store)] == [record_id]


def test_unopenable_database_is_reported(tmp_path: Path) -> None:
    from dvdesk.services.store import open_store

    paths = DataPaths(tmp_path / "office")
    paths.database.mkdir(parents=True)  # a folder where the file should be: SQLite cannot open it
    (paths.database / "x").write_text("x")
    with pytest.raises(StorageError) as raised:
        open_store(paths, actor="x", create=True)
    assert str(paths.database) in raised.value.message or "dvdesk init" in raised.value.message


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (OSError(5, "Input/output error"), "USB bị rút ra"),
        (OSError(2, "No such file or directory"), "USB bị rút ra"),
        (OSError(13, "Permission denied"), "chỉ đọc"),
        (OSError(30, "Read-only file system"), "chỉ đọc"),
        (OSError(71, "Protocol error"), "lỗi hệ thống số 71"),
    ],
)
def test_system_reasons_are_said_in_vietnamese(error: OSError, reason: str) -> None:
    """A stick pulled out mid-export showed "… .part: Input/output error." (English)."""
    message = storage_message(error, Path("E:/dvdesk-10105-01-000005.dvpkg"))
    assert message is not None
    assert reason in message
    assert error.strerror is not None and error.strerror not in message


def test_a_stick_pulled_mid_export_is_said_plainly_and_nothing_is_numbered(
    exchange: Exchange, monkeypatch: pytest.MonkeyPatch
) -> None:
    exchange.add()
    writes = PackageWriter.add

    def pulled(*_args: object, **_kwargs: object) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(PackageWriter, "add", pulled)
    with pytest.raises(StorageError) as error:
        exchange.export()
    assert error.value.message == (
        f"Không đọc hoặc ghi được {exchange.stick / 'dvdesk-10105-01-000001.dvpkg'}: thư mục "
        "hoặc ổ đĩa không còn nữa (USB bị rút ra?). Hãy kiểm tra thư mục rồi thử lại."
    )
    assert list(exchange.stick.iterdir()) == []
    monkeypatch.setattr(PackageWriter, "add", writes)  # the stick is back
    assert exchange.export().sequence == 1
