"""Message catalogs: English msgids, Vietnamese translations (the default).

Translations are edited in ``resources/locale/vi/LC_MESSAGES/dvdesk.po`` and
compiled to the ``.mo`` beside it by ``.ci/catalog``; the app loads the ``.mo``
with the standard library (fast at start-up), and a test fails if the two differ.
"""

from __future__ import annotations

import gettext
from functools import cache
from pathlib import Path
from typing import Final

from dvdesk.paths import locale_dir

DOMAIN: Final = "dvdesk"
DEFAULT_LANGUAGE: Final = "vi"
LANGUAGES: Final = ("vi", "en")

_language = DEFAULT_LANGUAGE


@cache
def _translations(language: str) -> gettext.NullTranslations:
    if language == "en":
        return gettext.NullTranslations()
    with catalog_file(language).open("rb") as handle:
        return gettext.GNUTranslations(handle)


def catalog_file(language: str) -> Path:
    return locale_dir() / language / "LC_MESSAGES" / f"{DOMAIN}.mo"


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
