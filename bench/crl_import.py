"""Time and peak memory of importing revocation lists, hostile beside genuine.

    .venv/bin/python -m bench.crl_import

Each case runs in a fresh child process, which reports its own peak RSS (getrusage
ru_maxrss, the setup of a fresh data folder included): the baseline only sets up the
office and trusts a root; then a genuine list of 100,000 revoked certificates (about
3 MiB, the size of a large national CA's list), a 2 GiB sparse file named .crl, 30 MiB
of junk under the cap, and a list of 100,000 entries from an authority not trusted.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa

CASES = ("baseline", "genuine-100k", "sparse-2gib", "junk-30mib", "untrusted-100k")


def _authority(common: str) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    # Here, not at the top: the children that measure memory must not load pyHanko.
    from dvdesk.signatures.selfcheck import self_signed

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = datetime.now(UTC)
    valid = (now - timedelta(days=1), now + timedelta(days=3650))
    return key, self_signed(key, common, valid=valid, authority=True)


def _crl(key: rsa.RSAPrivateKey, cert: x509.Certificate, entries: int) -> bytes:
    now = datetime.now(UTC)
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(cert.subject)
        .last_update(now - timedelta(hours=1))
        .next_update(now + timedelta(days=7))
        .add_extension(x509.CRLNumber(1), critical=False)
    )
    for serial in range(1, entries + 1):
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(serial * 7919)
            .revocation_date(now - timedelta(days=1))
            .build()
        )
    crl = builder.sign(key, hashes.SHA256())
    return crl.public_bytes(serialization.Encoding.DER)


def _prepare(folder: Path) -> None:
    key, cert = _authority("CA Ban Cơ yếu")
    (folder / "root.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "genuine-100k.crl").write_bytes(_crl(key, cert, 100_000))
    stranger_key, stranger = _authority("CA lạ")
    (folder / "untrusted-100k.crl").write_bytes(_crl(stranger_key, stranger, 100_000))
    with (folder / "sparse-2gib.crl").open("wb") as handle:
        handle.truncate(2**31)
    with (folder / "junk-30mib.crl").open("wb") as handle:
        handle.write(b"\x30\x84\x01\xe0\x00\x00" + b"\x00" * (30 * 1024 * 1024))


def child(case: str, folder: Path) -> None:
    from dvdesk.errors import UserError
    from dvdesk.paths import DataPaths
    from dvdesk.services.office import create_office
    from dvdesk.services.store import open_store
    from dvdesk.signatures.revocation_lists import add_crl
    from dvdesk.signatures.trust_roots import add_root
    from tests.samples import OFFICE

    store = open_store(DataPaths(folder / case), actor="bench", create=True)
    create_office(store, data=dict(OFFICE))
    add_root(store, path=folder / "root.pem")
    if case == "baseline":
        print(f"{'-':40} peak {_peak()}")
        return
    started = time.perf_counter()
    try:
        info = add_crl(store, path=folder / f"{case}.crl")
        outcome = f"kept, {info.revoked} entries"
    except UserError as error:
        outcome = "refused: " + type(error).__name__
    took = f"{time.perf_counter() - started:.3f} s  {outcome}"
    print(f"{took:40} peak {_peak()}")


def _peak() -> str:
    return f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"


def main() -> None:
    if len(sys.argv) == 3:
        child(sys.argv[1], Path(sys.argv[2]))
        return
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        _prepare(folder)
        for case in CASES:
            result = subprocess.run(
                [sys.executable, "-m", "bench.crl_import", case, str(folder)],
                capture_output=True,
                text=True,
                check=True,
            )
            print(f"{case:16} {result.stdout.strip().splitlines()[-1]}")


if __name__ == "__main__":
    main()
