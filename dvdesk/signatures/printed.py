"""Who the issued document names in each signature place, checked against the card.

A signature is kept for good: a second one in the same place is refused. Minutes
signed "as the chair" with the note-taker's certificate (the dialog's default role
is the chair) could then only be voided and issued again. So before the token signs,
the certificate's holder is looked for among the people printed under the
signatures: when the holder is printed in another place than the one asked for,
nothing is signed and the clerk is told which place is theirs. A holder printed
nowhere (someone signing on another's behalf, a certificate name spelt otherwise)
is not refused: the document cannot tell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dvdesk.documents.content import Document, Signer
from dvdesk.text import fold

# The layout's signature fields (dvdesk/documents/layout.py): the right-hand signer is
# the chair of minutes or the signer of anything with "Nơi nhận"; the note-taker is
# whoever is printed as NGƯỜI GHI BIÊN BẢN.
CHAIR = "chair"
SIGNER = "signer"
NOTE_TAKER = "note_taker"
_NOTE_TAKER_POST = "GHI BIÊN BẢN"


@dataclass(frozen=True)
class PrintedPerson:
    role: str  # a signatures.sign.Role value
    name: str


def printed_people(document: Document) -> tuple[PrintedPerson, ...]:
    """The named people of ``document``'s signature places that can be signed digitally."""
    closing = document.closing
    people: list[PrintedPerson] = []
    right_role = CHAIR if closing.recipients is None else SIGNER
    if closing.right.name:
        people.append(PrintedPerson(role=right_role, name=closing.right.name))
    for signer in (closing.left, *closing.extra):
        if signer is not None and signer.name and _is_note_taker(signer):
            people.append(PrintedPerson(role=NOTE_TAKER, name=signer.name))
    return tuple(people)


def _is_note_taker(signer: Signer) -> bool:
    return bool(signer.post) and _NOTE_TAKER_POST in (signer.post or "").upper()


def same_person(certificate_name: str, printed_name: str) -> bool:
    """The same full name, with or without diacritics, any case; a certificate may add the
    post after a comma, a dash or in brackets ("Nguyễn Văn An - Trưởng ban")."""
    holder = re.split(r"[,(/]| - ", certificate_name)[0]
    return bool(fold(printed_name)) and fold(holder) == fold(printed_name)


@dataclass(frozen=True)
class Mismatch:
    """The holder is printed in ``theirs``; the place asked for names ``expected``."""

    theirs: str  # a role value
    expected: str | None


def mismatch(*, holder: str, role: str, printed: tuple[PrintedPerson, ...]) -> Mismatch | None:
    """Why ``holder`` should not sign as ``role`` (None: nothing against it)."""
    if any(p.role == role and same_person(holder, p.name) for p in printed):
        return None
    elsewhere = [p for p in printed if p.role != role and same_person(holder, p.name)]
    if not elsewhere:
        return None
    expected = next((p.name for p in printed if p.role == role), None)
    return Mismatch(theirs=elsewhere[0].role, expected=expected)
