"""Message catalogs: English msgids, Vietnamese translations (the default).

Catalogs live as ``.po`` files in ``resources/locale`` and are compiled in memory
at first use, so there is no build step and no stale ``.mo`` file to forget.
"""

from __future__ import annotations

import gettext
import io
from functools import cache
from typing import Final

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from dvdesk.paths import locale_dir

DOMAIN: Final = "dvdesk"
DEFAULT_LANGUAGE: Final = "vi"
LANGUAGES: Final = ("vi", "en")

_language = DEFAULT_LANGUAGE


@cache
def _translations(language: str) -> gettext.NullTranslations:
    if language == "en":
        return gettext.NullTranslations()
    po_path = locale_dir() / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=language, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def set_language(language: str) -> None:
    """Switch the language of every message from now on ("vi" or "en")."""
    global _language  # noqa: PLW0603 - one process, one user, one language
    if language not in LANGUAGES:
        raise ValueError(f"unsupported language {language!r}")
    _language = language


def current_language() -> str:
    return _language


def _(message: str) -> str:
    """Translate ``message`` into the current language."""
    return _translations(_language).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    return _translations(_language).ngettext(singular, plural, count)


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "mark only"
    """Mark ``message`` for extraction without translating it yet."""
    return message
