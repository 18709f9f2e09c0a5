"""A :class:`Document` as PDF: Party (HD 36-HD/VPTW) and state (NĐ 30/2020) layouts.

The text block sits exactly on the margins (the frames have no padding), tables
are the width of the text, paragraphs are at least 6 pt apart, page numbers
run from page 2 at the top centre, and a draft carries a boxed "DỰ THẢO" on
every page.
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from dvdesk import clock
from dvdesk.documents import wording
from dvdesk.documents.content import (
    Appendix,
    Block,
    Closing,
    Document,
    Grid,
    Header,
    Signer,
    Text,
    number_text,
)
from dvdesk.documents.fonts import ensure_fonts, font_name
from dvdesk.documents.settings import DocumentSettings, NumberingRule, Template
from dvdesk.errors import UserError
from dvdesk.fileio import Access, write_atomically
from dvdesk.i18n import _
from dvdesk.os_errors import os_reason
from dvdesk.signatures.anchor import SignatureRoom, add_signature_fields, rooms_of

BODY_SIZE = 14
LEADING = 1.3
SPACE_AFTER = 6  # Nghị định 30: at least 6 pt between paragraphs
CLOSING_GAP_MM = 6  # between the last line and the signatures / "Nơi nhận" (PDF and Word)
DRAFT_MARK = "DỰ THẢO"


def style(
    size: float = BODY_SIZE,
    *,
    bold: bool = False,
    italic: bool = False,
    align: int = TA_JUSTIFY,
    indent: float = 0,
    before: float = 0,
    after: float = SPACE_AFTER,
    left: float = 0,
) -> ParagraphStyle:
    ensure_fonts()
    face = {
        (False, False): "regular",
        (True, False): "bold",
        (False, True): "italic",
        (True, True): "bold_italic",
    }
    return ParagraphStyle(
        name=f"s{size}{bold}{italic}{align}{indent}{before}{after}{left}",
        fontName=font_name(face[bold, italic]),
        fontSize=size,
        leading=size * LEADING,
        alignment=align,
        firstLineIndent=indent,
        spaceBefore=before,
        spaceAfter=after,
        leftIndent=left,
    )


def text(value: str) -> str:
    """User text made safe for Paragraph markup (its <, & are not tags)."""
    return escape(value).replace("\n", "<br/>")


def _para(value: str, paragraph_style: ParagraphStyle) -> Paragraph:
    return Paragraph(text(value), paragraph_style)


# --- Breaking the names in the header --------------------------------------------------------

# Word groups that are one name: never split between their words if another break fits.
_UNBREAKABLE = (
    "DÂN VẬN",
    "TUYÊN GIÁO",
    "XÂY DỰNG",
    "ĐẢNG ỦY",
    "ĐẢNG BỘ",
    "ỦY BAN",
    "NHÂN DÂN",
    "MẶT TRẬN",
    "TỔ QUỐC",
    "THƯỜNG VỤ",
    "TỈNH ỦY",
    "HUYỆN ỦY",
    "THÀNH ỦY",
    "QUẬN ỦY",
    "THỊ ỦY",
    "CÔNG AN",
    "VĂN PHÒNG",
    "KIỂM TRA",
    "THÀNH PHỐ",
    "HỒ CHÍ",
    "CHÍ MINH",
    "CƠ QUAN",
    "DOANH NGHIỆP",
    "TRUNG ƯƠNG",
)


def _splits_a_name(words: Sequence[str], at: int) -> bool:
    pair = f"{words[at - 1]} {words[at]}"
    return pair in _UNBREAKABLE


def _candidates(words: list[str], lines: int) -> list[list[str]]:
    if lines == 1:
        return [[" ".join(words)]]
    found = []
    for cut in range(1, len(words) - lines + 2):
        for rest in _candidates(words[cut:], lines - 1):
            found.append([" ".join(words[:cut]), *rest])
    return found


def balanced_lines(value: str, *, font: str, size: float, width: float) -> list[str] | None:
    """``value`` broken into lines that fit ``width``: no name split ("DÂN / VẬN") if that
    can be avoided, then as few lines as possible, then the most even lines.

    None if the words do not fit even in four lines.
    """
    words = value.split()
    if not words:
        return []

    def cost(lines: list[str]) -> tuple[int, int, float]:
        cuts = [len(" ".join(lines[:i]).split()) for i in range(1, len(lines))]
        broken = sum(_splits_a_name(words, cut) for cut in cuts)
        widths = [stringWidth(line, font, size) for line in lines]
        return broken, len(lines), max(widths) - min(widths)

    fitting = [
        lines
        for count in range(1, min(4, len(words)) + 1)
        for lines in _candidates(words, count)
        if all(stringWidth(line, font, size) <= width for line in lines)
    ]
    return min(fitting, key=cost) if fitting else None


def header_left_width(settings: DocumentSettings, place_line: str) -> tuple[float, float]:
    """Widths of the left (issuing body) and right (national line, date) header columns."""
    width = text_width(settings)
    state = settings.template is Template.STATE
    if state:
        right = stringWidth(wording.STATE_NAME, font_name("bold"), 12) + 8
    else:
        right = stringWidth(wording.PARTY_NAME, font_name("bold"), 15) + 12
    date_size = 13 if state else 14
    right = max(right, stringWidth(place_line, font_name("italic"), date_size) + 4)
    return width - right, right


def break_header_names(
    *, superior: str | None, issuing: str, settings: DocumentSettings, place_line: str
) -> tuple[list[str], list[str], float]:
    """The header's two names as lines, and their size (one point less only as a last resort)."""
    ensure_fonts()
    left, _right = header_left_width(settings, place_line)
    base = 13 if settings.template is Template.STATE else 14
    for size in (base, base - 1):
        top = (
            balanced_lines(superior.upper(), font=font_name(), size=size, width=left)
            if superior
            else []
        )
        bottom = balanced_lines(issuing.upper(), font=font_name("bold"), size=size, width=left)
        if top is not None and bottom is not None:
            return top, bottom, size
    fallback = [superior.upper()] if superior else []
    return fallback, [issuing.upper()], base - 1


