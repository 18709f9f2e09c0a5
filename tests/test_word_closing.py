"""The Word copy's closing block looks like the PDF's (trial 3: in Word "Nơi nhận" was bold
and sat a line lower than TRƯỞNG BAN; the minutes' signatures touched the last line)."""

from __future__ import annotations

import io

import docx
import pytest
from docx.table import Table

from dvdesk.documents.content import Closing, Signer
from dvdesk.documents.fonts import ensure_fonts
from dvdesk.documents.layout import CLOSING_GAP_MM
from dvdesk.documents.settings import Template
from dvdesk.documents.word import render_docx
from tests.document_fixtures import bare_document


@pytest.fixture(autouse=True)
def _fonts() -> None:
    ensure_fonts()  # the header is measured in the document font


def _closing_table(data: bytes) -> Table:
    word = docx.Document(io.BytesIO(data))
    return word.tables[-1]


def _gap_pt(table: Table, column: int) -> float:
    before = table.cell(0, column).paragraphs[0].paragraph_format.space_before
    assert before is not None
    return float(before.pt)


@pytest.mark.parametrize("template", [Template.PARTY, Template.STATE])
def test_recipients_sit_level_with_the_signers_title(template: Template) -> None:
    closing = Closing(
        recipients=["Đảng ủy xã"],
        right=Signer(post="TRƯỞNG BAN", name="Vũ Văn Mai"),
    )
    table = _closing_table(render_docx(bare_document(closing, template=template)))
    label = table.cell(0, 0).paragraphs[0]
    assert label.text == "Nơi nhận:"
    [run] = label.runs
    party = template is Template.PARTY
    assert bool(run.font.bold) is not party  # Party: underlined, not bold; state: bold italic
    assert bool(run.font.underline) is party
    assert (
        _gap_pt(table, 0) == _gap_pt(table, 1) == pytest.approx(CLOSING_GAP_MM * 72 / 25.4, abs=0.5)
    )


def test_minutes_signatures_keep_the_pdfs_gap_below_the_text() -> None:
    closing = Closing(
        left=Signer(post="NGƯỜI GHI BIÊN BẢN", name="Lê Thị Hoa"),
        right=Signer(post="CHỦ TRÌ", name="Dương Ngọc Giang"),
    )
    table = _closing_table(render_docx(bare_document(closing, doc_type="BB")))
    assert table.cell(0, 0).paragraphs[0].text == "NGƯỜI GHI BIÊN BẢN"
    assert (
        _gap_pt(table, 0) == _gap_pt(table, 1) == pytest.approx(CLOSING_GAP_MM * 72 / 25.4, abs=0.5)
    )
