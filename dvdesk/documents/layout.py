"""Page layout shared by every document: Party (HD 36-HD/VPTW) and state (NĐ 30/2020) styles.

Builds reportlab flowables — header block, date line, title, body paragraphs,
signature and "Nơi nhận" blocks — and lays them out on A4 with the office's
margins and page numbers from page 2, top centre.
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from dvdesk.documents import wording
from dvdesk.documents.fonts import ensure_fonts, font_name
from dvdesk.documents.settings import DocumentSettings, Template
from dvdesk.errors import UserError
from dvdesk.fileio import write_atomically
from dvdesk.i18n import _
from dvdesk.services.office import Profile

BODY_SIZE = 14
LEADING = 1.3


def style(
    size: float = BODY_SIZE,
    *,
    bold: bool = False,
    italic: bool = False,
    align: int = TA_JUSTIFY,
    indent: float = 0,
    before: float = 0,
    after: float = 3,
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


def para(value: str, paragraph_style: ParagraphStyle | None = None) -> Paragraph:
    return Paragraph(text(value), paragraph_style or body())


def body() -> ParagraphStyle:
    return style(indent=10 * mm)


def paragraphs(value: str | None, paragraph_style: ParagraphStyle | None = None) -> list[Any]:
    """Each line of a user's text as a body paragraph (blank lines dropped)."""
    if not value:
        return []
    return [para(line.strip(), paragraph_style) for line in value.splitlines() if line.strip()]


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


def number_text(template: Template, *, number: int | None, doc_type: str, symbol: str) -> str:
    """``Số 12-BB/BDVHU`` (Party, no colon) or ``Số: 12/BB-UBND`` (state); blank if a draft."""
    shown = f"{number:02d}" if number is not None else "\u00a0" * 6
    if template is Template.STATE:
        return f"Số: {shown}/{doc_type}-{symbol}"
    return f"Số {shown}-{doc_type}/{symbol}"


def header(
    *,
    settings: DocumentSettings,
    profile: Profile,
    number: int | None,
    doc_type: str,
    on: date,
    width: float,
) -> Table:
    """The header block: issuing body and number left, national line and date line right."""
    state = settings.template is Template.STATE
    centre = {"align": TA_CENTER, "after": 0}
    size = 13 if state else 14
    left: list[Any] = []
    if profile.superior:
        left.append(para(profile.superior.upper(), style(size, **centre)))
    left.append(para(profile.header_name.upper(), style(size, bold=True, **centre)))
    if state:
        left.append(_Rule(0.33))
    else:
        left.append(para("*", style(size, **centre)))
    number_line = para(
        number_text(settings.template, number=number, doc_type=doc_type, symbol=profile.symbol),
        style(size, **centre),
    )
    if state:
        right: list[Any] = [
            para(wording.STATE_NAME, style(12, bold=True, **centre)),
            RuledText(wording.STATE_MOTTO, size=13),
        ]
        right_width = stringWidth(wording.STATE_NAME, font_name("bold"), 12) + 8
    else:
        right = [RuledText(wording.PARTY_NAME, size=15)]
        right_width = stringWidth(wording.PARTY_NAME, font_name("bold"), 15) + 12
    place = wording.date_line(profile.place, on)
    right_width = max(right_width, stringWidth(place, font_name("italic"), 14) + 12)
    right_width = min(right_width, width * 0.6)
    date_paragraph = para(place, style(14 if not state else 13, italic=True, **centre))
    table = Table(
        [[left, right], [number_line, date_paragraph]],
        colWidths=[width - right_width, right_width],
    )
    table.setStyle(
        table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 1), (-1, 1), 6),
            ]
        )
    )
    return table


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


def title(kind: str, subject: str) -> list[Any]:
    """``BIÊN BẢN`` / the subject / a short dashed line."""
    centre = {"align": TA_CENTER, "after": 0}
    return [
        Spacer(1, 8 * mm),
        para(kind, style(16, bold=True, **centre)),
        para(subject, style(14, bold=True, **centre)),
        para("-----", style(14, **centre)),
        Spacer(1, 4 * mm),
    ]


def heading(value: str) -> Paragraph:
    """A section heading; never left alone at the foot of a page."""
    heading_style = style(bold=True, before=6, after=3, indent=10 * mm)
    heading_style.keepWithNext = True
    return para(value, heading_style)


def bullet(value: str) -> Paragraph:
    return para(f"- {value}", body())


