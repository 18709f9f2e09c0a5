"""Issued documents carry the time they were issued, in the PDF and in the Word copy."""

from __future__ import annotations

import io
import subprocess
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import docx
import pytest

from dvdesk import clock
from dvdesk.documents.layout import pdf_date, render_pdf
from dvdesk.documents.minutes import draft_minutes, issue_minutes
from dvdesk.documents.word import render_docx
from dvdesk.domain.enums import RecordType
from dvdesk.services.records import add_record
from dvdesk.services.store import Store
from tests.samples import OFFICE, inspection
from tests.test_documents import COMPLETE

HANOI = timezone(timedelta(hours=7))
ISSUED_AT = datetime(2026, 3, 14, 9, 30, 15, tzinfo=HANOI)


def _record(store: Store) -> str:
    return add_record(store, record_type=RecordType.INSPECTION, data=inspection())


def _info(pdf: bytes, tmp_path: Path) -> dict[str, str]:
    """pdfinfo's fields, dates as ISO 8601 with the offset the file gives."""
    (tmp_path / "x.pdf").write_bytes(pdf)
    out = subprocess.run(
        ["pdfinfo", "-isodates", str(tmp_path / "x.pdf")],
        capture_output=True,
        text=True,
        check=True,
        env={"TZ": "UTC"},
    ).stdout
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines())}


def test_pdf_dates_keep_the_utc_offset() -> None:
    assert pdf_date(ISSUED_AT) == "D:20260314093015+07'00'"
    west = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=-3, minutes=-30)))
    assert pdf_date(west) == "D:20260102030405-03'30'"
    assert pdf_date(datetime(2026, 1, 2, tzinfo=UTC)) == "D:20260102000000+00'00'"


def test_an_issued_document_is_dated_when_it_was_issued(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(clock, "now", lambda: ISSUED_AT)
    issued = issue_minutes(store, record_id=_record(store), details=COMPLETE)
    assert issued.pdf is not None
    info = _info(issued.pdf, tmp_path)
    assert info["CreationDate"] == info["ModDate"] == "2026-03-14T09:30:15+07"
    assert info["Author"] == OFFICE["name"]
    assert issued.pdf.count(b"D:20260314093015+07'00'") == 2
    assert b"D:20000101" not in issued.pdf
    assert issued.docx is not None
    properties = docx.Document(io.BytesIO(issued.docx)).core_properties
    assert properties.created == properties.modified == ISSUED_AT
    assert properties.author == properties.last_modified_by == OFFICE["name"]
    assert properties.comments == ""


def test_without_a_fixed_clock_the_date_is_now(store: Store, tmp_path: Path) -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    document = draft_minutes(store, record_id=_record(store), details=COMPLETE)
    pdf, word = render_pdf(document), render_docx(document)
    after = datetime.now(UTC)
    created = datetime.fromisoformat(_info(pdf, tmp_path)["CreationDate"])
    assert before <= created <= after
    docx_created = docx.Document(io.BytesIO(word)).core_properties.created
    assert docx_created is not None
    assert before <= docx_created <= after


def test_a_fixed_clock_gives_the_same_pdf_bytes(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Byte-stable output for tests comes from the clock, not from a date in the code."""
    monkeypatch.setattr(clock, "now", lambda: ISSUED_AT)
    document = draft_minutes(store, record_id=_record(store), details=COMPLETE)
    assert render_pdf(document) == render_pdf(document)
    later = render_pdf(document, produced=ISSUED_AT + timedelta(minutes=1))
    assert later != render_pdf(document)
