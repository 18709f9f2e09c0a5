"""The overdue appendix: a summary per office that adds up, capped lists, PDF = Word = workbook."""

from __future__ import annotations

import io
import re
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import docx
import openpyxl
import pytest

from dvdesk.documents import overdue
from dvdesk.documents.content import Appendix, Document, Grid, Text
from dvdesk.documents.figures import OverdueItem, ReportFigures, Scope, compute_figures
from dvdesk.documents.layout import render_pdf
from dvdesk.documents.overdue_sheet import SHEET
from dvdesk.documents.periods import parse_period
from dvdesk.documents.report_pdf import draft_report
from dvdesk.documents.word import render_docx
from dvdesk.documents.workbook import build_workbook
from dvdesk.domain.enums import RecordType
from dvdesk.services.demo import add_demo_records
from dvdesk.services.records import add_record
from dvdesk.services.store import Store
from dvdesk.services.units import add_children
from tests.document_fixtures import flat_text, pdf_text
from tests.samples import OFFICE, inspection

COMMUNES = [(f"0000{i}", f"Xã Demo {i}") for i in range(1, 7)]
ON = date(2023, 1, 10)  # the report's date; the 2022 window ends 14/12/2022


def _item(deadline: date, code: str = "10105") -> OverdueItem:
    return OverdueItem(
        office_code=code,
        office_name=f"Cơ quan {code}",
        record_title="Kiểm tra",
        session_date=deadline - timedelta(days=30),
        content="Đề nghị",
        addressee=None,
        deadline=deadline,
        earlier=False,
    )


def test_lateness_bands_count_days_past_the_deadline() -> None:
    as_of = date(2025, 6, 15)
    days = [1, 30, 31, 90, 91, 400]
    found = overdue.bands([_item(as_of - timedelta(days=d)) for d in days], as_of)
    assert (found.month, found.quarter, found.longer) == (2, 2, 2)
    assert found.total == len(days)
    assert overdue.bands_sentence(found) == (
        "Tổng số 6 kiến nghị quá hạn chưa giải quyết, trong đó 2 kiến nghị quá hạn đến 30 "
        "ngày; 2 kiến nghị quá hạn từ 31 đến 90 ngày; 2 kiến nghị quá hạn trên 90 ngày."
    )
    only_old = overdue.bands([_item(as_of - timedelta(days=200))], as_of)
    assert overdue.bands_sentence(only_old) == (
        "Tổng số 1 kiến nghị quá hạn chưa giải quyết, đều quá hạn trên 90 ngày."
    )


def _province(store: Store) -> ReportFigures:
    """An office with six communes below, each with demo records, and records of its own."""
    # One more commune that reported nothing: counted as having nothing overdue.
    add_children(store, units=[*COMMUNES, ("00099", "Xã Chưa Báo Cáo")], level="commune")
    add_demo_records(store, count=900, seed=7, office_codes=[code for code, _ in COMMUNES])
    add_demo_records(store, count=120, seed=8, office_codes=[OFFICE["code"]])
    return compute_figures(store, period=parse_period("2022"), scope=Scope.ALL, on=ON)


def _appendix(document: Document) -> Appendix:
    found = [a for a in document.appendices if "QUÁ HẠN" in a.subtitle]
    assert len(found) == 1
    return found[0]


def _grids(appendix: Appendix) -> list[Grid]:
    return [block for block in appendix.blocks if isinstance(block, Grid)]


def _texts(appendix: Appendix) -> list[str]:
    return [block.value for block in appendix.blocks if isinstance(block, Text)]


def _number(value: str) -> int:
    return int(value.replace(".", ""))