# --- Flowables -------------------------------------------------------------------------------


class RuledText(Flowable):  # type: ignore[misc]
    """A centred line of text with a rule of its own length (or a fraction of it) under it."""

    def __init__(self, value: str, *, size: float, bold: bool = True, fraction: float = 1.0):
        super().__init__()
        self.value = value
        self.size = size
        self.font = font_name("bold" if bold else "regular")
        self.fraction = fraction
        self.width = 0.0

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        return available_width, self.size * 1.25 + 3

    def draw(self) -> None:
        canvas = self.canv
        width = stringWidth(self.value, self.font, self.size)
        centre = self.width / 2
        baseline = self.size * 0.25 + 3
        canvas.setFont(self.font, self.size)
        canvas.drawCentredString(centre, baseline, self.value)
        rule = width * self.fraction
        canvas.setLineWidth(0.6)
        canvas.line(centre - rule / 2, 1, centre + rule / 2, 1)


class _Rule(Flowable):  # type: ignore[misc]
    """A centred rule a fraction of the available width long (NĐ 30: under the issuing body)."""

    def __init__(self, fraction: float) -> None:
        super().__init__()
        self.fraction = fraction
        self.width = 0.0

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        return available_width, 4

    def draw(self) -> None:
        half = self.width * self.fraction / 2
        self.canv.setLineWidth(0.6)
        self.canv.line(self.width / 2 - half, 2, self.width / 2 + half, 2)


