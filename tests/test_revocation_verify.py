"""Verifying a signed PDF against an imported revocation list, with a software token:
revoked, not revoked, an outdated list, signed before the revocation (trusted timestamp)
or only claiming so (the signer's clock), and no list at all."""

from __future__ import annotations

import io
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pytestqt.qtbot import QtBot

from dvdesk.services.store import Store
from tests.conftest import CliRunner, Result
from tests.crl_fixtures import make_crl, make_intermediate
from tests.signature_fixtures import PIN, SoftToken, needs_softhsm, timestamp_server
from ui.signatures import VerifyPage

pytestmark = [needs_softhsm, pytest.mark.slow]

NUMBER = "01-BB/BXDĐ"
SCREENSHOT = os.environ.get("DVDESK_SCREENSHOT_DIR")


@pytest.fixture
def signed(store: Store, cli: CliRunner, token: SoftToken, issued: Path, tmp_path: Path) -> Path:
    """The issued minutes signed by the chair (no timestamp), the CA's root trusted."""
    return _sign(cli, token, tmp_path)


def _sign(cli: CliRunner, token: SoftToken, tmp_path: Path) -> Path:
    pin = tmp_path / "pin.txt"
    pin.write_text(PIN, encoding="utf-8")
    out = tmp_path / "signed.pdf"
    args = ("--pkcs11", token.module, "--key-label", "chair", "--pin-file", str(pin))
    result = cli("document", "sign", NUMBER, *args, "--out", str(out))
    assert result.code == 0, result.err
    root = tmp_path / "root.pem"
    root.write_bytes(token.ca.pem)
    assert cli("trust", "add-root", str(root)).code == 0
    return out


def signer_serial(pdf: Path) -> int:
    reader = PdfFileReader(io.BytesIO(pdf.read_bytes()), strict=False)
    return int(reader.embedded_signatures[0].signer_cert.serial_number)


def import_crl(cli: CliRunner, tmp_path: Path, data: bytes) -> Result:
    path = tmp_path / "ca.crl"
    path.write_bytes(data)
    return cli("trust", "add-crl", str(path))


def verify(cli: CliRunner, pdf: Path) -> tuple[int, dict[str, object]]:
    result = cli("document", "verify", str(pdf), "--json")
    [signature] = result.json()["signatures"]
    return result.code, signature


def test_a_revoked_signer_is_reported_revoked(
    cli: CliRunner, token: SoftToken, signed: Path, tmp_path: Path
) -> None:
    revoked_at = datetime.now(UTC).replace(microsecond=0) - timedelta(days=1)
    crl = make_crl(token.ca, revoked=((signer_serial(signed), revoked_at),))
    added = import_crl(cli, tmp_path, crl)
    assert added.code == 0, added.err
    assert "Test CA chuyên dùng" in added.out and "1 chứng thư bị thu hồi" in added.out
    code, signature = verify(cli, signed)
    assert code != 0
    assert signature["status"] == "revoked" and signature["revocation_state"] == "revoked"
    assert signature["revoked_at"] == revoked_at.isoformat()
    assert signature["intact"] and signature["chain_trusted"]
    assert f"{revoked_at.astimezone():%d/%m/%Y}" in str(signature["revocation"])
    text = cli("document", "verify", str(signed))
    assert (
        "Chữ ký số 1: chứng thư đã bị thu hồi" in text.out
        and "kể cả đồng hồ của người ký" in text.out
    )


def test_a_signer_not_on_the_list_is_valid_and_says_which_list(
    cli: CliRunner, token: SoftToken, signed: Path, tmp_path: Path
) -> None:
    code, before = verify(cli, signed)
    assert code == 0 and before["revocation_state"] == "not_checked"
    assert "chưa kiểm tra thu hồi" in str(before["revocation"])
    assert "danh sách thu hồi" in str(before["revocation"])  # and what to do about it
    assert import_crl(cli, tmp_path, make_crl(token.ca)).code == 0
    code, signature = verify(cli, signed)
    assert code == 0 and signature["status"] == "valid"
    assert str(signature["revocation"]).startswith("Không bị thu hồi theo danh sách ngày ")


