"""The periodic report (báo cáo) as PDF: the office's sentences, comparison, table by office."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel.dates import format_date
from babel.numbers import format_decimal
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import PageBreak, Paragraph, Table

from dvdesk.clock import today
from dvdesk.documents import layout, registers_report, wording
from dvdesk.documents.figures import Figures, OfficeFigures, ReportFigures, Scope
from dvdesk.documents.fonts import font_name
from dvdesk.documents.layout import Signature, heading, para, paragraphs, style
from dvdesk.documents.narratives import Narrative, get_narrative
from dvdesk.documents.register import REPORT, IssuedNumber, issue_number
from dvdesk.documents.settings import DocumentSettings, get_document_settings
from dvdesk.services.office import OfficeView, Profile, get_office
from dvdesk.services.store import Store

TABLE_SIZE = 9


@dataclass(frozen=True)
class IssuedReport:
    number: IssuedNumber
    figures: ReportFigures
    pdf: bytes


@lru_cache(maxsize=65_536)
def n(value: float) -> str:
    """14.162: Vietnamese grouping (cached: a province's table repeats the same small counts)."""
    return format_decimal(value, locale="vi")


def dmy(value: date) -> str:
    return format_date(value, "dd/MM/yyyy", locale="vi")


def percent(part: int, whole: int) -> str:
    return format_decimal(round(100 * part / whole, 1), locale="vi") + "%" if whole else "-"


def change(current: int, previous: int) -> str:
    """``+12`` / ``-3`` / ``0``, with Vietnamese digit grouping."""
    delta = current - previous
    return ("+" if delta > 0 else "") + n(delta)


# (label, getter) of every figure the comparison table and the workbook show.
INDICATORS: tuple[tuple[str, Any], ...] = (
    ("Số cuộc kiểm tra", lambda f: f.inspection.sessions),
    ("Số tổ chức, đơn vị được kiểm tra", lambda f: f.inspection.subjects),
    ("Số cuộc giám sát", lambda f: f.supervision.sessions),
    ("Số tổ chức, đơn vị được giám sát", lambda f: f.supervision.subjects),
    ("Số buổi đối thoại", lambda f: f.dialogue.sessions),
    ("Số lượt người dân tham dự đối thoại", lambda f: f.dialogue.attendees),
    ("Số ý kiến tại đối thoại", lambda f: f.dialogue.issues),
    ("- Khiếu nại", lambda f: f.dialogue.complaints),
    ("- Tố cáo", lambda f: f.dialogue.denunciations),
    ("- Kiến nghị", lambda f: f.dialogue.petitions),
    ("- Phản ánh", lambda f: f.dialogue.feedback),
    ("Ý kiến được trả lời tại buổi đối thoại", lambda f: f.dialogue.answered_on_spot),
    ("Ý kiến đã được giải quyết", lambda f: f.dialogue.resolved),
    ("Ý kiến quá hạn chưa giải quyết", lambda f: f.dialogue.overdue),
    ("Số kiến nghị theo dõi", lambda f: f.recommendations.total),
    ("Kiến nghị đã giải quyết", lambda f: f.recommendations.resolved),
    ("Kiến nghị quá hạn chưa giải quyết", lambda f: f.recommendations.overdue),
    *registers_report.INDICATORS,
)

# Columns of the table by office: (group, column, getter).
OFFICE_COLUMNS: tuple[tuple[str, str, Any], ...] = (
    ("Kiểm tra", "Cuộc", lambda f: f.inspection.sessions),
    ("Kiểm tra", "Đơn vị", lambda f: f.inspection.subjects),
    ("Giám sát", "Cuộc", lambda f: f.supervision.sessions),
    ("Giám sát", "Đơn vị", lambda f: f.supervision.subjects),
    ("Đối thoại", "Buổi", lambda f: f.dialogue.sessions),
    ("Đối thoại", "Người dự", lambda f: f.dialogue.attendees),
    ("Đối thoại", "Ý kiến", lambda f: f.dialogue.issues),
    ("Kiến nghị", "Tổng số", lambda f: f.recommendations.total),
    ("Kiến nghị", "Đã giải quyết", lambda f: f.recommendations.resolved),
    ("Kiến nghị", "Quá hạn", lambda f: f.recommendations.overdue),
)


def subject_line(figures: ReportFigures) -> str:
    return f"Kết quả công tác dân vận {figures.period.label}"


def inspection_sentence(totals: Figures) -> str:
    """The sentence every report opens its figures with."""
    return (
        f"Tiến hành {n(totals.inspection.sessions)} cuộc kiểm tra đối với "
        f"{n(totals.inspection.subjects)} tổ chức, đơn vị; giám sát "
        f"{n(totals.supervision.sessions)} cuộc với {n(totals.supervision.subjects)} "
        "tổ chức, đơn vị."
    )


def dialogue_sentence(totals: Figures) -> str:
    d = totals.dialogue
    kinds = "; ".join(
        f"{wording.ISSUE_KINDS[kind.value]} {n(count)}" for kind, count in d.by_kind().items()
    )
    return (
        f"Tổ chức {n(d.sessions)} buổi đối thoại với {n(d.attendees)} lượt người dân tham dự; "
        f"tiếp nhận {n(d.issues)} ý kiến ({kinds}), trong đó {n(d.answered_on_spot)} ý kiến "
        f"được trả lời ngay tại buổi đối thoại; đã giải quyết {n(d.resolved)} ý kiến; "
        f"{n(d.overdue)} ý kiến quá hạn chưa được giải quyết."
    )


def recommendation_sentence(totals: Figures, as_of: date) -> str:
    r = totals.recommendations
    return (
        f"Theo dõi {n(r.total)} kiến nghị sau kiểm tra, giám sát, đối thoại; đã giải quyết "
        f"{n(r.resolved)} kiến nghị (đạt {percent(r.resolved, r.total)}); {n(r.overdue)} "
        f"kiến nghị quá hạn chưa giải quyết (tính đến ngày {dmy(as_of)})."
    )


def comparison_sentence(figures: ReportFigures) -> str:
    now, before = figures.totals, figures.previous
    return (
        f"So với cùng kỳ năm trước ({dmy(figures.period.previous_year().start)} – "
        f"{dmy(figures.period.previous_year().end)}): số cuộc kiểm tra "
        f"{_more_less(now.inspection.sessions, before.inspection.sessions)}, số cuộc giám sát "
        f"{_more_less(now.supervision.sessions, before.supervision.sessions)}, số buổi đối "
        f"thoại {_more_less(now.dialogue.sessions, before.dialogue.sessions)}."
    )


def _more_less(current: int, previous: int) -> str:
    if current > previous:
        return f"tăng {n(current - previous)}"
    if current < previous:
        return f"giảm {n(previous - current)}"
    return "không thay đổi"


def _cell(
    value: str, size: float = TABLE_SIZE, *, bold: bool = False, align: int = TA_CENTER
) -> Paragraph:
    return Paragraph(layout.text(value), style(size, bold=bold, align=align, after=0))


def comparison_table(figures: ReportFigures, width: float) -> Table:
    head = ["Chỉ tiêu", "Kỳ báo cáo", "Cùng kỳ năm trước", "Tăng (+), giảm (-)"]
    rows: list[list[Any]] = [[_cell(h, 12, bold=True) for h in head]]
    for label, value in INDICATORS:
        now, before = value(figures.totals), value(figures.previous)
        rows.append(
            [
                _cell(label, 12, align=TA_LEFT),
                n(now),
                n(before),
                change(now, before),
            ]
        )
    numbers = 28 * mm
    table = Table(rows, colWidths=[width - 3 * numbers, numbers, numbers, numbers], repeatRows=1)
    table.setStyle(_grid(12, header_rows=1))
    return table


def _grid(size: float, *, header_rows: int) -> Any:
    return layout.table_style(
        [
            ("FONTSIZE", (0, 0), (-1, -1), size),
            ("LEADING", (0, 0), (-1, -1), size * 1.2),
            ("GRID", (0, 0), (-1, -1), 0.5, "black"),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("ALIGN", (1, header_rows), (-1, -1), "RIGHT"),
            ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ("TOPPADDING", (0, 0), (-1, -1), 1.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ]
    )


def office_table(rows: tuple[OfficeFigures, ...], totals: Figures, width: float) -> Table:
    """One row per office (the reporting office first), a total row, headers on every page."""
    number_width = 12.5 * mm
    index_width = 9 * mm
    name_width = width - index_width - number_width * len(OFFICE_COLUMNS)
    header_top: list[Any] = [_cell("STT", bold=True), _cell("Cơ quan", bold=True)]
    header_bottom: list[Any] = ["", ""]
    spans = [("SPAN", (0, 0), (0, 1)), ("SPAN", (1, 0), (1, 1))]
    previous_group = None
    for column, (group, label, _getter) in enumerate(OFFICE_COLUMNS, start=2):
        header_top.append(_cell(group, bold=True) if group != previous_group else "")
        if group != previous_group:
            span_end = column + sum(1 for g, _l, _x in OFFICE_COLUMNS if g == group) - 1
            spans.append(("SPAN", (column, 0), (span_end, 0)))
        previous_group = group
        header_bottom.append(_cell(label, bold=True))
    bold = font_name("bold")
    data: list[list[Any]] = [header_top, header_bottom]
    limit = name_width - 6
    for index, office in enumerate(rows, start=1):
        name = office.name
        fits = stringWidth(name, font_name(), TABLE_SIZE) <= limit
        data.append(
            [
                str(index),
                name if fits else _cell(name, align=TA_LEFT),
                *(n(getter(office.figures)) for _g, _l, getter in OFFICE_COLUMNS),
            ]
        )
    data.append(["", "Tổng cộng", *(n(getter(totals)) for _g, _l, getter in OFFICE_COLUMNS)])
    table = Table(
        data,
        colWidths=[index_width, name_width] + [number_width] * len(OFFICE_COLUMNS),
        repeatRows=2,
    )
    style_commands = _grid(TABLE_SIZE, header_rows=2)
    for command in [
        *spans,
        ("ALIGN", (0, 2), (0, -1), "CENTER"),
        ("ALIGN", (1, 2), (1, -1), "LEFT"),
        ("FONTNAME", (0, -1), (-1, -1), bold),
    ]:
        style_commands.add(*command)
    table.setStyle(style_commands)
    return table


def _section(title: str, text: str | None) -> list[Any]:
    return [heading(title), *(paragraphs(text) or [para("…")])]


def report_story(
    figures: ReportFigures,
    *,
    narrative: Narrative,
    office: OfficeView,
    profile: Profile,
    settings: DocumentSettings,
    on: date,
    number: int | None,
) -> list[Any]:
    width = layout.text_width(settings)
    totals = figures.totals
    who = profile.name
    if figures.scope is Scope.ALL:
        who = f"{profile.name} và các cơ quan cấp dưới"
    period = figures.period
    story: list[Any] = [
        layout.header(
            settings=settings, profile=profile, number=number, doc_type=REPORT, on=on, width=width
        ),
        *layout.title(wording.REPORT_TITLE, subject_line(figures)),
        para(
            f"(Số liệu từ ngày {dmy(period.start)} đến ngày {dmy(period.end)})",
            style(14, italic=True, align=TA_CENTER),
        ),
        heading("I. KẾT QUẢ THỰC HIỆN"),
        *(para(line) for line in registers_report.register_sentences(figures, who)),
        heading("1. Công tác kiểm tra, giám sát"),
        para(f"Trong {period.label}, {who}: {_lower_first(inspection_sentence(totals))}"),
        heading("2. Đối thoại với Nhân dân"),
        para(dialogue_sentence(totals)),
        heading("3. Theo dõi, đôn đốc thực hiện kiến nghị"),
        para(recommendation_sentence(totals, figures.as_of)),
        heading("4. So sánh với cùng kỳ năm trước"),
        para(comparison_sentence(figures)),
        comparison_table(figures, width),
        heading("5. Kết quả nổi bật"),
        *(paragraphs(narrative.achievements) or [para("…")]),
        *_section("II. HẠN CHẾ, NGUYÊN NHÂN", narrative.limitations),
    ]
    tasks = _section("III. NHIỆM VỤ TRỌNG TÂM THỜI GIAN TỚI", narrative.tasks)
    recipients = list(narrative.recipients) or ([office.parent_name] if office.parent_name else [])
    if len(tasks) > 4:
        story += tasks[:-2]
    story.append(
        layout.signed_with_recipients(
            recipients,
            Signature(
                capacity=settings.signer_capacity,
                post=settings.signer_post,
                name=settings.signer_name,
            ),
            template=settings.template,
            width=width,
            # The last section's closing lines go with the signature (at most a few).
            lead=tasks if len(tasks) <= 4 else tasks[-2:],
        )
    )
    if figures.scope is Scope.ALL:
        story += [
            PageBreak(),
            para("PHỤ LỤC", style(14, bold=True, align=TA_CENTER, after=0)),
            para(
                f"Số liệu theo cơ quan, {period.label} "
                f"(từ ngày {dmy(period.start)} đến ngày {dmy(period.end)})",
                style(13, italic=True, align=TA_CENTER, after=6),
            ),
            office_table(figures.by_office, totals, width),
        ]
    return story


def _lower_first(value: str) -> str:
    return value[:1].lower() + value[1:]


def build_report_pdf(
    store: Store,
    *,
    figures: ReportFigures,
    on: date | None = None,
    number: int | None = None,
) -> bytes:
    """The report as PDF (a draft with a blank number unless ``number`` is given)."""
    on = on or today()
    office = get_office(store)
    return _render(
        figures,
        narrative=get_narrative(store, period=figures.period),
        office=office,
        settings=get_document_settings(store),
        on=on,
        number=number,
    )


def _render(
    figures: ReportFigures,
    *,
    narrative: Narrative,
    office: OfficeView,
    settings: DocumentSettings,
    on: date,
    number: int | None,
) -> bytes:
    story = report_story(
        figures,
        narrative=narrative,
        office=office,
        profile=office.profile_at(on),
        settings=settings,
        on=on,
        number=number,
    )
    return layout.render(story, settings=settings, title_text=f"Báo cáo {figures.period.label}")


def issue_report(
    store: Store, *, figures: ReportFigures, target: Path | None, on: date | None = None
) -> IssuedReport:
    """Number the report (the same number if this period was issued before) and write it."""
    on = on or today()
    if target is not None:
        layout.check_writable(target)
    office = get_office(store)
    settings = get_document_settings(store)
    narrative = get_narrative(store, period=figures.period)
    period = figures.period

    def produce(issued: IssuedNumber) -> bytes:
        pdf = _render(
            figures,
            narrative=narrative,
            office=office,
            settings=settings,
            on=on,
            number=issued.number,
        )
        if target is not None:
            layout.write_file(pdf, target)
        return pdf

    issued, pdf = issue_number(
        store,
        settings=settings,
        doc_type=REPORT,
        subject_key=f"report:{period.start.isoformat()}..{period.end.isoformat()}:"
        f"{figures.scope.value}",
        symbol=office.profile_at(on).symbol,
        document_date=on,
        produce=produce,
    )
    return IssuedReport(number=issued, figures=figures, pdf=pdf)
