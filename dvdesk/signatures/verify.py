"""Check every chữ ký số in a PDF, offline.

For each signature: is it intact (the signed bytes hash to what was signed),
what does it cover (the whole file, or were revisions added after it, and of
what kind), does its certificate chain reach a root this office trusts, and was
the certificate valid when it signed. Revocation is never looked up (there is
no network): it is checked against the revocation lists the office imported
(:mod:`dvdesk.signatures.revocation`), and without one the result says "not
checked" rather than pretending.
"""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from dvdesk.i18n import N_, _
from dvdesk.signatures.revocation import Revocation, RevocationState, assess
from dvdesk.signatures.revocation_lists import StoredList
from dvdesk.signatures.token import certificate_name

log = logging.getLogger(__name__)
# pyHanko logs a traceback for every chain it cannot build; the verdict below says it plainly.
logging.getLogger("pyhanko").setLevel(logging.CRITICAL)
MAX_PDF = 64 * 1024 * 1024


class Status(StrEnum):
    VALID = "valid"  # intact, whole document (or only signatures added), trusted, in date
    UNTRUSTED = "untrusted"  # intact, but the chain does not reach a trusted root, or out of date
    INVALID = "invalid"  # broken: the signed bytes were changed, or content changed after
    REVOKED = "revoked"  # intact, but the certificate was revoked before it signed
    UNSIGNED = "unsigned"  # the document carries no signature (for received documents)


STATUS_LABELS = {
    Status.VALID: N_("valid"),
    Status.UNTRUSTED: N_("not trusted"),
    Status.INVALID: N_("invalid"),
    Status.REVOKED: N_("certificate revoked"),
    Status.UNSIGNED: N_("not signed"),
}
# A table cell's worth; the full sentence (which list, which time) is SignatureCheck.revocation.
REVOCATION_LABELS = {
    RevocationState.NOT_CHECKED: N_("revocation not checked"),
    RevocationState.GOOD: N_("not revoked"),
    RevocationState.OUTDATED: N_("not revoked, list outdated"),
    RevocationState.REVOKED: N_("certificate revoked"),
    RevocationState.SIGNED_BEFORE: N_("signed before the revocation"),
}
# "chưa kiểm tra thu hồi": no revocation data offline, so nobody can say the
# certificate was not revoked. Shown with every signature.
REVOCATION_NOT_CHECKED = N_("revocation not checked")


@dataclass(frozen=True)
class SignatureCheck:
    field: str
    signer: str
    organisation: str | None
    issuer: str
    signed_at: datetime | None  # the timestamp's time if any, else the signer's own claim
    timestamped: bool
    intact: bool
    whole_document: bool
    added_after: str | None  # what later revisions did, in words; None when nothing
    chain_trusted: bool
    valid_at_signing: bool
    revocation: str
    revocation_state: RevocationState
    revoked_at: datetime | None
    status: Status
    problems: tuple[str, ...]


@dataclass(frozen=True)
class VerifyResult:
    signatures: tuple[SignatureCheck, ...]

    @property
    def all_valid(self) -> bool:
        return bool(self.signatures) and all(s.status is Status.VALID for s in self.signatures)

    @property
    def overall(self) -> Status:
        if not self.signatures:
            return Status.UNSIGNED
        if any(s.status is Status.INVALID for s in self.signatures):
            return Status.INVALID
        if any(s.status is Status.REVOKED for s in self.signatures):
            return Status.REVOKED
        if any(s.status is Status.UNTRUSTED for s in self.signatures):
            return Status.UNTRUSTED
        return Status.VALID

    @property
    def signers(self) -> list[str]:
        return [s.signer for s in self.signatures]


def verify_pdf(
    data: bytes, *, roots: list[asn1_x509.Certificate], crls: Sequence[StoredList] = ()
) -> VerifyResult:
    """Every signature in ``data`` checked against ``roots`` and the revocation lists
    ``crls``; a damaged file is one invalid entry rather than an exception."""
    if len(data) > MAX_PDF:
        return VerifyResult(signatures=(_broken(_("The file is too large to be checked.")),))
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        embedded = list(reader.embedded_signatures)
    except (PdfError, ValueError, KeyError, TypeError) as error:
        log.info("unreadable PDF: %s", type(error).__name__)
        return VerifyResult(
            signatures=(_broken(_("The file is not a readable PDF (damaged or changed).")),)
        )
    return VerifyResult(signatures=tuple(_check(sig, roots=roots, crls=crls) for sig in embedded))


def _broken(problem: str) -> SignatureCheck:
    return SignatureCheck(
        field="",
        signer="",
        organisation=None,
        issuer="",
        signed_at=None,
        timestamped=False,
        intact=False,
        whole_document=False,
        added_after=None,
        chain_trusted=False,
        valid_at_signing=False,
        revocation=_(REVOCATION_NOT_CHECKED),
        revocation_state=RevocationState.NOT_CHECKED,
        revoked_at=None,
        status=Status.INVALID,
        problems=(problem,),
    )


