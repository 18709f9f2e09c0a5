"""Shared fixtures: a fresh data folder per test, the CLI as a function, Vietnamese by default."""

from __future__ import annotations

import os

# GUI tests run without a screen; set before anything can create a QApplication.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import hashlib
import json
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from dvdesk.cli.main import main
from dvdesk.i18n import set_language
from dvdesk.paths import ENV_DATA_DIR, DataPaths
from dvdesk.services.office import create_office
from dvdesk.services.store import Store, open_store
from dvdesk.sync import keys
from tests.samples import OFFICE

pytest_plugins = ["tests.gui_support", "tests.signature_fixtures"]


# Office keys in tests are sealed at a cheap scrypt cost: at the real one (2^17, 128 MiB)
# every unlock took 0.4 s of CPU, three quarters of each sync test. The real cost is
# what tests/test_key_storage.py checks (its `real_key_cost` fixture), and a key sealed
# at a lower cost still opens and is sealed again there, as in the app.
REAL_SCRYPT_N = keys.SCRYPT_N
TEST_SCRYPT_N = 2**12


@pytest.fixture(scope="session", autouse=True)
def _cheap_key_sealing() -> Iterator[None]:
    """Session-wide, so the session's template offices are sealed cheaply too."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(keys, "SCRYPT_N", TEST_SCRYPT_N)
        yield


@pytest.fixture
def real_key_cost(monkeypatch: pytest.MonkeyPatch) -> None:
    """The app's own scrypt cost, for the tests that check it."""
    monkeypatch.setattr(keys, "SCRYPT_N", REAL_SCRYPT_N)


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    monkeypatch.delenv(ENV_DATA_DIR, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "home" / "data"))
    set_language("vi")
    yield
    set_language("vi")


@pytest.fixture(scope="session")
def qapp_args(pytestconfig: pytest.Config) -> list[str]:
    """The GUI tests' QApplication is made as the app makes its own (the Fusion look)."""
    from ui.app import application_arguments

    return application_arguments([str(pytestconfig.getini("qt_qapp_name"))])


@pytest.fixture
def paths(tmp_path: Path) -> DataPaths:
    return DataPaths(tmp_path / "office")


@pytest.fixture(scope="session")
def office_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample office's data folder, made once per session: running every migration
    for each test cost most of a second (the fsyncs of every upgrade). Tests that
    prove creating and migrating call open_store(create=True) themselves."""
    root = tmp_path_factory.mktemp("office-template") / "office"
    made = open_store(DataPaths(root), actor="chuyenvien", create=True)
    create_office(made, data=dict(OFFICE))
    made.close()
    return root


@pytest.fixture
def store(paths: DataPaths, office_template: Path) -> Iterator[Store]:
    """A fresh copy of the sample office (migrated to head, office created)."""
    shutil.copytree(office_template, paths.root, dirs_exist_ok=True)
    opened = open_store(paths, actor="chuyenvien")
    yield opened
    opened.close()


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


CliRunner = Callable[..., Result]


@pytest.fixture
def cli(
    paths: DataPaths, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> CliRunner:
    """Run ``dvdesk --data-dir <paths> ARGS`` in-process; ``stdin`` feeds ``-`` inputs."""

    def run(*args: str, stdin: str | None = None) -> Result:
        if stdin is not None:
            import io

            monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(stdin.encode("utf-8"))))
        code = main(["--data-dir", str(paths.root), "--user", "chuyenvien", *args])
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


def database_digest(paths: DataPaths) -> str:
    """Digest of what the database holds as committed, to prove nothing was written.

    The WAL is checkpointed into the file first: SQLite checkpoints by itself when the
    last connection closes (a pooled one collected as garbage, at any moment), which
    moves committed pages between the two files and deletes the WAL without changing
    anything, and the digest of the two files then changed in a loaded run."""
    if paths.database.exists():
        try:
            with closing(sqlite3.connect(paths.database)) as connection:
                connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        except sqlite3.DatabaseError:  # held locked, or not a database: the files as they are
            pass
    digest = hashlib.sha256()
    for path in (paths.database, paths.database.with_name(paths.database.name + "-wal")):
        data = path.read_bytes() if path.exists() else b""
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


# The files that take minutes, longest first. They start the run, so that with two
# workers (.ci/test: pytest -n 2 --dist loadfile) the rest runs beside them, not after.
LONGEST_FIRST = (
    "test_frozen_build.py",
    "test_sync_fuzz.py",
    "test_sync_kill.py",
    "test_sync_properties.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        name = item.path.name
        return LONGEST_FIRST.index(name) if name in LONGEST_FIRST else len(LONGEST_FIRST)

    items.sort(key=rank)  # stable: every file keeps its own order
