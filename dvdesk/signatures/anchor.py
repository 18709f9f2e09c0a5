"""Where a signature goes: empty signature fields in the issued PDF.

The layout puts a :class:`SignatureRoom` where a hand signature would go. It
draws nothing; it notes its page and box on the canvas, and after the layout
:func:`add_signature_fields` turns the notes into empty PDF signature fields
(the standard "sign here" of PDF readers). Signing later fills the field of the
signer's role, so the visible stamp lands in the document's signature block.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

ROOM_HEIGHT = 24 * mm
# A person's stamp takes the right of the room; the office's seal (its organisational
# certificate) goes in the left, as a paper seal overlaps the left of the signature.
PERSON_SHARE = 0.65
_NOTES = "dvdesk_signature_rooms"


def field_name(role: str) -> str:
    return f"dvdesk_{role}"


@dataclass(frozen=True)
class Room:
    role: str
    page: int  # 0-based
    box: tuple[int, int, int, int]  # x1, y1, x2, y2 in PDF points


class SignatureRoom(Flowable):  # type: ignore[misc]
    """The empty room for a signature, remembered under ``role`` (signer, chair …)."""

    def __init__(self, role: str, height: float = ROOM_HEIGHT) -> None:
        super().__init__()
        self.role = role
        self.height = height
        self.width = 0.0

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        return available_width, self.height

    def draw(self) -> None:
        canvas: Any = self.canv
        x1, y1 = canvas.absolutePosition(self.width * (1 - PERSON_SHARE), 0)
        x2, y2 = canvas.absolutePosition(self.width, self.height)
        notes: list[Room] = canvas.__dict__.setdefault(_NOTES, [])
        notes.append(
            Room(
                role=self.role,
                page=canvas.getPageNumber() - 1,
                box=(round(x1), round(y1), round(x2), round(y2)),
            )
        )


def rooms_of(canvas: Any) -> list[Room]:
    """The rooms a finished layout noted on its canvas."""
    notes: list[Room] = getattr(canvas, _NOTES, [])
    return list(notes)


def add_signature_fields(pdf: bytes, rooms: list[Room]) -> bytes:
    """``pdf`` with one empty signature field per room (unchanged when there are none)."""
    if not rooms:
        return pdf
    from pyhanko.pdf_utils import generic  # noqa: PLC0415 - pyHanko only when fields are added
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter  # noqa: PLC0415
    from pyhanko.sign.fields import SigFieldSpec, append_signature_field  # noqa: PLC0415

    class SameBytesWriter(IncrementalPdfFileWriter):
        """The same issued document must give the same bytes: no modification date."""

        def _update_meta(self) -> None:
            return

    writer = SameBytesWriter(io.BytesIO(pdf), strict=False)
    # The update's document ID is random in pyHanko; derive it from the content instead.
    writer._document_id = generic.ArrayObject(
        [writer._document_id[0], generic.ByteStringObject(hashlib.sha256(pdf).digest()[:16])]
    )
    for room in rooms:
        append_signature_field(
            writer, SigFieldSpec(field_name(room.role), on_page=room.page, box=room.box)
        )
    out = io.BytesIO()
    writer.write(out)  # type: ignore[no-untyped-call]
    return out.getvalue()
