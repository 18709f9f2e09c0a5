"""A revoked certificate authority in the middle of the chain: pyHanko, fed the imported
lists, finds it (for certificates that say where their authority publishes its list), and
dvdesk reports the signature as revoked. Signed in software: no token needed here."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko_certvalidator.registry import SimpleCertificateStore
from reportlab.pdfgen import canvas

from dvdesk.services.store import Store
from dvdesk.signatures.revocation_lists import add_crl, stored_lists
from dvdesk.signatures.trust_roots import add_root
from dvdesk.signatures.verify import Status, verify_pdf
from tests.crl_fixtures import NOW, make_crl
from tests.signature_fixtures import Authority, make_ca

DISTRIBUTION = x509.CRLDistributionPoints(
    [
        x509.DistributionPoint(
            full_name=[x509.UniformResourceIdentifier("http://ca.example.vn/root.crl")],
            relative_name=None,
            reasons=None,
            crl_issuer=None,
        )
    ]
)


def _issue(
    issuer: Authority, common: str, *, ca: bool
) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    usage = x509.KeyUsage(
        digital_signature=True,
        content_commitment=not ca,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, common)]))
        .issuer_name(issuer.cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - timedelta(days=10))
        .not_valid_after(NOW + timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(usage, critical=True)
        .add_extension(DISTRIBUTION, critical=False)
        .sign(issuer.key, hashes.SHA256())
    )
    return key, cert


def _asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def _signed_pdf(
    key: rsa.RSAPrivateKey, cert: x509.Certificate, chain: list[x509.Certificate]
) -> bytes:
    blank = io.BytesIO()
    page = canvas.Canvas(blank)
    page.drawString(72, 720, "Báo cáo kết quả công tác dân vận")
    page.save()
    signer = signers.SimpleSigner(
        signing_cert=_asn1(cert),
        signing_key=asn1_keys.PrivateKeyInfo.load(
            key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        ),
        cert_registry=SimpleCertificateStore.from_certs([_asn1(item) for item in chain]),
    )
    out = io.BytesIO()
    signers.sign_pdf(
        IncrementalPdfFileWriter(blank),
        signers.PdfSignatureMetadata(field_name="dvdesk_signer"),
        signer=signer,
        output=out,
    )
    return out.getvalue()


def test_a_revoked_intermediate_authority_revokes_the_signature(
    store: Store, tmp_path: Path
) -> None:
    root = make_ca("CA gốc Chính phủ")
    root_file = tmp_path / "root.pem"
    root_file.write_bytes(root.pem)
    add_root(store, path=root_file)
    sub_key, sub_cert = _issue(root, "CA Ban Cơ yếu cấp dưới", ca=True)
    sub = Authority(key=sub_key, cert=sub_cert)
    key, cert = _issue(sub, "Nguyễn Văn An", ca=False)
    pdf = _signed_pdf(key, cert, [sub_cert, root.cert])

    clean = verify_pdf(pdf, roots=[_asn1(root.cert)], crls=stored_lists(store))
    assert [check.status for check in clean.signatures] == [Status.VALID]

    revoked_at = NOW - timedelta(days=1)
    crl = tmp_path / "root.crl"
    crl.write_bytes(make_crl(root, revoked=((sub_cert.serial_number, revoked_at),)))
    add_crl(store, path=crl)
    [check] = verify_pdf(pdf, roots=[_asn1(root.cert)], crls=stored_lists(store)).signatures
    assert check.status is Status.REVOKED and check.chain_trusted
    assert check.revocation.startswith("Đã bị thu hồi: một tổ chức chứng thực trong chuỗi")
    assert check.revoked_at == revoked_at