def _check(
    signature: EmbeddedPdfSignature,
    *,
    roots: list[asn1_x509.Certificate],
    crls: Sequence[StoredList],
) -> SignatureCheck:
    claimed = signature.self_reported_timestamp
    # The lists go to pyHanko too, for certificates that name where their authority
    # publishes its list (pyHanko checks those, intermediate authorities included);
    # "retroactive" because a list is usually issued after the document was signed.
    context = ValidationContext(
        trust_roots=list(roots),
        other_certs=[_asn1(kept.issuer) for kept in crls],
        allow_fetching=False,
        revocation_mode="soft-fail",
        moment=claimed,
        crls=[kept.crl.public_bytes(serialization.Encoding.DER) for kept in crls],
        retroactive_revinfo=True,
    )
    try:
        status = asyncio.run(
            async_validate_pdf_signature(signature, signer_validation_context=context)
        )
    except (SignatureValidationError, PdfError, ValueError, KeyError, TypeError) as error:
        log.info("signature %s could not be validated: %s", signature.field_name, error)
        broken = _broken(_("The signature could not be read: it is damaged."))
        return SignatureCheck(**{**broken.__dict__, "field": signature.field_name or ""})
    return _summarise(signature, status, crls=crls)


def _asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def _revocation(status: PdfSignatureStatus, *, crls: Sequence[StoredList]) -> Revocation:
    """dvdesk's reading of the lists, unless pyHanko found a revoked authority above."""
    stamped = status.timestamp_validity
    trusted_stamp = stamped is not None and stamped.valid and stamped.intact and stamped.trusted
    found = assess(
        x509.load_der_x509_certificate(status.signing_cert.dump()),
        lists=crls,
        trusted_time=stamped.timestamp if stamped is not None and trusted_stamp else None,
        claimed_time=status.signer_reported_dt,
    )
    details = status.revocation_details
    if details is None:
        return found
    if details.ca_revoked:  # dvdesk reads the signer's own entry only; this is above it
        text = _("Revoked: a certificate authority of the chain was revoked on {date}.")
    elif found.state in (RevocationState.REVOKED, RevocationState.SIGNED_BEFORE):
        return found  # the same entry, read with the trusted time rather than the claimed one
    else:
        text = _("Revoked: the certificate was revoked on {date}.")
    when = details.revocation_date
    date = when.astimezone().strftime("%d/%m/%Y %H:%M")
    return Revocation(RevocationState.REVOKED, text.format(date=date), when)


def _summarise(
    signature: EmbeddedPdfSignature, status: PdfSignatureStatus, *, crls: Sequence[StoredList]
) -> SignatureCheck:
    cert = status.signing_cert
    stamped = status.timestamp_validity
    signed_at = stamped.timestamp if stamped is not None else status.signer_reported_dt
    revocation = _revocation(status, crls=crls)
    revoked = revocation.state is RevocationState.REVOKED
    # pyHanko calls a revoked chain untrusted; it did reach a trusted root.
    chain_trusted = bool(status.trusted or status.revoked)
    validity = cert["tbs_certificate"]["validity"]
    in_date = signed_at is not None and (
        validity["not_before"].native <= signed_at <= validity["not_after"].native
    )
    whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    level = status.modification_level
    changed = level is not None and level >= ModificationLevel.OTHER
    added = None if whole else _added_after(level)
    problems: list[str] = []
    if not status.intact or not status.valid:
        problems.append(_("The signed content was changed after signing."))
    if changed:
        problems.append(
            _("The document was changed after this signature: {what}.").format(what=added)
        )
    if revocation.state in (RevocationState.REVOKED, RevocationState.OUTDATED):
        problems.append(revocation.text)
    if not chain_trusted:
        problems.append(
            _(
                "The certificate chain does not reach a trusted root. Add the root with "
                "'dvdesk trust add-root' if you trust it."
            )
        )
    if not in_date:
        problems.append(_("The certificate was not valid at the signing time."))
    intact = bool(status.intact and status.valid)
    if not intact or changed:
        verdict = Status.INVALID
    elif revoked:
        verdict = Status.REVOKED
    elif chain_trusted and in_date and (stamped is None or stamped.valid):
        verdict = Status.VALID
    else:
        verdict = Status.UNTRUSTED
    organisation = cert.subject.native.get("organization_name")
    return SignatureCheck(
        field=signature.field_name or "",
        signer=certificate_name(cert.subject),
        organisation=str(organisation) if organisation else None,
        issuer=certificate_name(cert.issuer),
        signed_at=signed_at,
        timestamped=stamped is not None,
        intact=intact,
        whole_document=whole,
        added_after=added,
        chain_trusted=chain_trusted,
        valid_at_signing=in_date,
        revocation=revocation.text,
        revocation_state=revocation.state,
        revoked_at=revocation.revoked_at,
        status=verdict,
        problems=tuple(problems),
    )


def _added_after(level: ModificationLevel | None) -> str:
    if level is None or level == ModificationLevel.NONE:
        return _("nothing")
    if level == ModificationLevel.LTA_UPDATES:
        return _("validation data only")
    if level == ModificationLevel.FORM_FILLING:
        return _("further signatures or form fields only")
    if level == ModificationLevel.ANNOTATIONS:
        return _("comments or annotations")
    return _("other changes to the content")
