"""Who an issued document names under its signatures, and whether a card's holder is one."""

from __future__ import annotations

from dvdesk.documents.content import Closing, Signer
from dvdesk.signatures.printed import (
    CHAIR,
    NOTE_TAKER,
    PrintedPerson,
    mismatch,
    printed_people,
    same_person,
)
from tests.document_fixtures import bare_document


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
    document = bare_document(closing, doc_type="BB")
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
