"""The one place chữ ký số reads the register of issued documents.

The register on this branch keeps numbers but not the issued files, so the
issued PDF must be given (``--in`` on the command line). When the register
keeps the issued PDF (issue 12), :func:`issued_pdf` reads it from there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dvdesk.documents.register import list_issued
from dvdesk.errors import NotFound, UserError
from dvdesk.i18n import _
from dvdesk.services.store import Store


@dataclass(frozen=True)
class IssuedEntry:
    id: int
    doc_type: str
    number: int
    symbol: str
    record_id: str | None
    document_date: date
    voided: bool

    @property
    def reference(self) -> str:
        return f"{self.number:02d}-{self.doc_type}/{self.symbol}"


def issued_entries(store: Store) -> list[IssuedEntry]:
    return [
        IssuedEntry(
            id=item.id,
            doc_type=item.doc_type,
            number=item.number,
            symbol=item.symbol,
            record_id=item.record_id,
            document_date=item.document_date,
            voided=item.voided,
        )
        for item in list_issued(store)
    ]


def issued_entry(store: Store, *, number: str) -> IssuedEntry:
    """The entry a clerk means by its register id (``12``, ``#12``) or its number
    as printed (``01-BB/BDVHU``)."""
    text = number.strip().upper()
    entries = issued_entries(store)
    if text.lstrip("#").isdigit():
        found = [entry for entry in entries if entry.id == int(text.lstrip("#"))]
    else:
        found = [entry for entry in entries if entry.reference == text]
    live = [entry for entry in found if not entry.voided] or found
    if not live:
        raise NotFound(
            _("No document {number} was issued. See 'dvdesk document list'.").format(number=number)
        )
    if len(live) > 1:
        raise UserError(
            _("Several documents have number {number}; give the register id, e.g. #{id}.").format(
                number=number, id=live[-1].id
            )
        )
    return live[0]


def stored_issued_pdf(store: Store, *, entry: IssuedEntry) -> bytes | None:
    """The issued PDF as the register keeps it (None: the register keeps no files)."""
    del store, entry  # the register on this branch keeps numbers only
    return None


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
