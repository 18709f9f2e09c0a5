"""Bulk import: templates, all-or-nothing checks, one transaction, idempotence, old encodings."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from dvdesk.bulk.columns import COLUMNS
from dvdesk.bulk.importer import ImportRefused, import_file
from dvdesk.domain.enums import RecordType
from dvdesk.domain.record_view import DirectiveView, ModelView, RecognitionView
from dvdesk.legacy_text import LegacyEncoding, decode_legacy, detect_legacy, encode_legacy
from dvdesk.paths import DataPaths
from dvdesk.services.records import get_record, list_records
from dvdesk.services.store import Store
from tests.conftest import CliRunner, database_digest
from tests.test_cli import INIT

HEADERS = [c.header for c in COLUMNS[RecordType.DIRECTIVE] if c.key != "id"]
KINDS = ["nghị quyết", "chỉ thị", "chương trình hành động", "kế hoạch", "công văn"]


def _directive_row(index: int) -> list[object]:
    day = date(2022, 1, 1) + timedelta(days=index % 360)
    return [
        f"Về tăng cường công tác dân vận, văn bản số {index}",
        day,  # a real date cell
        f"{index}-NQ/TU",
        KINDS[index % len(KINDS)],
        None,
        "Ban Thường vụ Tỉnh ủy",
        "tỉnh",
        None,
        "Dân vận chính quyền; Quy chế dân chủ ở cơ sở",
        None,
        None,
    ]


def _workbook(path: Path, headers: list[str], rows: list[list[object]]) -> Path:
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def _count(store: Store) -> int:
    return len(list_records(store, include_deleted=True))


def test_template_has_vietnamese_headers(cli: CliRunner, tmp_path: Path) -> None:
    assert cli(*INIT).code == 0
    target = tmp_path / "mau.xlsx"
    assert cli("record", "template", "directive", "--out", str(target)).code == 0
    sheet = load_workbook(target).worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    assert headers[:4] == ["Mã dòng", "Trích yếu nội dung", "Ngày ban hành", "Số, ký hiệu"]
    assert "Loại văn bản" in headers and "Cơ quan ban hành" in headers
    model = tmp_path / "mo-hinh.xlsx"
    assert cli("record", "template", "model", "--out", str(model)).code == 0
    assert "Lĩnh vực mô hình" in [c.value for c in load_workbook(model).worksheets[0][1]]


def test_ten_thousand_rows_in_one_go_and_again_adds_nothing(
    store: Store, paths: DataPaths, tmp_path: Path
) -> None:
    rows = [_directive_row(index) for index in range(10_000)]
    path = _workbook(tmp_path / "van-ban.xlsx", HEADERS, rows)
    report = import_file(store, path=path, record_type=RecordType.DIRECTIVE)
    assert (report.rows, report.new, report.already) == (10_000, 10_000, 0)
    assert _count(store) == 10_000
    sample = list_records(store, search="van ban so 4321")
    assert len(sample) == 1
    stored = get_record(store, record_id=sample[0].id)
    assert isinstance(stored, DirectiveView)
    assert stored.kind == "chi_thi"  # "chỉ thị" in the cell
    assert stored.issuer_level == "tinh"
    assert stored.fields == ("Dân vận chính quyền", "Quy chế dân chủ ở cơ sở")
    before = database_digest(paths)
    again = import_file(store, path=path, record_type=RecordType.DIRECTIVE)
    assert (again.new, again.already) == (0, 10_000)
    assert _count(store) == 10_000
    assert database_digest(paths) == before


def test_one_bad_row_refuses_the_whole_file(store: Store, paths: DataPaths, tmp_path: Path) -> None:
    rows = [_directive_row(index) for index in range(300)]
    rows[150][1] = "31/02/2022"  # no such day
    rows[200][3] = "thông tư"  # not a kind of party document
    rows[250][2] = None  # number missing
    path = _workbook(tmp_path / "loi.xlsx", HEADERS, rows)
    before = database_digest(paths)
    with pytest.raises(ImportRefused) as refused:
        import_file(store, path=path, record_type=RecordType.DIRECTIVE)
    problems = {(p.row, p.column) for p in refused.value.rows}
    assert problems == {(152, "Ngày ban hành"), (202, "Loại văn bản"), (252, "Số, ký hiệu")}
    message = refused.value.message
    assert "Dòng 152" in message and "«Ngày ban hành»" in message
    assert "nghị quyết, chỉ thị" in message  # the choices, in Vietnamese
    assert database_digest(paths) == before
    assert _count(store) == 0


def test_unknown_and_missing_columns(store: Store, tmp_path: Path) -> None:
    path = _workbook(tmp_path / "cot.xlsx", ["Trích yếu", "Ngày ban hành", "Ghi chu"], [["a"]])
    with pytest.raises(ImportRefused) as refused:
        import_file(store, path=path, record_type=RecordType.DIRECTIVE)
    columns = {p.column for p in refused.value.rows}
    assert {"Trích yếu", "Ghi chu", "Số, ký hiệu", "Loại văn bản"} <= columns


def test_csv_with_bom_and_jsonl(store: Store, tmp_path: Path) -> None:
    rows = [
        ["Tên mô hình", "Ngày đăng ký", "Lĩnh vực mô hình", "Tập thể, cá nhân xây dựng",
         "Cấp công nhận", "Ngày công nhận", "Quyết định công nhận"],
        ["Mô hình “Dân hỏi - chính quyền trả lời”", "10/02/2022", "Xây dựng hệ thống chính trị",
         "Ủy ban MTTQ xã Bát Tràng", "tỉnh", "19/05/2023", "215/QĐ-UBND"],
    ]  # fmt: skip
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)  # as Excel writes it: quoted where needed, CRLF
    csv_path = tmp_path / "mo-hinh.csv"
    csv_path.write_bytes(b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8"))
    report = import_file(store, path=csv_path, record_type=RecordType.MODEL)
    assert (report.new, report.legacy) == (1, None)
    (summary,) = list_records(store)
    stored = get_record(store, record_id=summary.id)
    assert isinstance(stored, ModelView)
    assert stored.field == "xay_dung_he_thong_chinh_tri"
    assert stored.recognitions == (
        RecognitionView(level="tinh", date=date(2023, 5, 19), decision="215/QĐ-UBND"),
    )
    jsonl = tmp_path / "mo-hinh.jsonl"
    jsonl.write_text(
        json.dumps(
            {"title": "Mô hình “Ngôi nhà nhân ái”", "start_date": "2022-03-01",
             "field": "van_hoa_xa_hoi", "owner": "Hội Phụ nữ xã", "fields": ["An sinh"]},
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )  # fmt: skip
    assert import_file(store, path=jsonl, record_type=RecordType.MODEL).new == 1
    assert len(list_records(store)) == 2


TEXT = "Ban Dân vận Tỉnh ủy ban hành Nghị quyết về công tác dân vận ở xã Đông Hưng, Ưu tiên"


@pytest.mark.parametrize("encoding", list(LegacyEncoding))
def test_old_encodings_round_trip(encoding: LegacyEncoding) -> None:
    encoded = encode_legacy(TEXT, encoding)
    assert encoded != TEXT and all(ord(c) < 256 for c in encoded)
    assert detect_legacy([encoded]) is encoding
    expected = TEXT if encoding is LegacyEncoding.VNI else TEXT.replace("Ưu", "Ưu")
    assert decode_legacy(encoded, encoding) == expected
    assert detect_legacy([TEXT]) is None  # Unicode text is left alone
    assert decode_legacy(TEXT, encoding) == TEXT
    assert detect_legacy([TEXT, encoded]) is encoding  # Unicode headers, old cells


def test_published_samples_convert() -> None:
    # Samples as printed in public converters' documentation.
    assert decode_legacy("B¶o Th¾ng", LegacyEncoding.TCVN3) == "Bảo Thắng"
    # ư is byte 0xAD (a soft hyphen in Latin-1, invisible when printed).
    assert decode_legacy("M\xadêng Kh\xad¬ng", LegacyEncoding.TCVN3) == "Mường Khương"
    assert decode_legacy("Xin chaøo caùc baïn", LegacyEncoding.VNI) == "Xin chào các bạn"


def test_tcvn3_csv_and_vni_workbook_are_converted(
    store: Store, cli: CliRunner, tmp_path: Path
) -> None:
    header = "Trích yếu nội dung;Ngày ban hành;Số, ký hiệu;Loại văn bản;Cơ quan ban hành"
    row = "Về công tác dân vận chính quyền;05/07/2022;12-NQ/TU;nghị quyết;Tỉnh ủy Quảng Ninh"
    tcvn3 = "\r\n".join(encode_legacy(line, LegacyEncoding.TCVN3) for line in (header, row))
    path = tmp_path / "cu.csv"
    path.write_bytes(tcvn3.encode("latin-1"))  # an old 8-bit file
    result = cli("record", "import", str(path), "--type", "directive")
    assert result.code == 0, result.err
    assert "TCVN3" in result.out
    (summary,) = list_records(store)
    assert summary.title == "Về công tác dân vận chính quyền"
    stored = get_record(store, record_id=summary.id)
    assert isinstance(stored, DirectiveView) and stored.issuer == "Tỉnh ủy Quảng Ninh"

    vni: list[list[object]] = [
        [
            v if v is None else encode_legacy(str(v), LegacyEncoding.VNI)
            for v in _directive_row(7)[:6]
        ]
    ]
    vni[0][1] = "01/03/2022"
    book = _workbook(tmp_path / "vni.xlsx", HEADERS[:6], vni)
    report = import_file(store, path=book, record_type=RecordType.DIRECTIVE)
    assert (report.legacy, report.new) == (LegacyEncoding.VNI, 1)
    titles = {r.title for r in list_records(store)}
    assert "Về tăng cường công tác dân vận, văn bản số 7" in titles


def test_cli_dry_run_changes_nothing(cli: CliRunner, paths: DataPaths, tmp_path: Path) -> None:
    assert cli(*INIT).code == 0
    path = _workbook(tmp_path / "a.xlsx", HEADERS, [_directive_row(i) for i in range(5)])
    before = database_digest(paths)
    result = cli("record", "import", str(path), "--type", "directive", "--dry-run")
    assert result.code == 0, result.err
    assert "5" in result.out
    assert database_digest(paths) == before
    report = cli("record", "import", str(path), "--type", "directive", "--json").json()
    assert (report["new"], report["already"]) == (5, 0)
    bad = tmp_path / "bad.txt"
    bad.write_text("x")
    refused = cli("record", "import", str(bad), "--type", "directive")
    assert refused.code != 0 and ".xlsx" in refused.err
