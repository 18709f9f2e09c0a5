"""Minutes and reports as PDFs: what the printed page says, in which fonts; the register."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
import reportlab
from openpyxl import load_workbook
from pydantic import ValidationError

from dvdesk.documents import fonts
from dvdesk.documents.figures import Scope, compute_figures
from dvdesk.documents.layout import render_pdf
from dvdesk.documents.minutes import MinutesInput, build_minutes, draft_minutes, issue_minutes
from dvdesk.documents.periods import parse_period
from dvdesk.documents.report_pdf import build_report_pdf, issue_report
from dvdesk.documents.settings import set_document_settings
from dvdesk.documents.wording import date_line
from dvdesk.documents.workbook import build_workbook
from dvdesk.domain.enums import RecordType
from dvdesk.errors import UserError, ValidationFailed
from dvdesk.paths import DataPaths
from dvdesk.services.demo import ensure_demo_office
from dvdesk.services.narratives import get_narrative, save_narrative
from dvdesk.services.records import add_record
from dvdesk.services.store import Store, open_store
from dvdesk.services.units import add_children
from tests.document_fixtures import flat_text, page_count, pdf_fonts, pdf_text
from tests.samples import dialogue, inspection

# Every Vietnamese letter with every tone, lower and upper case.
VIETNAMESE = "aàảãáạ ăằẳẵắặ âầẩẫấậ eèẻẽéẹ êềểễếệ iìỉĩíị oòỏõóọ ôồổỗốộ ơờởỡớợ uùủũúụ ưừửữứự yỳỷỹýỵ đ"


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2022, 7, 5), "Gia Lâm, ngày 05 tháng 7 năm 2022"),
        (date(2022, 1, 9), "Gia Lâm, ngày 09 tháng 01 năm 2022"),
        (date(2022, 2, 28), "Gia Lâm, ngày 28 tháng 02 năm 2022"),
        (date(2022, 3, 10), "Gia Lâm, ngày 10 tháng 3 năm 2022"),
        (date(2022, 12, 31), "Gia Lâm, ngày 31 tháng 12 năm 2022"),
    ],
)
def test_date_line_padding(day: date, expected: str) -> None:
    assert date_line("Gia Lâm", day) == expected


# What a working session's minutes need before they can be issued.
COMPLETE = {
    "note_taker": "Trần Thị Mai",
    "start_time": "08:00",
    "close_time": "11:30",
    "representative": "Phạm Văn Long",
    "representative_post": "Bí thư Đảng ủy",
}


def numbered_minutes(
    store: Store, record_id: str, number: int, details: dict[str, object] | None = None
) -> bytes:
    """The minutes laid out with ``number`` without issuing them (layout tests)."""
    return render_pdf(draft_minutes(store, record_id=record_id, details=details).numbered(number))


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _only_embedded_truetype(path: Path) -> None:
    found = pdf_fonts(path)
    assert found, "no fonts in the PDF"
    for font in found:
        assert font["type"] == "TrueType", font
        assert font["emb"] == "yes", font
        assert font["uni"] == "yes", font
        assert "Helvetica" not in font["name"] and "Times-Roman" not in font["name"]


def test_party_minutes_text_and_fonts(store: Store, tmp_path: Path) -> None:
    record_id = add_record(
        store,
        record_type=RecordType.INSPECTION,
        data=inspection(
            end_date=None, start_date="2024-05-04", findings=f"Chữ tiếng Việt: {VIETNAMESE.upper()}"
        ),
    )
    issued = issue_minutes(
        store,
        record_id=record_id,
        details={
            **COMPLETE,
            "start_time": "8:05",
            "close_time": "11:30",
            "absent": [{"name": "Lê Văn Hùng", "reason": "đi công tác"}],
            "guests": ["Đại diện Ủy ban Mặt trận Tổ quốc xã"],
            "proceedings": [{"speaker": "Đồng chí Bí thư", "content": VIETNAMESE}],
        },
    )
    assert issued.number.number == 1
    assert issued.pdf is not None
    target = _write(tmp_path, "bb.pdf", issued.pdf)
    text = flat_text(target)
    for expected in (
        "ĐẢNG ỦY XÃ BÁT TRÀNG",
        "BAN XÂY DỰNG ĐẢNG",
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "Số 01-BB/BXDĐ",
        "Bát Tràng, ngày 04 tháng 5 năm 2024",
        "BIÊN BẢN",
        "08 giờ 05 phút",
        "11 giờ 30 phút",
        "Lê Văn Hùng (lý do: đi công tác)",
        "có mặt 2/3 đồng chí, vắng 1 đồng chí có lý do",
        "Đại diện Ủy ban Mặt trận Tổ quốc xã",
        "Biên bản được lập thành 02 bản",
        "NGƯỜI GHI BIÊN BẢN",
        "T/M ĐOÀN KIỂM TRA",
        "TRƯỞNG ĐOÀN",
        "ĐẠI DIỆN ĐƠN VỊ ĐƯỢC KIỂM TRA",
        "Phạm Văn Long",
        "Nguyễn Doãn Toản",
        VIETNAMESE,
        VIETNAMESE.upper(),
    ):
        assert expected in text, expected
    assert "Số:" not in text
    assert "CỘNG HÒA" not in text
    _only_embedded_truetype(target)


def test_state_minutes_use_the_decree_30_layout(store: Store, tmp_path: Path) -> None:
    record_id = add_record(store, record_type=RecordType.DIALOGUE, data=dialogue())
    pdf = numbered_minutes(store, record_id, 8, {"template": "state"})
    text = flat_text(_write(tmp_path, "state.pdf", pdf))
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "Số: 08/BB-BXDĐ" in text
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" not in text
    assert "Bát Tràng, ngày 10 tháng 9 năm 2025" in text
    assert "THƯ KÝ" in text and "CHỦ TỌA" in text


def test_a_denouncer_is_never_named(store: Store, tmp_path: Path) -> None:
    data = dialogue()
    data["issues"][1]["raised_by"] = "Nguyễn Văn Tố"
    record_id = add_record(store, record_type=RecordType.DIALOGUE, data=data)
    text = flat_text(_write(tmp_path, "d.pdf", build_minutes(store, record_id=record_id)))
    assert "Tố cáo cán bộ địa chính sách nhiễu" in text
    assert "Nguyễn Văn Tố" not in text
    assert "danh tính được giữ bí mật" in text
    assert "(danh tính được giữ bí mật) (" not in text
    # A petitioner is named with the honorific inside the sentence; every issue ends in a stop.
    assert (
        "1. Ý kiến của ông Phạm Văn Nam (kiến nghị): Đề nghị sớm chi trả tiền bồi thường." in text
    )
    assert "2. Ý kiến của một công dân, danh tính được giữ bí mật: Tố cáo cán bộ" in text
    assert "(tố cáo): Tố cáo" not in text


def test_minutes_print_under_the_profile_of_their_date(tmp_path: Path) -> None:
    store = open_store(DataPaths(tmp_path / "demo"), actor="t", create=True)
    try:
        ensure_demo_office(store)
        old = add_record(
            store,
            record_type=RecordType.INSPECTION,
            data=inspection(end_date=None, start_date="2024-11-20"),
        )
        new = add_record(
            store,
            record_type=RecordType.INSPECTION,
            data=inspection(end_date=None, start_date="2025-03-01"),
        )
        before = flat_text(_write(tmp_path, "old.pdf", numbered_minutes(store, old, 3)))
        after = flat_text(_write(tmp_path, "new.pdf", numbered_minutes(store, new, 4)))
    finally:
        store.close()
    assert "Số 03-BB/BDVTU" in before
    assert "BAN DÂN VẬN" in before and "TUYÊN GIÁO" not in before
    assert "Hà Nội, ngày 20 tháng 11 năm 2024" in before
    assert "Số 04-BB/BTGDVTU" in after
    assert "BAN TUYÊN GIÁO VÀ DÂN VẬN" in after
    assert "Hà Nội, ngày 01 tháng 3 năm 2025" in after


def test_long_minutes_flow_over_pages_with_numbers_from_page_two(
    store: Store, tmp_path: Path
) -> None:
    findings = "\n".join(f"Nội dung kết quả kiểm tra số {i}: {VIETNAMESE}." for i in range(120))
    record_id = add_record(
        store, record_type=RecordType.INSPECTION, data=inspection(findings=findings)
    )
    draft = _write(tmp_path, "draft.pdf", build_minutes(store, record_id=record_id))
    assert all("DỰ THẢO" in page for page in pdf_text(draft).split("\f")[:-1])
    path = _write(tmp_path, "long.pdf", numbered_minutes(store, record_id, 5))
    assert "DỰ THẢO" not in pdf_text(path)
    pages = page_count(path)
    assert pages >= 4
    texts = pdf_text(path).split("\f")
    assert texts[0].split()[0] != "1"  # no number on the first page
    for number in range(2, pages + 1):
        assert texts[number - 1].split()[0] == str(number)
    assert "Nội dung kết quả kiểm tra số 119" in flat_text(path)
    assert "NGƯỜI GHI BIÊN BẢN" in texts[pages - 1]


def test_margins_come_from_the_settings(store: Store, tmp_path: Path) -> None:
    record_id = add_record(store, record_type=RecordType.INSPECTION, data=inspection())
    wide = build_minutes(store, record_id=record_id)
    set_document_settings(store, changes={"margin_left": 45, "margin_right": 40, "margin_top": 40})
    narrow = build_minutes(store, record_id=record_id)
    first_wide = pdf_text(_write(tmp_path, "w.pdf", wide), layout=True)
    first_narrow = pdf_text(_write(tmp_path, "n.pdf", narrow), layout=True)
    assert first_wide != first_narrow
    assert page_count(tmp_path / "n.pdf") >= page_count(tmp_path / "w.pdf")


def test_minutes_list_of_recommendations_ends_with_a_full_stop(
    store: Store, tmp_path: Path
) -> None:
    """Every recommendation ended ";", the last one too (the clerk corrected it by hand)."""
    recommendations = [
        {"content": "Đề nghị công khai danh sách hộ nghèo", "addressee": "UBND xã"},
        {"content": "Niêm yết các khoản đóng góp tại nhà văn hóa thôn."},
    ]
    record_id = add_record(
        store,
        record_type=RecordType.INSPECTION,
        data=inspection(recommendations=recommendations),
    )
    text = flat_text(_write(tmp_path, "m.pdf", build_minutes(store, record_id=record_id)))
    assert "- Đề nghị công khai danh sách hộ nghèo (UBND xã);" in text
    assert "- Niêm yết các khoản đóng góp tại nhà văn hóa thôn." in text
    assert "thôn;" not in text


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("8:05", "08:05"),
        ("8h30", "08:30"),
        ("14H", "14:00"),
        ("11 giờ 30", "11:30"),
        ("11 giờ 30 phút", "11:30"),
        ("7 giờ", "07:00"),
        ("16.45", "16:45"),
    ],
)
def test_meeting_times_are_taken_as_clerks_write_them(typed: str, stored: str) -> None:
    assert MinutesInput.model_validate({"start_time": typed}).start_time == stored


@pytest.mark.parametrize("typed", ["25:00", "8:60", "tám giờ", "8 30", "830"])
def test_meeting_times_that_are_not_times_are_refused(typed: str) -> None:
    with pytest.raises(ValidationError):
        MinutesInput.model_validate({"start_time": typed})


def test_bad_minutes_details_are_refused(store: Store) -> None:
    record_id = add_record(store, record_type=RecordType.INSPECTION, data=inspection())
    with pytest.raises(ValidationFailed) as error:
        build_minutes(store, record_id=record_id, details={"start_time": "25:00"})
    assert "start_time" in error.value.message
    with pytest.raises(ValidationFailed):
        build_minutes(store, record_id=record_id, details={"kind": "dialogue"})


def test_no_font_is_a_clear_message(tmp_path: Path) -> None:
    with pytest.raises(UserError) as error:
        fonts.find_fonts([tmp_path], use_fontconfig=False)
    assert "phông chữ" in error.value.message


def test_a_font_without_vietnamese_is_not_used(tmp_path: Path) -> None:
    # Bitstream Vera (shipped with reportlab) has no Vietnamese letters, like Liberation 1.x:
    # named as Times New Roman, it must still be refused.
    vera = Path(reportlab.__file__).parent / "fonts"
    for source, target in (
        ("Vera.ttf", "times.ttf"),
        ("VeraBd.ttf", "timesbd.ttf"),
        ("VeraIt.ttf", "timesi.ttf"),
        ("VeraBI.ttf", "timesbi.ttf"),
    ):
        shutil.copy(vera / source, tmp_path / target)
    with pytest.raises(UserError):
        fonts.find_fonts([tmp_path], use_fontconfig=False)


def _report_data(store: Store) -> None:
    add_children(store, units=[("00001", "Xã Một"), ("00002", "Xã Hai")], level="commune")
    for day in ("2022-01-10", "2022-06-14", "2022-06-15"):
        add_record(
            store, record_type=RecordType.INSPECTION, data=inspection(end_date=None, start_date=day)
        )
    add_record(store, record_type=RecordType.DIALOGUE, data=dialogue(start_date="2022-03-03"))
    add_record(
        store,
        record_type=RecordType.SUPERVISION,
        data=inspection(end_date=None, start_date="2021-05-05"),
    )


def test_report_pdf_text(store: Store, tmp_path: Path) -> None:
    _report_data(store)
    period = parse_period("2022-H1")
    save_narrative(
        store,
        period=period,
        changes={
            "achievements": "Hoàn thành 100% kế hoạch kiểm tra.",
            "limitations": "Một số nơi còn chậm.",
            "tasks": "Tăng cường đối thoại.",
            "recipients": ["Ban Tuyên giáo và Dân vận Thành ủy"],
        },
    )
    assert get_narrative(store, period=period).limitations == "Một số nơi còn chậm."
    figures = compute_figures(store, period=period, scope=Scope.ALL)
    set_document_settings(store, changes={"signer_name": "Nguyễn Thị Hoa"})
    save_narrative(store, period=period, changes={"situation": "Tình hình ổn định."})
    issued = issue_report(store, figures=figures, on=date(2022, 6, 20))
    assert issued.number.number == 1 and issued.pdf is not None
    target = _write(tmp_path, "bc.pdf", issued.pdf)
    text = flat_text(target)
    for expected in (
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "Số 01-BC/BXDĐ",
        "Bát Tràng, ngày 20 tháng 6 năm 2022",
        "BÁO CÁO",
        "Sơ kết công tác dân vận 6 tháng đầu năm 2022, phương hướng, nhiệm vụ 6 tháng cuối "
        "năm 2022",
        "từ ngày 15/12/2021 đến ngày 14/06/2022",
        "I. ĐẶC ĐIỂM TÌNH HÌNH",
        "Tình hình ổn định.",
        "Ban Xây dựng Đảng Đảng ủy xã Bát Tràng và các cơ quan cấp dưới tiến hành 2 cuộc "
        "kiểm tra đối với 4 tổ chức, đơn vị.",
        "Tổ chức 1 buổi đối thoại với 152 lượt người dân tham dự",
        "So sánh với cùng kỳ năm trước",
        "Hoàn thành 100% kế hoạch kiểm tra.",
        "Một số nơi còn chậm.",
        "Tăng cường đối thoại.",
        "Nơi nhận:",
        "- Ban Tuyên giáo và Dân vận Thành ủy,",
        "- Lưu VP.",
        "TRƯỞNG BAN",
        "Nguyễn Thị Hoa",
        "PHỤ LỤC",
        "(Kèm theo Báo cáo số 01-BC/BXDĐ ngày 20/06/2022",
        "Xã Một",
        "Xã Hai",
        "Tổng cộng",
    ):
        assert expected in text, expected
    for absent in ("giám sát 0 cuộc", "với 0 tổ chức", "(đạt -)", "Đảng ủy xã Bát Tràng:"):
        assert absent not in text, absent
    _only_embedded_truetype(target)


def test_report_numbers_use_vietnamese_grouping(store: Store, tmp_path: Path) -> None:
    add_record(
        store,
        record_type=RecordType.DIALOGUE,
        data=dialogue(start_date="2022-03-03", attendees=14162),
    )
    figures = compute_figures(store, period=parse_period("2022"))
    text = flat_text(_write(tmp_path, "r.pdf", build_report_pdf(store, figures=figures)))
    assert "với 14.162 lượt người dân" in text


def test_report_for_a_date_range_reads_as_vietnamese(store: Store, tmp_path: Path) -> None:
    """A report for the clerk's own date range printed "Trong từ ngày 01/01/2026 …"."""
    _report_data(store)
    figures = compute_figures(store, period=parse_period("2022-01-01..2022-11-30"), scope=Scope.ALL)
    text = flat_text(_write(tmp_path, "r.pdf", build_report_pdf(store, figures=figures)))
    assert "Trong kỳ từ ngày 01/01/2022 đến ngày 30/11/2022, " in text
    assert "Trong từ ngày" not in text
    # The appendix names the range once, not "từ ngày … (từ ngày …)".
    assert "ĐẾN NGÀY 30/11/2022 (TỪ NGÀY" not in text
    assert "SỐ LIỆU THEO CƠ QUAN, TỪ NGÀY 01/01/2022 ĐẾN NGÀY 30/11/2022" in text
    named = compute_figures(store, period=parse_period("2022-H1"))
    text = flat_text(_write(tmp_path, "h.pdf", build_report_pdf(store, figures=named)))
    assert "Trong 6 tháng đầu năm 2022, " in text


