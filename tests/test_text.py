"""Vietnamese text handling: NFC, folding for search, collation."""

from __future__ import annotations

import unicodedata

import pytest
from babel.numbers import format_decimal
from hypothesis import given
from hypothesis import strategies as st

from dvdesk.formatting import number
from dvdesk.i18n import current_language, set_language
from dvdesk.text import clean, fold, nfc, person_sort_key, vi_sort_key

VIETNAMESE = st.text(
    alphabet=st.sampled_from(list("aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂĐÊÔƠƯ àáảãạèéẻẽẹ ")),
    max_size=20,
)


def test_nfd_input_becomes_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "  Nguyễn Thị Ánh  ")
    assert decomposed != "  Nguyễn Thị Ánh  "
    assert clean(decomposed) == "Nguyễn Thị Ánh"


def test_fold_ignores_case_diacritics_and_maps_d_stroke() -> None:
    assert fold("Đảng ỦY") == "dang uy"
    assert fold("Nguyễn") == "nguyen"
    assert fold(unicodedata.normalize("NFD", "Đặng Thị Ưng")) == "dang thi ung"


def test_alphabet_order_has_vietnamese_letters() -> None:
    words = ["Đào", "Dũng", "Ăn", "An", "Âm", "Ơn", "Ôn", "Oanh", "Ưng", "Uyên", "Bình"]
    assert sorted(words, key=vi_sort_key) == [
        "An",
        "Ăn",
        "Âm",
        "Bình",
        "Dũng",
        "Đào",
        "Oanh",
        "Ôn",
        "Ơn",
        "Uyên",
        "Ưng",
    ]


def test_tones_order_ngang_huyen_hoi_nga_sac_nang() -> None:
    assert sorted(["bạ", "bá", "bã", "bả", "bà", "ba"], key=vi_sort_key) == [
        "ba",
        "bà",
        "bả",
        "bã",
        "bá",
        "bạ",
    ]


def test_words_compare_syllable_by_syllable() -> None:
    assert sorted(["bà con", "ba lô", "ba"], key=vi_sort_key) == ["ba", "ba lô", "bà con"]


def test_people_sort_by_given_name() -> None:
    people = ["Nguyễn Văn Bình", "Trần Thị An", "Lê Đức Anh", "Phạm Thị Ánh"]
    assert sorted(people, key=person_sort_key) == [
        "Trần Thị An",
        "Lê Đức Anh",
        "Phạm Thị Ánh",
        "Nguyễn Văn Bình",
    ]


def test_python_default_sort_is_wrong_which_is_why_we_collate() -> None:
    assert sorted(["Đào", "Em"]) == ["Em", "Đào"]  # code point order puts Đ after E
    assert sorted(["Đào", "Em"], key=vi_sort_key) == ["Đào", "Em"]


@given(VIETNAMESE)
def test_keys_are_the_same_for_nfc_and_nfd(text: str) -> None:
    assert vi_sort_key(unicodedata.normalize("NFD", text)) == vi_sort_key(nfc(text))
    assert fold(unicodedata.normalize("NFD", text)) == fold(text)


@given(VIETNAMESE)
def test_fold_is_idempotent_and_ascii_for_vietnamese(text: str) -> None:
    folded = fold(text)
    assert fold(folded) == folded
    assert folded.isascii()


@given(st.lists(VIETNAMESE, max_size=8))
def test_sort_key_is_a_total_order(words: list[str]) -> None:
    once = sorted(words, key=vi_sort_key)
    assert sorted(once, key=vi_sort_key) == once


@pytest.mark.parametrize("value", [0, 7, 999, 1000, 14162, 1234567, -1234567])
@pytest.mark.parametrize("language", ["vi", "en"])
def test_whole_numbers_are_grouped_as_babel_does(value: int, language: str) -> None:
    before = current_language()
    set_language(language)
    try:
        assert number(value) == format_decimal(value, locale=language)
    finally:
        set_language(before)


def test_file_names_say_what_the_file_is_in_plain_letters() -> None:
    from dvdesk.text import file_name

    assert (
        file_name("Biên bản", "01", "BB-ĐU", "2026-11-10", suffix=".pdf")
        == "Bien-ban-01-BB-DU-2026-11-10.pdf"
    )
    assert file_name("Báo cáo", "nháp", "2025 H2", suffix=".pdf") == "Bao-cao-nhap-2025-H2.pdf"
    assert file_name("Thống kê", "", "6 tháng đầu năm", suffix=".xlsx") == (
        "Thong-ke-6-thang-dau-nam.xlsx"
    )
