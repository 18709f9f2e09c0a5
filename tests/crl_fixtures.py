"""Certificate revocation lists made in the test with ``cryptography``, by a test CA."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.signature_fixtures import Authority, issue_certificate

NOW = datetime.now(UTC).replace(microsecond=0)  # CRL dates hold whole seconds


def make_crl(
    ca: Authority,
    *,
    revoked: tuple[tuple[int, datetime], ...] = (),
    this_update: datetime | None = None,
    next_update: datetime | None = None,
    number: int | None = 1,
    pem: bool = False,
) -> bytes:
    """A full CRL signed by ``ca`` listing ``revoked`` (serial, revocation date)."""
    issued = this_update or NOW - timedelta(hours=1)
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca.cert.subject)
        .last_update(issued)
        .next_update(next_update or issued + timedelta(days=7))
    )
    if number is not None:
        builder = builder.add_extension(x509.CRLNumber(number), critical=False)
    for serial, when in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(when).build()
        )
    crl = builder.sign(ca.key, hashes.SHA256())
    encoding = serialization.Encoding.PEM if pem else serialization.Encoding.DER
    return crl.public_bytes(encoding)


def make_intermediate(ca: Authority, common: str) -> Authority:
    """A subordinate CA issued by ``ca`` (CRLs are often signed by one)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, common)]))
        .issuer_name(ca.cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - timedelta(days=1))
        .not_valid_after(NOW + timedelta(days=1000))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(ca.key, hashes.SHA256())
    )
    return Authority(key=key, cert=cert)


def signer_serial(ca: Authority) -> int:
    """The serial of a fresh end-entity certificate of ``ca`` (for lists that do not
    revoke the signer)."""
    _key, cert = issue_certificate(ca, common="Người khác", organisation="Ban khác")
    return cert.serial_number
