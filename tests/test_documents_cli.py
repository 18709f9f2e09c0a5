"""``minutes``, ``report``, ``narrative``, ``period``, ``document`` on the command line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from dvdesk.documents import fonts
from dvdesk.domain.enums import RecordType
from dvdesk.paths import DataPaths
from dvdesk.services.records import add_record
from dvdesk.services.store import Store
from tests.conftest import CliRunner, Result, database_digest
from tests.document_fixtures import flat_text
from tests.samples import dialogue, inspection


@pytest.fixture
def no_fonts(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(fonts, "default_font_dirs", list)
    monkeypatch.setattr(fonts, "_fontconfig", lambda: None)
    fonts.forget_fonts()
    yield
    fonts.forget_fonts()


def test_minutes_draft_then_issue_then_reprint(
    store: Store, cli: CliRunner, paths: DataPaths, tmp_path: Path
) -> None:
    record_id = add_record(store, record_type=RecordType.INSPECTION, data=inspection())
    before = database_digest(paths)
    draft = tmp_path / "draft.pdf"
    result = cli("minutes", record_id, "--out", str(draft), "--absent", "Lê Văn Hùng: ốm")
    assert result.code == 0, result.err
    word = cli("minutes", record_id, "--out", str(tmp_path / "draft.docx"))
    assert word.code == 0, word.err
    assert "DỰ THẢO" in flat_text(draft) and "01-BB" not in flat_text(draft)
    assert database_digest(paths) == before  # a draft takes no number
    refused = cli("minutes", record_id, "--issue")
    assert refused.code != 0 and "người ghi biên bản" in refused.err
    assert database_digest(paths) == before
    out = tmp_path / "bb.pdf"
    issued = cli(
        "minutes",
        record_id,
        "--issue",
        "--out",
        str(out),
        "--note-taker",
        "Trần Thị Mai",
        "--start",
        "08:00",
        "--close",
        "10:15",
        "--absent",
        "Lê Văn Hùng: ốm",
        "--guest",
        "Khách",
        "--representative",
        "Phạm Văn Long",
        "--used-document",
        "Báo cáo tự kiểm tra của Đảng ủy xã",
        "--copies",
        "3",
    )
    assert issued.code == 0, issued.err
    assert "01-BB/BXDĐ" in issued.out
    text = flat_text(out)
    assert "Số 01-BB/BXDĐ" in text and "Lê Văn Hùng (lý do: ốm)" in text
    assert "Báo cáo tự kiểm tra của Đảng ủy xã" in text and "lập thành 03 bản" in text
    again = cli("minutes", record_id, "--issue", "--note-taker", "X", "--start", "8:00")
    assert again.code != 0 and "01-BB/BXDĐ" in again.err
    copy = tmp_path / "copy.pdf"
    shown = cli("document", "show", "01-BB/BXDĐ", "--out", str(copy))
    assert shown.code == 0, shown.err
    assert copy.read_bytes() == out.read_bytes()
    assert cli("document", "show", "#1", "--out", str(tmp_path / "copy.docx")).code == 0
    listing = cli("document", "list", "--json").json()
    assert [(item["reference"], item["in_force"]) for item in listing] == [("01-BB/BXDĐ", True)]
    void = cli("document", "void", "01-BB/BXDĐ", "--reason", "Ghi sai thành phần")
    assert void.code == 0, void.err
    assert cli("document", "list", "--json").json()[0]["void_reason"] == "Ghi sai thành phần"
    assert "Ghi sai thành phần" in cli("document", "list").out


READY = (
    "--note-taker",
    "Trần Thị Mai",
    "--start",
    "08:00",
    "--close",
    "10:00",
    "--representative",
    "Phạm Văn Long",
)


@pytest.mark.parametrize(
    "args",
    [
        ("minutes", "00000000-0000-4000-8000-000000000000", "--out", "{tmp}/x.pdf"),
        ("minutes", "{id}", "--out", "{tmp}/missing/x.pdf"),
        ("minutes", "{id}", "--out", "{tmp}/x.odt"),
        ("minutes", "{id}"),
        ("minutes", "{id}", "--issue"),
        ("minutes", "{id}", "--issue", "--out", "{tmp}/missing/x.pdf", *READY),
        ("minutes", "{id}", "--out", "{tmp}/x.pdf", "--start", "8h70"),
        ("minutes", "{id}", "--out", "{tmp}/x.pdf", "--replaces", "01-BB/BXDĐ"),
        ("report", "--period", "2022-H3", "--out", "{tmp}/x.pdf"),
        ("report", "--period", "2022-H1", "--out", "{tmp}/missing/x.xlsx"),
        ("report", "--period", "2022-H1", "--issue", "--out", "{tmp}/x.xlsx"),
        ("report", "--period", "2022-H1", "--issue", "--out", "{tmp}/x.pdf"),
        ("document", "show", "01-BB/BXDĐ", "--out", "{tmp}/x.pdf"),
        ("document", "show", "số một", "--out", "{tmp}/x.pdf"),
        ("document", "void", "#7", "--reason", "sai"),
    ],
)
def test_refusals_are_one_vietnamese_line_and_write_nothing(
    store: Store, cli: CliRunner, paths: DataPaths, tmp_path: Path, args: tuple[str, ...]
) -> None:
    record_id = add_record(store, record_type=RecordType.INSPECTION, data=inspection())
    before = database_digest(paths)
    filled = [a.format(tmp=tmp_path, id=record_id) for a in args]
    result = cli(*filled)
    assert result.code != 0
    assert result.err.count("\n") == 1, result.err
    assert "Traceback" not in result.err
    assert any(ch in result.err for ch in "ơưđạệốồ"), result.err
    assert database_digest(paths) == before
    assert not list(tmp_path.glob("x.*"))
    assert not list(tmp_path.rglob(".dvdesk-*"))


def test_no_font_is_refused_clearly(
    store: Store, cli: CliRunner, paths: DataPaths, tmp_path: Path, no_fonts: None
) -> None:
    record_id = add_record(store, record_type=RecordType.INSPECTION, data=inspection())
    before = database_digest(paths)
    result = cli("minutes", record_id, "--issue", "--out", str(tmp_path / "x.pdf"), *READY)
    assert result.code != 0
    assert "phông chữ" in result.err and result.err.count("\n") == 1
    assert database_digest(paths) == before
    assert not (tmp_path / "x.pdf").exists()


def test_report_json_shape(store: Store, cli: CliRunner) -> None:
    add_record(
        store,
        record_type=RecordType.INSPECTION,
        data=inspection(start_date="2022-06-14", end_date=None),
    )
    add_record(
        store,
        record_type=RecordType.INSPECTION,
        data=inspection(start_date="2022-06-15", end_date=None),
    )
    add_record(store, record_type=RecordType.DIALOGUE, data=dialogue(start_date="2022-01-05"))
    result = cli("report", "--period", "2022-H1", "--json")
    assert result.code == 0, result.err
    data = result.json()
    assert data["period"] == {"from": "2021-12-15", "to": "2022-06-14"}
    totals = data["totals"]
    assert totals["inspection"] == {"sessions": 1, "subjects": 2}
    assert totals["supervision"] == {"sessions": 0, "subjects": 0}
    assert {k: totals["dialogue"][k] for k in ("sessions", "attendees", "issues")} == {
        "sessions": 1,
        "attendees": 152,
        "issues": 2,
    }
    assert set(totals["recommendations"]) == {"total", "resolved", "overdue"}
    assert totals["recommendations"]["total"] == 1
    assert [row["code"] for row in data["by_office"]] == ["10105"]
    assert data["by_office"][0]["name"] == "Ban Xây dựng Đảng Đảng ủy xã Bát Tràng"
    assert data["by_office"][0]["inspection"] == totals["inspection"]


def _ready_to_issue(cli: CliRunner, tmp_path: Path) -> None:
    """The four narrative texts of 2022-H1 and the office's usual signer: all an issue needs."""
    texts = tmp_path / "n.json"
    narrative = {
        "situation": "Ổn định.",
        "achievements": "Tốt.",
        "limitations": "Chậm.",
        "tasks": "Đối thoại.",
    }
    texts.write_text(json.dumps(narrative), encoding="utf-8")
    assert cli("narrative", "--period", "2022-H1", "--json", str(texts)).code == 0
    assert cli("document", "settings", "--signer-name", "Nguyễn Thị Hoa").code == 0


