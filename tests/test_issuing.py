"""Draft and issue: unfinished documents get no number, issued ones never change."""

from __future__ import annotations

import io
import re
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import docx
import pytest

from dvdesk.clock import today
from dvdesk.documents.content import Document
from dvdesk.documents.figures import Scope, compute_figures
from dvdesk.documents.layout import render_pdf
from dvdesk.documents.minutes import draft_minutes, issue_minutes
from dvdesk.documents.periods import parse_period
from dvdesk.documents.register import find, issued_files, list_issued, reprint, void_document
from dvdesk.documents.report_pdf import draft_report, issue_report
from dvdesk.documents.settings import get_document_settings, set_document_settings
from dvdesk.documents.word import render_docx
from dvdesk.domain.enums import RecordType
from dvdesk.errors import UserError
from dvdesk.paths import DataPaths
from dvdesk.services.narratives import save_narrative
from dvdesk.services.office import add_profile, create_office
from dvdesk.services.office_settings import save_office_settings
from dvdesk.services.records import add_record, update_record
from dvdesk.services.store import Store, open_store
from tests.conftest import database_digest
from tests.document_fixtures import flat_text
from tests.samples import OFFICE, inspection
from tests.test_documents import COMPLETE

NARRATIVE = {
    "situation": "Tình hình chính trị ổn định.",
    "achievements": "Hoàn thành kế hoạch kiểm tra.",
    "limitations": "Một số nơi còn chậm.",
    "tasks": "Tăng cường đối thoại.",
    "recipients": ["Ban Tuyên giáo và Dân vận Thành ủy"],
}


def _inspection(store: Store, day: str = "2024-05-14", **changes: object) -> str:
    return add_record(
        store,
        record_type=RecordType.INSPECTION,
        data=inspection(start_date=day, end_date=None, **changes),
    )


def _ready_report(store: Store, key: str = "2022-H1") -> None:
    set_document_settings(store, changes={"signer_name": "Nguyễn Thị Hoa"})
    save_narrative(store, period=parse_period(key), changes=dict(NARRATIVE))


def test_a_draft_leaves_the_register_untouched(
    store: Store, paths: DataPaths, tmp_path: Path
) -> None:
    record_id = _inspection(store)
    _ready_report(store)
    before = database_digest(paths)
    for _ in range(3):
        minutes = draft_minutes(store, record_id=record_id, details=COMPLETE)
        assert minutes.draft and minutes.header.number is None
        render_pdf(minutes)
        render_docx(minutes)
        report = draft_report(
            store,
            figures=compute_figures(store, period=parse_period("2022-H1")),
            on=date(2022, 6, 20),
        )
        render_pdf(report)
    assert database_digest(paths) == before
    assert list_issued(store) == []


@pytest.mark.parametrize(
    ("drop", "named"),
    [
        ("note_taker", "người ghi biên bản"),
        ("start_time", "thời gian bắt đầu"),
        ("close_time", "thời gian kết thúc"),
        ("representative", "đại diện đơn vị được kiểm tra"),
        # What comes from the record names the record's field the clerk must fill in.
        ("conclusion", "nội dung kết luận (ô “Kết luận” của hồ sơ, mục IV. KẾT LUẬN)"),
        ("place", "địa điểm (ô “Địa điểm” của hồ sơ)"),
    ],
)
def test_minutes_with_anything_missing_are_refused(
    store: Store, paths: DataPaths, drop: str, named: str
) -> None:
    details = {key: value for key, value in COMPLETE.items() if key != drop}
    removed = {drop: None} if drop in ("conclusion", "place") else {}
    record_id = add_record(
        store, record_type=RecordType.INSPECTION, data=inspection(end_date=None, **removed)
    )
    before = database_digest(paths)
    with pytest.raises(UserError) as error:
        issue_minutes(store, record_id=record_id, details=details)
    assert named in error.value.message
    assert database_digest(paths) == before