def _header(head: Header, settings: DocumentSettings) -> Table:
    state = settings.template is Template.STATE
    centre = {"align": TA_CENTER, "after": 0}
    size = head.size
    place_line = wording.date_line(head.place, head.on)
    left_width, right_width = header_left_width(settings, place_line)
    left: list[Any] = []
    if head.superior:
        left.append(_para("\n".join(head.superior), style(size, **centre)))
    left.append(_para("\n".join(head.issuing), style(size, bold=True, **centre)))
    left.append(_Rule(0.33) if state else _para("*", style(size, **centre)))
    number_line = _para(
        number_text(
            settings.template, number=head.number, doc_type=head.doc_type, symbol=head.symbol
        ),
        style(size, **centre),
    )
    if state:
        right: list[Any] = [
            _para(wording.STATE_NAME, style(12, bold=True, **centre)),
            RuledText(wording.STATE_MOTTO, size=13),
        ]
    else:
        right = [RuledText(wording.PARTY_NAME, size=15)]
    date_paragraph = _para(place_line, style(13 if state else 14, italic=True, **centre))
    table = Table(
        [[left, right], [number_line, date_paragraph]], colWidths=[left_width, right_width]
    )
    table.setStyle(
        table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, 0), 0),
                ("TOPPADDING", (0, 1), (-1, 1), 6),
            ]
        )
    )
    return table


def _title(kind: str, subject: Sequence[str]) -> list[Any]:
    centre = {"align": TA_CENTER, "after": 0}
    return [
        Spacer(1, 8 * mm),
        _para(kind, style(16, bold=True, **centre)),
        _para("\n".join(subject), style(14, bold=True, **centre)),
        _para("-----", style(14, **centre)),
        Spacer(1, 4 * mm),
    ]


def _text(block: Text) -> Paragraph:
    if block.style == "heading":
        heading_style = style(bold=True, before=6, indent=10 * mm)
        heading_style.keepWithNext = True
        return _para(block.value, heading_style)
    if block.style == "bullet":
        return _para(f"- {block.value}", style(indent=10 * mm))
    if block.style == "note":
        return _para(block.value, style(14, italic=True, align=TA_CENTER))
    if block.style == "centre_bold":
        return _para(block.value, style(14, bold=True, align=TA_CENTER, after=0))
    return _para(block.value, style(indent=10 * mm))


def _cell(value: str, size: float, *, bold: bool, align: int) -> Paragraph:
    return Paragraph(text(value), style(size, bold=bold, align=align, after=0))