def _issue(cli: CliRunner, out: Path, *extra: str) -> Result:
    return cli(
        "report",
        "--period",
        "2022-H1",
        "--issue",
        "--date",
        "2022-06-20",
        "--out",
        str(out),
        *extra,
    )


def test_report_text_pdf_and_workbook(store: Store, cli: CliRunner, tmp_path: Path) -> None:
    add_record(
        store,
        record_type=RecordType.INSPECTION,
        data=inspection(start_date="2022-03-01", end_date=None),
    )
    text = cli("report", "--period", "2022-H1")
    assert text.code == 0
    assert "Tiến hành 1 cuộc kiểm tra đối với 2 tổ chức, đơn vị" in text.out
    pdf = cli("report", "--period", "2022-H1", "--scope", "all", "--out", str(tmp_path / "r.pdf"))
    assert pdf.code == 0, pdf.err
    assert "DỰ THẢO" in flat_text(tmp_path / "r.pdf")
    word = cli("report", "--period", "2022-H1", "--out", str(tmp_path / "r.docx"))
    assert word.code == 0, word.err
    _ready_to_issue(cli, tmp_path)
    issued = _issue(cli, tmp_path / "issued.docx")
    assert issued.code == 0, issued.err
    assert "01-BC/BXDĐ" in issued.out and (tmp_path / "issued.docx").stat().st_size > 0
    book = cli("report", "--period", "2022-H1", "--out", str(tmp_path / "r.xlsx"))
    assert book.code == 0, book.err
    assert (tmp_path / "r.xlsx").stat().st_size > 0


