"""Vietnamese text typed in the old 8-bit font encodings, detected and converted to Unicode.

Offices still hold files typed with TCVN3 (ABC, ".VnTime" fonts) or VNI ("VNI-Times")
fonts. Such text reaches us as Latin-1 code points: a cell of an old workbook, or a CSV
file that is not UTF-8 (read byte for byte). The tables below follow the published
encodings: TCVN3 (TCVN 5712:1993, VN3) gives each lower-case letter with its marks one
byte (capitals with a tone mark are written in lower-case codes with a capital font, so
they come back lower-case); VNI writes a base letter followed by a mark byte.
"""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum

# TCVN3: Unicode letter -> its byte (as a Latin-1 code point).
_TCVN3_LETTERS = (
    "à\xb5 á\xb8 ả\xb6 ã\xb7 ạ\xb9 "
    "ă\xa8 ằ\xbb ắ\xbe ẳ\xbc ẵ\xbd ặ\xc6 "
    "â\xa9 ầ\xc7 ấ\xca ẩ\xc8 ẫ\xc9 ậ\xcb "
    "đ\xae è\xcc é\xd0 ẻ\xce ẽ\xcf ẹ\xd1 "
    "ê\xaa ề\xd2 ế\xd5 ể\xd3 ễ\xd4 ệ\xd6 "
    "ì\xd7 í\xdd ỉ\xd8 ĩ\xdc ị\xde "
    "ò\xdf ó\xe3 ỏ\xe1 õ\xe2 ọ\xe4 "
    "ô\xab ồ\xe5 ố\xe8 ổ\xe6 ỗ\xe7 ộ\xe9 "
    "ơ\xac ờ\xea ớ\xed ở\xeb ỡ\xec ợ\xee "
    "ù\xef ú\xf3 ủ\xf1 ũ\xf2 ụ\xf4 "
    "ư\xad ừ\xf5 ứ\xf8 ử\xf6 ữ\xf7 ự\xf9 "
    "ỳ\xfa ý\xfd ỷ\xfb ỹ\xfc ỵ\xfe "
    "Ă\xa1 Â\xa2 Đ\xa7 Ê\xa3 Ô\xa4 Ơ\xa5 Ư\xa6"
)
TCVN3_ENCODE = {pair[0]: pair[1] for pair in _TCVN3_LETTERS.split()}
TCVN3_DECODE = {byte: letter for letter, byte in TCVN3_ENCODE.items()}

# VNI: mark bytes after a base letter (lower-case forms; capitals use the upper-case byte).
_VNI_TONES = {"\u0301": "ù", "\u0300": "ø", "\u0309": "û", "\u0303": "õ", "\u0323": "ï"}
_VNI_HAT_TONES = {
    "": "â",
    "\u0301": "á",
    "\u0300": "à",
    "\u0309": "å",
    "\u0303": "ã",
    "\u0323": "ä",
}
_VNI_BREVE_TONES = {
    "": "ê",
    "\u0301": "é",
    "\u0300": "è",
    "\u0309": "ú",
    "\u0303": "ü",
    "\u0323": "ë",
}
# Letters VNI writes as one byte: ơ ư đ, and i and ỵ with their tones.
_VNI_SINGLE = {
    "ơ": "ô",
    "ư": "ö",
    "đ": "ñ",
    "í": "í",
    "ì": "ì",
    "ỉ": "æ",
    "ĩ": "ó",
    "ị": "ò",
    "ỵ": "î",
}


def _vni_letter(letter: str) -> str:
    """One Unicode letter in VNI bytes (as Latin-1 code points)."""
    upper = letter.isupper()
    low = letter.lower()
    if low in _VNI_SINGLE:
        out = _VNI_SINGLE[low]
        return out.upper() if upper else out
    parts = unicodedata.normalize("NFD", low)
    base, marks = parts[0], parts[1:]
    tone = next((m for m in marks if m in _VNI_TONES), "")
    shape = next((m for m in marks if m in ("\u0302", "\u0306", "\u031b")), "")
    if shape == "\u031b":  # horn: ơ/ư with a tone
        head = _VNI_SINGLE["ơ" if base == "o" else "ư"]
        tail = _VNI_TONES.get(tone, "")
    elif shape == "\u0302":
        head, tail = base, _VNI_HAT_TONES[tone]
    elif shape == "\u0306":
        head, tail = base, _VNI_BREVE_TONES[tone]
    else:
        head, tail = base, _VNI_TONES.get(tone, "")
    out = head + tail
    return out.upper() if upper else out


