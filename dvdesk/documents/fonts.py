"""The serif font of official documents: Times New Roman, else Liberation Serif, embedded.

PDF base-14 fonts have no Vietnamese glyphs, so a document is never drawn with
them: if neither font is found the user is told what to install.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from dvdesk.errors import UserError
from dvdesk.i18n import _
from dvdesk.paths import RESOURCES_DIR

FAMILY = "DocSerif"
STYLES = ("regular", "bold", "italic", "bold_italic")
# Letters a font must have to print Vietnamese (a sample of every vowel family and đ).
VIETNAMESE_SAMPLE = "ẠẮẰẲẴẶẤẦẨẪẬĐđÊỀẾỆỈỊỌỐỒỔỖỘƠỚỜỞỠỢƯỨỪỬỮỰỲỴỶỸăâêôơưạặậẹệịọộợụựỵ"


@dataclass(frozen=True)
class FontFiles:
    """The four faces of one family, as TrueType files."""

    family: str
    regular: Path
    bold: Path
    italic: Path
    bold_italic: Path

    def face(self, style: str) -> Path:
        path: Path = getattr(self, style)
        return path


# (family, {style: file name}) in order of preference.
_FAMILIES: tuple[tuple[str, dict[str, str]], ...] = (
    (
        "Times New Roman",
        {
            "regular": "times.ttf",
            "bold": "timesbd.ttf",
            "italic": "timesi.ttf",
            "bold_italic": "timesbi.ttf",
        },
    ),
    (
        "Times New Roman",
        {
            "regular": "Times_New_Roman.ttf",
            "bold": "Times_New_Roman_Bold.ttf",
            "italic": "Times_New_Roman_Italic.ttf",
            "bold_italic": "Times_New_Roman_Bold_Italic.ttf",
        },
    ),
    (
        "Liberation Serif",
        {
            "regular": "LiberationSerif-Regular.ttf",
            "bold": "LiberationSerif-Bold.ttf",
            "italic": "LiberationSerif-Italic.ttf",
            "bold_italic": "LiberationSerif-BoldItalic.ttf",
        },
    ),
)
_FC_STYLES = {
    "regular": "Regular",
    "bold": "Bold",
    "italic": "Italic",
    "bold_italic": "Bold Italic",
}


def default_font_dirs() -> list[Path]:
    """Where Windows and Linux keep fonts (fontconfig is asked as well)."""
    dirs = []
    windir = os.environ.get("WINDIR") or os.environ.get("SYSTEMROOT")
    if windir:
        dirs.append(Path(windir) / "Fonts")
    local = os.environ.get("LOCALAPPDATA")
    if local:
        dirs.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
    dirs += [
        Path("C:/Windows/Fonts"),
        # Liberation Serif 2 bundled by build.spec, for PCs without Times New Roman.
        RESOURCES_DIR / "fonts",
        Path("/usr/share/fonts/truetype/msttcorefonts"),
        # Liberation 2 first: Liberation 1.x (Debian's fonts-liberation) has no Vietnamese.
        Path("/usr/share/fonts/truetype/liberation2"),
        Path("/usr/share/fonts/truetype/liberation"),
        Path("/usr/share/fonts/liberation-serif"),
        Path("/usr/share/fonts/liberation"),
        Path.home() / ".fonts",
        Path.home() / ".local" / "share" / "fonts",
    ]
    return dirs


def _in_dirs(dirs: Iterable[Path]) -> FontFiles | None:
    for family, names in _FAMILIES:
        for folder in dirs:
            faces = {style: _find_file(folder, name) for style, name in names.items()}
            found = {style: path for style, path in faces.items() if path is not None}
            if len(found) == len(STYLES):
                files = FontFiles(family=family, **found)
                if _has_vietnamese(files):
                    return files
    return None


def _find_file(folder: Path, name: str) -> Path | None:
    exact = folder / name
    if exact.is_file():
        return exact
    # Windows font folders are case-insensitive; Linux copies of them often are not.
    try:
        for entry in folder.iterdir():
            if entry.name.lower() == name.lower() and entry.is_file():
                return entry
    except OSError:
        return None
    return None


def _fontconfig() -> FontFiles | None:
    """Ask fontconfig for the faces; accept only a real Times New Roman or Liberation Serif."""
    if shutil.which("fc-match") is None:
        return None
    for family in ("Times New Roman", "Liberation Serif"):
        found: dict[str, Path] = {}
        for style, fc_style in _FC_STYLES.items():
            try:
                result = subprocess.run(
                    ["fc-match", "-f", "%{family[0]}\t%{file}", f"{family}:style={fc_style}"],
                    capture_output=True,
                    text=True,
                    timeout=10,
                    check=False,
                )
            except (OSError, subprocess.SubprocessError):
                return None
            matched, _tab, file = result.stdout.partition("\t")
            path = Path(file)
            if matched != family or path.suffix.lower() != ".ttf" or not path.is_file():
                break
            found[style] = path
        if len(found) == len(STYLES):
            files = FontFiles(family=family, **found)
            if _has_vietnamese(files):
                return files
    return None


def find_fonts(dirs: Sequence[Path] | None = None, *, use_fontconfig: bool = True) -> FontFiles:
    """The best installed family, or a UserError saying what to install."""
    files = _in_dirs(default_font_dirs() if dirs is None else dirs)
    if files is None and use_fontconfig:
        files = _fontconfig()
    if files is None:
        raise UserError(
            _(
                "No font with Vietnamese letters was found for documents. Install Times New "
                "Roman or Liberation Serif 2 (on Linux: the fonts-liberation2 package), then "
                "try again."
            )
        )
    return files


def _has_vietnamese(files: FontFiles) -> bool:
    """Every face has every Vietnamese letter (Liberation Serif 1.x, for one, has not)."""
    for style in STYLES:
        try:
            font = TTFont("probe", str(files.face(style)))
        except (TTFError, OSError):
            return False
        cmap = font.face.charToGlyph
        if not all(ord(char) in cmap for char in VIETNAMESE_SAMPLE):
            return False
    return True


@cache
def _registered(files: FontFiles) -> str:
    names = {style: f"{FAMILY}-{style}" for style in STYLES}
    for style in STYLES:
        pdfmetrics.registerFont(TTFont(names[style], str(files.face(style))))
    pdfmetrics.registerFontFamily(
        FAMILY,
        normal=names["regular"],
        bold=names["bold"],
        italic=names["italic"],
        boldItalic=names["bold_italic"],
    )
    # Paragraph markup (<b>, <i>) looks fonts up through these mappings.
    addMapping(FAMILY, 0, 0, names["regular"])
    addMapping(FAMILY, 1, 0, names["bold"])
    addMapping(FAMILY, 0, 1, names["italic"])
    addMapping(FAMILY, 1, 1, names["bold_italic"])
    return FAMILY


@cache
def ensure_fonts() -> FontFiles:
    """Find and register the document family once per process; raises UserError if none."""
    files = find_fonts()
    _registered(files)
    return files


def forget_fonts() -> None:
    """Look for fonts again on next use (after fonts were installed; in tests)."""
    ensure_fonts.cache_clear()


def font_name(style: str = "regular") -> str:
    return f"{FAMILY}-{style}"
