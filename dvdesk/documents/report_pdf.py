"""The periodic report (báo cáo) as PDF: the office's sentences, comparison, table by office."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from typing import Any

from babel.dates import format_date
from babel.numbers import format_decimal

from dvdesk.clock import today
from dvdesk.documents import compose, overdue, registers_report, wording
from dvdesk.documents.compose import body, heading, need, paragraphs
from dvdesk.documents.content import Appendix, Block, Closing, Document, Grid, Text
from dvdesk.documents.figures import (
    Figures,
    OfficeFigures,
    ReportFigures,
    Scope,
    compute_figures,
)
from dvdesk.documents.layout import render_pdf
from dvdesk.documents.periods import Period, list_custom_periods, range_period, year_periods
from dvdesk.documents.register import (
    Issued,
    NumberPreview,
    issue,
    issued_document,
    next_number_for,
)
from dvdesk.documents.settings import DocumentSettings, SignerChoice, get_document_settings
from dvdesk.errors import Conflict
from dvdesk.i18n import _
from dvdesk.services import register_store
from dvdesk.services.narratives import Narrative, get_narrative
from dvdesk.services.office import OfficeView, get_office
from dvdesk.services.store import Store

REPORT = "BC"
TABLE_SIZE = 9


@lru_cache(maxsize=65_536)
def n(value: float) -> str:
    """14.162: Vietnamese grouping (cached: a province's table repeats the same small counts)."""
    return format_decimal(value, locale="vi")


def dmy(value: date) -> str:
    return format_date(value, "dd/MM/yyyy", locale="vi")


def percent(part: int, whole: int) -> str:
    return format_decimal(round(100 * part / whole, 1), locale="vi") + "%"


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
    ("Ý kiến trong kỳ quá hạn chưa giải quyết", lambda f: f.dialogue.overdue),
    ("Số kiến nghị theo dõi", lambda f: f.recommendations.total),
    ("Kiến nghị đã giải quyết", lambda f: f.recommendations.resolved),
    ("Kiến nghị trong kỳ quá hạn chưa giải quyết", lambda f: f.recommendations.overdue),
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


_PERIOD_KEY = re.compile(r"^(?P<year>\d{4})(?:-(?P<part>H1|H2|9M|Q[1-4]|M\d{2}))?$")
_QUARTERS = {"Q1": "I", "Q2": "II", "Q3": "III", "Q4": "IV"}


def subject_lines(period: Period) -> list[str]:
    """The customary subject of the report for its period."""
    match = _PERIOD_KEY.fullmatch(period.key)
    if match is None:
        return [f"Kết quả công tác dân vận {period.label}"]
    year, part = int(match["year"]), match["part"]
    if part is None:
        return [f"Tổng kết công tác dân vận năm {year},", f"phương hướng, nhiệm vụ năm {year + 1}"]
    if part == "H1":
        return [
            f"Sơ kết công tác dân vận 6 tháng đầu năm {year},",
            f"phương hướng, nhiệm vụ 6 tháng cuối năm {year}",
        ]
    if part == "9M":
        return [
            f"Công tác dân vận 9 tháng năm {year},",
            f"phương hướng, nhiệm vụ 3 tháng cuối năm {year}",
        ]
    if part.startswith("Q"):
        return [f"Công tác dân vận quý {_QUARTERS[part]} năm {year}"]
    if part.startswith("M"):
        return [f"Công tác dân vận tháng {int(part[1:])} năm {year}"]
    return [f"Công tác dân vận {period.label}"]


def _tasks_heading(period: Period) -> str:
    match = _PERIOD_KEY.fullmatch(period.key)
    part = match["part"] if match else ""
    year = int(match["year"]) if match else period.end.year
    if match and part is None:
        return f"PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM {year + 1}"
    if part == "H1":
        return f"PHƯƠNG HƯỚNG, NHIỆM VỤ 6 THÁNG CUỐI NĂM {year}"
    return "NHIỆM VỤ TRỌNG TÂM THỜI GIAN TỚI"


def _towards(subjects: int) -> str:
    return f" đối với {n(subjects)} tổ chức, đơn vị" if subjects else ""


def inspection_sentence(totals: Figures) -> str:
    """``Tiến hành 12 cuộc kiểm tra đối với 30 tổ chức, đơn vị; giám sát 9 cuộc đối với …``.

    What is zero is left out rather than printed as "0 cuộc … 0 tổ chức".
    """
    parts = []
    inspection, supervision = totals.inspection, totals.supervision
    if inspection.sessions:
        parts.append(f"{n(inspection.sessions)} cuộc kiểm tra{_towards(inspection.subjects)}")
    if supervision.sessions:
        parts.append(f"giám sát {n(supervision.sessions)} cuộc{_towards(supervision.subjects)}")
    if not parts:
        return "Chưa tiến hành cuộc kiểm tra, giám sát nào."
    return "Tiến hành " + "; ".join(parts) + "."


def dialogue_sentence(totals: Figures) -> str:
    d = totals.dialogue
    if not d.sessions:
        return "Trong kỳ không tổ chức buổi đối thoại nào với Nhân dân."
    text = f"Tổ chức {n(d.sessions)} buổi đối thoại với {n(d.attendees)} lượt người dân tham dự"
    if not d.issues:
        return text + "; không có ý kiến khiếu nại, tố cáo, kiến nghị, phản ánh."
    kinds = ", ".join(
        f"{n(count)} {wording.ISSUE_KINDS[kind.value]}"
        for kind, count in d.by_kind().items()
        if count
    )
    text += f"; tiếp nhận {n(d.issues)} ý kiến ({kinds})"
    clauses = []
    if d.answered_on_spot:
        clauses.append(f"{n(d.answered_on_spot)} ý kiến được trả lời ngay tại buổi đối thoại")
    if d.resolved:
        clauses.append(f"đã giải quyết {n(d.resolved)} ý kiến")
    if d.overdue:
        clauses.append(f"{n(d.overdue)} ý kiến quá hạn chưa được giải quyết")
    if clauses:
        text += ", trong đó " + "; ".join(clauses)
    return text + "."


def recommendation_sentence(totals: Figures, as_of: date, backlog: int = 0) -> str:
    """The follow-up figures, naming the overdue backlog from earlier periods."""
    r = totals.recommendations
    parts = []
    if r.total:
        parts.append(
            f"Theo dõi {n(r.total)} kiến nghị sau kiểm tra, giám sát, đối thoại trong kỳ"
            + (
                f"; đã giải quyết {n(r.resolved)} kiến nghị (đạt {percent(r.resolved, r.total)})"
                if r.resolved
                else "; chưa có kiến nghị nào được giải quyết"
            )
        )
    overdue = r.overdue + backlog
    if overdue:
        detail = f", trong đó {n(backlog)} kiến nghị từ các kỳ trước" if backlog else ""
        parts.append(
            f"{n(overdue)} kiến nghị quá hạn chưa giải quyết (tính đến ngày {dmy(as_of)}){detail}"
        )
    if not parts:
        return "Trong kỳ không có kiến nghị phải theo dõi."
    return "; ".join(parts) + "."


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


def comparison_table(figures: ReportFigures) -> Grid:
    rows = [["Chỉ tiêu", "Kỳ báo cáo", "Cùng kỳ năm trước", "Tăng (+), giảm (-)"]]
    for label, value in INDICATORS:
        now, before = value(figures.totals), value(figures.previous)
        rows.append([label, n(now), n(before), change(now, before)])
    return Grid(widths=[0.49, 0.17, 0.17, 0.17], rows=rows, size=12)


def office_table(rows: tuple[OfficeFigures, ...], totals: Figures) -> Grid:
    """One row per office (the reporting office first), a total row, headers on every page."""
    top = ["STT", "Cơ quan"]
    bottom = ["", ""]
    spans = [(0, 0, 0, 1), (1, 0, 1, 1)]
    previous_group = None
    for column, (group, label, _getter) in enumerate(OFFICE_COLUMNS, start=2):
        top.append(group if group != previous_group else "")
        if group != previous_group:
            span_end = column + sum(1 for g, _l, _x in OFFICE_COLUMNS if g == group) - 1
            spans.append((column, 0, span_end, 0))
        previous_group = group
        bottom.append(label)
    data = [top, bottom]
    for index, office in enumerate(rows, start=1):
        data.append(
            [
                str(index),
                office.name,
                *(n(getter(office.figures)) for _g, _l, getter in OFFICE_COLUMNS),
            ]
        )
    data.append(["", "Tổng cộng", *(n(getter(totals)) for _g, _l, getter in OFFICE_COLUMNS)])
    number = 0.065
    return Grid(
        widths=[0.04, 0.96 - number * len(OFFICE_COLUMNS), *([number] * len(OFFICE_COLUMNS))],
        rows=data,
        header_rows=2,
        spans=spans,
        left_columns=2,
        bold_last_row=True,
        size=10,
    )


def _section(title: str, text: str | None) -> list[Text]:
    return [heading(title), *(paragraphs(text) or [body("…")])]


def _results(figures: ReportFigures, who: str, narrative: Narrative) -> list[Block]:
    totals = figures.totals
    period = figures.period
    return [
        heading("II. KẾT QUẢ THỰC HIỆN"),
        *(body(line) for line in registers_report.register_sentences(figures, who)),
        heading("1. Công tác kiểm tra, giám sát"),
        body(f"{wording.during(period.label)}, {who} {_lower_first(inspection_sentence(totals))}"),
        heading("2. Đối thoại với Nhân dân"),
        body(dialogue_sentence(totals)),
        heading("3. Theo dõi, đôn đốc thực hiện kiến nghị"),
        body(recommendation_sentence(totals, figures.as_of, figures.backlog.recommendations)),
        *(
            [
                body(
                    f"Ngoài ra còn {n(figures.backlog.issues)} ý kiến của Nhân dân tại các "
                    "buổi đối thoại kỳ trước quá hạn chưa được giải quyết."
                )
            ]
            if figures.backlog.issues
            else []
        ),
        *(
            [
                body(
                    "Danh mục kiến nghị quá hạn chưa giải quyết tại Phụ lục"
                    f"{' 2' if figures.scope is Scope.ALL else ''} kèm theo."
                )
            ]
            if figures.overdue
            else []
        ),
        heading("4. So sánh với cùng kỳ năm trước"),
        body(comparison_sentence(figures)),
        comparison_table(figures),
        heading("5. Kết quả nổi bật"),
        *(paragraphs(narrative.achievements) or [body("…")]),
    ]


def _appendices(figures: ReportFigures) -> list[Appendix]:
    period = figures.period
    window = wording.with_dates(period.label, dmy(period.start), dmy(period.end))
    found: list[Appendix] = []
    if figures.scope is Scope.ALL:
        found.append(
            Appendix(
                title="PHỤ LỤC",
                subtitle=f"SỐ LIỆU THEO CƠ QUAN, {window.upper()}",
                blocks=[office_table(figures.by_office, figures.totals)],
                landscape=True,
            )
        )
    if figures.overdue:
        found.append(
            Appendix(
                title="PHỤ LỤC",
                subtitle=(
                    "DANH MỤC KIẾN NGHỊ QUÁ HẠN CHƯA GIẢI QUYẾT "
                    f"(TÍNH ĐẾN NGÀY {dmy(figures.as_of)})"
                ),
                blocks=overdue.appendix_blocks(figures),
                landscape=True,
            )
        )
    if len(found) > 1:
        found = [
            appendix.model_copy(update={"title": f"PHỤ LỤC {index}"})
            for index, appendix in enumerate(found, start=1)
        ]
    return found


def _report_missing(
    narrative: Narrative, settings: DocumentSettings, recipients: list[str]
) -> list[str]:
    missing: list[str] = []
    need(missing, "đặc điểm tình hình (mục I)", narrative.situation)
    need(missing, "kết quả nổi bật (mục II.5)", narrative.achievements)
    need(missing, "hạn chế, nguyên nhân (mục III)", narrative.limitations)
    need(missing, "phương hướng, nhiệm vụ (mục IV)", narrative.tasks)
    need(missing, wording.SIGNER_NAME_MISSING, settings.signer_name)
    need(missing, wording.SIGNER_POST_MISSING, settings.signer_post)
    if not recipients:
        missing.append("nơi nhận (ngoài bản lưu)")
    return missing


def report_document(
    figures: ReportFigures,
    *,
    narrative: Narrative,
    office: OfficeView,
    settings: DocumentSettings,
    on: date,
) -> Document:
    """The report as a draft :class:`Document` (no database access)."""
    profile = office.profile_at(on)
    who = profile.name
    if figures.scope is Scope.ALL:
        who = f"{profile.name} và các cơ quan cấp dưới"
    period = figures.period
    recipients = list(narrative.recipients) or ([office.parent_name] if office.parent_name else [])
    tasks = _section(f"IV. {_tasks_heading(period)}", narrative.tasks)
    # The last section's closing lines go with the signature (at most a few).
    kept = tasks if len(tasks) <= 4 else tasks[-2:]
    template = settings.template
    return Document(
        title=f"Báo cáo {' '.join(subject_lines(period))}",
        author=profile.name,
        page=compose.page(settings),
        header=compose.header(settings=settings, profile=profile, doc_type=REPORT, on=on),
        kind=wording.REPORT_TITLE,
        subject=subject_lines(period),
        blocks=[
            Text(
                style="note",
                value=f"(Số liệu từ ngày {dmy(period.start)} đến ngày {dmy(period.end)})",
            ),
            *_section("I. ĐẶC ĐIỂM TÌNH HÌNH", narrative.situation),
            *_results(figures, who, narrative),
            *_section("III. HẠN CHẾ, NGUYÊN NHÂN", narrative.limitations),
            *(tasks[: len(tasks) - len(kept)]),
        ],
        closing=Closing(
            lead=kept,
            recipients=recipients,
            archive=wording.archive(template, settings.archive_units),
            right=compose.signer(
                capacity_text=settings.signer_capacity,
                post=settings.signer_post,
                name=settings.signer_name,
                template=template,
            ),
        ),
        appendices=_appendices(figures),
        missing=_report_missing(narrative, settings, recipients),
    )


def _lower_first(value: str) -> str:
    return value[:1].lower() + value[1:]


def draft_report(
    store: Store,
    *,
    figures: ReportFigures,
    on: date | None = None,
    signer: SignerChoice | None = None,
    recipients: Sequence[str] | None = None,
) -> Document:
    """The report as it stands now: a draft, for preview, PDF or Word.

    ``signer`` replaces the office's default signer for this report only; ``recipients``
    (when given) replace the ones saved with the period's texts, for this report only.
    """
    settings = get_document_settings(store)
    narrative = get_narrative(store, period=figures.period)
    if recipients is not None:
        narrative = replace(narrative, recipients=tuple(recipients))
    return report_document(
        figures,
        narrative=narrative,
        office=get_office(store),
        settings=signer.over(settings) if signer is not None else settings,
        on=on or today(),
    )


def report_subject(figures: ReportFigures) -> str:
    """What the register files the report under (one live number per period and scope)."""
    period = figures.period
    return f"report:{period.start.isoformat()}..{period.end.isoformat()}:{figures.scope.value}"


def build_report_pdf(
    store: Store,
    *,
    figures: ReportFigures,
    on: date | None = None,
    signer: SignerChoice | None = None,
) -> bytes:
    """The draft report as PDF (for the preview)."""
    return render_pdf(draft_report(store, figures=figures, on=on, signer=signer))


def issue_report(
    store: Store,
    *,
    figures: ReportFigures,
    on: date | None = None,
    replaces: int | None = None,
    expected_number: int | None = None,
    write: Callable[[Issued], None] | None = None,
    signer: SignerChoice | None = None,
    recipients: Sequence[str] | None = None,
) -> Issued:
    """Number the report and keep it as issued; refused while anything is missing."""
    return issue(
        store,
        document=draft_report(store, figures=figures, on=on, signer=signer, recipients=recipients),
        subject_key=report_subject(figures),
        replaces=replaces,
        expected_number=expected_number,
        write=write,
    )


def preview_report_number(
    store: Store,
    *,
    figures: ReportFigures,
    on: date | None = None,
    replaces: int | None = None,
    signer: SignerChoice | None = None,
    recipients: Sequence[str] | None = None,
) -> NumberPreview:
    """The number the report would take now; refused as issuing would be."""
    return next_number_for(
        store,
        document=draft_report(store, figures=figures, on=on, signer=signer, recipients=recipients),
        subject_key=report_subject(figures),
        replaces=replaces,
    )


def figures_for_entry(store: Store, *, entry_id: int) -> ReportFigures:
    """The figures of the period and scope an issued report covered (to issue its replacement)."""
    entry = register_store.get_entry(store, entry_id=entry_id)
    kind, window, scope = entry.subject_key.split(":")
    if kind != "report":
        raise Conflict(_("Document {number} is not a report.").format(number=entry.reference))
    start, end = (date.fromisoformat(part) for part in window.split(".."))
    known = [*year_periods(end.year), *year_periods(start.year), *list_custom_periods(store)]
    period = next(
        (item for item in known if (item.start, item.end) == (start, end)),
        range_period(start, end),
    )
    return compute_figures(store, period=period, scope=Scope(scope))


@dataclass(frozen=True)
class ReplacementChoice:
    """Who signed an issued report and where it went: the start of its replacement."""

    signer: SignerChoice | None  # None: issued before the register kept content
    recipients: list[str] | None


def replacement_choice(store: Store, *, entry_id: int) -> ReplacementChoice:
    """The replaced report's own signer and recipients (not today's office settings).

    A replacement corrects a document already sent: it normally goes to the same
    recipients under the same signature, whoever signs by default now."""
    document = issued_document(store, entry_id=entry_id)
    if document is None:
        return ReplacementChoice(signer=None, recipients=None)
    right = document.closing.right
    return ReplacementChoice(
        signer=SignerChoice(capacity=right.capacity, post=right.post, name=right.name),
        recipients=list(document.closing.recipients or []),
    )
