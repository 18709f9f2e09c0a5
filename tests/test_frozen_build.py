"""The frozen (PyInstaller) build: it builds, passes its self-check, starts the GUI, and
opens data of an older schema. Slow (a few minutes): it really runs PyInstaller."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from dvdesk.paths import PORTABLE_DATA, PORTABLE_MARKER

ROOT = Path(__file__).resolve().parent.parent
SAVED = sorted((ROOT / "tests" / "data" / "schemas").glob("*.sqlite3"))
pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]


def exe(folder: Path, name: str) -> Path:
    return folder / (f"{name}.exe" if sys.platform == "win32" else name)


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist, work = tmp_path_factory.mktemp("dist"), tmp_path_factory.mktemp("work")
    command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "ERROR"]
    command += ["--distpath", str(dist), "--workpath", str(work), str(ROOT / "build.spec")]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr[-4000:]
    return dist / "dvdesk"


@pytest.fixture
def env(tmp_path: Path) -> Iterator[dict[str, str]]:
    """A clean user: no data folder override, home in tmp_path, no display."""
    values = {k: v for k, v in os.environ.items() if not k.startswith(("DVDESK_", "PYTHON"))}
    values |= {
        "HOME": str(tmp_path / "home"),
        "XDG_DATA_HOME": str(tmp_path / "home" / "data"),
        "QT_QPA_PLATFORM": "offscreen",
    }
    yield values


def run(
    build: Path, name: str, *args: str, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(exe(build, name)), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


def test_the_build_has_both_programs_and_its_data(build: Path) -> None:
    assert exe(build, "dvdesk").is_file() and exe(build, "dvdesk-cli").is_file()
    internal = build / "_internal"
    assert (internal / "resources" / "locale" / "vi" / "LC_MESSAGES" / "dvdesk.po").is_file()
    assert (
        internal / "dvdesk" / "db" / "migrations" / "versions" / "0001_initial_schema.py"
    ).is_file()
    assert list((internal / "resources" / "fonts").glob("LiberationSerif-*.ttf"))
    assert not list(internal.rglob("*QtWebEngine*")), "unused Qt modules were bundled"
    assert not list(internal.rglob("*Qt6Quick*"))


def test_frozen_self_check_passes(build: Path, env: dict[str, str]) -> None:
    result = run(build, "dvdesk-cli", "--self-check", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    for name in (
        "sqlite",
        "migrations",
        "catalogs",
        "fonts",
        "reportlab",
        "openpyxl",
        "cryptography",
        "package",
        "qt",
    ):
        assert f" {name} " in result.stdout
    fonts = next(line for line in result.stdout.splitlines() if " fonts " in line)
    assert str(build / "_internal" / "resources" / "fonts") in fonts, (
        "the bundled font was not used"
    )


def test_frozen_gui_starts_and_quits(build: Path, env: dict[str, str], tmp_path: Path) -> None:
    data = tmp_path / "office"
    made = run(build, "dvdesk-cli", "--data-dir", str(data), "demo", "--records", "30", env=env)
    assert made.returncode == 0, made.stderr
    result = run(build, "dvdesk", "--data-dir", str(data), env=env | {"DVDESK_SMOKE_TEST": "1"})
    assert result.returncode == 0, result.stderr
    title, count = result.stdout.split("\n")[:2]
    assert title.startswith("dvdesk — ") and int(count) > 0


def test_frozen_build_upgrades_an_older_database(
    build: Path, env: dict[str, str], tmp_path: Path
) -> None:
    data = tmp_path / "office"
    data.mkdir()
    shutil.copy(SAVED[0], data / "dvdesk.sqlite3")
    result = run(build, "dvdesk-cli", "--data-dir", str(data), "backup", "list", env=env)
    assert result.returncode == 0, result.stderr
    listed = run(build, "dvdesk-cli", "--data-dir", str(data), "record", "list", env=env)
    assert listed.returncode == 0, listed.stderr
    assert list((data / "backups").glob(f"*before-upgrade-{SAVED[0].stem}.sqlite3"))


def test_portable_marker_keeps_data_next_to_the_program(build: Path, env: dict[str, str]) -> None:
    marker = build / PORTABLE_MARKER
    marker.write_text("")
    try:
        result = run(build, "dvdesk-cli", "demo", "--records", "3", env=env)
        assert result.returncode == 0, result.stderr
        assert (build / PORTABLE_DATA / "dvdesk.sqlite3").is_file()
        assert not (Path(env["XDG_DATA_HOME"]) / "dvdesk").exists()
    finally:
        marker.unlink()
        shutil.rmtree(build / PORTABLE_DATA, ignore_errors=True)