@dataclass(frozen=True)
class Signature:
    capacity: str | None  # "K/T TRƯỞNG BAN", "T/M BAN THƯỜNG VỤ" (Party style)
    post: str | None  # "PHÓ TRƯỞNG BAN", "CHỦ TRÌ"
    name: str | None

    def lines(self, template: Template) -> list[tuple[str, bool]]:
        """(text, bold) lines; capacity in the template's style; room for the hand signature."""
        shown: list[tuple[str, bool]] = []
        if self.capacity:
            capacity = self.capacity.upper()
            if template is Template.STATE:
                capacity = wording.state_capacity(capacity)
            shown.append((capacity, True))
        if self.post:
            shown.append((self.post.upper(), True))
        return shown


def _signature_cell(signature: Signature, template: Template) -> list[Any]:
    centre = {"align": TA_CENTER, "after": 0}
    cell: list[Any] = [
        para(line, style(14, bold=bold, **centre)) for line, bold in signature.lines(template)
    ]
    cell.append(Spacer(1, 24 * mm))
    if signature.name:
        cell.append(para(signature.name, style(14, bold=True, **centre)))
    return cell


def signatures(
    left: Signature | None,
    right: Signature,
    *,
    template: Template,
    width: float,
    lead: Sequence[Any] = (),
) -> KeepTogether:
    """Two signature blocks side by side (minutes: note-taker left, chair right).

    ``lead`` (the closing paragraphs) stays on the page of the signatures, so a
    signature never stands alone on the last page.
    """
    left_cell = _signature_cell(left, template) if left else ""
    table = Table(
        [[left_cell, _signature_cell(right, template)]],
        colWidths=[width / 2, width / 2],
    )
    table.setStyle(_plain_cells())
    return KeepTogether([*lead, Spacer(1, 6 * mm), table])


def signed_with_recipients(
    recipients: Sequence[str],
    signature: Signature,
    *,
    template: Template,
    width: float,
    lead: Sequence[Any] = (),
) -> KeepTogether:
    """ "Nơi nhận:" at left (underlined, items "- …," and the last "- Lưu …."), signer right."""
    items = [*recipients, wording.ARCHIVE]
    small = style(12, align=TA_LEFT, after=0)
    left: list[Any] = [
        Paragraph(f"<u>{escape(wording.RECIPIENTS)}</u>", style(14, bold=True, align=TA_LEFT))
    ]
    for index, item in enumerate(items):
        end = "." if index == len(items) - 1 else ","
        left.append(para(f"- {item.rstrip('.,;')}{end}", small))
    table = Table(
        [[left, _signature_cell(signature, template)]],
        colWidths=[width * 0.45, width * 0.55],
    )
    table.setStyle(_plain_cells())
    return KeepTogether([*lead, Spacer(1, 6 * mm), table])


def table_style(commands: list[tuple[Any, ...]]) -> TableStyle:
    """A table style drawing in the document font (reportlab's default is base-14 Helvetica)."""
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), font_name()), *commands])


def _plain_cells() -> TableStyle:
    return table_style(
        [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ]
    )


def text_width(settings: DocumentSettings) -> float:
    return float(A4[0] - (settings.margin_left + settings.margin_right) * mm)


def render(story: list[Any], *, settings: DocumentSettings, title_text: str) -> bytes:
    """Lay ``story`` out on A4 pages and return the PDF."""
    ensure_fonts()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=settings.margin_left * mm,
        rightMargin=settings.margin_right * mm,
        topMargin=settings.margin_top * mm,
        bottomMargin=settings.margin_bottom * mm,
        title=title_text,
        author="dvdesk",
        creator="dvdesk",
        initialFontName=font_name(),
    )

    def page_number(canvas: Canvas, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(font_name(), 14)
        top = A4[1] - settings.margin_top * mm / 2
        left = settings.margin_left * mm
        centre = left + (A4[0] - left - settings.margin_right * mm) / 2
        canvas.drawCentredString(centre, top - 4, str(doc.page))
        canvas.restoreState()

    document.build(story, onLaterPages=page_number)
    return buffer.getvalue()


def write_file(data: bytes, target: Path) -> None:
    """Write ``data`` to ``target`` completely or not at all (temp file, then rename)."""
    try:
        write_atomically(target, data)
    except OSError as error:
        raise UserError(
            _("Cannot write {file}: {reason}. Choose another folder or file name.").format(
                file=target, reason=error.strerror or str(error)
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