@pytest.mark.parametrize(
    ("drop", "named"),
    [
        ("situation", "đặc điểm tình hình"),
        ("achievements", "kết quả nổi bật"),
        ("limitations", "hạn chế"),
        ("tasks", "phương hướng, nhiệm vụ"),
        ("signer_name", "họ tên người ký"),
    ],
)
def test_reports_with_anything_missing_are_refused(
    store: Store, paths: DataPaths, drop: str, named: str
) -> None:
    _ready_report(store)
    period = parse_period("2022-H1")
    if drop == "signer_name":
        set_document_settings(store, changes={"signer_name": None})
    else:
        save_narrative(store, period=period, changes={drop: "…"})
    before = database_digest(paths)
    with pytest.raises(UserError) as error:
        issue_report(store, figures=compute_figures(store, period=period), on=date(2022, 6, 20))
    assert named in error.value.message
    assert database_digest(paths) == before


def test_a_report_with_only_the_archive_as_recipient_is_refused(tmp_path: Path) -> None:
    store = open_store(DataPaths(tmp_path / "x"), actor="t", create=True)
    try:
        office: dict[str, object] = {
            k: v for k, v in OFFICE.items() if k not in ("parent_code", "parent_name")
        }
        create_office(store, data=office)
        _ready_report(store)
        save_narrative(store, period=parse_period("2022-H1"), changes={"recipients": []})
        with pytest.raises(UserError) as error:
            issue_report(
                store,
                figures=compute_figures(store, period=parse_period("2022-H1")),
                on=date(2022, 6, 20),
            )
        assert "nơi nhận" in error.value.message
        assert list_issued(store) == []
    finally:
        store.close()


def test_a_reprint_is_the_issued_document_whatever_changed(store: Store) -> None:
    record_id = _inspection(store, "2025-03-01")
    issued = issue_minutes(store, record_id=record_id, details=COMPLETE)
    _ready_report(store, "2025-H1")
    report = issue_report(
        store, figures=compute_figures(store, period=parse_period("2025-H1")), on=date(2025, 6, 20)
    )
    # The office is renamed, its settings and its records change.
    add_profile(
        store,
        data={
            "name": "Ban Tuyên giáo và Dân vận Đảng ủy xã Bát Tràng",
            "header_name": "Ban Tuyên giáo và Dân vận",
            "superior": "Đảng ủy xã Bát Tràng",
            "symbol": "BTGDVĐU",
            "place": "Bát Tràng",
            "valid_from": "2025-01-01",
        },
    )
    set_document_settings(
        store, changes={"template": "state", "margin_left": 35, "signer_name": "Lê Văn Tám"}
    )
    update_record(store, record_id=record_id, changes={"conclusion": "Kết luận đã sửa."})
    save_narrative(store, period=parse_period("2025-H1"), changes={"tasks": "Nhiệm vụ mới."})
    for original in (issued, report):
        again = reprint(store, entry_id=original.entry.id)
        assert again.pdf == original.pdf
        assert again.docx == original.docx
    assert issued_files(store, number="01-BB/BXDĐ").pdf == issued.pdf
    # The draft, by contrast, follows the changes.
    draft = draft_minutes(store, record_id=record_id, details=COMPLETE)
    assert draft.header.symbol == "BTGDVĐU"


