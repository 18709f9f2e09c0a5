"""A :class:`Document` as an editable Word file laid out like the PDF.

Same margins, Times New Roman 14, the header as a borderless two-column table
with the names broken where the PDF breaks them, page numbers from page 2 as a
PAGE field, "Nơi nhận" and signatures side by side, proofing language vi-VN, so
the office can edit the wording and print the same page.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import docx
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from dvdesk import clock
from dvdesk.documents import wording
from dvdesk.documents.content import (
    Appendix,
    Block,
    Closing,
    Document,
    Grid,
    Signer,
    number_text,
)
from dvdesk.documents.layout import (
    CLOSING_GAP_MM,
    DRAFT_MARK,
    LEADING,
    SPACE_AFTER,
    header_left_width,
    settings_of,
)
from dvdesk.documents.settings import DocumentSettings, Template

FONT = "Times New Roman"
MM = 72 / 25.4  # points in a millimetre
LANGUAGE = "vi-VN"
_CELL = _Cell | Section  # a container with add_paragraph
_ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "centre": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
}


def _paragraph(
    container: object,
    value: str = "",
    *,
    size: float = 14,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
    align: str = "justify",
    indent: bool = False,
    after: float = SPACE_AFTER,
    before: float = 0,
    first: Paragraph | None = None,
) -> Paragraph:
    """A paragraph in ``container`` (document, cell); lines of ``value`` become line breaks."""
    paragraph = first if first is not None else container.add_paragraph()  # type: ignore[attr-defined]
    paragraph.alignment = _ALIGN[align]
    form = paragraph.paragraph_format
    form.space_after = Pt(after)
    form.space_before = Pt(before)
    form.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    form.line_spacing = Pt(size * LEADING)
    if indent:
        form.first_line_indent = Mm(10)
    for index, line in enumerate(value.split("\n")):
        run = paragraph.add_run(line)
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.italic = italic
        run.font.underline = underline
        if index < len(value.split("\n")) - 1:
            run.add_break()
    return paragraph


def _in_cell(cell: _Cell, value: str, **options: Any) -> Paragraph:
    """Write into a cell, reusing its empty first paragraph."""
    first = (
        cell.paragraphs[0] if not cell.paragraphs[0].text and len(cell.paragraphs) == 1 else None
    )
    if first is not None and first.runs:
        first = None
    return _paragraph(cell, value, first=first, **options)


def _rule_under(paragraph: Paragraph, *, inset: float) -> None:
    """A bottom border on ``paragraph``, ``inset`` mm in from each side (a short centred rule)."""
    form = paragraph.paragraph_format
    form.left_indent = Mm(inset)
    form.right_indent = Mm(inset)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)


def _no_borders(table: Table) -> None:
    properties = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    properties.append(borders)


def _fixed(table: Table, widths: Sequence[float]) -> None:
    """Column widths in mm, fixed (Word otherwise fits them to the content)."""
    table.autofit = False
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    table._tbl.tblPr.append(layout)
    # Cells flush with the margin, like the PDF: no cell margins left and right.
    margins = OxmlElement("w:tblCellMar")
    for edge in ("left", "right"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:w"), "0")
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    table._tbl.tblPr.append(margins)
    for index, width in enumerate(widths):
        table.columns[index].width = Mm(width)
        for cell in table.columns[index].cells:
            cell.width = Mm(width)


def _text_width_mm(settings: DocumentSettings, *, wide: bool = False) -> float:
    page = 297.0 if wide else 210.0
    return page - settings.margin_left - settings.margin_right


def _header(document: Document, word: object, settings: DocumentSettings) -> None:
    head = document.header
    state = settings.template is Template.STATE
    place_line = wording.date_line(head.place, head.on)
    left_pt, right_pt = header_left_width(settings, place_line)
    table = word.add_table(rows=2, cols=2)  # type: ignore[attr-defined]
    _no_borders(table)
    _fixed(table, [left_pt / 72 * 25.4, right_pt / 72 * 25.4])
    left, right = table.rows[0].cells
    if head.superior:
        _in_cell(left, "\n".join(head.superior), size=head.size, align="centre", after=0)
    _in_cell(left, "\n".join(head.issuing), size=head.size, bold=True, align="centre", after=0)
    if state:
        _rule_under(
            _paragraph(left, "", size=4, align="centre", after=0), inset=left_pt / 72 * 25.4 / 3
        )
        _in_cell(right, wording.STATE_NAME, size=12, bold=True, align="centre", after=0)
        _paragraph(
            right, wording.STATE_MOTTO, size=13, bold=True, underline=True, align="centre", after=0
        )
    else:
        _paragraph(left, "*", size=head.size, align="centre", after=0)
        _in_cell(
            right, wording.PARTY_NAME, size=15, bold=True, underline=True, align="centre", after=0
        )
    number_cell, date_cell = table.rows[1].cells
    _in_cell(
        number_cell,
        number_text(
            settings.template, number=head.number, doc_type=head.doc_type, symbol=head.symbol
        ),
        size=head.size,
        before=6,
        align="centre",
        after=0,
    )
    _in_cell(
        date_cell,
        place_line,
        size=13 if state else 14,
        italic=True,
        before=6,
        align="centre",
        after=0,
    )


def _block(word: object, block: Block, width_mm: float) -> None:
    if isinstance(block, Grid):
        _grid(word, block, width_mm)
        return
    if block.style == "heading":
        paragraph = _paragraph(word, block.value, bold=True, indent=True, before=6)
        paragraph.paragraph_format.keep_with_next = True
    elif block.style == "bullet":
        _paragraph(word, f"- {block.value}", indent=True)
    elif block.style == "note":
        _paragraph(word, block.value, italic=True, align="centre")
    elif block.style == "centre_bold":
        _paragraph(word, block.value, bold=True, align="centre", after=0)
    else:
        _paragraph(word, block.value, indent=True)


def _grid(word: object, grid: Grid, width_mm: float) -> None:
    columns = len(grid.widths)
    table = word.add_table(rows=len(grid.rows), cols=columns)  # type: ignore[attr-defined]
    table.style = "Table Grid"
    _fixed(table, [fraction * width_mm for fraction in grid.widths])
    covered: set[tuple[int, int]] = set()
    for c0, r0, c1, r1 in grid.spans:
        table.cell(r0, c0).merge(table.cell(r1, c1))
        covered |= {(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)} - {(r0, c0)}
    # Every table.cell() call rebuilds the whole grid of cells, so a cell per call made a
    # long appendix cubic (minutes for a few thousand rows); read the grid once.
    cells = table._cells
    # A row never breaks across pages, as in the PDF (reportlab breaks between rows only).
    # cantSplit comes before tblHeader in a row's properties (schema order).
    for row_element in table._tbl.tr_lst:
        row_element.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    last = len(grid.rows) - 1
    for r, row in enumerate(grid.rows):
        head = r < grid.header_rows
        if head:
            _repeat_header(table, r)
        for c, value in enumerate(row):
            if (r, c) in covered or not value:
                continue
            align = "centre" if head else ("left" if c < grid.left_columns else "right")
            cell = cells[r * columns + c]
            written = _in_cell(
                cell,
                value,
                size=grid.size,
                bold=head or (grid.bold_last_row and r == last) or r in grid.bold_rows,
                align=align,
                after=0,
            )
            # A group's heading row stays with its first row: never alone at a page's foot.
            if r in grid.bold_rows and r < last:
                written.paragraph_format.keep_with_next = True
    _paragraph(word, "", size=6, after=0)


def _repeat_header(table: Table, row: int) -> None:
    properties = table.rows[row]._tr.get_or_add_trPr()
    element = OxmlElement("w:tblHeader")
    element.set(qn("w:val"), "true")
    properties.append(element)


def _signer(cell: _Cell, signer: Signer, *, before: float = 0) -> None:
    lines = [line for line in (signer.capacity, signer.post) if line]
    _in_cell(cell, "\n".join(lines), bold=True, align="centre", after=0, before=before)
    # Room for the hand signature and the seal, as in the PDF (24 mm).
    _paragraph(cell, "", size=14, after=24 * MM - 14 * LEADING)
    if signer.name:
        _paragraph(cell, signer.name, bold=True, align="centre", after=0)


def _closing(word: object, closing: Closing, template: Template, width_mm: float) -> None:
    for line in closing.lead:
        _block(word, line, width_mm)
    state = template is Template.STATE
    widths = (
        [width_mm * 0.45, width_mm * 0.55] if closing.recipients is not None else [width_mm / 2] * 2
    )
    rows = 1 + (len(closing.extra) + 1) // 2
    table = word.add_table(rows=rows, cols=2)  # type: ignore[attr-defined]
    _no_borders(table)
    _fixed(table, widths)
    left, right = table.rows[0].cells
    # As in the PDF: 6 mm above the block, and "Nơi nhận" level with the signer's title
    # (it sat 18 pt lower, and bold, in the Word copy: trial 3). Party style underlines
    # it; state style (Nghị định 30) has it bold italic.
    top = CLOSING_GAP_MM * MM
    if closing.recipients is not None:
        _in_cell(
            left,
            wording.RECIPIENTS,
            size=12 if state else 14,
            bold=state,
            italic=state,
            underline=not state,
            align="left",
            after=0,
            before=top,
        )
        items = [*closing.recipients, closing.archive]
        for index, item in enumerate(items):
            end = "." if index == len(items) - 1 else ","
            _paragraph(
                left,
                f"- {item.rstrip('.,;')}{end}",
                size=11 if state else 12,
                align="left",
                after=0,
            )
    elif closing.left is not None:
        _signer(left, closing.left, before=top)
    _signer(right, closing.right, before=top)
    for index, signer in enumerate(closing.extra):
        # 8 mm between the rows of signatures, as in the PDF.
        _signer(table.rows[1 + index // 2].cells[index % 2], signer, before=8 * MM)
    for row in table.rows:  # the closing block is not split over two pages
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def _page_numbers(section: Section) -> None:
    """Page numbers from page 2, top centre: the first page has its own (empty) header."""
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run()
    run.font.size = Pt(14)
    for kind, text in (("begin", None), (None, " PAGE "), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def _draft_mark(section: Section) -> None:
    for header in (section.first_page_header, section.header):
        paragraph = header.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        run = paragraph.add_run(DRAFT_MARK)
        run.font.bold = True
        run.font.size = Pt(13)


def _margins(section: Section, settings: DocumentSettings, *, wide: bool) -> None:
    section.orientation = WD_ORIENT.LANDSCAPE if wide else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (Mm(297), Mm(210)) if wide else (Mm(210), Mm(297))
    section.top_margin = Mm(settings.margin_top)
    section.bottom_margin = Mm(settings.margin_bottom)
    section.left_margin = Mm(settings.margin_left)
    section.right_margin = Mm(settings.margin_right)
    section.header_distance = Mm(settings.margin_top / 2 - 2)


def _defaults(word: object) -> None:
    """Times New Roman 14 and proofing language vi-VN for every style that inherits Normal."""
    normal = word.styles["Normal"]  # type: ignore[attr-defined]
    normal.font.name = FONT
    normal.font.size = Pt(14)
    fonts = normal.element.rPr.rFonts
    for key in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(key), FONT)
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), LANGUAGE)
    language.set(qn("w:eastAsia"), LANGUAGE)
    language.set(qn("w:bidi"), LANGUAGE)
    normal.element.rPr.append(language)
    styles = word.styles.element  # type: ignore[attr-defined]
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is not None:
        run_defaults = defaults.find(qn("w:rPrDefault"))
        properties = run_defaults.find(qn("w:rPr")) if run_defaults is not None else None
        if properties is not None:
            for old in properties.findall(qn("w:lang")):
                properties.remove(old)
            default_language = OxmlElement("w:lang")
            default_language.set(qn("w:val"), LANGUAGE)
            properties.append(default_language)


def _appendix(word: object, appendix: Appendix, note: str, settings: DocumentSettings) -> None:
    section = word.add_section(WD_SECTION.NEW_PAGE)  # type: ignore[attr-defined]
    _margins(section, settings, wide=appendix.landscape)
    section.different_first_page_header_footer = False  # numbered like every later page
    width = _text_width_mm(settings, wide=appendix.landscape)
    _paragraph(word, appendix.title, bold=True, align="centre", after=0)
    _paragraph(word, note, size=13, italic=True, align="centre", after=0)
    _paragraph(word, appendix.subtitle, size=13, bold=True, align="centre")
    for block in appendix.blocks:
        _block(word, block, width)


def _properties(word: Any, document: Document, produced: datetime) -> None:
    """The file's metadata: the issuing office and the time it was produced (python-docx's
    template would say "python-docx", 23/12/2013)."""
    properties = word.core_properties
    properties.title = document.title
    properties.author = document.author
    properties.last_modified_by = document.author
    properties.language = LANGUAGE
    properties.subject = document.kind.capitalize()
    properties.comments = ""
    # python-docx writes the value with a "Z" whatever its offset: give it UTC.
    properties.created = properties.modified = produced.astimezone(UTC).replace(microsecond=0)
    properties.revision = 1


def render_docx(document: Document, *, produced: datetime | None = None) -> bytes:
    """The document as .docx bytes; ``produced`` (default: now) is its creation time."""
    settings = settings_of(document)
    word = docx.Document()
    _defaults(word)
    _properties(word, document, produced or clock.now())
    section = word.sections[0]
    _margins(section, settings, wide=False)
    _page_numbers(section)
    if document.draft:
        _draft_mark(section)
    # The template's empty first paragraph holds the header table's place.
    body = word.element.body
    for paragraph in list(word.paragraphs):
        body.remove(paragraph._p)
    width = _text_width_mm(settings)
    _header(document, word, settings)
    # 8 mm above the title and 4 mm under its dashes, as in the PDF.
    _paragraph(word, document.kind, size=16, bold=True, align="centre", after=0, before=MM * 8)
    _paragraph(word, "\n".join(document.subject), bold=True, align="centre", after=0)
    _paragraph(word, "-----", align="centre", after=MM * 4)
    for block in document.blocks:
        _block(word, block, width)
    _closing(word, document.closing, settings.template, width)
    for appendix in document.appendices:
        _appendix(word, appendix, document.appendix_note(), settings)
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()