def test_report_signer_for_one_report(store: Store, cli: CliRunner, tmp_path: Path) -> None:
    """--signer-* sign this report only: draft and issued copy use it, the settings keep theirs."""
    add_record(store, record_type=RecordType.INSPECTION, data=inspection(start_date="2022-03-01"))
    _ready_to_issue(cli, tmp_path)
    draft = tmp_path / "draft.pdf"
    drafted = cli(
        "report", "--period", "2022-H1", "--out", str(draft), "--signer-name", "Lò Văn Páo"
    )
    assert drafted.code == 0, drafted.err
    assert "Lò Văn Páo" in flat_text(draft) and "Nguyễn Thị Hoa" not in flat_text(draft)
    assert "TRƯỞNG BAN" in flat_text(draft)  # the post not typed stays the office's
    nameless = cli("report", "--period", "2022-H1", "--issue", "--signer-name", " ")
    assert nameless.code != 0 and "họ tên người ký" in nameless.err
    out = tmp_path / "issued.pdf"
    issued = _issue(
        cli,
        out,
        "--signer-capacity",
        "K/T TRƯỞNG BAN",
        "--signer-post",
        "PHÓ TRƯỞNG BAN",
        "--signer-name",
        "Lò Văn Páo",
    )
    assert issued.code == 0, issued.err
    text = flat_text(out)
    assert "K/T TRƯỞNG BAN PHÓ TRƯỞNG BAN" in text and "Lò Văn Páo" in text
    kept = tmp_path / "kept.pdf"
    assert cli("document", "show", "01-BC/BXDĐ", "--out", str(kept)).code == 0
    assert kept.read_bytes() == out.read_bytes()  # the register keeps what was issued
    settings = cli("document", "settings").json()
    assert settings["signer_name"] == "Nguyễn Thị Hoa"
    assert settings["signer_capacity"] is None


def test_narrative_and_periods(store: Store, cli: CliRunner, tmp_path: Path) -> None:
    source = tmp_path / "n.json"
    source.write_text(json.dumps({"tasks": "Tổ chức đối thoại định kỳ."}), encoding="utf-8")
    assert cli("narrative", "--period", "2022-H1", "--json", str(source)).code == 0
    shown = cli("narrative", "--period", "2022-H1").json()
    assert shown["tasks"] == "Tổ chức đối thoại định kỳ."
    added = cli(
        "period", "add", "SK", "--label", "sơ kết", "--from", "2022-01-01", "--to", "2022-06-30"
    )
    assert added.code == 0, added.err
    listing = cli("period", "list", "--year", "2022")
    assert "2022-H1" in listing.out and "SK" in listing.out
    bad = cli("narrative", "--period", "2022-H3")
    assert bad.code != 0


def test_document_settings_command(store: Store, cli: CliRunner) -> None:
    result = cli("document", "settings", "--margins", "25,25,35,15", "--numbering", "year")
    assert result.code == 0, result.err
    data = result.json()
    assert data["margins_mm"] == {"top": 25, "bottom": 25, "left": 35, "right": 15}
    assert data["numbering"] == "year"
    bad = cli("document", "settings", "--margins", "25,25")
    assert bad.code != 0