def test_an_issued_document_is_not_issued_twice_but_replaced_or_voided(store: Store) -> None:
    record_id = _inspection(store)
    first = issue_minutes(store, record_id=record_id, details=COMPLETE).entry
    with pytest.raises(UserError) as error:
        issue_minutes(store, record_id=record_id, details=COMPLETE)
    assert "01-BB/BXDĐ" in error.value.message
    second = issue_minutes(store, record_id=record_id, details=COMPLETE, replaces=first.id)
    assert second.entry.number == 2 and second.entry.replaces_id == first.id
    content = Document.model_validate(second_content(store, second.entry.id))
    assert content.blocks[0].value.startswith("(Thay thế biên bản số 01-BB/BXDĐ")  # type: ignore[union-attr]
    assert not find(store, number="01-BB/BXDĐ").live
    with pytest.raises(UserError) as error:  # trial 3: say which one to replace instead
        issue_minutes(store, record_id=record_id, details=COMPLETE, replaces=first.id)
    assert "đã được thay thế bởi văn bản số 02-BB/BXDĐ" in error.value.message
    assert "hãy thay thế văn bản số 02-BB/BXDĐ" in error.value.message
    void_document(store, document_id=second.entry.id, reason="Ghi sai thành phần")
    with pytest.raises(UserError) as error:  # trial 3: voided first, then "replace" it
        issue_minutes(store, record_id=record_id, details=COMPLETE, replaces=second.entry.id)
    assert "02-BB/BXDĐ đã bị hủy" in error.value.message
    assert "lấy số tiếp theo" in error.value.message
    third = issue_minutes(store, record_id=record_id, details=COMPLETE).entry
    assert third.number == 3  # a voided number is never given again
    with pytest.raises(UserError):
        void_document(store, document_id=second.entry.id, reason="lần nữa")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2024-03-05", "từ ngày 14/05/2024 (ngày bắt đầu ghi trong hồ sơ) trở đi"),
        ("2024-05-16", "từ ngày 20/05/2024 (ngày của quyết định thành lập đoàn) trở đi"),
    ],
)
def test_minutes_dated_before_their_meeting_are_not_issued(
    store: Store, paths: DataPaths, typed: str, expected: str
) -> None:
    """Trial 3: minutes of 05/03 were issued for an inspection of 23/08, citing the
    decision of 16/08 that set up the team."""
    record_id = _inspection(store, decision_number="113-QĐ/KT", decision_date="2024-05-20")
    before = database_digest(paths)
    with pytest.raises(UserError) as error:
        issue_minutes(store, record_id=record_id, details={**COMPLETE, "document_date": typed})
    assert expected in error.value.message and "Chưa thể phát hành" in error.value.message
    assert database_digest(paths) == before
    issued = issue_minutes(
        store, record_id=record_id, details={**COMPLETE, "document_date": "2024-05-21"}
    )
    assert issued.entry.number == 1


def second_content(store: Store, entry_id: int) -> dict[str, Any]:
    from dvdesk.services.register_store import stored_files

    content = stored_files(store, entry_id=entry_id).content
    assert content is not None
    return content


def test_a_renamed_office_starts_its_own_series(tmp_path: Path) -> None:
    store = open_store(DataPaths(tmp_path / "x"), actor="t", create=True)
    try:
        create_office(store, data=dict(OFFICE))
        set_document_settings(store, changes={"numbering": "year"})
        old = issue_minutes(store, record_id=_inspection(store, "2025-02-01"), details=COMPLETE)
        add_profile(
            store,
            data={
                "name": "Ban Tuyên giáo và Dân vận",
                "superior": "Đảng ủy xã Bát Tràng",
                "symbol": "BTGDV",
                "place": "Bát Tràng",
                "valid_from": "2025-03-01",
            },
        )
        new = issue_minutes(store, record_id=_inspection(store, "2025-03-05"), details=COMPLETE)
        older = issue_minutes(store, record_id=_inspection(store, "2025-02-10"), details=COMPLETE)
    finally:
        store.close()
    assert old.entry.reference == "01-BB/BXDĐ"
    assert new.entry.reference == "01-BB/BTGDV"
    assert older.entry.reference == "02-BB/BXDĐ"


def test_a_rule_change_takes_effect_from_the_next_year(store: Store) -> None:
    set_document_settings(store, changes={"numbering": "term"})
    year = today().year
    first = issue_minutes(
        store, record_id=_inspection(store, f"{year}-01-02"), details=COMPLETE
    ).entry
    settings = set_document_settings(store, changes={"numbering": "year"})
    assert settings.rule_on(date(year, 12, 31))[0].value == "term"
    assert settings.rule_on(date(year + 1, 1, 1))[0].value == "year"
    second = issue_minutes(
        store, record_id=_inspection(store, f"{year}-01-03"), details=COMPLETE
    ).entry
    # Still the same series this year: no second live 01 in one year.
    assert (second.period_key, second.number) == (first.period_key, 2)
    assert second.period_key.startswith("term:")