_VIETNAMESE_LETTERS = sorted(
    {
        unicodedata.normalize("NFC", base + shape + tone)
        for base in "aeiouy"
        for shape in ("", "\u0302", "\u0306", "\u031b")
        for tone in ("", *_VNI_TONES)
        if (shape != "\u0306" or base == "a")
        and (shape != "\u0302" or base in "aeo")
        and (shape != "\u031b" or base in "ou")
        and (shape or tone)
    }
    | {"đ"}
)
VNI_ENCODE = {
    letter: _vni_letter(letter)
    for lower in _VIETNAMESE_LETTERS
    for letter in (lower, lower.upper())
}
# Longest first, so "aâ" wins over "a".
_VNI_DECODE = {code: letter for letter, code in VNI_ENCODE.items()}
_VNI_PATTERN = re.compile("|".join(sorted(map(re.escape, _VNI_DECODE), key=len, reverse=True)))
_TCVN3_PATTERN = re.compile("[" + "".join(map(re.escape, TCVN3_DECODE)) + "]")

# Code points only TCVN3 uses (VNI's marks are all in À..ÿ), and VNI's base+mark pairs.
_TCVN3_ONLY = frozenset(c for c in TCVN3_DECODE if ord(c) < 0xC0)
_VNI_PAIR = re.compile(r"[aeiouyAEIOUY][øùûõïâáàåãäêéèúüëØÙÛÕÏÂÁÀÅÃÄÊÉÈÚÜË]|[ñÑöÖ]")
# Letters only Unicode Vietnamese has: text holding them is already Unicode.
_UNICODE_VIETNAMESE = re.compile(
    "[\u0102\u0103\u0110\u0111\u0128\u0129\u0168\u0169\u01a0\u01a1\u01af\u01b0\u1ea0-\u1ef9]"
)


class LegacyEncoding(StrEnum):
    TCVN3 = "tcvn3"
    VNI = "vni"


def encode_legacy(text: str, encoding: LegacyEncoding) -> str:
    """Unicode text as the old font encoding writes it (Latin-1 code points)."""
    text = unicodedata.normalize("NFC", text)
    table = TCVN3_ENCODE if encoding is LegacyEncoding.TCVN3 else VNI_ENCODE
    if encoding is LegacyEncoding.TCVN3:
        # Capitals with marks: lower-case codes (the capital font made them look upper-case).
        return "".join(table.get(c, table.get(c.lower(), c)) for c in text)
    return "".join(table.get(c, c) for c in text)


def is_unicode_vietnamese(text: str) -> bool:
    """True if ``text`` holds letters only Unicode Vietnamese has (so it needs no converting)."""
    return _UNICODE_VIETNAMESE.search(text) is not None


def decode_legacy(text: str, encoding: LegacyEncoding) -> str:
    """``text`` read as the old encoding; text already in Unicode Vietnamese is kept."""
    if is_unicode_vietnamese(text):
        return text
    if encoding is LegacyEncoding.TCVN3:
        return _TCVN3_PATTERN.sub(lambda m: TCVN3_DECODE[m.group(0)], text)
    return _VNI_PATTERN.sub(lambda m: _VNI_DECODE[m.group(0)], text)


def detect_legacy(texts: list[str]) -> LegacyEncoding | None:
    """The old encoding the texts are written in, judged over all of them, or None.

    Texts already in Unicode Vietnamese (a template's headers, a cell typed later) do
    not vote: a file can mix them with old text.
    """
    tcvn3 = vni = 0
    for text in texts:
        if text.isascii() or is_unicode_vietnamese(text):
            continue
        tcvn3 += sum(1 for c in text if c in _TCVN3_ONLY)
        vni += len(_VNI_PAIR.findall(text))
    if tcvn3 == vni == 0:
        return None
    return LegacyEncoding.TCVN3 if tcvn3 >= vni else LegacyEncoding.VNI
