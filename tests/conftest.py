"""Shared fixtures: a fresh data folder per test, the CLI as a function, Vietnamese by default."""

from __future__ import annotations

import os

# GUI tests run without a screen; set before anything can create a QApplication.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from dvdesk.cli.main import main
from dvdesk.i18n import set_language
from dvdesk.paths import ENV_DATA_DIR, DataPaths
from dvdesk.services.office import create_office
from dvdesk.services.store import Store, open_store
from tests.samples import OFFICE

pytest_plugins = ["tests.gui_support", "tests.signature_fixtures"]


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


@pytest.fixture
def store(paths: DataPaths) -> Iterator[Store]:
    opened = open_store(paths, actor="chuyenvien", create=True)
    create_office(opened, data=dict(OFFICE))
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
    """Digest of the database file and its WAL, to prove nothing was written."""
    digest = hashlib.sha256()
    for path in (paths.database, paths.database.with_name(paths.database.name + "-wal")):
        digest.update(path.read_bytes() if path.exists() else b"-")
    return digest.hexdigest()
