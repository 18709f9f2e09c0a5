"""The stamp's font: the document's TrueType font, with widths in PDF units.

pyHanko's glyph accumulator writes glyph widths and advances in the font's own
units; PDF wants thousandths of an em. Fonts drawn with 1000 units per em
(most CFF fonts) are unaffected, but TrueType fonts such as Times New Roman and
Liberation Serif (2048) come out with their letters spread twice too wide. This
engine scales both the widths and HarfBuzz's shaping to 1000 units.
"""

from __future__ import annotations

import io
from pathlib import Path
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
        # pyHanko's own factory leaves the font file open; read it into memory instead.
        font = io.BytesIO(Path(self.font_file).read_bytes())
        if obj_stream is None and writer.stream_xrefs and self.create_objstream_if_needed:
            obj_stream = writer.prepare_object_stream()
        engine = _Scaled(
            writer=writer,
            font_handle=font,
            font_size=self.font_size,
            ot_script_tag=self.ot_script_tag,
            ot_language_tag=self.ot_language_tag,
            writing_direction=self.writing_direction,
            bcp47_lang_code=self.bcp47_lang_code,
            obj_stream=obj_stream,
        )
        engine._font_units = int(engine.units_per_em)
        engine.units_per_em = PDF_UNITS
        engine.hb_font.scale = (PDF_UNITS, PDF_UNITS)
        return engine