def _grid(grid: Grid, width: float) -> Table:
    rows: list[list[Any]] = []
    last = len(grid.rows) - 1
    for index, row in enumerate(grid.rows):
        head = index < grid.header_rows
        bold = head or (grid.bold_last_row and index == last) or index in grid.bold_rows
        rows.append(
            [
                _cell(
                    value,
                    grid.size,
                    bold=bold,
                    align=TA_CENTER if head else (TA_LEFT if column < grid.left_columns else 2),
                )
                if value
                else ""
                for column, value in enumerate(row)
            ]
        )
    table = Table(
        rows, colWidths=[fraction * width for fraction in grid.widths], repeatRows=grid.header_rows
    )
    commands: list[tuple[Any, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.5, "black"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    commands += [("SPAN", (c0, r0), (c1, r1)) for c0, r0, c1, r1 in grid.spans]
    # A group's heading row stays with its first row: never alone at a page's foot.
    commands += [("NOSPLIT", (0, r), (-1, r + 1)) for r in grid.bold_rows if r < last]
    table.setStyle(table_style(commands))
    table.hAlign = "LEFT"
    return table


def _blocks(blocks: Sequence[Block], width: float) -> list[Any]:
    story: list[Any] = []
    for block in blocks:
        if isinstance(block, Grid):
            story += [_grid(block, width), Spacer(1, SPACE_AFTER)]
        else:
            story.append(_text(block))
    return story


def _signature_cell(signer: Signer, role: str | None = None) -> list[Any]:
    """``role`` names the empty signature field the chữ ký số of that signer fills."""
    centre = {"align": TA_CENTER, "after": 0}
    cell: list[Any] = [
        _para(line, style(14, bold=True, **centre))
        for line in (signer.capacity, signer.post)
        if line
    ]
    cell.append(SignatureRoom(role) if role else Spacer(1, 24 * mm))
    if signer.name:
        cell.append(_para(signer.name, style(14, bold=True, **centre)))
    return cell


def _recipients_cell(recipients: Sequence[str], archive: str, template: Template) -> list[Any]:
    state = template is Template.STATE
    items = [*recipients, archive]
    small = style(11 if state else 12, align=TA_LEFT, after=0)
    label = (
        f"<i><b>{escape(wording.RECIPIENTS)}</b></i>"
        if state
        else f"<u>{escape(wording.RECIPIENTS)}</u>"
    )
    cell: list[Any] = [Paragraph(label, style(12 if state else 14, align=TA_LEFT, after=0))]
    for index, item in enumerate(items):
        end = "." if index == len(items) - 1 else ","
        cell.append(_para(f"- {item.rstrip('.,;')}{end}", small))
    return cell


def _role(signer: Signer) -> str | None:
    """The note-taker's chữ ký số field; other side signers (a representative …) get none."""
    return "note_taker" if signer.post and "GHI BIÊN BẢN" in signer.post.upper() else None


def _closing(closing: Closing, template: Template, width: float) -> KeepTogether:
    """Closing lines, "Nơi nhận" or the note-taker at left, the signer at right, kept together."""
    if closing.recipients is not None:
        left: Any = _recipients_cell(closing.recipients, closing.archive, template)
        widths = [width * 0.45, width * 0.55]
    else:
        left = _signature_cell(closing.left, _role(closing.left)) if closing.left else ""
        widths = [width / 2, width / 2]
    right_role = "chair" if closing.recipients is None else "signer"
    rows = [[left, _signature_cell(closing.right, right_role)]]
    extra = list(closing.extra)
    while extra:
        pair, extra = extra[:2], extra[2:]
        rows.append(
            [_signature_cell(signer, _role(signer)) for signer in pair] + [""] * (2 - len(pair))
        )
    table = Table(rows, colWidths=widths)
    table.setStyle(
        table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 1), (-1, -1), 8 * mm),
            ]
        )
    )
    table.hAlign = "LEFT"
    return KeepTogether(
        [*(_text(line) for line in closing.lead), Spacer(1, CLOSING_GAP_MM * mm), table]
    )


def _appendix(appendix: Appendix, note: str, width: float) -> list[Any]:
    centre = {"align": TA_CENTER}
    return [
        _para(appendix.title, style(14, bold=True, **centre, after=0)),
        _para(note, style(13, italic=True, **centre, after=0)),
        _para(appendix.subtitle, style(13, bold=True, **centre)),
        *_blocks(appendix.blocks, width),
    ]


def table_style(commands: list[tuple[Any, ...]]) -> TableStyle:
    """A table style drawing in the document font (reportlab's default is base-14 Helvetica)."""
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), font_name()), *commands])


def text_width(settings: DocumentSettings, *, wide: bool = False) -> float:
    page = landscape(A4) if wide else A4
    return float(page[0] - (settings.margin_left + settings.margin_right) * mm)


def settings_of(document: Document) -> DocumentSettings:
    page = document.page
    return DocumentSettings(
        margin_top=page.margin_top,
        margin_bottom=page.margin_bottom,
        margin_left=page.margin_left,
        margin_right=page.margin_right,
        template=page.template,
        numbering=NumberingRule.YEAR,  # not used in layout
        term_starts=(),
        signer_capacity=None,
        signer_post=None,
        signer_name=None,
    )


def pdf_date(moment: datetime) -> str:
    """``D:20250615143000+07'00'``: a PDF date (ISO 32000 7.9.4) with its UTC offset."""
    offset = moment.utcoffset()
    minutes = 0 if offset is None else round(offset.total_seconds() / 60)
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"D:{moment:%Y%m%d%H%M%S}{sign}{hours:02d}'{rest:02d}'"