def test_an_outdated_list_is_said_to_be_outdated(
    cli: CliRunner, token: SoftToken, signed: Path, tmp_path: Path
) -> None:
    old = datetime.now(UTC) - timedelta(days=20)
    crl = make_crl(token.ca, this_update=old, next_update=old + timedelta(days=7))
    assert import_crl(cli, tmp_path, crl).code == 0
    code, signature = verify(cli, signed)
    assert signature["revocation_state"] == "outdated" and "quá hạn" in str(signature["revocation"])
    assert "danh sách mới" in str(signature["revocation"])
    assert signature["status"] == "valid" and code == 0  # not listed; the list is just old
    listed = cli("trust", "list-crl", "--json").json()
    assert [entry["issuer"] for entry in listed] == ["Test CA chuyên dùng"]


def test_revoked_after_signing_claimed_by_the_signer_alone_counts_as_revoked(
    cli: CliRunner, token: SoftToken, signed: Path, tmp_path: Path
) -> None:
    later = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=5)
    crl = make_crl(token.ca, revoked=((signer_serial(signed), later),), this_update=later)
    assert import_crl(cli, tmp_path, crl).code == 0
    code, signature = verify(cli, signed)
    assert code != 0 and signature["status"] == "revoked"
    assert "không có dấu thời gian tin cậy" in str(signature["revocation"])


def test_revoked_after_a_trusted_timestamp_stays_valid(
    store: Store, cli: CliRunner, token: SoftToken, issued: Path, tmp_path: Path
) -> None:
    with timestamp_server(token.ca) as url:
        assert cli("token", "settings", "--timestamp-url", url).code == 0
        signed = _sign(cli, token, tmp_path)
    later = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=5)
    crl = make_crl(token.ca, revoked=((signer_serial(signed), later),), this_update=later)
    assert import_crl(cli, tmp_path, crl).code == 0
    code, signature = verify(cli, signed)
    assert signature["timestamped"] is True
    assert code == 0 and signature["status"] == "valid", signature
    assert signature["revocation_state"] == "signed_before"
    assert "dấu thời gian tin cậy" in str(signature["revocation"])


def test_the_command_line_refuses_hostile_lists(
    cli: CliRunner, token: SoftToken, signed: Path, tmp_path: Path
) -> None:
    other = make_intermediate(token.ca, "CA cấp dưới")
    refused = import_crl(cli, tmp_path, make_crl(other))
    assert refused.code != 0 and "không được ký bởi" in refused.err
    issuer = tmp_path / "sub.pem"
    issuer.write_bytes(other.pem)
    path = tmp_path / "sub.crl"
    path.write_bytes(make_crl(other))
    assert cli("trust", "add-crl", str(path), "--issuer", str(issuer)).code == 0
    huge = tmp_path / "huge.crl"
    with huge.open("wb") as handle:
        handle.truncate(2**31)
    too_large = cli("trust", "add-crl", str(huge))
    assert too_large.code != 0 and "quá lớn" in too_large.err
    [kept] = cli("trust", "list-crl", "--json").json()
    removed = cli("trust", "remove-crl", kept["issuer_key"][:10])
    assert removed.code == 0 and cli("trust", "list-crl", "--json").json() == []


def test_the_verify_screen_shows_a_revoked_signer(
    store: Store, cli: CliRunner, token: SoftToken, signed: Path, tmp_path: Path, qtbot: QtBot
) -> None:
    revoked_at = datetime.now(UTC).replace(microsecond=0) - timedelta(days=1)
    crl = make_crl(token.ca, revoked=((signer_serial(signed), revoked_at),))
    assert import_crl(cli, tmp_path, crl).code == 0
    page = VerifyPage(store)
    qtbot.addWidget(page)
    page.resize(1366, 700)
    page.show()
    page.check_file(signed)
    qtbot.waitUntil(lambda: page.result is not None, timeout=30_000)
    status, revocation = page.table.item(0, 1), page.table.item(0, 6)
    assert status is not None and status.text() == "chứng thư đã bị thu hồi"
    assert revocation is not None and revocation.text() == "chứng thư đã bị thu hồi"
    assert (
        f"1. Đã bị thu hồi: chứng thư số đã bị thu hồi ngày {revoked_at.astimezone():%d/%m/%Y}"
        in (page.problems.text())
    )
    if SCREENSHOT:
        page.grab().save(str(Path(SCREENSHOT) / "verify_revoked.png"))
