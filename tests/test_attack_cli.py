"""The adversary with a USB stick, part 6: what the clerk sees at the command line.

The same hostile files, through ``dvdesk import``, ``dvdesk receipt import`` and
``dvdesk units enroll``: a refusal exit code (never 0, never 70, the crash code),
one Vietnamese message on stderr that says what to do, no traceback, no change.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from dvdesk.cli.main import main
from dvdesk.services.store import Store
from tests import sync_fixtures
from tests.conftest import database_digest
from tests.sync_fixtures import PASSPHRASE, Exchange
from tests.test_attack_sizes import GIB, assert_tells_what_to_do, fifo_unblocked, genuine, sparse

exchange_template = sync_fixtures.exchange_template
exchange = sync_fixtures.exchange


def _cli(store: Store, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["--data-dir", str(store.paths.root), "--user", "chuyenvien", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _refused(store: Store, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    before = database_digest(store.paths)
    started = time.monotonic()
    code, _out, err = _cli(store, capsys, *args)
    assert time.monotonic() - started < 30
    assert code not in (0, 70), err
    assert "Traceback" not in err
    message = err.strip()
    assert_tells_what_to_do(message.split(": ", 1)[-1] if message.startswith("Lỗi") else message)
    assert database_digest(store.paths) == before
    return err


@pytest.fixture(autouse=True)
def _passphrase(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DVDESK_PASSPHRASE", PASSPHRASE)


def test_attack_hostile_files_at_the_command_line(
    exchange: Exchange, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    huge = sparse(tmp_path / "goi-2gib.dvpkg", 2 * GIB)
    loop = tmp_path / "vong.dvpkg"
    loop.symlink_to(loop)
    deep = tmp_path / "sau.dvpkg"
    deep.write_bytes(b"PK\x05\x06" + bytes(18))
    for path in (huge, loop, deep, tmp_path / "da-rut.dvpkg"):
        _refused(exchange.parent, capsys, "import", str(path))
    _refused(
        exchange.child, capsys, "receipt", "import", str(sparse(tmp_path / "b.dvrcpt", 2 * GIB))
    )
    _refused(exchange.parent, capsys, "units", "enroll", str(loop))
    with fifo_unblocked(tmp_path / "ong.dvkey") as card:
        _refused(exchange.parent, capsys, "units", "enroll", str(card))
    with fifo_unblocked(tmp_path / "ong.dvpkg") as pipe:
        _refused(exchange.parent, capsys, "import", str(pipe))


def test_attack_a_hostile_file_in_the_stick_folder_does_not_stop_the_good_one(
    exchange: Exchange, capsys: pytest.CaptureFixture[str]
) -> None:
    good = genuine(exchange)
    os.mkfifo(exchange.stick / "ong.dvpkg")
    sparse(exchange.stick / "lon.dvpkg", 2 * GIB)
    code, out, err = _cli(exchange.parent, capsys, "import", str(exchange.stick))
    assert code not in (0, 70)  # some files were refused: the exit code says so
    assert "Traceback" not in err
    assert "Đã nhập gói dữ liệu số 1" in out and "ong.dvpkg" in err and "lon.dvpkg" in err
    code, _out, _err = _cli(exchange.parent, capsys, "import", str(good))
    assert code == 0  # imported the first time: now "already imported"


@pytest.mark.parametrize(
    "name",
    ["goi\n[OK] Đã nhập xong.dvpkg", "goi\u202egkpvd.exe.dvpkg", "goi\x1b[2K.dvpkg"],
    ids=["newline", "RTL override", "ANSI escape"],
)
def test_attack_a_crafted_file_name_on_the_stick_is_shown_escaped(
    exchange: Exchange, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    """The names of files on a stick are chosen by whoever wrote the stick."""
    (exchange.stick / name).write_bytes(b"PK\x03\x04 gia mao")
    code, out, err = _cli(exchange.parent, capsys, "import", str(exchange.stick))
    assert code not in (0, 70)
    text = out + err
    assert "\n[OK]" not in text and "\u202e" not in text and "\x1b" not in text, text
