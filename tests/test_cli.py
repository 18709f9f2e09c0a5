"""The command line end to end, including every refusal leaving the database untouched."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from sqlmodel import select

from dvdesk.cli.main import main
from dvdesk.db.schema import AuditEntry
from dvdesk.paths import DataPaths
from dvdesk.services.store import open_store
from dvdesk.services.units import list_units
from tests.conftest import CliRunner, database_digest
from tests.samples import OFFICE, dialogue, inspection

INIT = [
    "init",
    "--level",
    "commune",
    "--code",
    "10105",
    "--name",
    str(OFFICE["name"]),
    "--symbol",
    "BXDĐ",
    "--place",
    "Bát Tràng",
    "--superior",
    "Đảng ủy xã Bát Tràng",
    "--parent-code",
    "01",
    "--parent-name",
    "Ban Tuyên giáo và Dân vận Thành ủy Hà Nội",
]


@pytest.fixture
def office(cli: CliRunner) -> CliRunner:
    assert cli(*INIT).code == 0
    return cli


def _add(cli: CliRunner, kind: str, data: object) -> str:
    result = cli("record", "add", kind, "--json", "-", stdin=json.dumps(data))
    assert result.code == 0, result.err
    return result.out.strip()


def test_init_refuses_a_second_office(office: CliRunner, paths: DataPaths) -> None:
    before = database_digest(paths)
    again = office(*INIT)
    assert again.code != 0
    assert "đã" in again.err.lower() or "already" in again.err.lower()
    assert database_digest(paths) == before


def test_demo_then_list_gives_every_record(cli: CliRunner) -> None:
    assert cli("demo", "--records", "1000").code == 0
    listed = cli("record", "list", "--json").json()
    # One leadership document or model for every ten records, besides.
    assert len(listed) == 1100
    assert {"id", "type", "title", "start_date", "office_code"} <= set(listed[0])
    types = {item["type"] for item in listed}
    assert types == {"inspection", "supervision", "dialogue", "directive", "model"}
    assert len({item["start_date"][:4] for item in listed}) >= 4


def test_demo_if_empty_adds_once(cli: CliRunner) -> None:
    assert cli("demo", "--records", "5", "--if-empty").code == 0
    assert cli("demo", "--records", "5", "--if-empty").code == 0
    assert len(cli("record", "list", "--json").json()) == 5


def test_nfd_input_reads_back_nfc_and_search_folds(office: CliRunner, tmp_path: Path) -> None:
    data = inspection(
        title=unicodedata.normalize("NFD", "Kiểm tra tại Đảng ủy xã Bát Tràng"),
        lead=unicodedata.normalize("NFD", "Nguyễn Thị Ánh"),
    )
    source = tmp_path / "record.json"
    source.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    record_id = office("record", "add", "inspection", "--json", str(source)).out.strip()
    shown = office("record", "show", record_id, "--json").json()
    assert shown["title"] == "Kiểm tra tại Đảng ủy xã Bát Tràng"
    assert unicodedata.is_normalized("NFC", shown["lead"])
    assert [r["id"] for r in office("record", "list", "--search", "nguyen", "--json").json()] == [
        record_id
    ]
    assert [r["id"] for r in office("record", "list", "--search", "dang", "--json").json()] == [
        record_id
    ]


def test_update_show_delete_round_trip(office: CliRunner) -> None:
    record_id = _add(office, "dialogue", dialogue())
    result = office("record", "update", record_id, "--json", "-", stdin='{"attendees": 180}')
    assert result.code == 0, result.err
    assert office("record", "show", record_id, "--json").json()["attendees"] == 180
    assert office("record", "delete", record_id).code == 0
    assert office("record", "list", "--json").json() == []
    assert len(office("record", "list", "--deleted", "--json").json()) == 1


def test_human_list_is_vietnamese(office: CliRunner) -> None:
    _add(office, "inspection", inspection())
    out = office("record", "list").out
    assert "14/05/2024" in out
    assert "1 hồ sơ" in out


REFUSALS = [
    ("unknown key", "inspection", {**inspection(), "titel": "x"}, "titel"),
    ("wrong type", "inspection", inspection(subjects="UBND xã"), "subjects"),
    ("number as text", "dialogue", dialogue(attendees="152"), "attendees"),
    ("negative count", "dialogue", dialogue(attendees=-1), "attendees"),
    (
        "missing title",
        "inspection",
        {k: v for k, v in inspection().items() if k != "title"},
        "title",
    ),
    ("missing chair", "dialogue", {k: v for k, v in dialogue().items() if k != "chair"}, "chair"),
    ("empty title", "inspection", inspection(title="   "), "title"),
    ("no subjects", "supervision", inspection(subjects=[]), "subjects"),
    ("end before start", "inspection", inspection(end_date="2024-05-01"), "end_date"),
    ("bad date", "inspection", inspection(start_date="14/05/2024"), "start_date"),
    ("impossible date", "inspection", inspection(start_date="2024-02-30"), "start_date"),
    (
        "bad issue kind",
        "dialogue",
        dialogue(issues=[{"content": "Đề nghị", "kind": "khieunai"}]),
        "issues[0].kind",
    ),
    (
        "nested unknown key",
        "inspection",
        inspection(recommendations=[{"content": "Đề nghị", "hạn": "2024-01-01"}]),
        "recommendations[0].hạn",
    ),
    ("kind on inspection", "inspection", inspection(kind="thematic"), "kind"),
    ("not an object", "inspection", ["title"], ""),
]


@pytest.mark.parametrize(("case", "kind", "data", "key"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_refused_add_names_the_key_and_writes_nothing(
    office: CliRunner, paths: DataPaths, case: str, kind: str, data: object, key: str
) -> None:
    _add(office, "inspection", inspection())
    before = database_digest(paths)
    result = office(
        "record", "add", kind, "--json", "-", stdin=json.dumps(data, ensure_ascii=False)
    )
    assert result.code != 0
    assert result.out == ""
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert "Traceback" not in result.err
    if key:
        assert f'"{key}"' in lines[0]
    assert database_digest(paths) == before


@pytest.mark.parametrize(
    ("args", "stdin"),
    [
        (["record", "add", "inspection", "--json", "-"], "{not json"),
        (["record", "add", "inspection", "--json", "/nonexistent/file.json"], None),
        (["record", "update", "00000000-0000-4000-8000-000000000000", "--json", "-"], "{}"),
        (["record", "update", "<id>", "--json", "-"], '{"attendees": 5}'),
        (["record", "update", "<id>", "--json", "-"], '{"end_date": "2000-01-01"}'),
        (["record", "delete", "00000000-0000-4000-8000-000000000000"], None),
        (["record", "show", "nope"], None),
        (["record", "attach", "<id>", "/nonexistent.pdf"], None),
        (
            [
                "office",
                "rename",
                "--name",
                "Ban X",
                "--symbol",
                "a b",
                "--place",
                "Y",
                "--valid-from",
                "2025-07-01",
            ],
            None,
        ),
    ],
)
def test_other_refusals_change_nothing(
    office: CliRunner, paths: DataPaths, args: list[str], stdin: str | None
) -> None:
    record_id = _add(office, "inspection", inspection())
    before = database_digest(paths)
    result = office(*[record_id if a == "<id>" else a for a in args], stdin=stdin)
    assert result.code != 0
    assert len(result.err.strip().splitlines()) == 1, result.err
    assert "Traceback" not in result.err
    assert database_digest(paths) == before


def test_commands_without_an_office_say_what_to_do(cli: CliRunner) -> None:
    result = cli("record", "list")
    assert result.code != 0
    assert "dvdesk init" in result.err


def test_version_is_read_when_asked_for(capsys: pytest.CaptureFixture[str]) -> None:
    import dvdesk

    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"dvdesk {dvdesk.__version__}\n"


def test_argparse_errors_are_vietnamese(cli: CliRunner) -> None:
    result = cli("record", "add", "kiemtra", "--json", "-")
    assert result.code == 2
    assert "lỗi" in result.err


def test_office_rename_versions_the_profile(office: CliRunner) -> None:
    result = office(
        "office",
        "rename",
        "--name",
        "Ban Xây dựng Đảng Đảng ủy phường Bát Tràng",
        "--symbol",
        "BXDĐ",
        "--place",
        "Bát Tràng",
        "--valid-from",
        "2026-01-01",
    )
    assert result.code == 0, result.err
    profiles = office("office", "show", "--json").json()["profiles"]
    assert [p["valid_from"] for p in profiles] == ["2000-01-01", "2026-01-01"]


def test_office_rename_renames_the_office_in_lists(office: CliRunner, paths: DataPaths) -> None:
    new_name = "Ban Xây dựng Đảng Đảng ủy phường Bát Tràng"
    rename = ["office", "rename", "--symbol", "BXDĐ", "--place", "Bát Tràng"]
    assert office(*rename, "--name", new_name, "--valid-from", "2026-01-01").code == 0
    # A back-dated profile does not take the name of the newest one away.
    assert office(*rename, "--name", "Tên cũ", "--valid-from", "2020-01-01").code == 0
    store = open_store(paths, actor="kiemtra")
    own = list_units(store, relation="self")
    with store.session() as session:
        audited = session.exec(select(AuditEntry).where(AuditEntry.entity == "office_profile"))
        actions = [entry.action for entry in audited]
    assert [unit.name for unit in own] == [new_name]
    assert actions == ["create", "create"]


def test_attachment_is_stored_by_content(
    office: CliRunner, paths: DataPaths, tmp_path: Path
) -> None:
    record_id = _add(office, "inspection", inspection())
    scan = tmp_path / "biên bản.pdf"
    scan.write_bytes(b"%PDF-1.4 scan")
    assert office("record", "attach", record_id, str(scan)).code == 0
    shown = office("record", "show", record_id, "--json").json()
    digest = shown["attachments"][0]["sha256"]
    assert (paths.attachments / digest[:2] / digest).read_bytes() == b"%PDF-1.4 scan"
    assert shown["revision"] == 2


def test_unexpected_errors_go_to_the_log(
    office: CliRunner, paths: DataPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("dvdesk.cli.commands.records.list_records", explode)
    result = office("record", "list")
    assert result.code == 70
    assert "Traceback" not in result.err
    assert str(paths.log_file) in result.err
    assert "RuntimeError: boom" in paths.log_file.read_text(encoding="utf-8")


class _ClosedPipe(io.TextIOBase):
    """stdout whose reader went away, as after ``dvdesk … | head``."""

    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")

    def flush(self) -> None:
        raise BrokenPipeError(32, "Broken pipe")

    def fileno(self) -> int:
        raise io.UnsupportedOperation("no descriptor")


def test_a_closed_pipe_is_not_a_bug(
    office: CliRunner,
    paths: DataPaths,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert office("demo").code == 0
    monkeypatch.setattr("sys.stdout", _ClosedPipe())
    code = main(["--data-dir", str(paths.root), "--user", "chuyenvien", "record", "list"])
    monkeypatch.undo()
    assert code == 141
    assert capsys.readouterr().err == ""
    log_text = paths.log_file.read_text(encoding="utf-8") if paths.log_file.exists() else ""
    assert "BrokenPipeError" not in log_text
    assert "unexpected error" not in log_text


def test_head_on_a_long_list_exits_quietly(office: CliRunner, paths: DataPaths) -> None:
    for _round in range(3):
        assert office("demo").code == 0
    command = [sys.executable, "-m", "dvdesk", "--data-dir", str(paths.root), "record", "list"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.readline()
    process.stdout.close()  # like `head -1`
    err = process.stderr.read().decode("utf-8")
    process.stderr.close()
    assert process.wait(timeout=60) in (0, 141)
    assert err == ""
