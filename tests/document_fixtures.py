"""Helpers for the document tests: PDF text and fonts through poppler-utils."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

from dvdesk.documents.content import Closing, Document, Header, Page
from dvdesk.documents.settings import Template


def pdf_text(path: Path, *, layout: bool = False) -> str:
    args = ["pdftotext", "-enc", "UTF-8", *(["-layout"] if layout else []), str(path), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def flat_text(path: Path) -> str:
    """The PDF's text with all whitespace runs made single spaces."""
    return " ".join(pdf_text(path).split())


def pdf_fonts(path: Path) -> list[dict[str, str]]:
    output = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout
    lines = output.splitlines()[2:]
    fonts = []
    for line in lines:
        parts = line.split()
        # name type... encoding emb sub uni object-id generation
        fonts.append(
            {
                "name": parts[0],
                "type": " ".join(parts[1:-6]),
                "emb": parts[-5],
                "sub": parts[-4],
                "uni": parts[-3],
            }
        )
    return fonts


def page_count(path: Path) -> int:
    output = subprocess.run(
        ["pdfinfo", str(path)], capture_output=True, text=True, check=True
    ).stdout
    for line in output.splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    raise AssertionError("pdfinfo printed no page count")


def bare_document(
    closing: Closing, *, template: Template = Template.PARTY, doc_type: str = "BC"
) -> Document:
    """A numbered document of a commune's Ban Dân vận with no body: for the closing block."""
    return Document(
        title="Văn bản",
        author="Ban Dân vận Đảng ủy xã Nguyễn Trãi",
        page=Page(
            template=template, margin_top=20, margin_bottom=20, margin_left=30, margin_right=15
        ),
        header=Header(
            superior=["ĐẢNG ỦY XÃ NGUYỄN TRÃI"],
            issuing=["BAN DÂN VẬN ĐẢNG ỦY"],
            size=14,
            symbol="BDVĐU",
            doc_type=doc_type,
            number=4,
            place="Nguyễn Trãi",
            on=date(2026, 9, 20),
        ),
        kind="BÁO CÁO" if doc_type == "BC" else "BIÊN BẢN",
        subject=["Công tác dân vận quý III năm 2026"],
        blocks=[],
        closing=closing,
    )
