"""Where this office's key card goes, worded for where the office stands.

A commune takes its card to the province above; a province reporting to the centre
takes it up and also gives it to its communes (they check its receipts and requests
with it); the top office has no office above and gives its card only downward.
"""

from __future__ import annotations

from dvdesk.i18n import _
from dvdesk.services.office_view import OfficeView


def card_advice(office: OfficeView) -> str:
    """What to do with the key card just written."""
    above = office.parent_name or office.parent_code
    if above and office.has_offices_below:
        return _(
            "Take it to {above}, which enrols it to accept this office's packages, and give "
            "it to the offices below, which enrol it to accept this office's receipts."
        ).format(above=above)
    if above:
        return _("Take it to {above}, which enrols it to accept this office's packages.").format(
            above=above
        )
    if office.has_offices_below:
        return _(
            "This office has no office above. Give the key card to the offices below, which "
            "enrol it to accept this office's receipts and report requests."
        )
    return _("Keep it safe: no office above or below is set up yet.")


def fingerprint_advice(office: OfficeView, fingerprint: str) -> str:
    """The key's fingerprint, and who compares it by phone when enrolling the card."""
    above = office.parent_name or office.parent_code
    if above and office.has_offices_below:
        who = _(
            "Read it by phone to {above} and to the offices below when they enrol your key card."
        )
    elif above:
        who = _("Read it by phone to {above} when it enrols your key card.")
    elif office.has_offices_below:
        who = _(
            "This office has no office above: read it by phone to the offices below when "
            "they enrol your key card."
        )
    else:
        who = _("Read it by phone to any office that enrols your key card.")
    return (
        _("Key fingerprint: {fingerprint}.").format(fingerprint=fingerprint)
        + " "
        + who.format(above=above)
    )


def parent_advice(office: OfficeView) -> str:
    """Where packages go after the office above was set, and the key card it needs."""
    return _(
        "This office now reports to {name} ({code}); its next package goes there. If it "
        "has not enrolled this office's key card yet, give it the card and read it the "
        "fingerprint by phone."
    ).format(name=office.parent_name, code=office.parent_code)


def move_advice(*, old_name: str, new_name: str, new_code: str, fingerprint: str) -> str:
    """What the clerk does after moving the office to a new office above (one text for the
    command line and the settings dialog)."""
    return _(
        "This office now reports to {name} ({code}) instead of {old}, and has a new key for "
        "it. Next: 1. write the new key card and take it to {name}; 2. read it the "
        "fingerprint by phone ({fingerprint}) while it enrols the card; 3. enrol the key card "
        "of {name} here if it is not enrolled yet; 4. export: the first package to {name} "
        "carries all of this office's data. Nothing more is sent to {old}, and its receipts "
        "are no longer taken."
    ).format(name=new_name, code=new_code, old=old_name, fingerprint=fingerprint)