def test_a_rule_change_before_anything_is_issued_applies_at_once(store: Store) -> None:
    set_document_settings(store, changes={"numbering": "year"})
    entry = issue_minutes(store, record_id=_inspection(store), details=COMPLETE).entry
    assert entry.period_key == "year:2024"


def test_a_term_starting_before_an_issued_document_is_refused(store: Store) -> None:
    issue_minutes(store, record_id=_inspection(store, "2024-05-14"), details=COMPLETE)
    with pytest.raises(UserError) as error:
        set_document_settings(
            store,
            changes={"term_starts": ["2020-10-01", "2024-01-01", "2025-07-01"]},
        )
    assert "14/05/2024" in error.value.message
    assert date(2024, 1, 1) not in get_document_settings(store).term_starts


def test_a_term_documents_were_numbered_in_cannot_be_removed(store: Store) -> None:
    issue_minutes(store, record_id=_inspection(store, "2025-08-15"), details=COMPLETE)
    with pytest.raises(UserError) as error:
        set_document_settings(store, changes={"term_starts": ["2020-10-01"]})
    assert "01/07/2025" in error.value.message and "15/08/2025" in error.value.message
    assert get_document_settings(store).term_starts == (date(2020, 10, 1), date(2025, 7, 1))
    later = set_document_settings(
        store, changes={"term_starts": ["2020-10-01", "2025-07-01", "2030-10-01"]}
    )
    assert later.term_starts[-1] == date(2030, 10, 1)


def test_office_settings_refuse_a_bad_term_and_write_no_part(
    store: Store, paths: DataPaths
) -> None:
    """One call saves the screen: a term refused keeps recipients, template and profile."""
    issue_minutes(store, record_id=_inspection(store, "2024-05-14"), details=COMPLETE)
    before = database_digest(paths)
    profile: dict[str, object] = {
        "name": "Ban Xây dựng Đảng Đảng ủy phường Hoàn Kiếm",
        "symbol": "BXDĐ",
        "place": "Hoàn Kiếm",
        "valid_from": "2026-07-01",
    }
    with pytest.raises(UserError) as error:
        save_office_settings(
            store,
            profile=profile,
            documents={
                "template": "state",
                "term_starts": ["2020-10-01", "2024-01-01", "2025-07-01"],
            },
            recipients=["Thường trực Đảng ủy xã"],
        )
    assert "14/05/2024" in error.value.message
    assert database_digest(paths) == before
    save_office_settings(
        store,
        profile=None,
        documents={"template": "state", "term_starts": ["2020-10-01", "2025-07-01", "2030-10-01"]},
        recipients=["Thường trực Đảng ủy xã"],
    )
    saved = get_document_settings(store)
    assert saved.template.value == "state" and saved.term_starts[-1] == date(2030, 10, 1)


def test_a_backdated_number_is_refused_with_the_reason(store: Store, paths: DataPaths) -> None:
    issue_minutes(store, record_id=_inspection(store, "2025-05-15"), details=COMPLETE)
    early = _inspection(store, "2025-03-20")
    before = database_digest(paths)
    with pytest.raises(UserError) as error:
        issue_minutes(store, record_id=early, details=COMPLETE)
    message = error.value.message
    assert "20/03/2025" in message and "01-BB/BXDĐ" in message and "15/05/2025" in message
    assert database_digest(paths) == before


