"""The one place chữ ký số reads the register of issued documents (issue 12's API).

The register keeps each issued document's PDF exactly as issued; an entry
numbered before it kept files has none, and its issued PDF must then be given
(``--in`` on the command line).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dvdesk.documents.register import IssuedNumber, find, issued_document, list_issued
from dvdesk.errors import NotFound
from dvdesk.i18n import _
from dvdesk.services.register_store import stored_files
from dvdesk.services.store import Store
from dvdesk.signatures.printed import PrintedPerson, printed_people


@dataclass(frozen=True)
class IssuedEntry:
    id: int
    doc_type: str
    number: int
    symbol: str
    record_id: str | None
    document_date: date
    voided: bool
    reference: str


def _entry(item: IssuedNumber) -> IssuedEntry:
    return IssuedEntry(
        id=item.id,
        doc_type=item.doc_type,
        number=item.number,
        symbol=item.symbol,
        record_id=item.record_id,
        document_date=item.document_date,
        voided=item.voided,
        reference=item.reference,
    )


def issued_entries(store: Store) -> list[IssuedEntry]:
    return [_entry(item) for item in list_issued(store)]


def issued_entry(store: Store, *, number: str) -> IssuedEntry:
    """The entry a clerk means by its number as printed (``01-BB/BDVHU``) or ``#12``."""
    text = number.strip()
    if text.isdigit():
        text = f"#{text}"
    return _entry(find(store, number=text))


def stored_issued_pdf(store: Store, *, entry: IssuedEntry) -> bytes | None:
    """The issued PDF as the register keeps it (None: numbered before it kept files)."""
    return stored_files(store, entry_id=entry.id).pdf


def issued_pdf(store: Store, *, entry: IssuedEntry, given: bytes | None) -> bytes:
    stored = stored_issued_pdf(store, entry=entry)
    if stored is not None:
        return stored
    if given is None:
        raise NotFound(
            _(
                "The register does not keep the issued file of {number}. Give the issued PDF "
                "with --in FILE.pdf."
            ).format(number=entry.reference)
        )
    return given


def printed_on(store: Store, *, entry: IssuedEntry) -> tuple[PrintedPerson, ...]:
    """The people the issued document names under its signatures (none kept: none known)."""
    document = issued_document(store, entry_id=entry.id)
    return () if document is None else printed_people(document)
