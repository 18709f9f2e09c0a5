"""Issuing: a draft becomes a numbered document that never changes.

A draft (:class:`Document` with no number) can be made as often as wanted and
touches nothing. :func:`issue` refuses while anything required is missing or a
placeholder, or while the date would put the series out of order; otherwise it
takes the next number of the series (issuing symbol, type, term or year) and
stores the content, the PDF and the Word file in one transaction. A reprint
returns the stored files. An issued document is only ever voided (with a
reason) or replaced by a new one that says so.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from dvdesk import clock
from dvdesk.documents import wording
from dvdesk.documents.content import Document, Text, has_placeholder, reference
from dvdesk.documents.layout import render_pdf
from dvdesk.documents.settings import DocumentSettings, NumberingRule, get_document_settings
from dvdesk.documents.word import render_docx
from dvdesk.domain.people import Role
from dvdesk.errors import Conflict, NotFound, UserError
from dvdesk.i18n import _
from dvdesk.services import register_store
from dvdesk.services.auth import check
from dvdesk.services.register_store import IssuedNumber, NewEntry, Series
from dvdesk.services.store import Store

__all__ = [
    "Issued",
    "IssuedNumber",
    "NumberPreview",
    "find",
    "issue",
    "issued_files",
    "list_issued",
    "next_number_for",
    "period_key",
    "reprint",
    "series_for",
    "void_document",
]

TYPE_NAMES = {"BB": "Biên bản", "BC": "Báo cáo"}


@dataclass(frozen=True)
class Issued:
    """An issued document: its register entry and the files exactly as issued."""

    entry: IssuedNumber
    pdf: bytes | None
    docx: bytes | None

    @property
    def number(self) -> IssuedNumber:
        return self.entry


def period_key(settings: DocumentSettings, on: date) -> str:
    """The term or year a document dated ``on`` is numbered in, by the rule then in force."""
    rule, since = settings.rule_on(on)
    if rule is NumberingRule.TERM:
        start = settings.term_start(on)
        if start is not None:
            # A rule adopted mid-term starts its own series on the day it took effect.
            return f"term:{max(start, since).isoformat() if since else start.isoformat()}"
    return f"year:{on.year}"


def series_for(settings: DocumentSettings, document: Document) -> Series:
    head = document.header
    return Series(
        symbol=head.symbol, doc_type=head.doc_type, period_key=period_key(settings, head.on)
    )


def _unfinished(document: Document) -> list[str]:
    """Items named by the document's builder, then any placeholder left in a section."""
    items = list(document.missing)
    if items:  # placeholders left in the text come from these; name them once
        return items
    section = document.kind.capitalize()
    for block in document.blocks:
        if not isinstance(block, Text):
            continue
        if block.style == "heading":
            section = block.value
        elif has_placeholder(block.value) and not any(section in item for item in items):
            items.append(_('text still to be written under "{section}"').format(section=section))
    return items


def check_complete(document: Document) -> None:
    items = _unfinished(document)
    if items:
        signer = {wording.SIGNER_NAME_MISSING, wording.SIGNER_POST_MISSING} & set(items)
        raise UserError(
            _(
                "The document cannot be issued yet (no number was taken). Still missing: "
                "{items}. Fill them in, check the draft and issue again."
            ).format(items="; ".join(items)),
            step="office_settings" if signer else None,  # the signer is set there
        )


def _check_order(store: Store, series: Series, on: date) -> None:
    last = register_store.last_in_series(store, series=series)
    if last is not None and on < last.document_date:
        raise UserError(
            _(
                "Number {number} would be dated {date}, before number {last} of the same series "
                "dated {last_date}: numbers must follow the order of dates. Date the document "
                "{last_date} or later."
            ).format(
                number=f"{last.number + 1:02d}",
                date=on.strftime("%d/%m/%Y"),
                last=last.reference,
                last_date=last.document_date.strftime("%d/%m/%Y"),
            )
        )


