"""Vietnamese text: normalisation, diacritic-free folding, and collation.

Input methods (Unikey, EVKey) and pasted text can produce decomposed (NFD)
strings; everything stored or compared goes through :func:`nfc` first.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Final

# The Vietnamese alphabet with the Latin letters it lacks slotted where they
# fall in the Latin order, so foreign names sort sensibly too.
_ALPHABET: Final = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
# Primary weights are single bytes below 0x80 (the sort key is stored twice, in the
# table and its index, for every record): ASCII symbols < digits < letters, then any
# other character as itself (every code point from 0x80 is above these weights).
_FIRST_WEIGHT: Final = 0x03  # after the word and level separators
_SYMBOLS: Final = "".join(chr(code) for code in range(0x20, 0x7F) if not chr(code).isalnum())
_SYMBOL_WEIGHT: Final = {char: chr(_FIRST_WEIGHT + i) for i, char in enumerate(_SYMBOLS)}
_DIGIT_WEIGHT: Final = {
    str(digit): chr(_FIRST_WEIGHT + len(_SYMBOLS) + digit) for digit in range(10)
}
_LETTER_WEIGHT: Final = {
    letter: chr(_FIRST_WEIGHT + len(_SYMBOLS) + 10 + index)
    for index, letter in enumerate(_ALPHABET)
}

# Combining marks of the five tones, in the order Vietnamese dictionaries use:
# ngang < huyền < hỏi < ngã < sắc < nặng.
_TONE_MARKS: Final = {
    "\u0300": 1,  # huyền
    "\u0309": 2,  # hỏi
    "\u0303": 3,  # ngã
    "\u0301": 4,  # sắc
    "\u0323": 5,  # nặng
}
# Marks that make a distinct letter (ă, â, ê, ô, ơ, ư) rather than a tone.
_LETTER_MARKS: Final = {"\u0306", "\u0302", "\u031b"}

_WORD_SEPARATOR: Final = "\x01"
_LEVEL_SEPARATOR: Final = "\x02"


def nfc(value: str) -> str:
    """Return ``value`` in Unicode NFC, the only form dvdesk stores."""
    return unicodedata.normalize("NFC", value)


def clean(value: str) -> str:
    """NFC with surrounding white space removed: what every text input becomes."""
    return nfc(value).strip()


# Shown in place of an untrusted value's control, format (bidi) and separator characters.
_INVISIBLE: Final = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
SHOWN_LIMIT: Final = 40


def shown(value: object, *, limit: int = SHOWN_LIMIT) -> str:
    """Text from outside (a file, a stick) made safe for a message or a log line.

    Control characters (newlines, ANSI escapes), bidi and other format characters are
    written as visible ``\\uXXXX`` escapes and the result is cut to ``limit``
    characters, so a crafted name can neither forge lines nor hide what it says.
    """
    if isinstance(value, str):
        text = value
    elif isinstance(value, int) and value.bit_length() > 4 * limit:
        text = "…"  # a huge number: its digits say nothing useful (and repr may refuse)
    else:
        text = repr(value)
    head = text[: limit + 1]
    parts = [
        f"\\u{ord(char):04x}" if unicodedata.category(char) in _INVISIBLE or char == "\\" else char
        for char in head[:limit]
    ]
    return "".join(parts) + ("…" if len(head) > limit else "")


def _fold_table() -> dict[int, str | None]:
    """Accented Latin letters -> their ASCII base; stray combining marks -> removed."""
    table: dict[int, str | None] = {ord("đ"): "d", ord("Đ"): "D"}
    for code in (*range(0x80, 0x370), *range(0x1E00, 0x1F00)):
        char = chr(code)
        if unicodedata.combining(char):
            table[code] = None
            continue
        base = unicodedata.normalize("NFD", char)[0]
        if base != char and base.isascii():
            table[code] = base
    return table


_FOLD_TABLE: Final = _fold_table()


def fold(value: str) -> str:
    """Lower case without diacritics, for searching ("Đảng" -> "dang").

    đ has no decomposition in Unicode, so it is mapped explicitly. One table lookup per
    character (str.translate) keeps bulk imports and demo data fast.
    """
    return " ".join(unicodedata.normalize("NFC", value).translate(_FOLD_TABLE).lower().split())


def _split_letter(char: str) -> tuple[str, int]:
    """Split one NFC character into its base letter (with ă/â/… marks kept) and its tone."""
    decomposed = unicodedata.normalize("NFD", char)
    tone = 0
    kept = []
    for part in decomposed:
        if part in _TONE_MARKS:
            tone = _TONE_MARKS[part]
        elif not unicodedata.combining(part) or part in _LETTER_MARKS:
            kept.append(part)
    return unicodedata.normalize("NFC", "".join(kept)), tone


def _primary_weight(letter: str) -> str:
    lower = letter.lower()
    for weights in (_LETTER_WEIGHT, _DIGIT_WEIGHT, _SYMBOL_WEIGHT):
        if lower in weights:
            return weights[lower]
    if not lower or ord(lower[0]) < 0x80:  # control characters: the lowest weight
        return chr(_FIRST_WEIGHT)
    return lower


@lru_cache(maxsize=65_536)  # words repeat across titles: bulk imports sort-key each one
def _word_key(word: str) -> str:
    primary, secondary, tertiary = [], [], []
    for char in word:
        letter, tone = _split_letter(char)
        primary.append(_primary_weight(letter))
        secondary.append(chr(0x30 + tone))
        tertiary.append("1" if letter != letter.lower() else "0")
    # Trailing lowest marks ("0": no tone, lower case) are dropped: both levels have
    # one mark per letter of the same primary, and the separator after them is lower
    # than any mark, so the order is unchanged and the key much shorter.
    levels = ("".join(primary), "".join(secondary).rstrip("0"), "".join(tertiary).rstrip("0"))
    return _LEVEL_SEPARATOR.join(levels)


def vi_sort_key(value: str) -> str:
    """A key whose plain (binary) order is Vietnamese dictionary order.

    Words are compared one by one, each first by its letters (a < ă < â < b …
    d < đ …), then by tone, then by case. The key is a string so it can be
    stored in a column and sorted by SQLite's default BINARY collation.
    """
    words = nfc(value).split()
    return _WORD_SEPARATOR.join(_word_key(word) for word in words)


def person_sort_key(full_name: str) -> str:
    """Sort people by given name (the last word), then by the whole name."""
    words = nfc(full_name).split()
    if not words:
        return ""
    return vi_sort_key(words[-1]) + _WORD_SEPARATOR * 2 + vi_sort_key(full_name)


def vi_collate(left: str, right: str) -> int:
    """SQLite collation callback for ad-hoc ``ORDER BY … COLLATE vi`` queries."""
    a, b = vi_sort_key(left), vi_sort_key(right)
    return (a > b) - (a < b)


def file_name(*parts: str, suffix: str) -> str:
    """A file name that says what the file is and survives any USB stick and e-mail:
    ``file_name("Biên bản", "01", "BB/BXDĐ", "2026-11-10", suffix=".pdf")`` gives
    ``Bien-ban-01-BB-BXDD-2026-11-10.pdf`` (letters without diacritics, đ as d)."""
    text = unicodedata.normalize("NFD", " ".join(p for p in parts if p))
    text = text.replace("đ", "d").replace("Đ", "D")
    text = "".join(char for char in text if not unicodedata.combining(char))
    words = "".join(char if char.isascii() and char.isalnum() else " " for char in text).split()
    return "-".join(words)[:120] + suffix
