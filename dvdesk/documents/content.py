"""What a document says and how it is laid out, independent of PDF or Word.

Minutes and reports are first built as a :class:`Document` (pure data, no
database access); ``pdf.render_pdf`` and ``docx_out.render_docx`` turn the same
value into the two files. The register keeps the issued value as JSON beside
the files, so an issued document can be shown, compared and reprinted exactly.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from dvdesk.documents.settings import Template


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Page(_Frozen):
    """Margins in millimetres and the template (Party or state)."""

    template: Template
    margin_top: float
    margin_bottom: float
    margin_left: float
    margin_right: float


class Header(_Frozen):
    superior: list[str]  # the superior body, already broken into lines
    issuing: list[str]  # the issuing body, bold, already broken into lines
    size: float  # font size of the left block (13/14; one point less only if it cannot fit)
    symbol: str
    doc_type: str  # "BB", "BC"
    number: int | None  # None: a draft
    place: str
    on: date


class Text(_Frozen):
    kind: Literal["text"] = "text"
    # body: indented justified paragraph; heading: bold, kept with the next; bullet: "- …";
    # note: italic centred line; centre_bold: a centred bold line (appendix titles).
    style: Literal["body", "heading", "bullet", "note", "centre_bold"] = "body"
    value: str


class Grid(_Frozen):
    """A ruled table the width of the text block; widths are fractions of that width."""

    kind: Literal["grid"] = "grid"
    widths: list[float]
    rows: list[list[str]]
    header_rows: int = 1
    spans: list[tuple[int, int, int, int]] = Field(default_factory=list)  # col0,row0,col1,row1
    left_columns: int = 1  # the first columns are text (left), the rest numbers (right)
    bold_last_row: bool = False
    bold_rows: list[int] = Field(default_factory=list)  # rows printed bold (group headings)
    size: float = 12


Block = Annotated[Text | Grid, Field(discriminator="kind")]


class Signer(_Frozen):
    capacity: str | None = None  # "K/T TRƯỞNG BAN" / "KT. TRƯỞNG BAN", already in style
    post: str | None = None
    name: str | None = None


class Closing(_Frozen):
    lead: list[Text] = Field(default_factory=list)  # closing lines kept with the signatures
    recipients: list[str] | None = None  # None: no "Nơi nhận" block (minutes)
    archive: str = "Lưu VP"  # the last "Nơi nhận" line: "Lưu VP" / "Lưu: VT, TH"
    left: Signer | None = None  # minutes: the note-taker
    right: Signer
    # Extra signers under the two (an inspected organisation's representative, …).
    extra: list[Signer] = Field(default_factory=list)


class Appendix(_Frozen):
    title: str  # "PHỤ LỤC 1"; the "(Kèm theo …)" line comes from the document's number
    subtitle: str
    blocks: list[Block]
    landscape: bool = False


class Document(_Frozen):
    title: str  # for the file's metadata
    author: str  # the issuing office
    page: Page
    header: Header
    kind: str  # "BIÊN BẢN", "BÁO CÁO"
    subject: list[str]
    blocks: list[Block]
    closing: Closing
    appendices: list[Appendix] = Field(default_factory=list)
    # Required items still missing or placeholders, named for the clerk (Vietnamese).
    missing: list[str] = Field(default_factory=list)

    @property
    def draft(self) -> bool:
        return self.header.number is None

    def appendix_note(self) -> str:
        """``(Kèm theo Báo cáo số 03-BC/BXDĐ ngày 15/6/2025 của …)``; blank number in a draft."""
        head = self.header
        if head.number is None:
            shown = number_text(
                self.page.template, number=None, doc_type=head.doc_type, symbol=head.symbol
            ).split(" ", 1)[1]
        else:
            shown = reference(
                self.page.template, number=head.number, doc_type=head.doc_type, symbol=head.symbol
            )
        kind = self.kind.capitalize()
        return f"(Kèm theo {kind} số {shown} ngày {head.on.strftime('%d/%m/%Y')} của {self.author})"

    def numbered(self, number: int) -> Document:
        return self.model_copy(update={"header": self.header.model_copy(update={"number": number})})


PLACEHOLDERS = ("…", "...")


def has_placeholder(value: str | None) -> bool:
    return not value or not value.strip() or any(mark in value for mark in PLACEHOLDERS)


def number_text(template: Template, *, number: int | None, doc_type: str, symbol: str) -> str:
    """``Số 12-BB/BDVHU`` (Party, no colon) or ``Số: 12/BB-UBND`` (state); blank if a draft."""
    shown = f"{number:02d}" if number is not None else "\u00a0" * 6
    if template is Template.STATE:
        return f"Số: {shown}/{doc_type}-{symbol}"
    return f"Số {shown}-{doc_type}/{symbol}"


def reference(template: Template, *, number: int, doc_type: str, symbol: str) -> str:
    """The number as cited in another document: ``01-BB/BXDĐ`` or ``01/BB-UBND``."""
    if template is Template.STATE:
        return f"{number:02d}/{doc_type}-{symbol}"
    return f"{number:02d}-{doc_type}/{symbol}"
