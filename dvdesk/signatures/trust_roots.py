"""The root certificates this office trusts for chữ ký số: data added by a clerk.

A root is added from its file (PEM or DER, as the certificate authority
publishes it) and named by the SHA-256 fingerprint of its DER bytes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from sqlmodel import Session, col, select

from dvdesk.clock import now_iso
from dvdesk.db.schema import TrustedRoot
from dvdesk.domain.people import Role as UserRole
from dvdesk.errors import Conflict, UserError
from dvdesk.i18n import N_, _
from dvdesk.services.audit import audit
from dvdesk.services.auth import check
from dvdesk.services.store import Store
from dvdesk.signatures.kept_files import one_by_prefix, read_capped, refuse_changed
from dvdesk.signatures.token import certificate_name

MAX_CERTIFICATE = 64 * 1024
TOO_LARGE = N_("{file} is too large to be a certificate. Choose the root certificate file.")


@dataclass(frozen=True)
class RootInfo:
    fingerprint: str
    subject: str
    not_after: str
    added_by: str
    added_at: str


def fingerprint(der: bytes) -> str:
    return hashlib.sha256(der).hexdigest()


def load_certificate(data: bytes, *, source: str) -> asn1_x509.Certificate:
    """One certificate from PEM or DER bytes, or a clear refusal."""
    if len(data) > MAX_CERTIFICATE:
        raise UserError(
            _("{file} is too large to be a certificate. Choose the root certificate file.").format(
                file=source
            )
        )
    try:
        if pem.detect(data):
            _kind, _headers, data = pem.unarmor(data)
        cert = asn1_x509.Certificate.load(data)
        cert.native  # noqa: B018 - parse every field now, not at first use
    except (ValueError, TypeError, OSError):
        raise UserError(
            _("{file} is not a certificate (PEM or DER). Choose the root certificate file.").format(
                file=source
            )
        ) from None
    return cert


def _root_file(path: Path) -> asn1_x509.Certificate:
    """The self-signed certificate in ``path``, read only if it is small and ordinary."""
    data = read_capped(path, limit=MAX_CERTIFICATE, too_large=TOO_LARGE)
    cert = load_certificate(data, source=str(path))
    if cert.subject != cert.issuer:
        raise UserError(
            _(
                "{file} is not a root certificate (it was issued by {issuer}). "
                "Add the root of the chain instead."
            ).format(file=path, issuer=certificate_name(cert.issuer))
        )
    return cert


def preview_root(*, path: Path) -> RootInfo:
    """What trusting ``path`` would add (subject, fingerprint, expiry), changing nothing:
    the clerk compares the fingerprint with the one the authority publishes first."""
    cert = _root_file(path)
    return _info(cert, added_by="", added_at="")


def _info(cert: asn1_x509.Certificate, *, added_by: str, added_at: str) -> RootInfo:
    der = cert.dump()
    return RootInfo(
        fingerprint=fingerprint(der),
        subject=certificate_name(cert.subject),
        not_after=cert["tbs_certificate"]["validity"]["not_after"].native.isoformat(),
        added_by=added_by,
        added_at=added_at,
    )


def add_root(store: Store, *, path: Path, expected: str | None = None) -> RootInfo:
    """Trust the root in ``path``; with ``expected``, only if its fingerprint is that one
    (the file the clerk confirmed, not one swapped on the stick since)."""
    check(store, UserRole.ADMIN)  # trusted roots are settings: the administrator's
    cert = _root_file(path)
    info = _info(cert, added_by=store.actor, added_at=now_iso())
    refuse_changed(path, expected=expected, fingerprint=info.fingerprint)
    row = TrustedRoot(
        fingerprint=info.fingerprint,
        subject=info.subject,
        der=cert.dump(),
        not_after=info.not_after,
        added_by=info.added_by,
        added_at=info.added_at,
    )
    with store.session() as session:
        if session.get(TrustedRoot, row.fingerprint) is not None:
            raise Conflict(
                _("This root is already trusted: {subject}.").format(subject=row.subject)
            )
        session.add(row)
        _audit(session, store, "add", row)
        return _view(row)


def list_roots(store: Store) -> list[RootInfo]:
    with store.session() as session:
        rows = session.exec(select(TrustedRoot).order_by(col(TrustedRoot.added_at)))
        return [_view(row) for row in rows]


def root_certificates(store: Store) -> list[asn1_x509.Certificate]:
    with store.session() as session:
        return [asn1_x509.Certificate.load(row.der) for row in session.exec(select(TrustedRoot))]


def remove_root(store: Store, *, fingerprint_prefix: str) -> RootInfo:
    check(store, UserRole.ADMIN)
    with store.session() as session:
        row = one_by_prefix(
            session,
            TrustedRoot,
            TrustedRoot.fingerprint,
            fingerprint_prefix,
            too_short=_("Give at least the first 8 characters of the fingerprint."),
            none=_("No trusted root has the fingerprint {prefix}. See 'dvdesk trust list'."),
            several=_("Several roots start with {prefix}; give more characters."),
        )
        view = _view(row)
        _audit(session, store, "remove", row)
        session.delete(row)
        return view


def _view(row: TrustedRoot) -> RootInfo:
    return RootInfo(
        fingerprint=row.fingerprint,
        subject=row.subject,
        not_after=row.not_after,
        added_by=row.added_by,
        added_at=row.added_at,
    )


def _audit(session: Session, store: Store, action: str, row: TrustedRoot) -> None:
    audit(
        session,
        actor=store.actor,
        action=action,
        entity="trusted_root",
        entity_id=row.fingerprint,
        changes={"subject": row.subject, "not_after": row.not_after},
    )