def _dated_canvas(produced: datetime) -> Any:
    """A canvas maker whose Info CreationDate/ModDate is ``produced``.

    reportlab's invariant mode (kept: no random ID, no time-dependent comments) would
    otherwise date every document 1 January 2000.
    """
    stamp = pdf_date(produced)

    def make(*args: Any, **kwargs: Any) -> Canvas:
        canvas = Canvas(*args, **kwargs)
        canvas.setDateFormatter(lambda *_fields: stamp)
        return canvas

    return make


def render_pdf(document: Document, *, produced: datetime | None = None) -> bytes:
    """Lay ``document`` out on A4 pages (landscape for wide appendices) and return the PDF.

    ``produced`` (default: now, from :mod:`dvdesk.clock`) is the file's creation date.
    """
    produced = produced or clock.now()
    ensure_fonts()
    settings = settings_of(document)
    buffer = io.BytesIO()
    pdf = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=settings.margin_left * mm,
        rightMargin=settings.margin_right * mm,
        topMargin=settings.margin_top * mm,
        bottomMargin=settings.margin_bottom * mm,
        title=document.title,
        author=document.author,
        creator=document.author,
        producer="dvdesk",
        subject=document.kind.capitalize(),
        lang="vi-VN",
        invariant=True,  # the same document gives the same bytes
        initialFontName=font_name(),
    )
    draft = document.draft

    def decorate(canvas: Canvas, doc: Any) -> None:
        canvas.saveState()
        page_width, page_height = canvas._pagesize
        left = settings.margin_left * mm
        right = page_width - settings.margin_right * mm
        top = page_height - settings.margin_top * mm / 2
        if doc.page > 1:
            canvas.setFont(font_name(), 14)
            canvas.drawCentredString((left + right) / 2, top - 4, str(doc.page))
        if draft:
            canvas.setFont(font_name("bold"), 13)
            mark = stringWidth(DRAFT_MARK, font_name("bold"), 13)
            canvas.setLineWidth(0.8)
            canvas.rect(right - mark - 8, top - 8, mark + 8, 18)
            canvas.drawString(right - mark - 4, top - 3, DRAFT_MARK)
        canvas.restoreState()

    def frame(page: tuple[float, float], name: str) -> Frame:
        return Frame(
            settings.margin_left * mm,
            settings.margin_bottom * mm,
            page[0] - (settings.margin_left + settings.margin_right) * mm,
            page[1] - (settings.margin_top + settings.margin_bottom) * mm,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            id=name,
        )

    pdf.addPageTemplates(
        [
            PageTemplate("portrait", [frame(A4, "p")], onPage=decorate, pagesize=A4),
            PageTemplate(
                "landscape",
                [frame(landscape(A4), "l")],
                onPage=decorate,
                pagesize=landscape(A4),
            ),
        ]
    )
    width = text_width(settings)
    story: list[Any] = [
        _header(document.header, settings),
        *_title(document.kind, document.subject),
        *_blocks(document.blocks, width),
        _closing(document.closing, settings.template, width),
    ]
    for appendix in document.appendices:
        wide = appendix.landscape
        story += [
            NextPageTemplate("landscape" if wide else "portrait"),
            PageBreak(),
            *_appendix(appendix, document.appendix_note(), text_width(settings, wide=wide)),
        ]
    pdf.build(story, canvasmaker=_dated_canvas(produced))
    return add_signature_fields(buffer.getvalue(), rooms_of(pdf.canv))


def write_file(data: bytes, target: Path) -> None:
    """Write ``data`` to ``target`` completely or not at all (temp file, then rename)."""
    try:
        write_atomically(target, data, access=Access.SHARED)  # a document for others
    except OSError as error:
        raise UserError(
            _("Cannot write {file}: {reason}. Choose another folder or file name.").format(
                file=target, reason=os_reason(error)
            )
        ) from None


def check_writable(target: Path) -> None:
    """Refuse early (before a number is taken) if ``target`` cannot be written."""
    folder = target.parent
    if target.is_dir() or not folder.is_dir() or not os.access(folder, os.W_OK):
        raise UserError(
            _(
                "Cannot write {file}: the folder does not exist or is read-only. "
                "Choose another folder or file name."
            ).format(file=target)
        )
