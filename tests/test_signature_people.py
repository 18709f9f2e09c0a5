"""Who an issued document names under its signatures, and whether a card's holder is one."""

from __future__ import annotations

from datetime import date

from dvdesk.documents.content import Closing, Document, Header, Page, Signer, Template
from dvdesk.signatures.printed import (
    CHAIR,
    NOTE_TAKER,
    PrintedPerson,
    mismatch,
    printed_people,
    same_person,
)


def test_a_certificate_name_matches_with_or_without_diacritics() -> None:
    assert same_person("NGUYEN DOAN TOAN", "Nguyễn Doãn Toản")
    assert same_person("Nguyễn Doãn Toản", "nguyễn  doãn toản")
    assert not same_person("Nguyễn Văn An", "Nguyễn Văn")  # a whole name, not a part
    assert not same_person("Nguyễn Văn An", "")
    assert same_person("Nguyễn Doãn Toản - Trưởng ban", "Nguyễn Doãn Toản")


def test_minutes_name_the_chair_at_right_and_the_note_taker_wherever_printed() -> None:
    closing = Closing(
        left=Signer(post="ĐẠI DIỆN ĐƠN VỊ\nĐƯỢC KIỂM TRA", name="Nguyễn Văn Bình"),
        right=Signer(capacity="T/M ĐOÀN KIỂM TRA", post="TRƯỞNG ĐOÀN", name="Vũ Văn Mai"),
        extra=[Signer(post="NGƯỜI GHI BIÊN BẢN", name="Lê Thị Hoa")],
    )
    document = Document(
        title="Biên bản",
        author="Ban Dân vận Đảng ủy xã Nguyễn Trãi",
        page=Page(
            template=Template.PARTY,
            margin_top=20,
            margin_bottom=20,
            margin_left=30,
            margin_right=15,
        ),
        header=Header(
            superior=["ĐẢNG ỦY XÃ NGUYỄN TRÃI"],
            issuing=["BAN DÂN VẬN ĐẢNG ỦY"],
            size=14,
            symbol="BDVĐU",
            doc_type="BB",
            number=1,
            place="Nguyễn Trãi",
            on=date(2026, 8, 23),
        ),
        kind="BIÊN BẢN",
        subject=["Buổi làm việc của Đoàn kiểm tra"],
        blocks=[],
        closing=closing,
    )
    assert printed_people(document) == (
        PrintedPerson(role=CHAIR, name="Vũ Văn Mai"),
        PrintedPerson(role=NOTE_TAKER, name="Lê Thị Hoa"),
    )


def test_only_a_holder_printed_in_another_place_is_refused() -> None:
    printed = (
        PrintedPerson(role=CHAIR, name="Vũ Văn Mai"),
        PrintedPerson(role=NOTE_TAKER, name="Lê Thị Hoa"),
    )
    wrong = mismatch(holder="Lê Thị Hoa", role=CHAIR, printed=printed)
    assert wrong is not None and (wrong.theirs, wrong.expected) == (NOTE_TAKER, "Vũ Văn Mai")
    assert mismatch(holder="Lê Thị Hoa", role=NOTE_TAKER, printed=printed) is None
    assert mismatch(holder="Trần Văn Khác", role=CHAIR, printed=printed) is None