def test_the_summary_per_office_adds_up_to_every_overdue_item(store: Store) -> None:
    figures = _province(store)
    items = figures.overdue
    by_code = Counter(item.office_code for item in items)
    assert len(by_code) >= 4, by_code  # several offices below have overdue items
    # The appendix's total is the body's overdue count (this period's and the backlog).
    assert len(items) == figures.totals.recommendations.overdue + figures.backlog.recommendations

    appendix = _appendix(draft_report(store, figures=figures, on=ON))
    summary, own_list, below_list = _grids(appendix)
    body = summary.rows[2:-1]
    total = summary.rows[-1]
    assert body[0][1] == "Ban Xây dựng Đảng Đảng ủy xã Bát Tràng"
    names = dict(COMMUNES) | {OFFICE["code"]: "Ban Xây dựng Đảng Đảng ủy xã Bát Tràng"}
    assert {row[1]: _number(row[2]) for row in body} == {
        names[code]: count for code, count in by_code.items()
    }
    for row in [*body, total]:  # the bands add up to each row's total
        assert _number(row[2]) == sum(_number(cell) for cell in row[3:6])
    for column in range(2, 6):  # the total row is the sum of the rows
        assert _number(total[column]) == sum(_number(row[column]) for row in body)
    assert _number(total[2]) == len(items)
    assert total[6] == f"{min(item.deadline for item in items):%d/%m/%Y}"
    # Offices below: the most overdue first.
    counts = [_number(row[2]) for row in body[1:]]
    assert counts == sorted(counts, reverse=True)
    quiet = len(COMMUNES) + 1 - len([code for code in by_code if code != OFFICE["code"]])
    assert quiet >= 1
    assert f"{quiet} cơ quan cấp dưới không có kiến nghị quá hạn" in " ".join(_texts(appendix))

    # Own items: the oldest, at most the cap.
    own_items = [item for item in items if item.office_code == OFFICE["code"]]
    listed = own_list.rows[1:]
    assert len(listed) == min(len(own_items), overdue.OWN_ITEMS)
    assert [row[4] for row in listed] == [
        f"{item.deadline:%d/%m/%Y}" for item in own_items[: overdue.OWN_ITEMS]
    ]
    # Offices below: a bold row naming the office, then at most five of its oldest items.
    groups = [row[0] for row in below_list.rows[1:] if not row[1]]
    assert len(groups) == len(body) - 1
    assert below_list.bold_rows == [r for r, row in enumerate(below_list.rows) if r and not row[1]]
    shown = len(below_list.rows) - 1 - len(groups)
    assert shown == sum(min(count, 5) for code, count in by_code.items() if code != OFFICE["code"])
    assert any("trong tổng số" in group for group in groups)
    assert any(
        "Danh mục đầy đủ" in t and f"{len(items):,}".replace(",", ".") in t
        for t in _texts(appendix)
    )


def test_pdf_and_word_show_the_same_appendix(store: Store, tmp_path: Path) -> None:
    figures = _province(store)
    document = draft_report(store, figures=figures, on=ON)
    appendix = _appendix(document)
    grids = _grids(appendix)
    pdf = tmp_path / "bc.pdf"
    pdf.write_bytes(render_pdf(document))
    word = docx.Document(io.BytesIO(render_docx(document)))
    # The Word tables after the body's are the appendices', cell for cell.
    tables = word.tables[-len(grids) :]
    for grid, table in zip(grids, tables, strict=True):
        cells = [[cell.text for cell in row.cells] for row in table.rows]
        for expected, got in zip(grid.rows, cells, strict=True):
            for column, value in enumerate(expected):
                if value:  # merged cells repeat the text of their first cell
                    assert got[column] == value
    texts = "\n".join(p.text for p in word.paragraphs)
    for line in _texts(appendix):
        assert line in texts
    # The PDF: every summary row on one line, the sentences in the text.
    lines = {" ".join(line.split()) for line in pdf_text(pdf, layout=True).splitlines()}
    for row in grids[0].rows[2:]:
        assert " ".join(cell for cell in row if cell) in lines
    flat = flat_text(pdf)
    for line in _texts(appendix):
        assert line in flat


def _overdue_recommendations(count: int) -> list[dict[str, str]]:
    first = date(2022, 1, 1)
    return [
        {
            "content": f"Đề nghị số {index}",
            "addressee": "UBND xã Bát Tràng",
            "deadline": (first + timedelta(days=index)).isoformat(),
        }
        for index in range(count)
    ]


@pytest.mark.parametrize("extra", [0, 3])
def test_a_commune_lists_its_items_up_to_the_cap(store: Store, extra: int) -> None:
    count = overdue.OWN_ITEMS + extra
    recommendations = _overdue_recommendations(count)
    add_record(
        store,
        record_type=RecordType.INSPECTION,
        data=inspection(start_date="2021-12-20", end_date=None, recommendations=recommendations),
    )
    figures = compute_figures(store, period=parse_period("2022"), scope=Scope.OWN, on=ON)
    assert len(figures.overdue) == count
    appendix = _appendix(draft_report(store, figures=figures, on=ON))
    (grid,) = _grids(appendix)  # no summary table without offices below
    assert [row[2] for row in grid.rows[1:]] == [
        f"Đề nghị số {index}" for index in range(overdue.OWN_ITEMS)
    ]
    texts = " ".join(_texts(appendix))
    assert f"Tổng số {count} kiến nghị quá hạn chưa giải quyết" in texts
    assert ("Danh mục đầy đủ" in texts) == bool(extra)
    assert (f"{extra} kiến nghị quá hạn khác không liệt kê" in texts) == bool(extra)


