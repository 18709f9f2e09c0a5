"""The help and the README name the app's own buttons and keys: a renamed button or a
moved section must show up here, not in front of a clerk."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po
from PySide6.QtWidgets import QListWidget

from ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "resources/help/vi").glob("*.md"))]
CATALOG = ROOT / "resources/locale/vi/LC_MESSAGES/dvdesk.po"

# Quoted phrases that are not names of anything on screen: examples of typed text, words of a
# document, a brand, or a sentence a field shows.
NOT_UI = {
    "Dân vận khéo",
    "Nguyễn Bá Vĩ",
    "nguyen ba vi",
    "K/T TRƯỞNG BAN",
    "lập thành … bản",
    "đạt",
    "đã xóa",
    "Hồ sơ của …",
    "Chưa kiểm tra thu hồi",
    "bản mang theo",
}
_NAME = r"(?:\*\*|“)([^*“”]+)(?:\*\*|”)"
_NAME_THEN_KEY = re.compile(_NAME + r"[^*“”()\n]{0,15}\((?:\*\*)?Ctrl\+(\d)(?:\*\*)?\)")
_KEY_THEN_NAME = re.compile(r"\*\*Ctrl\+(\d)\*\* (?:mở (?:màn hình )?)?([^,*()]+?)[,)]")
_QUOTED = re.compile(r"“([^”]+)”")


def _texts() -> dict[str, str]:
    return {path.name: " ".join(path.read_text(encoding="utf-8").split()) for path in DOCUMENTS}


def _labels(window: MainWindow) -> dict[str, str]:
    """Ctrl+digit → the navigation entry it opens (as the View menu assigns them)."""
    nav = window.findChild(QListWidget, "navigation")
    assert nav is not None
    labels = {}
    for index in range(min(nav.count(), 10)):
        item = nav.item(index)
        assert item is not None
        labels[str((index + 1) % 10)] = item.text()
    return labels


def test_every_ctrl_digit_in_the_help_opens_the_section_it_names(window: MainWindow) -> None:
    labels = _labels(window)
    checked = 0
    for name, text in _texts().items():
        pairs = [(m[1].strip(), m[2]) for m in _NAME_THEN_KEY.finditer(text)]
        pairs += [(m[2].strip(), m[1]) for m in _KEY_THEN_NAME.finditer(text)]
        for section, digit in pairs:
            assert labels[digit] == section, f"{name}: Ctrl+{digit} opens {labels[digit]!r}"
            checked += 1
    assert checked >= 8  # the patterns still find the README's and the help's keys


def test_the_readme_lists_the_sections_in_navigation_order(window: MainWindow) -> None:
    text = _texts()["README.md"]
    listed = re.search(r"\*\*Ctrl\+1\*\* … \*\*Ctrl\+9\*\* \(([^;]+);", text)
    assert listed is not None
    sections = [part.strip() for part in listed[1].split(",")]
    labels = _labels(window)
    assert sections == [labels[str(digit)] for digit in range(1, 10)]


def _on_screen() -> set[str]:
    """Every text the app shows; a placeholder ({date}) reads as "…" as the help writes it."""
    with CATALOG.open("rb") as catalog:
        messages = read_po(catalog)
    shown: set[str] = set()
    for message in messages:
        string = message.string
        texts = [string] if isinstance(string, str) else list(string or ())
        for text in texts:
            # Case aside: the help quotes a sentence's words inside its own sentence.
            plain = " ".join(text.replace("&", "").split()).casefold()
            for variant in (plain, plain.rstrip(".")):
                shown.update({variant, re.sub(r"\{[^}]*\}", "…", variant)})
    return shown


def test_every_quoted_name_in_the_help_is_on_screen() -> None:
    shown = _on_screen()
    unknown = []
    for name, text in _texts().items():
        for match in _QUOTED.finditer(text):
            phrase = match[1].strip()
            if phrase not in NOT_UI and phrase.casefold() not in shown:
                unknown.append(f"{name}: “{phrase}”")
    assert unknown == []
