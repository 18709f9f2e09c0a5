"""Signed minutes travel up in the package and are checked at the parent, offline."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from dvdesk.cli.main import main
from dvdesk.paths import DataPaths
from tests.conftest import OFFICE, Result, inspection
from tests.signature_fixtures import PIN, SoftToken, issue_args, make_ca, make_token, needs_softhsm
from tests.sync_fixtures import PASSPHRASE, PROVINCE

pytestmark = [needs_softhsm, pytest.mark.slow]

Runner = Callable[..., Result]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Runner:
    monkeypatch.setenv("DVDESK_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("DVDESK_TOKEN_PIN", PIN)

    def invoke(root: Path, *args: str) -> Result:
        code = main(["--data-dir", str(root), "--user", "chuyenvien", *args])
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return invoke


def _init(run: Runner, root: Path, office: dict[str, object]) -> None:
    args = ["init", "--level", str(office["level"]), "--code", str(office["code"])]
    for key in ("name", "symbol", "place", "parent_code", "parent_name"):
        if key in office:
            args += [f"--{key.replace('_', '-')}", str(office[key])]
    assert run(root, *args).code == 0
    assert run(root, "keys", "init").code == 0


def _minutes(run: Runner, root: Path, tmp_path: Path, title: str) -> Path:
    source = tmp_path / f"{title}.json"
    source.write_text(json.dumps(inspection(title=title)), encoding="utf-8")
    added = run(root, "record", "add", "inspection", "--json", str(source))
    assert added.code == 0, added.err
    record_id = added.out.strip().split()[-1]
    out = tmp_path / f"{title}.pdf"
    made = run(root, *issue_args(record_id, out))
    assert made.code == 0, made.err
    return out


def _sign(run: Runner, root: Path, token: SoftToken, number: str, issued: Path) -> None:
    for key, role in (("note", "note_taker"), ("chair", "chair")):
        signed = run(
            root, "document", "sign", number, "--pkcs11", token.module, "--key-label", key,
            "--role", role,
        )  # fmt: skip
        assert signed.code == 0, signed.err


def test_signed_minutes_travel_and_are_checked_at_the_parent(
    run: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = make_token(
        tmp_path / "token",
        monkeypatch,
        ca=make_ca(),
        people=(
            ("chair", "Nguyễn Văn An", "Ban Xây dựng Đảng Đảng ủy xã Bát Tràng"),
            ("note", "Trần Thị Mai", "Ban Xây dựng Đảng Đảng ủy xã Bát Tràng"),
        ),
    )
    child, parent, stick = tmp_path / "child", tmp_path / "parent", tmp_path / "stick"
    stick.mkdir()
    _init(run, child, dict(OFFICE))
    _init(run, parent, dict(PROVINCE))
    assert run(child, "keys", "card", "--out", str(stick / "child.dvkey")).code == 0
    assert run(parent, "keys", "card", "--out", str(stick)).code == 0
    assert run(parent, "units", "enroll", str(stick / "child.dvkey")).code == 0
    assert run(child, "units", "enroll", str(stick / "dvdesk-01.dvkey")).code == 0
    root = tmp_path / "root.pem"
    root.write_bytes(token.ca.pem)
    assert run(parent, "trust", "add-root", str(root)).code == 0

    first = _minutes(run, child, tmp_path, "Kiểm tra thứ nhất")
    second = _minutes(run, child, tmp_path, "Kiểm tra thứ hai")
    _sign(run, child, token, "01-BB/BXDĐ", first)
    _sign(run, child, token, "02-BB/BXDĐ", second)
    # Someone changes the second signed minutes in the child's database after signing.
    database = DataPaths(child).database
    with sqlite3.connect(database) as connection:
        (version_id, pdf) = connection.execute(
            "SELECT id, pdf FROM signed_version WHERE document_id = 2 ORDER BY id DESC LIMIT 1"
        ).fetchone()
        changed = bytearray(pdf)
        at = changed.index(b"stream", 200) + 20
        changed[at] ^= 0x01
        connection.execute(
            "UPDATE signed_version SET pdf = ? WHERE id = ?", (bytes(changed), version_id)
        )

    exported = run(child, "export", "--out", str(stick), "--encrypt")
    assert exported.code == 0, exported.err
    (package,) = stick.glob("*.dvpkg")
    imported = run(parent, "import", str(package))
    assert imported.code == 0, imported.err  # a failing signature never stops the import

    listed = run(parent, "document", "list", "--json")
    assert listed.code == 0, listed.err
    received = {item["number"]: item for item in listed.json() if item.get("received")}
    assert set(received) == {1, 2}
    assert {item["office_code"] for item in received.values()} == {"10105"}
    assert received[1]["signature"] == {
        "status": "valid",
        "signers": ["Trần Thị Mai", "Nguyễn Văn An"],
    }
    assert received[2]["signature"]["status"] == "invalid"
    text = run(parent, "document", "list")
    assert "10105" in text.out and "01-BB/BXDĐ" in text.out

    again = run(parent, "import", str(package))
    assert again.code == 0
    assert (
        len([i for i in run(parent, "document", "list", "--json").json() if i.get("received")]) == 2
    )