def test_the_word_copy_holds_header_number_date_and_body(store: Store) -> None:
    issued = issue_minutes(store, record_id=_inspection(store), details=COMPLETE)
    assert issued.docx is not None
    word = docx.Document(io.BytesIO(issued.docx))
    header = word.tables[0]
    left = header.cell(0, 0).text
    assert "ĐẢNG ỦY XÃ BÁT TRÀNG" in left and "BAN XÂY DỰNG ĐẢNG" in left
    assert header.cell(0, 1).text == "ĐẢNG CỘNG SẢN VIỆT NAM"
    assert header.cell(1, 0).text == "Số 01-BB/BXDĐ"
    assert header.cell(1, 1).text == "Bát Tràng, ngày 14 tháng 5 năm 2024"
    paragraphs = [p.text for p in word.paragraphs]
    assert "BIÊN BẢN" in paragraphs
    assert any(p.startswith("Hôm nay, vào hồi 08 giờ 00 phút") for p in paragraphs)
    assert "I. THÀNH PHẦN THAM DỰ" in paragraphs
    assert word.core_properties.author == OFFICE["name"]
    assert word.core_properties.language == "vi-VN"
    section = word.sections[0]
    assert section.left_margin is not None and section.top_margin is not None
    assert round(section.left_margin.mm) == 30 and round(section.top_margin.mm) == 20
    assert section.different_first_page_header_footer
    assert "PAGE" in section.header._element.xml
    styles = word.styles.element.xml
    assert 'w:val="vi-VN"' in styles and "Times New Roman" in styles


def _left_edges(pdf: Path) -> list[float]:
    """The left edge of every word below the first page's title, in points (pdftotext -bbox)."""
    html = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    edges = []
    for page, text in enumerate(html.split("<page ")[1:], start=1):
        for x, y in re.findall(r'<word xMin="([0-9.]+)" yMin="([0-9.]+)"', text):
            # The header and the title are centred: not part of the text block.
            if page > 1 or float(y) > 100 / 25.4 * 72:
                edges.append(float(x))
    return edges


@pytest.mark.parametrize("template", ["party", "state"])
def test_the_text_block_sits_on_the_left_margin(
    store: Store, tmp_path: Path, template: str
) -> None:
    set_document_settings(store, changes={"template": template})
    findings = " ".join(["Đoàn kiểm tra ghi nhận nhiều kết quả tích cực."] * 12)
    record_id = _inspection(store, findings=findings)
    pdf = tmp_path / "bb.pdf"
    pdf.write_bytes(render_pdf(draft_minutes(store, record_id=record_id, details=COMPLETE)))
    margin = 30 / 25.4 * 72
    half_mm = 0.5 / 25.4 * 72
    # Every line that starts near the margin starts on it: one left edge for text and tables
    # (reportlab's 6 pt frame padding once put the text 2.1 mm inside).
    near = [edge for edge in _left_edges(pdf) if edge < margin + 5 / 25.4 * 72]
    assert len(near) >= 5
    assert all(abs(edge - margin) <= half_mm for edge in near), sorted(set(near))


def test_the_pdf_says_who_issued_it_in_vietnamese(store: Store, tmp_path: Path) -> None:
    pdf = tmp_path / "bb.pdf"
    pdf.write_bytes(render_pdf(draft_minutes(store, record_id=_inspection(store))))
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert f"Author:          {OFFICE['name']}" in info
    assert "ReportLab" not in info.split("Producer:")[0]
    assert b"/Lang (vi-VN)" in pdf.read_bytes()


def test_header_names_break_between_name_groups(tmp_path: Path) -> None:
    from dvdesk.documents.fonts import font_name
    from dvdesk.documents.layout import balanced_lines

    width = 85 / 25.4 * 72
    lines = balanced_lines(
        "BAN TUYÊN GIÁO VÀ DÂN VẬN ĐẢNG ỦY XÃ", font=font_name("bold"), size=14, width=width
    )
    assert lines is not None and len(lines) == 2
    assert not any(line.endswith("DÂN") for line in lines), lines


