"""A software token (SoftHSM2) holding an office certificate from a test CA.

Each test gets a fresh token directory (SOFTHSM2_CONF in a tmp dir); the CA,
the office key and its certificate are made here with ``cryptography``, the key
imported with softhsm2-util and the certificates written with pkcs11-tool.
"""

from __future__ import annotations

import shutil
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from dvdesk.domain.enums import RecordType
from dvdesk.services.records import add_record
from dvdesk.services.store import Store
from tests.conftest import CliRunner
from tests.samples import inspection

MODULE_CANDIDATES = (
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
)
PIN = "123456"
SO_PIN = "87654321"


def softhsm_module() -> str | None:
    if shutil.which("softhsm2-util") is None or shutil.which("pkcs11-tool") is None:
        return None
    return next((path for path in MODULE_CANDIDATES if Path(path).is_file()), None)


needs_softhsm = pytest.mark.skipif(
    softhsm_module() is None,
    reason="SoftHSM2 and opensc are not installed (apt-get install softhsm2 opensc; CI has them)",
)


@dataclass(frozen=True)
class Authority:
    key: rsa.RSAPrivateKey
    cert: x509.Certificate

    @property
    def pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)

    @property
    def der(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.DER)


@dataclass(frozen=True)
class SoftToken:
    module: str
    label: str
    conf: Path
    ca: Authority


def _name(common: str, organisation: str | None = None) -> x509.Name:
    parts = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]
    if organisation:
        parts.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation))
    parts.append(x509.NameAttribute(NameOID.COMMON_NAME, common))
    return x509.Name(parts)


def _key_usage(*, ca: bool) -> x509.KeyUsage:
    """A CA signs certificates and revocation lists; a signer's key signs documents."""
    return x509.KeyUsage(
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


def make_ca(common: str = "Test CA chuyên dùng") -> Authority:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(common))
        .issuer_name(_name(common))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(_key_usage(ca=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return Authority(key=key, cert=cert)


def issue_certificate(
    ca: Authority, *, common: str, organisation: str
) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(common, organisation))
        .issuer_name(ca.cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(now + timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(ca=False), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()),
            critical=False,
        )
        .sign(ca.key, hashes.SHA256())
    )
    return key, cert


def _run(*command: str, env: dict[str, str]) -> None:
    subprocess.run(command, check=True, capture_output=True, env=env)


def make_token(
    folder: Path,
    monkeypatch: pytest.MonkeyPatch,
    *,
    ca: Authority,
    label: str = "BDVHU",
    people: tuple[tuple[str, str, str], ...] = (
        ("office", "Nguyễn Văn An", "Ban Dân vận Huyện ủy"),
    ),
) -> SoftToken:
    """A fresh token in ``folder`` with one key + certificate per (label, name, organisation)."""
    module = softhsm_module()
    assert module is not None
    tokens = folder / "tokens"
    tokens.mkdir(parents=True)
    conf = folder / "softhsm2.conf"
    conf.write_text(
        f"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\n"
    )
    monkeypatch.setenv("SOFTHSM2_CONF", str(conf))
    import os

    env = {**os.environ, "SOFTHSM2_CONF": str(conf)}
    _run(
        "softhsm2-util",
        "--init-token",
        "--free",
        "--label",
        label,
        "--pin",
        PIN,
        "--so-pin",
        SO_PIN,
        env=env,
    )
    for index, (key_label, common, organisation) in enumerate(people, start=1):
        key, cert = issue_certificate(ca, common=common, organisation=organisation)
        key_id = f"{index:02x}"
        key_file = folder / f"{key_label}.key.pem"
        key_file.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        _run(
            "softhsm2-util",
            "--import",
            str(key_file),
            "--token",
            label,
            "--label",
            key_label,
            "--id",
            key_id,
            "--pin",
            PIN,
            env=env,
        )
        key_file.unlink()
        cert_file = folder / f"{key_label}.crt"
        cert_file.write_bytes(cert.public_bytes(serialization.Encoding.DER))
        _store_certificate(
            cert_file, module=module, token=label, label=key_label, id_=key_id, env=env
        )
    ca_file = folder / "ca.der"
    ca_file.write_bytes(ca.der)
    _store_certificate(ca_file, module=module, token=label, label="CA", id_="ff", env=env)
    return SoftToken(module=module, label=label, conf=conf, ca=ca)


def _store_certificate(
    path: Path, *, module: str, token: str, label: str, id_: str, env: dict[str, str]
) -> None:
    """Put the DER certificate at ``path`` on the token, beside the key with the same id."""
    _run(
        "pkcs11-tool",
        "--module",
        module,
        "--token-label",
        token,
        "--login",
        "--pin",
        PIN,
        "--write-object",
        str(path),
        "--type",
        "cert",
        "--label",
        label,
        "--id",
        id_,
        env=env,
    )


def tsa_certificate(ca: Authority) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    """A timestamping certificate (critical EKU timeStamping) from ``ca``."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("Test TSA"))
        .issuer_name(ca.cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(now + timedelta(days=365))
        .add_extension(
            x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()),
            critical=False,
        )
        .sign(ca.key, hashes.SHA256())
    )
    return key, cert


@contextmanager
def timestamp_server(ca: Authority) -> Iterator[str]:
    """A local RFC 3161 server (pyHanko's DummyTimeStamper behind http.server); yields its URL."""
    from asn1crypto import keys as asn1_keys
    from asn1crypto import tsp
    from asn1crypto import x509 as asn1_x509
    from pyhanko.sign.timestamps import DummyTimeStamper
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    key, cert = tsa_certificate(ca)
    stamper = DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
        tsa_key=asn1_keys.PrivateKeyInfo.load(
            key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        ),
        certs_to_embed=SimpleCertificateStore.from_certs([asn1_x509.Certificate.load(ca.der)]),
    )

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            response = stamper.request_tsa_response(tsp.TimeStampReq.load(body)).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(response)))
            self.end_headers()
            self.wfile.write(response)

        def log_message(self, format: str, *args: object) -> None:
            return  # quiet: the test output is ours

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/tsa"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


CHAIR = ("chair", "Nguyễn Văn An", "Ban Xây dựng Đảng Đảng ủy xã Bát Tràng")


@pytest.fixture
def token(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> SoftToken:
    """A token holding the chair's key (a module that needs more people overrides this)."""
    return make_token(tmp_path / "token", monkeypatch, ca=make_ca(), people=(CHAIR,))


@pytest.fixture
def issued(store: Store, cli: CliRunner, tmp_path: Path) -> Path:
    """Complete minutes of an inspection, issued as 01-BB/BXDĐ; the PDF's path."""
    record_id = add_record(store, record_type=RecordType.INSPECTION, data=inspection())
    out = tmp_path / "bb.pdf"
    result = cli(*issue_args(record_id, out))
    assert result.code == 0, result.err
    return out


def issue_args(record_id: str, out: Path) -> list[str]:
    """``dvdesk minutes`` arguments that issue complete minutes of ``record_id`` to ``out``."""
    return [
        "minutes", record_id, "--issue", "--out", str(out),
        "--note-taker", "Trần Thị Mai", "--start", "08:00", "--close", "10:15",
        "--representative", "Phạm Văn Long",
        "--used-document", "Báo cáo tự kiểm tra của Đảng ủy xã", "--copies", "3",
    ]  # fmt: skip