def test_only_the_most_overdue_offices_below_are_itemised(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(overdue, "OFFICES_ITEMISED", 2)
    monkeypatch.setattr(overdue, "ITEMS_PER_OFFICE", 1)
    figures = _province(store)
    appendix = _appendix(draft_report(store, figures=figures, on=ON))
    summary, _own, below = _grids(appendix)
    groups = [row[0] for row in below.rows[1:] if not row[1]]
    # The two offices below at the top of the summary, one item each.
    assert [g.split(":")[0] for g in groups] == [row[1] for row in summary.rows[3:5]]
    assert len(below.rows) == 1 + 2 * 2
    assert any(re.search(r"của 2 cơ quan đứng đầu bảng tổng hợp", t) for t in _texts(appendix))


def test_the_workbook_lists_every_overdue_item(store: Store) -> None:
    figures = _province(store)
    book = openpyxl.load_workbook(io.BytesIO(build_workbook(figures, office_name="Ban")))
    sheet = book[SHEET]
    header = next(row for row in range(1, 10) if sheet.cell(row=row, column=1).value == "STT")
    rows = list(sheet.iter_rows(min_row=header + 1, values_only=True))
    assert len(rows) == len(figures.overdue)
    assert Counter(row[1] for row in rows) == Counter(i.office_code for i in figures.overdue)
    assert rows[0][7].date() == figures.overdue[0].deadline
    assert rows[0][8] == (figures.as_of - figures.overdue[0].deadline).days
    last = sheet.cell(row=header + len(rows), column=8)  # styled as the first row
    assert (last.number_format, last.font.name, last.border.left.style) == (
        "dd/mm/yyyy",
        "Times New Roman",
        "thin",
    )


def test_an_office_below_with_only_old_items_still_gets_its_row(store: Store) -> None:
    """No office below is registered and none reported in the period, but an imported
    record from an earlier period is still overdue: it is summarised, not dropped."""
    record_id = add_record(
        store,
        record_type=RecordType.INSPECTION,
        data=inspection(
            start_date="2021-03-01", end_date=None, recommendations=_overdue_recommendations(2)
        ),
    )
    with store.raw() as connection:  # as an import from office 00009 would have stored it
        connection.execute("UPDATE record SET office_code = '00009' WHERE id = ?", (record_id,))
    figures = compute_figures(store, period=parse_period("2022"), scope=Scope.ALL, on=ON)
    assert [row.code for row in figures.by_office] == [OFFICE["code"]]
    appendix = _appendix(draft_report(store, figures=figures, on=ON))
    summary, below = _grids(appendix)
    assert [row[1:3] for row in summary.rows[2:]] == [["00009", "2"], ["Tổng cộng", "2"]]
    assert any("không có kiến nghị quá hạn chưa giải quyết" in t for t in _texts(appendix))
    assert len(below.rows) == 1 + 1 + 2  # header, the office's row, its two items


def _grouped_grid(groups: int) -> Grid:
    """Groups of a bold heading row (spanning the table) and three item rows."""
    rows: list[list[str]] = [["TT", "Nội dung kiến nghị", "Hạn"]]
    spans, bold = [], []
    for group in range(groups):
        bold.append(len(rows))
        spans.append((0, len(rows), 2, len(rows)))
        rows.append([f"Nhóm {group}", "", ""])
        rows += [[str(item), f"Mục {group}.{item}", "30/06/2022"] for item in range(1, 4)]
    return Grid(widths=[0.1, 0.7, 0.2], rows=rows, spans=spans, bold_rows=bold, left_columns=2)


def test_a_group_heading_is_never_left_alone_at_a_page_foot(store: Store, tmp_path: Path) -> None:
    """Whatever text comes before the table, each heading row shares its page with its
    group's first row (PDF), and Word is told to keep it with that row."""
    base = draft_report(store, figures=_province(store), on=ON)
    grid = _grouped_grid(18)
    orphans_possible = 0
    for filler in range(0, 24):
        blocks = [Text(value=f"Đoạn {n}: nội dung báo cáo.") for n in range(filler)]
        document = base.model_copy(update={"blocks": [*blocks, grid], "appendices": []})
        pdf = tmp_path / f"bc{filler}.pdf"
        pdf.write_bytes(render_pdf(document))
        pages = pdf_text(pdf).split("\f")
        for group in range(18):
            heading = next(n for n, page in enumerate(pages) if f"Nhóm {group}\n" in page)
            first = next(n for n, page in enumerate(pages) if f"Mục {group}.1\n" in page)
            assert heading == first, f"'Nhóm {group}' alone at a page foot ({filler} paragraphs)"
            orphans_possible += pages[heading].count("Mục") > 0
    assert orphans_possible  # the table did cross pages
    word = docx.Document(io.BytesIO(render_docx(base.model_copy(update={"blocks": [grid]}))))
    table = next(t for t in word.tables if t.rows[0].cells[0].text == "TT")
    kept = [
        index
        for index, row in enumerate(table.rows)
        if all(p.paragraph_format.keep_with_next for p in row.cells[0].paragraphs)
    ]
    assert kept == grid.bold_rows
