"""Was a signer's certificate revoked when it signed? Answered from the imported lists.

The time compared with a revocation date must be one a forger cannot choose: a
timestamp from a timestamp server whose chain is trusted. The signer's own clock
(the time written into the signature) is not: a signer whose certificate was revoked
could set it back. Without a trusted timestamp a listed certificate counts as revoked,
and the message says which time was used and why.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from cryptography import x509
from cryptography.exceptions import InvalidSignature

from dvdesk.i18n import _
from dvdesk.signatures.revocation_lists import StoredList


class RevocationState(StrEnum):
    NOT_CHECKED = "not_checked"  # no list from the signer's authority
    GOOD = "good"  # not on the list
    OUTDATED = "outdated"  # not on the list, but the list is past its next update
    REVOKED = "revoked"  # on the list, and not shown to have signed before
    SIGNED_BEFORE = "signed_before"  # on the list, but a trusted timestamp is earlier


@dataclass(frozen=True)
class Revocation:
    state: RevocationState
    text: str
    revoked_at: datetime | None = None


def _when(moment: datetime) -> str:
    return moment.astimezone().strftime("%d/%m/%Y %H:%M")


def _day(moment: datetime) -> str:
    return moment.astimezone().strftime("%d/%m/%Y")


def _issued_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        cert.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def list_for(cert: x509.Certificate, lists: Sequence[StoredList]) -> StoredList | None:
    """The kept list of the authority that issued ``cert`` (same name, and its key signed it)."""
    return next(
        (
            kept
            for kept in lists
            if kept.crl.issuer == cert.issuer and _issued_by(cert, kept.issuer)
        ),
        None,
    )


def assess(
    cert: x509.Certificate,
    *,
    lists: Sequence[StoredList],
    trusted_time: datetime | None,
    claimed_time: datetime | None,
    now: datetime | None = None,
) -> Revocation:
    """The revocation status of ``cert`` in words; ``trusted_time`` is a trusted timestamp's
    time or None, ``claimed_time`` the signer's own."""
    kept = list_for(cert, lists)
    if kept is None:
        return Revocation(
            RevocationState.NOT_CHECKED,
            _(
                "Revocation: not checked, as no revocation list of the certificate authority "
                "is imported. Ask the authority for its list (.crl) and add it under Trusted "
                "root certificates."
            ),
        )
    entry = kept.crl.get_revoked_certificate_by_serial_number(cert.serial_number)
    if entry is not None:
        return _listed(entry.revocation_date_utc, trusted_time, claimed_time)
    return _not_listed(kept.crl, now or datetime.now(UTC))


def _not_listed(crl: x509.CertificateRevocationList, now: datetime) -> Revocation:
    issued = _day(crl.last_update_utc)
    following = crl.next_update_utc
    if following is not None and following < now:
        return Revocation(
            RevocationState.OUTDATED,
            _(
                "Not revoked according to the list of {date}, but that list is outdated (a new "
                "one was due on {due}): revocations since are unknown. Get the authority's new "
                "list and add it."
            ).format(date=issued, due=_day(following)),
        )
    return Revocation(
        RevocationState.GOOD,
        _("Not revoked according to the list of {date}.").format(date=issued),
    )


def _listed(
    revoked_at: datetime, trusted_time: datetime | None, claimed_time: datetime | None
) -> Revocation:
    if trusted_time is not None and trusted_time < revoked_at:
        return Revocation(
            RevocationState.SIGNED_BEFORE,
            _(
                "The certificate was revoked on {revoked}, but the trusted timestamp shows the "
                "signature was made earlier, on {signed}: the signature stays valid."
            ).format(revoked=_when(revoked_at), signed=_when(trusted_time)),
            revoked_at,
        )
    if trusted_time is not None:
        return Revocation(
            RevocationState.REVOKED,
            _(
                "Revoked: the certificate was revoked on {revoked}, before the signing time "
                "given by the trusted timestamp ({signed})."
            ).format(revoked=_when(revoked_at), signed=_when(trusted_time)),
            revoked_at,
        )
    if claimed_time is not None and claimed_time < revoked_at:
        return Revocation(
            RevocationState.REVOKED,
            _(
                "Revoked: the certificate was revoked on {revoked}. The signer's own clock says "
                "{claimed}, earlier, but without a trusted timestamp that time cannot be relied "
                "on, so the signature is treated as made after the revocation."
            ).format(revoked=_when(revoked_at), claimed=_when(claimed_time)),
            revoked_at,
        )
    if claimed_time is not None:
        text = _(
            "Revoked: the certificate was revoked on {revoked}; even the signer's own clock "
            "({claimed}) puts the signature after that."
        ).format(revoked=_when(revoked_at), claimed=_when(claimed_time))
    else:
        text = _(
            "Revoked: the certificate was revoked on {revoked}, and the signature carries no "
            "trusted signing time."
        ).format(revoked=_when(revoked_at))
    return Revocation(RevocationState.REVOKED, text, revoked_at)
