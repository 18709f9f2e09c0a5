"""Self-check of chữ ký số: every library it needs loads and works in this build.

Signs a small PDF with a key made in memory (no token needed), through the same
stamp and verification code as a real signature, and checks the verdict.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.types import CertificateIssuerPrivateKeyTypes
from cryptography.x509.oid import NameOID
from pyhanko.sign import signers
from pyhanko_certvalidator.registry import SimpleCertificateStore
from reportlab.pdfgen.canvas import Canvas

from dvdesk.signatures.sign import Role, sign_with
from dvdesk.signatures.verify import Status, verify_pdf


def self_signed(
    key: CertificateIssuerPrivateKeyTypes,
    common_name: str,
    *,
    valid: tuple[datetime, datetime],
    authority: bool = False,
) -> x509.Certificate:
    """A certificate ``key`` issues to itself, valid from ``valid[0]`` to ``valid[1]``; an
    ``authority`` may issue certificates and revocation lists (as a CA's root)."""
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(valid[0])
        .not_valid_after(valid[1])
    )
    if authority:
        builder = builder.add_extension(
            x509.BasicConstraints(ca=True, path_length=None), critical=True
        )
    return builder.sign(key, hashes.SHA256())


def _certificate() -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(UTC)
    valid = (now - timedelta(minutes=5), now + timedelta(days=1))
    return key, self_signed(key, "dvdesk self-check", valid=valid)


def check_signatures(work: Path) -> str:
    import pkcs11  # noqa: F401, PLC0415 - the token library's binary extension must load

    key, cert = _certificate()
    der = cert.public_bytes(serialization.Encoding.DER)
    signer = signers.SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(der),
        signing_key=asn1_keys.PrivateKeyInfo.load(
            key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        ),
        cert_registry=SimpleCertificateStore.from_certs([]),  # type: ignore[no-untyped-call]
    )
    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    canvas.drawString(72, 720, "dvdesk")
    canvas.save()
    signed = sign_with(
        buffer.getvalue(),
        signer=signer,
        role=Role.SIGNER,
        office_name="Ban Dân vận",
        signer_name="Kiểm tra chữ ký số",
    )
    (work / "chu-ky-so.pdf").write_bytes(signed)
    result = verify_pdf(signed, roots=[asn1_x509.Certificate.load(der)])
    if [check.status for check in result.signatures] != [Status.VALID]:
        raise RuntimeError(f"a fresh signature did not verify: {result.signatures}")
    return f"PAdES, {len(signed):,} bytes"
