"""The stamp's font: the document's TrueType font, with widths in PDF units.

pyHanko's glyph accumulator writes glyph widths and advances in the font's own
units; PDF wants thousandths of an em. Fonts drawn with 1000 units per em
(most CFF fonts) are unaffected, but TrueType fonts such as Times New Roman and
Liberation Serif (2048) come out with their letters spread twice too wide. This
engine scales both the widths and HarfBuzz's shaping to 1000 units.
"""

from __future__ import annotations

from typing import Any

from pyhanko.pdf_utils.font.opentype import GlyphAccumulator, GlyphAccumulatorFactory

PDF_UNITS = 1000


class _Scaled(GlyphAccumulator):
    _font_units: int

    def _get_cid_and_width(self, glyph_id: int) -> tuple[int, int]:
        cached: tuple[int, int] | None = self._glyphs.get(glyph_id)
        if cached is not None:
            return cached
        cid, width = super()._get_cid_and_width(glyph_id)
        scaled = cid, round(width * PDF_UNITS / self._font_units)
        self._glyphs[glyph_id] = scaled
        return scaled


class ScaledGlyphFactory(GlyphAccumulatorFactory):
    def create_font_engine(self, writer: Any, obj_stream: Any = None) -> GlyphAccumulator:
        engine = super().create_font_engine(writer, obj_stream)
        # pyHanko builds the engine itself; re-class it rather than copy its constructor.
        engine.__class__ = _Scaled
        engine._font_units = int(engine.units_per_em)  # type: ignore[attr-defined]
        engine.units_per_em = PDF_UNITS
        engine.hb_font.scale = (PDF_UNITS, PDF_UNITS)
        return engine