def _check_not_issued(store: Store, subject_key: str, replaces: int | None) -> None:
    live = register_store.live_for(store, subject_key=subject_key)
    if live is not None and live.id != replaces:
        raise Conflict(
            _(
                "This document was already issued as number {number} on {date}. Reprint it with "
                "'dvdesk document show {number}', or issue a corrected one that replaces it."
            ).format(number=live.reference, date=live.document_date.strftime("%d/%m/%Y"))
        )


def _replacement_note(store: Store, replaces: int, doc_type: str) -> Text:
    old = register_store.get_entry(store, entry_id=replaces)
    if old.voided:
        # Trial 3: a clerk voided first, then asked for the replacement, and was only told
        # it could not be done.
        raise Conflict(
            _(
                "Document {number} was voided, and a void document is not replaced. Issue the "
                "corrected document without naming {number} as the one it replaces: it takes "
                "the next number. Nothing was issued."
            ).format(number=old.reference)
        )
    if old.replaced_by_id is not None:
        newer = register_store.get_entry(store, entry_id=old.replaced_by_id)
        raise Conflict(
            _(
                "Document {number} was already replaced by {newer}. To correct it again, "
                "replace {newer}. Nothing was issued."
            ).format(number=old.reference, newer=newer.reference)
        )
    if old.doc_type != doc_type:
        raise Conflict(
            _(
                "Document {number} is of another type; a replacement must be of the same type."
            ).format(number=old.reference)
        )
    name = TYPE_NAMES.get(old.doc_type, "văn bản").lower()
    return Text(
        style="note",
        value=f"(Thay thế {name} số {old.reference} ngày {old.document_date.strftime('%d/%m/%Y')})",
    )


def prepare(
    store: Store, *, document: Document, subject_key: str, replaces: int | None = None
) -> tuple[Document, Series, int]:
    """Every check issuing makes; the document as it will be numbered, its series and number."""
    if replaces is not None:
        note = _replacement_note(store, replaces, document.header.doc_type)
        document = document.model_copy(update={"blocks": [note, *document.blocks]})
    _check_not_issued(store, subject_key, replaces)
    check_complete(document)
    series = series_for(get_document_settings(store), document)
    _check_order(store, series, document.header.on)
    return document, series, register_store.next_number(store, series=series)


@dataclass(frozen=True)
class NumberPreview:
    """What issuing now would give: shown in the confirmation, then checked when issuing."""

    number: int
    reference: str  # "01-BB/BXDĐ"
    document_date: date


def next_number_for(
    store: Store, *, document: Document, subject_key: str, replaces: int | None = None
) -> NumberPreview:
    """The number issuing would give now (for the confirmation), after every check."""
    document, _series, number = prepare(
        store, document=document, subject_key=subject_key, replaces=replaces
    )
    return NumberPreview(
        number=number,
        reference=wording_reference(document, number),
        document_date=document.header.on,
    )


def wording_reference(document: Document, number: int) -> str:
    head = document.header
    return reference(
        document.page.template, number=number, doc_type=head.doc_type, symbol=head.symbol
    )


def issue(
    store: Store,
    *,
    document: Document,
    subject_key: str,
    record_id: str | None = None,
    replaces: int | None = None,
    expected_number: int | None = None,
    write: Callable[[Issued], None] | None = None,
) -> Issued:
    """Number ``document`` and keep exactly what was issued; refuse while it is unfinished.

    ``write`` (saving the issued file) runs before the number is committed: if it
    fails, nothing is issued.
    """
    check(store, Role.HEAD)  # issuing is the head's (lãnh đạo) decision
    document, series, number = prepare(
        store, document=document, subject_key=subject_key, replaces=replaces
    )
    numbered = document.numbered(number)
    issued_at = clock.now()  # both files carry the same issue time
    pdf = render_pdf(numbered, produced=issued_at)
    docx = render_docx(numbered, produced=issued_at)
    entry = register_store.add_entry(
        store,
        entry=NewEntry(
            series=series,
            subject_key=subject_key,
            record_id=record_id,
            document_date=numbered.header.on,
            template=numbered.page.template.value,
            title=numbered.title,
            content=numbered.model_dump(mode="json"),
            pdf=pdf,
            docx=docx,
            replaces_id=replaces,
        ),
        expected_number=expected_number if expected_number is not None else number,
        before_commit=None if write is None else lambda entry: write(Issued(entry, pdf, docx)),
    )
    return Issued(entry=entry, pdf=pdf, docx=docx)


