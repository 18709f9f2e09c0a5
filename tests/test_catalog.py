"""Every user-facing message has a finished Vietnamese translation."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from dvdesk.paths import locale_dir

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
_PLACEHOLDER = re.compile(r"\{[a-z_]*\}|%\(?[a-z_]*\)?[sr]")


def _used_msgids() -> set[str]:
    found: set[str] = set()
    for folder in ("dvdesk", "ui"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / folder, method_map=[("**.py", "python")], keywords=KEYWORDS
        ):
            found.update([message] if isinstance(message, str) else [m for m in message if m])
    return found


def _catalog() -> dict[str, str]:
    with (locale_dir() / "vi" / "LC_MESSAGES" / "dvdesk.po").open("rb") as handle:
        catalog = read_po(handle)
    assert not catalog.fuzzy, "the catalog header is marked fuzzy"
    return {
        str(m.id): ("" if m.fuzzy else str(m.string))
        for m in catalog
        if m.id and not m.pluralizable
    }


def test_every_message_in_the_code_is_in_the_catalog() -> None:
    missing = sorted(_used_msgids() - set(_catalog()))
    assert missing == [], "run .ci/catalog to add these messages, then translate them"


def test_every_catalog_entry_is_translated_and_not_fuzzy() -> None:
    untranslated = sorted(msgid for msgid, text in _catalog().items() if not text)
    assert untranslated == []


def test_translations_keep_placeholders() -> None:
    broken = sorted(
        msgid
        for msgid, text in _catalog().items()
        if text and sorted(_PLACEHOLDER.findall(msgid)) != sorted(_PLACEHOLDER.findall(text))
    )
    assert broken == []


def test_compiled_catalog_matches_the_po_file() -> None:
    import gettext

    from dvdesk.i18n import catalog_file

    with catalog_file("vi").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = sorted(
        msgid for msgid, text in _catalog().items() if text and compiled.gettext(msgid) != text
    )
    assert stale == [], "run .ci/catalog to compile resources/locale/vi/LC_MESSAGES/dvdesk.mo"
