"""Certificate revocation lists (CRL) a certificate authority hands out on a stick.

dvdesk has no network, so "was this signer's certificate revoked?" can only be
answered from a list the office imports. A list is taken only when its signature
verifies with a trusted root (or with a subordinate authority's certificate that a
trusted root issued), and only if it is newer than the one already kept for that
authority's key: an older list would hide revocations made since (a rollback).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from sqlmodel import Session, col, select

from dvdesk.clock import now_iso
from dvdesk.db.schema import RevocationList
from dvdesk.domain.people import Role as UserRole
from dvdesk.errors import Conflict, UserError
from dvdesk.formatting import short_date
from dvdesk.i18n import N_, _
from dvdesk.services.audit import audit
from dvdesk.services.auth import check
from dvdesk.services.store import Store
from dvdesk.signatures.kept_files import file_name, one_by_prefix, read_capped, refuse_changed
from dvdesk.signatures.token import certificate_name
from dvdesk.signatures.trust_roots import MAX_CERTIFICATE, load_certificate, root_certificates

# The largest national CAs publish lists of a few MiB; 32 MiB leaves room and still
# refuses a disk image or a 2 GiB sparse file before a byte of it is read.
MAX_CRL = 32 * 1024 * 1024
# A list dated further ahead than this is wrong (or made to block the real next one).
CLOCK_SLACK = timedelta(days=1)
TOO_LARGE = N_(
    "{file} is too large to be a certificate revocation list. Choose the .crl file "
    "the certificate authority published."
)
ISSUER_TOO_LARGE = N_(
    "{file} is too large to be a certificate. Choose the authority's certificate."
)


@dataclass(frozen=True)
class CrlInfo:
    issuer_key: str
    issuer: str
    fingerprint: str
    number: str | None
    this_update: datetime
    next_update: datetime | None
    revoked: int
    added_by: str
    added_at: str


@dataclass(frozen=True)
class StoredList:
    """A kept list and the certificate whose key signed it, for checking signatures."""

    crl: x509.CertificateRevocationList
    issuer: x509.Certificate


@dataclass(frozen=True)
class _Checked:
    crl: x509.CertificateRevocationList
    issuer: x509.Certificate
    der: bytes


class UnknownIssuer(UserError):
    """No trusted authority signed the list; a front-end may offer to choose the
    certificate of the subordinate authority named ``issuer``."""

    def __init__(self, message: str, *, issuer: str) -> None:
        super().__init__(message)
        self.issuer = issuer


def summary(info: CrlInfo) -> str:
    """Issue date, next update and entries: what an administrator checks before taking it."""
    following = (
        short_date(info.next_update.astimezone().date()) if info.next_update else _("not given")
    )
    return _("issued {issued}, next update {next}, {count} revoked certificate(s).").format(
        issued=short_date(info.this_update.astimezone().date()), next=following, count=info.revoked
    )


def _parse(data: bytes, *, source: Path) -> x509.CertificateRevocationList:
    try:
        if data.lstrip().startswith(b"-----BEGIN"):
            return x509.load_pem_x509_crl(data)
        return x509.load_der_x509_crl(data)
    except ValueError:
        raise UserError(
            _(
                "{file} is not a certificate revocation list (CRL, PEM or DER). Choose the "
                ".crl file the certificate authority published."
            ).format(file=file_name(source))
        ) from None


def _issuer_file(path: Path) -> x509.Certificate:
    data = read_capped(path, limit=MAX_CERTIFICATE, too_large=ISSUER_TOO_LARGE)
    cert = load_certificate(data, source=file_name(path))
    return x509.load_der_x509_certificate(cert.dump())


def _directly_issued(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        cert.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def _signs(crl: x509.CertificateRevocationList, cert: x509.Certificate) -> bool:
    if crl.issuer != cert.subject:
        return False
    try:
        return crl.is_signature_valid(cert.public_key())  # type: ignore[arg-type]
    except (TypeError, ValueError):  # a key type that cannot sign lists
        return False


def _is_authority(cert: x509.Certificate) -> bool:
    try:
        constraints = cert.extensions.get_extension_for_class(x509.BasicConstraints).value
    except x509.ExtensionNotFound:
        return False
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return constraints.ca  # no key usage: any use allowed (RFC 5280)
    return constraints.ca and usage.crl_sign


def _trusted_signers(
    roots: list[x509.Certificate], intermediate: x509.Certificate | None
) -> list[x509.Certificate]:
    """Roots, and the given subordinate authority only if a trusted root issued it."""
    if intermediate is None:
        return roots
    if not _is_authority(intermediate) or not any(
        _directly_issued(intermediate, root) for root in roots
    ):
        raise UserError(
            _(
                "The certificate of {issuer} was not issued by a trusted root, or is not a "
                "certificate authority. Add the root of its chain first, then the list again."
            ).format(issuer=_name(intermediate.subject))
        )
    return [intermediate, *roots]


def _name(name: x509.Name) -> str:
    return certificate_name(asn1_x509.Name.load(name.public_bytes()))


def _check_list(
    data: bytes, *, source: Path, roots: list[x509.Certificate], issuer: x509.Certificate | None
) -> _Checked:
    crl = _parse(data, source=source)
    _refuse_partial(crl, source=source)
    signer = next((cert for cert in _trusted_signers(roots, issuer) if _signs(crl, cert)), None)
    if signer is None:
        raise UnknownIssuer(
            _(
                "{file} is not signed by a trusted certificate authority (it names {issuer}). "
                "Add that authority's root certificate first; if a subordinate authority issued "
                "the list, give its certificate too."
            ).format(file=file_name(source), issuer=_name(crl.issuer)),
            issuer=_name(crl.issuer),
        )
    _refuse_odd_dates(crl, source=source)
    return _Checked(crl=crl, issuer=signer, der=crl.public_bytes(serialization.Encoding.DER))


def _refuse_partial(crl: x509.CertificateRevocationList, *, source: Path) -> None:
    """Only complete lists: a delta or indirect list says nothing about the others."""
    partial = False
    for extension in crl.extensions:
        if isinstance(extension.value, x509.DeltaCRLIndicator):
            partial = True
        elif isinstance(extension.value, x509.IssuingDistributionPoint):
            point = extension.value
            partial = point.indirect_crl or point.only_some_reasons is not None
    if partial:
        raise UserError(
            _(
                "{file} is a partial revocation list (delta or indirect). Ask the certificate "
                "authority for its complete list."
            ).format(file=file_name(source))
        )


def _refuse_odd_dates(crl: x509.CertificateRevocationList, *, source: Path) -> None:
    issued = crl.last_update_utc
    following = crl.next_update_utc
    if issued > datetime.now(UTC) + CLOCK_SLACK or (following is not None and following < issued):
        raise UserError(
            _(
                "{file} has impossible dates (issued {date}). Check this computer's date, then "
                "ask the certificate authority for its current list."
            ).format(file=file_name(source), date=issued.date().isoformat())
        )


def _key_id(cert: x509.Certificate) -> str:
    spki = cert.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return hashlib.sha256(spki).hexdigest()


def _number(crl: x509.CertificateRevocationList) -> int | None:
    try:
        return crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number
    except x509.ExtensionNotFound:
        return None


def _read(store: Store, *, path: Path, issuer_path: Path | None) -> _Checked:
    data = read_capped(path, limit=MAX_CRL, too_large=TOO_LARGE)
    issuer = _issuer_file(issuer_path) if issuer_path is not None else None
    roots = [x509.load_der_x509_certificate(cert.dump()) for cert in root_certificates(store)]
    return _check_list(data, source=path, roots=roots, issuer=issuer)


def _info(checked: _Checked, *, added_by: str, added_at: str) -> CrlInfo:
    number = _number(checked.crl)
    return CrlInfo(
        issuer_key=_key_id(checked.issuer),
        issuer=_name(checked.crl.issuer),
        fingerprint=hashlib.sha256(checked.der).hexdigest(),
        number=None if number is None else str(number),
        this_update=checked.crl.last_update_utc,
        next_update=checked.crl.next_update_utc,
        revoked=len(checked.crl),
        added_by=added_by,
        added_at=added_at,
    )


def preview_crl(store: Store, *, path: Path, issuer_path: Path | None = None) -> CrlInfo:
    """What importing ``path`` would keep (issuer, dates, entries), changing nothing; refused
    here already if no trusted authority signed it."""
    return _info(_read(store, path=path, issuer_path=issuer_path), added_by="", added_at="")


def add_crl(
    store: Store, *, path: Path, issuer_path: Path | None = None, expected: str | None = None
) -> CrlInfo:
    """Keep the list in ``path`` as its authority's current one; with ``expected``, only if
    its fingerprint is that one (the file the administrator saw, not one swapped since)."""
    check(store, UserRole.ADMIN)  # what counts as revoked is a setting: the administrator's
    checked = _read(store, path=path, issuer_path=issuer_path)
    info = _info(checked, added_by=store.actor, added_at=now_iso())
    refuse_changed(path, expected=expected, fingerprint=info.fingerprint)
    with store.session() as session:
        kept = session.get(RevocationList, info.issuer_key)
        if kept is not None:
            _refuse_rollback(kept, info)
            session.delete(kept)
            session.flush()
        row = _row(checked, info)
        session.add(row)
        _audit(session, store, "replace" if kept is not None else "add", row)
    return info


def _row(checked: _Checked, info: CrlInfo) -> RevocationList:
    return RevocationList(
        issuer_key=info.issuer_key,
        issuer=info.issuer,
        issuer_der=checked.issuer.public_bytes(serialization.Encoding.DER),
        der=checked.der,
        fingerprint=info.fingerprint,
        number=info.number,
        this_update=info.this_update.isoformat(),
        next_update=info.next_update.isoformat() if info.next_update else None,
        revoked=info.revoked,
        added_by=info.added_by,
        added_at=info.added_at,
    )


def _refuse_rollback(kept: RevocationList, new: CrlInfo) -> None:
    if kept.fingerprint == new.fingerprint:
        raise Conflict(
            _("This revocation list of {issuer} is already imported.").format(issuer=new.issuer)
        )
    kept_issued = datetime.fromisoformat(kept.this_update)
    if kept.number is not None and new.number is not None:
        newer = int(new.number) > int(kept.number)
    else:
        newer = new.this_update > kept_issued
    if not newer:
        raise UserError(
            _(
                "This list of {issuer} (issued {new}) is not newer than the one already kept "
                "(issued {kept}): an older list could hide revocations made since. Nothing was "
                "changed; ask the certificate authority for its current list."
            ).format(
                issuer=new.issuer,
                new=new.this_update.date().isoformat(),
                kept=kept_issued.date().isoformat(),
            )
        )


def list_crls(store: Store) -> list[CrlInfo]:
    with store.session() as session:
        rows = session.exec(select(RevocationList).order_by(col(RevocationList.issuer)))
        return [_view(row) for row in rows]


def stored_lists(store: Store) -> list[StoredList]:
    """Every kept list with its signer, re-checked: a list whose signature no longer verifies
    (a changed database) is left out rather than trusted."""
    with store.session() as session:
        return lists_in(session)


def lists_in(session: Session) -> list[StoredList]:
    """:func:`stored_lists` inside a transaction already open (a package import)."""
    kept = []
    for row in session.exec(select(RevocationList)):
        crl = x509.load_der_x509_crl(row.der)
        issuer = x509.load_der_x509_certificate(row.issuer_der)
        if _signs(crl, issuer):
            kept.append(StoredList(crl=crl, issuer=issuer))
    return kept


def remove_crl(store: Store, *, issuer_key_prefix: str) -> CrlInfo:
    check(store, UserRole.ADMIN)
    not_one = _("No single revocation list has the key {prefix}. See 'dvdesk trust list-crl'.")
    with store.session() as session:
        row = one_by_prefix(
            session,
            RevocationList,
            RevocationList.issuer_key,
            issuer_key_prefix,
            too_short=_("Give at least the first 8 characters of the list's key."),
            none=not_one,
            several=not_one,
        )
        view = _view(row)
        _audit(session, store, "remove", row)
        session.delete(row)
        return view


def _view(row: RevocationList) -> CrlInfo:
    return CrlInfo(
        issuer_key=row.issuer_key,
        issuer=row.issuer,
        fingerprint=row.fingerprint,
        number=row.number,
        this_update=datetime.fromisoformat(row.this_update),
        next_update=datetime.fromisoformat(row.next_update) if row.next_update else None,
        revoked=row.revoked,
        added_by=row.added_by,
        added_at=row.added_at,
    )


def _audit(session: Session, store: Store, action: str, row: RevocationList) -> None:
    audit(
        session,
        actor=store.actor,
        action=action,
        entity="revocation_list",
        entity_id=row.issuer_key,
        changes={"issuer": row.issuer, "number": row.number, "this_update": row.this_update},
    )