def test_workbook_sheets(store: Store, tmp_path: Path) -> None:
    _report_data(store)
    figures = compute_figures(store, period=parse_period("2022-H1"), scope=Scope.ALL)
    path = _write(tmp_path, "s.xlsx", build_workbook(figures, office_name="Ban Xây dựng Đảng"))
    book = load_workbook(path)
    assert book.sheetnames == [
        "Tổng hợp",
        "Theo cơ quan",
        "Đối thoại",
        "Văn bản, mô hình",
        "Kiến nghị quá hạn",
    ]
    summary = book["Tổng hợp"]
    values = {row[1]: row[2:5] for row in summary.iter_rows(values_only=True) if row[1]}
    assert values["Số cuộc kiểm tra"][:2] == (2, 0)
    assert str(values["Số cuộc kiểm tra"][2]).startswith("=C")  # the change is a formula
    assert book.properties.creator == "Ban Xây dựng Đảng"
    assert book.properties.language == "vi-VN"
    assert int(summary.page_setup.paperSize) == 9  # A4
    offices = book["Theo cơ quan"]
    assert offices.print_title_rows == "$5:$6"
    assert offices.page_setup.orientation == "landscape"
    rows = list(offices.iter_rows(min_row=7, values_only=True))
    assert [row[1] for row in rows[:3]] == ["10105", "00001", "00002"]
    assert rows[0][3] == 2 and isinstance(rows[0][3], int)
    assert rows[-1][2] == "Tổng cộng"
    assert rows[-1][3] == "=SUM(D7:D9)"  # totals are formulas: an edited row updates them
    assert offices.column_dimensions["C"].width == 40


def test_report_sentences_leave_zeros_out_and_say_doi_voi() -> None:
    from dvdesk.documents.figures import Figures, SessionFigures
    from dvdesk.documents.report_pdf import inspection_sentence

    both = Figures(inspection=SessionFigures(12, 30), supervision=SessionFigures(9, 14))
    assert inspection_sentence(both) == (
        "Tiến hành 12 cuộc kiểm tra đối với 30 tổ chức, đơn vị; "
        "giám sát 9 cuộc đối với 14 tổ chức, đơn vị."
    )
    only = Figures(supervision=SessionFigures(9, 14))
    assert inspection_sentence(only) == "Tiến hành giám sát 9 cuộc đối với 14 tổ chức, đơn vị."
    assert "0" not in inspection_sentence(Figures())
