"""The exchange commands end to end, as two offices would run them headless."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from dvdesk.cli.main import main
from dvdesk.paths import DataPaths
from tests.conftest import Result, database_digest
from tests.samples import OFFICE, inspection
from tests.sync_fixtures import PASSPHRASE, PROVINCE

Runner = Callable[..., Result]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Runner:
    monkeypatch.setenv("DVDESK_PASSPHRASE", PASSPHRASE)

    def invoke(root: Path, *args: str, stdin: str | None = None) -> Result:
        if stdin is not None:
            import io

            monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(stdin.encode("utf-8"))))
        code = main(["--data-dir", str(root), "--user", "chuyenvien", *args])
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return invoke


def _init(run: Runner, root: Path, office: Mapping[str, object]) -> None:
    args = ["init", "--level", str(office["level"]), "--code", str(office["code"])]
    for key in ("name", "symbol", "place", "parent_code", "parent_name"):
        if key in office:
            args += [f"--{key.replace('_', '-')}", str(office[key])]
    assert run(root, *args).code == 0
    made = run(root, "keys", "init")
    assert made.code == 0, made.err


@pytest.fixture
def offices(run: Runner, tmp_path: Path) -> tuple[Path, Path, Path]:
    child, parent, stick = tmp_path / "child", tmp_path / "parent", tmp_path / "stick"
    stick.mkdir()
    _init(run, child, OFFICE)
    _init(run, parent, PROVINCE)
    assert run(child, "keys", "card", "--out", str(stick / "child.dvkey")).code == 0
    assert run(parent, "keys", "card", "--out", str(stick)).code == 0
    enrolled = run(parent, "units", "enroll", str(stick / "child.dvkey"))
    assert enrolled.code == 0, enrolled.err
    fingerprint = run(child, "keys", "fingerprint").out.strip()
    assert fingerprint in enrolled.out  # both sides read the same groups by phone
    assert len(fingerprint.split()) == 6
    assert run(child, "units", "enroll", str(stick / "dvdesk-01.dvkey")).code == 0
    return child, parent, stick


def _add(run: Runner, root: Path, title: str) -> str:
    result = run(
        root,
        "record",
        "add",
        "inspection",
        "--json",
        "-",
        stdin=json.dumps(inspection(title=title)),
    )
    assert result.code == 0, result.err
    record_id = result.out.strip()
    assert run(root, "record", "approve", record_id).code == 0
    return record_id


def test_export_verify_import_receipt(run: Runner, offices: tuple[Path, Path, Path]) -> None:
    child, parent, stick = offices
    record = _add(run, child, "Kiểm tra thứ nhất")
    exported = run(child, "export", "--out", str(stick))
    assert exported.code == 0, exported.err
    (package,) = stick.glob("*.dvpkg")
    checked = run(parent, "verify", str(package), "--json")
    assert checked.code == 0 and checked.json()["sequence"] == 1
    before = database_digest(DataPaths(parent))
    dry = run(parent, "import", str(package), "--dry-run", "--json")
    assert dry.code == 0 and dry.json()[0]["counts"]["new"] == 1
    assert database_digest(DataPaths(parent)) == before
    imported = run(parent, "import", str(package), "--receipt-out", str(stick))
    assert imported.code == 0, imported.err
    assert "mới: 1" in imported.out
    shown = run(parent, "record", "show", record, "--json").json()
    assert shown["office_code"] == "10105"
    listed = run(parent, "units", "list", "--json").json()
    assert [(u["code"], u["last_sequence"]) for u in listed] == [("10105", 1)]
    (receipt,) = stick.glob("*.dvrcpt")
    taken = run(child, "receipt", "import", str(receipt))
    assert taken.code == 0, taken.err
    assert "1" in taken.out


def test_refusal_exits_non_zero_with_the_reason_on_stderr(
    run: Runner, offices: tuple[Path, Path, Path]
) -> None:
    child, parent, stick = offices
    _add(run, child, "Kiểm tra")
    assert run(child, "export", "--out", str(stick / "p.dvpkg")).code == 0
    package = stick / "p.dvpkg"
    package.write_bytes(package.read_bytes()[:-100])
    before = database_digest(DataPaths(parent))
    result = run(parent, "import", str(package))
    assert result.code != 0
    assert "cắt cụt" in result.err and result.out == ""
    assert database_digest(DataPaths(parent)) == before
    assert run(parent, "verify", str(package)).code != 0


def test_odd_paths_are_refused_without_a_traceback(
    run: Runner, offices: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    child, parent, stick = offices
    _add(run, child, "Kiểm tra")  # something to send, so the export reaches the path
    for args in (
        ("verify", str(tmp_path / "missing.dvpkg")),
        ("verify", str(stick)),
        ("units", "enroll", str(stick)),
        ("receipt", "import", str(stick / "child.dvkey")),
        ("export", "--out", str(tmp_path / "no" / "such" / "folder.dvpkg")),
    ):
        result = run(parent if args[0] != "export" else child, *args)
        assert result.code not in (0, 70), (args, result.err)
        assert result.err.count("\n") == 1, result.err


def test_revoked_office_is_refused(run: Runner, offices: tuple[Path, Path, Path]) -> None:
    child, parent, stick = offices
    _add(run, child, "Kiểm tra")
    assert run(child, "export", "--out", str(stick)).code == 0
    digits = run(child, "keys", "fingerprint").out.strip()
    revoked = run(parent, "units", "revoke", "10105")
    assert revoked.code == 0 and digits in revoked.out  # the key named as read by phone
    result = run(parent, "import", *map(str, stick.glob("*.dvpkg")))
    assert result.code != 0 and "thu hồi" in result.err


def test_several_packages_import_in_sequence_order(
    run: Runner, offices: tuple[Path, Path, Path]
) -> None:
    child, parent, stick = offices
    _add(run, child, "Một")
    assert run(child, "export", "--out", str(stick)).code == 0
    _add(run, child, "Hai")
    assert run(child, "export", "--out", str(stick)).code == 0
    packages = sorted(stick.glob("*.dvpkg"), reverse=True)  # newest first on the command line
    result = run(parent, "import", *map(str, packages), "--json")
    assert result.code == 0, result.err
    assert [s["sequence"] for s in result.json()] == [1, 2]
    again = run(parent, "import", str(stick), "--json")  # the stick's folder: both again
    assert [s["already_imported"] for s in again.json()] == [True, True]
    empty = stick / "empty"
    empty.mkdir()
    assert run(parent, "import", str(empty)).code != 0


def test_passphrase_file_and_missing_passphrase(
    run: Runner, offices: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    child, _parent, stick = offices
    _add(run, child, "Kiểm tra")  # something to send, so the passphrase is needed
    monkeypatch.delenv("DVDESK_PASSPHRASE")
    missing = run(child, "export", "--out", str(stick), stdin="")
    assert missing.code != 0 and "DVDESK_PASSPHRASE" in missing.err
    secret = tmp_path / "secret.txt"
    secret.write_text("sai mật khẩu\n", encoding="utf-8")
    wrong = run(child, "export", "--out", str(stick), "--passphrase-file", str(secret))
    assert wrong.code != 0 and "không đúng" in wrong.err
    secret.write_text(PASSPHRASE + "\n", encoding="utf-8")
    right = run(child, "export", "--out", str(stick), "--passphrase-file", str(secret))
    assert right.code == 0, right.err


def test_records_sent_back_and_who_has_not_reported(
    run: Runner, offices: tuple[Path, Path, Path]
) -> None:
    child, parent, stick = offices
    record = _add(run, child, "Kiểm tra")
    missing = run(
        parent, "units", "missing", "--from", "2020-01-01", "--to", "2099-12-31", "--json"
    )
    assert [u["code"] for u in missing.json()] == ["10105"]
    assert run(child, "export", "--out", str(stick)).code == 0
    assert run(parent, "import", *map(str, stick.glob("*.dvpkg"))).code == 0
    assert (
        run(
            parent, "units", "missing", "--from", "2020-01-01", "--to", "2099-12-31", "--json"
        ).json()
        == []
    )
    back = run(parent, "receipt", "return", record, "--comment", "Bổ sung số quyết định")
    assert back.code == 0, back.err
    assert run(parent, "receipt", "write", "--to", "10105", "--out", str(stick)).code == 0
    (receipt,) = stick.glob("*.dvrcpt")
    assert run(child, "receipt", "import", str(receipt)).code == 0
    returned = run(child, "receipt", "returned", "--json").json()
    assert [(r["record_id"], r["comment"], r["corrected"]) for r in returned] == [
        (record, "Bổ sung số quyết định", False)
    ]


def test_encrypted_export_over_the_command_line(
    run: Runner, offices: tuple[Path, Path, Path]
) -> None:
    child, parent, stick = offices
    _add(run, child, "Kiểm tra bí mật")
    assert run(child, "export", "--out", str(stick), "--encrypt").code == 0
    (package,) = stick.glob("*.dvpkg")
    assert "bí mật".encode() not in package.read_bytes()
    result = run(parent, "import", str(package), "--json")
    assert result.code == 0, result.err
    assert result.json()[0]["encrypted"] is True


def test_enrol_twice_confirm_and_reenrol(
    run: Runner, offices: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    _child, parent, stick = offices
    again = run(parent, "units", "enroll", str(stick / "child.dvkey"))
    assert again.code == 0 and "đã ghi danh từ trước" in again.out
    # The commune lost its key: a new data folder, a new key, re-enrolled by the province.
    fresh = tmp_path / "fresh"
    _init(run, fresh, OFFICE)
    assert run(fresh, "keys", "card", "--out", str(stick / "fresh.dvkey")).code == 0
    refused = run(parent, "units", "enroll", str(stick / "fresh.dvkey"))
    assert refused.code == 6  # a second key is not enrolled by the plain command
    before = database_digest(DataPaths(parent))
    done = run(parent, "units", "reenroll", str(stick / "fresh.dvkey"))
    assert done.code == 0, done.err
    digits = run(fresh, "keys", "fingerprint").out.strip()
    assert digits in done.out.splitlines()[0]  # the key named as read by phone
    assert database_digest(DataPaths(parent)) != before
    units = run(parent, "units", "list", "--json").json()
    assert [u["code"] for u in units if not u["revoked"]] == ["10105"]
