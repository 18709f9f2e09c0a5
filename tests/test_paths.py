"""Where the data lives: per-user folder, overrides, and portable installs on a USB stick."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from dvdesk.paths import (
    ENV_DATA_DIR,
    PORTABLE_DATA,
    PORTABLE_MARKER,
    default_data_dir,
    resolve_data_dir,
)
from tests.conftest import CliRunner


@pytest.fixture
def frozen_exe(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Pretend to run as a frozen build installed in tmp_path/usb/dvdesk."""
    folder = tmp_path / "usb" / "dvdesk"
    folder.mkdir(parents=True)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(folder / "dvdesk.exe"))
    return folder


def test_default_is_the_per_user_data_folder(tmp_path: Path) -> None:
    # conftest points XDG_DATA_HOME into tmp_path (what %LOCALAPPDATA% is on Windows).
    assert default_data_dir() == tmp_path / "home" / "data" / "dvdesk"
    assert resolve_data_dir().root == default_data_dir()


def test_marker_next_to_the_frozen_executable_makes_it_portable(frozen_exe: Path) -> None:
    assert resolve_data_dir().root == default_data_dir()
    (frozen_exe / PORTABLE_MARKER).write_text("")
    assert resolve_data_dir().root == frozen_exe / PORTABLE_DATA


def test_flag_makes_it_portable_without_a_marker(frozen_exe: Path) -> None:
    assert resolve_data_dir(portable=True).root == frozen_exe / PORTABLE_DATA


def test_marker_is_ignored_when_not_frozen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    (tmp_path / PORTABLE_MARKER).write_text("")
    assert resolve_data_dir().root == default_data_dir()


def test_order_data_dir_then_flag_then_env_then_marker(
    frozen_exe: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (frozen_exe / PORTABLE_MARKER).write_text("")
    monkeypatch.setenv(ENV_DATA_DIR, str(tmp_path / "from-env"))
    assert resolve_data_dir().root == tmp_path / "from-env"
    assert resolve_data_dir(portable=True).root == frozen_exe / PORTABLE_DATA
    explicit = resolve_data_dir(tmp_path / "explicit", portable=True).root
    assert explicit == tmp_path / "explicit"


def test_portable_cli_keeps_its_data_on_the_stick(
    frozen_exe: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from dvdesk.cli.main import main

    code = main(["--portable", "demo", "--records", "3"])
    assert code == 0, capsys.readouterr().err
    assert (frozen_exe / PORTABLE_DATA / "dvdesk.sqlite3").is_file()
    assert not default_data_dir().exists()


def test_gui_is_opened_on_the_portable_folder(frozen_exe: Path) -> None:
    from dvdesk.cli.main import main

    opened: list[str | None] = []

    def open_gui(folder: str | None) -> int:
        opened.append(folder)
        return 0

    main(["--portable"], open_gui=open_gui)
    assert opened == [str(frozen_exe / PORTABLE_DATA)]
    main([], open_gui=open_gui)
    assert opened[-1] is None


def test_self_check_flag(cli: CliRunner) -> None:
    result = cli("--self-check")
    assert result.code == 0, result.out
    assert "package" in result.out and "migrations" in result.out


def test_self_check_without_a_console_writes_a_report(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import tempfile

    from dvdesk.selfcheck import REPORT_FILE, run_self_check

    monkeypatch.setattr(sys, "stdout", None)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    assert run_self_check() == 0
    assert "package" in (tmp_path / REPORT_FILE).read_text(encoding="utf-8")