_REFERENCE = re.compile(
    r"^\s*(?:Số:?\s*)?(?P<n>\d{1,4})\s*(?:-(?P<t1>[A-ZĐ]+)/(?P<s1>[A-ZĐ0-9]+)"
    r"|/(?P<t2>[A-ZĐ]+)-(?P<s2>[A-ZĐ0-9]+))\s*$"
)


def find(store: Store, *, number: str) -> IssuedNumber:
    """The entry a clerk means by ``01-BB/BXDĐ``, ``01/BB-UBND`` or a register id ``#12``."""
    text = number.strip().upper()
    if text.lstrip("#").isdigit():
        return register_store.get_entry(store, entry_id=int(text.lstrip("#")))
    match = _REFERENCE.match(text)
    if match is None:
        raise UserError(
            _(
                "{number} is not a document number; write it as printed, e.g. 01-BB/BDVHU or "
                "01/BB-UBND, or give the register id shown by 'dvdesk document list' as #12."
            ).format(number=number)
        )
    doc_type = match["t1"] or match["t2"]
    symbol = match["s1"] or match["s2"]
    found = register_store.find_entries(
        store, doc_type=doc_type, number=int(match["n"]), symbol=symbol
    )
    if not found:
        raise NotFound(
            _("No document {number} was issued. See 'dvdesk document list'.").format(number=number)
        )
    if len(found) > 1:
        dates = ", ".join(
            f"#{item.id} ({item.document_date.strftime('%d/%m/%Y')})" for item in found
        )
        raise UserError(
            _(
                "Several documents have number {number} (one per term or year): {dates}. "
                "Give the register id, e.g. {example}."
            ).format(number=number, dates=dates, example=f"#{found[-1].id}")
        )
    return found[0]


def reprint(store: Store, *, entry_id: int) -> Issued:
    """The files exactly as issued (byte for byte), whatever changed since."""
    entry = register_store.get_entry(store, entry_id=entry_id)
    files = register_store.stored_files(store, entry_id=entry_id)
    if files.pdf is None:
        raise NotFound(
            _(
                "Document {number} was numbered before the register kept issued files; there is "
                "nothing to reprint. Issue a replacement if a copy is needed."
            ).format(number=entry.reference)
        )
    return Issued(entry=entry, pdf=files.pdf, docx=files.docx)


def issued_files(store: Store, *, number: str) -> Issued:
    """The stored files of the document a clerk names by its number (or ``#id``)."""
    return reprint(store, entry_id=find(store, number=number).id)


def issued_document(store: Store, *, entry_id: int) -> Document | None:
    """The content of an issued document (None for entries from before 0004)."""
    files = register_store.stored_files(store, entry_id=entry_id)
    return None if files.content is None else Document.model_validate(files.content)


def void_document(store: Store, *, document_id: int, reason: str) -> IssuedNumber:
    """Void an issued document with a reason; its number is never given again."""
    check(store, Role.HEAD)
    if not reason.strip():
        raise UserError(_("Give the reason the document is void (--reason)."))
    return register_store.void_entry(store, entry_id=document_id, reason=reason.strip())


def list_issued(store: Store, *, doc_type: str | None = None) -> list[IssuedNumber]:
    return register_store.list_entries(store, doc_type=doc_type)
