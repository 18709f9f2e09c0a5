"""Building blocks every document's content shares: page, header, signer, placeholders."""

from __future__ import annotations

from datetime import date

from dvdesk.documents import wording
from dvdesk.documents.content import Header, Page, Signer, Text, has_placeholder
from dvdesk.documents.layout import break_header_names
from dvdesk.documents.settings import DocumentSettings, Template
from dvdesk.services.office_view import Profile


def page(settings: DocumentSettings) -> Page:
    return Page(
        template=settings.template,
        margin_top=settings.margin_top,
        margin_bottom=settings.margin_bottom,
        margin_left=settings.margin_left,
        margin_right=settings.margin_right,
    )


def header(*, settings: DocumentSettings, profile: Profile, doc_type: str, on: date) -> Header:
    """The header of a draft (no number), the names broken for the left column."""
    superior, issuing, size = break_header_names(
        superior=profile.superior,
        issuing=profile.header_name,
        settings=settings,
        place_line=wording.date_line(profile.place, on),
    )
    return Header(
        superior=superior,
        issuing=issuing,
        size=size,
        symbol=profile.symbol,
        doc_type=doc_type,
        number=None,
        place=profile.place,
        on=on,
    )


def capacity(value: str | None, template: Template) -> str | None:
    """A signing capacity in the template's style: K/T (Party) or KT. (state)."""
    if not value:
        return None
    shown = value.upper()
    return wording.state_capacity(shown) if template is Template.STATE else shown


def signer(
    *, capacity_text: str | None, post: str | None, name: str | None, template: Template
) -> Signer:
    return Signer(
        capacity=capacity(capacity_text, template),
        post=post.upper() if post else None,
        name=name or None,
    )


def body(value: str) -> Text:
    return Text(value=value)


def heading(value: str) -> Text:
    return Text(style="heading", value=value)


def bullet(value: str) -> Text:
    return Text(style="bullet", value=value)


def paragraphs(value: str | None) -> list[Text]:
    """Each line of a user's text as a body paragraph (blank lines dropped)."""
    if not value:
        return []
    return [body(line.strip()) for line in value.splitlines() if line.strip()]


def sentence_end(value: str) -> str:
    """The text with exactly one full stop (or its own ?, !, …) at the end."""
    value = value.strip().rstrip(";,")
    return value if value.endswith((".", "?", "!", "…", ":")) else f"{value}."


def need(missing: list[str], label: str, value: str | None) -> None:
    """Note ``label`` as missing when ``value`` is empty or still a placeholder."""
    if has_placeholder(value):
        missing.append(label)