def test_the_report_names_the_backlog_and_lists_it_in_an_appendix(
    store: Store, tmp_path: Path
) -> None:
    overdue = [{"content": "Đề nghị công khai quỹ đất công ích", "deadline": "2024-09-30"}]
    _inspection(store, "2024-08-01", recommendations=overdue)
    _inspection(
        store,
        "2025-03-01",
        recommendations=[{"content": "Đề nghị sửa nhà văn hóa", "deadline": "2025-04-30"}],
    )
    _ready_report(store, "2025-H1")
    figures = compute_figures(store, period=parse_period("2025-H1"), scope=Scope.OWN)
    assert figures.backlog.recommendations == 1
    issued = issue_report(store, figures=figures, on=date(2025, 6, 20))
    assert issued.pdf is not None
    pdf = tmp_path / "bc.pdf"
    pdf.write_bytes(issued.pdf)
    text = flat_text(pdf)
    assert (
        "2 kiến nghị quá hạn chưa giải quyết (tính đến ngày 15/06/2025), trong đó 1 kiến "
        "nghị từ các kỳ trước" in text
    )
    assert "(Kèm theo Báo cáo số 01-BC/BXDĐ ngày 20/06/2025" in text
    assert "Đề nghị công khai quỹ đất công ích" in text and "Kỳ trước" in text
    # Trial 3: the table's 1 beside the text's 2 read as a contradiction; the table
    # counts the period's own recommendations, and its label says so.
    assert "Kiến nghị trong kỳ quá hạn chưa giải quyết 1" in text, text
    sizes = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", "9", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    assert "841.89 x 595.276" in sizes  # the appendix's wide table is on a landscape page
    assert "595.276 x 841.89" in sizes


def test_long_names_take_more_lines_before_a_name_is_split_or_shrunk() -> None:
    from dvdesk.documents import wording
    from dvdesk.documents.layout import break_header_names

    settings = get_document_settings_default()
    superior, issuing, size = break_header_names(
        superior="Đảng bộ Thành phố Hồ Chí Minh",
        issuing="Ban Tuyên giáo và Dân vận Thành ủy Thành phố Hồ Chí Minh",
        settings=settings,
        place_line=wording.date_line("Thành phố Hồ Chí Minh", date(2025, 12, 25)),
    )
    assert size == 14
    assert superior == ["ĐẢNG BỘ THÀNH PHỐ", "HỒ CHÍ MINH"]
    assert "DÂN VẬN THÀNH ỦY" in issuing


def get_document_settings_default() -> Any:
    from dvdesk.documents.settings import DocumentSettingsInput, _from_input

    return _from_input(DocumentSettingsInput())


def test_a_state_report_has_its_own_recipients_and_capacities(store: Store, tmp_path: Path) -> None:
    _ready_report(store)
    set_document_settings(
        store,
        changes={
            "template": "state",
            "signer_capacity": "K/T TRƯỞNG BAN",
            "signer_post": "PHÓ TRƯỞNG BAN",
            "archive_units": "TH",
        },
    )
    issued = issue_report(
        store, figures=compute_figures(store, period=parse_period("2022-H1")), on=date(2022, 6, 20)
    )
    assert issued.pdf is not None
    pdf = tmp_path / "bc.pdf"
    pdf.write_bytes(issued.pdf)
    text = flat_text(pdf)
    for expected in ("Số: 01/BC-BXDĐ", "Nơi nhận:", "- Lưu: VT, TH.", "KT. TRƯỞNG BAN"):
        assert expected in text, expected
    assert "Lưu VP" not in text and "K/T" not in text


def test_if_the_issued_file_cannot_be_written_no_number_is_taken(
    store: Store, paths: DataPaths
) -> None:
    record_id = _inspection(store)
    before = database_digest(paths)

    def fail(_issued: object) -> None:
        raise UserError("Không ghi được tệp.")

    with pytest.raises(UserError):
        issue_minutes(store, record_id=record_id, details=COMPLETE, write=fail)
    assert list_issued(store) == []
    assert issue_minutes(store, record_id=record_id, details=COMPLETE).entry.number == 1
    assert database_digest(paths) != before
