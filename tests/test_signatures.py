"""Chữ ký số with a software token: sign issued documents, verify them offline, trust roots."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import io
from pathlib import Path

import pytest
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import enumerate_sig_fields
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from dvdesk.services.store import Store
from tests.conftest import CliRunner
from tests.signature_fixtures import (
    CHAIR,
    PIN,
    SoftToken,
    make_ca,
    make_token,
    needs_softhsm,
    timestamp_server,
)

pytestmark = [needs_softhsm, pytest.mark.slow]

NUMBER = "01-BB/BXDĐ"


@pytest.fixture
def token(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> SoftToken:
    return make_token(
        tmp_path / "token",
        monkeypatch,
        ca=make_ca(),
        people=(
            CHAIR,
            ("note", "Trần Thị Mai", "Ban Xây dựng Đảng Đảng ủy xã Bát Tràng"),
            ("org", "Ban Xây dựng Đảng Đảng ủy xã Bát Tràng", "Đảng ủy xã Bát Tràng"),
        ),
    )


@pytest.fixture
def pin_file(tmp_path: Path) -> Path:
    path = tmp_path / "pin.txt"
    path.write_text(PIN + "\n", encoding="utf-8")
    return path


def sign(
    cli: CliRunner,
    token: SoftToken,
    pin_file: Path,
    *extra: str,
    key: str = "chair",
    role: str = "chair",
) -> tuple[int, str, str]:
    result = cli(
        "document",
        "sign",
        NUMBER,
        "--pkcs11",
        token.module,
        "--key-label",
        key,
        "--role",
        role,
        "--pin-file",
        str(pin_file),
        *extra,
    )
    return result.code, result.out, result.err


def pyhanko_verdicts(data: bytes, roots: list[asn1_x509.Certificate]) -> list[tuple[bool, bool]]:
    """(intact, trusted) of every signature, by pyHanko's own validator."""
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    verdicts = []
    for signature in reader.embedded_signatures:
        context = ValidationContext(trust_roots=roots, allow_fetching=False)
        status = asyncio.run(
            async_validate_pdf_signature(signature, signer_validation_context=context)
        )
        verdicts.append((bool(status.intact and status.valid), bool(status.trusted)))
    return verdicts


def trust_ca(cli: CliRunner, token: SoftToken, tmp_path: Path) -> None:
    root = tmp_path / "root.pem"
    root.write_bytes(token.ca.pem)
    added = cli("trust", "add-root", str(root))
    assert added.code == 0, added.err


def ca_root(token: SoftToken) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(token.ca.der)


def test_token_list_shows_the_token_and_its_certificates(
    store: Store, cli: CliRunner, token: SoftToken
) -> None:
    result = cli("token", "list", "--pkcs11", token.module, "--json")
    assert result.code == 0, result.err
    [listed] = result.json()
    assert listed["label"] == token.label and listed["manufacturer"] == "SoftHSM project"
    subjects = {cert["subject"]: cert for cert in listed["certificates"]}
    assert subjects["Nguyễn Văn An"]["issuer"] == "Test CA chuyên dùng"
    assert subjects["Nguyễn Văn An"]["label"] == "chair"
    assert "Trần Thị Mai" in subjects
    text = cli("token", "list", "--pkcs11", token.module)
    assert text.code == 0 and "Nguyễn Văn An" in text.out


def test_sign_then_verify_with_dvdesk_and_pyhanko(
    store: Store, cli: CliRunner, token: SoftToken, pin_file: Path, issued: Path, tmp_path: Path
) -> None:
    out = tmp_path / "signed.pdf"
    code, stdout, err = sign(cli, token, pin_file, "--out", str(out))
    assert code == 0, err
    assert "PAdES B-B" in stdout and "Nguyễn Văn An" in stdout
    signed = out.read_bytes()
    original = issued.read_bytes()
    # Signing appends: the issued bytes (number, content) are untouched.
    assert signed.startswith(original) and len(signed) > len(original)
    trust_ca(cli, token, tmp_path)

    checked = cli("document", "verify", str(out), "--json")
    assert checked.code == 0, checked.out + checked.err
    report = checked.json()
    assert report["status"] == "valid" and report["all_valid"] is True
    [signature] = report["signatures"]
    assert signature["signer"] == "Nguyễn Văn An"
    assert signature["intact"] and signature["whole_document"] and signature["chain_trusted"]
    assert signature["valid_at_signing"] and signature["revocation"]
    assert pyhanko_verdicts(signed, [ca_root(token)]) == [(True, True)]

    text = cli("document", "verify", str(out))
    assert text.code == 0 and "Nguyễn Văn An" in text.out
    log = store.paths.log_file
    assert log.is_file() and PIN not in log.read_text(encoding="utf-8")


def test_one_changed_byte_is_refused_by_both(
    store: Store, cli: CliRunner, token: SoftToken, pin_file: Path, issued: Path, tmp_path: Path
) -> None:
    out = tmp_path / "signed.pdf"
    assert sign(cli, token, pin_file, "--out", str(out))[0] == 0
    trust_ca(cli, token, tmp_path)
    data = bytearray(out.read_bytes())
    # A byte inside the first page's content stream: inside the signed range.
    at = data.index(b"stream", 200) + 20
    data[at] ^= 0x01
    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(bytes(data))

    checked = cli("document", "verify", str(tampered), "--json")
    assert checked.code != 0
    assert checked.json()["status"] == "invalid"
    assert [intact for intact, _trusted in pyhanko_verdicts(bytes(data), [ca_root(token)])] == [
        False
    ]


def test_two_signatures_both_valid(
    store: Store, cli: CliRunner, token: SoftToken, pin_file: Path, issued: Path, tmp_path: Path
) -> None:
    first = tmp_path / "first.pdf"
    code, _out, err = sign(
        cli,
        token,
        pin_file,
        "--out",
        str(first),
        key="note",
        role="note_taker",
    )
    assert code == 0, err
    second = tmp_path / "second.pdf"
    code, stdout, err = sign(cli, token, pin_file, "--out", str(second))
    assert code == 0, err
    assert "2" in stdout
    assert second.read_bytes().startswith(first.read_bytes())
    trust_ca(cli, token, tmp_path)

    report = cli("document", "verify", str(second), "--json")
    assert report.code == 0, report.out
    signatures = report.json()["signatures"]
    assert [s["signer"] for s in signatures] == ["Trần Thị Mai", "Nguyễn Văn An"]
    assert all(s["status"] == "valid" for s in signatures)
    assert signatures[0]["whole_document"] is False and signatures[0]["added_after"]
    assert signatures[1]["whole_document"] is True
    assert pyhanko_verdicts(second.read_bytes(), [ca_root(token)]) == [(True, True), (True, True)]

    again = sign(cli, token, pin_file, "--out", str(tmp_path / "third.pdf"))
    assert again[0] != 0 and not (tmp_path / "third.pdf").exists()


def test_the_note_takers_card_cannot_fill_the_chairs_place(
    store: Store, cli: CliRunner, token: SoftToken, pin_file: Path, issued: Path, tmp_path: Path
) -> None:
    """Trial 3: the note-taker signed with the default role (the chair); the signature was
    kept for good and the chair could no longer sign. Now nothing is signed and the clerk
    is told which role is theirs; signing in that role then works."""
    out = tmp_path / "signed.pdf"
    code, _stdout, err = sign(cli, token, pin_file, "--out", str(out), key="note", role="chair")
    assert code != 0
    assert "Trần Thị Mai" in err and "người ghi biên bản" in err and "Chưa ký gì" in err
    assert "Nguyễn Doãn Toản" in err  # the chair the minutes name
    assert not out.exists()
    assert "đã ký số" not in cli("document", "list").out
    code, _stdout, err = sign(
        cli, token, pin_file, "--out", str(out), key="note", role="note_taker"
    )
    assert code == 0, err
    again = sign(cli, token, pin_file, key="note", role="note_taker")
    assert again[0] != 0 and "Hãy chọn vai trò khác" in again[2] and "hủy văn bản" in again[2]
    # A holder the minutes do not name (someone signing on another's behalf) is let be.
    code, _stdout, err = sign(cli, token, pin_file, "--out", str(tmp_path / "two.pdf"))
    assert code == 0, err


def test_the_organisation_signs_after_the_signer_beside_the_stamp(
    store: Store, cli: CliRunner, token: SoftToken, pin_file: Path, issued: Path, tmp_path: Path
) -> None:
    assert sign(cli, token, pin_file)[0] == 0
    out = tmp_path / "sealed.pdf"
    code, _stdout, err = sign(
        cli, token, pin_file, "--out", str(out), key="org", role="organisation"
    )
    assert code == 0, err
    trust_ca(cli, token, tmp_path)
    report = cli("document", "verify", str(out), "--json")
    assert report.code == 0, report.out
    assert [s["signer"] for s in report.json()["signatures"]] == [
        "Nguyễn Văn An",
        "Ban Xây dựng Đảng Đảng ủy xã Bát Tràng",
    ]
    reader = PdfFileReader(io.BytesIO(out.read_bytes()), strict=False)
    boxes = {}
    for name, _value, ref in enumerate_sig_fields(reader):
        boxes[name] = [float(v) for v in ref.get_object()["/Rect"]]
    chair, organisation = boxes["dvdesk_chair"], boxes["dvdesk_organisation"]
    # The seal's stamp sits just left of the chair's, at the same height.
    assert organisation[2] == pytest.approx(chair[0], abs=1) and organisation[1] == chair[1]


def test_wrong_pin_refuses_and_writes_nothing(
    store: Store, cli: CliRunner, token: SoftToken, issued: Path, tmp_path: Path
) -> None:
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("000000", encoding="utf-8")
    out = tmp_path / "signed.pdf"
    code, _stdout, err = sign(cli, token, wrong, "--out", str(out))
    assert code != 0
    assert "PIN" in err and err[-1] == "\n" and err.count("\n") == 1
    assert not out.exists()
    listed = cli("token", "list", "--pkcs11", token.module, "--json").json()
    # The token itself now says a wrong PIN was entered; dvdesk did not try again.
    assert listed[0]["pin_warning"]


def test_untrusted_root_is_not_trusted_and_exits_non_zero(
    store: Store, cli: CliRunner, token: SoftToken, pin_file: Path, issued: Path, tmp_path: Path
) -> None:
    out = tmp_path / "signed.pdf"
    assert sign(cli, token, pin_file, "--out", str(out))[0] == 0
    other = tmp_path / "other.pem"
    other.write_bytes(make_ca("Another CA").pem)
    assert cli("trust", "add-root", str(other)).code == 0
    checked = cli("document", "verify", str(out), "--json")
    assert checked.code != 0
    [signature] = checked.json()["signatures"]
    assert signature["status"] == "untrusted" and signature["intact"] is True
    assert signature["chain_trusted"] is False
    text = cli("document", "verify", str(out))
    assert (
        text.code != 0 and "không được tin cậy" in text.out and "chưa kiểm tra thu hồi" in text.out
    )


def test_trust_roots_are_data(cli: CliRunner, store: Store, tmp_path: Path) -> None:
    ca = make_ca()
    der = tmp_path / "root.cer"
    der.write_bytes(ca.der)
    assert cli("trust", "add-root", str(der)).code == 0
    again = cli("trust", "add-root", str(der))
    assert again.code != 0
    listed = cli("trust", "list", "--json").json()
    assert [root["subject"] for root in listed] == ["Test CA chuyên dùng"]
    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate", encoding="utf-8")
    refused = cli("trust", "add-root", str(junk))
    assert refused.code != 0 and refused.err.count("\n") == 1
    removed = cli("trust", "remove", listed[0]["fingerprint"][:12])
    assert removed.code == 0, removed.err
    assert cli("trust", "list", "--json").json() == []


def test_unreachable_timestamp_server_gives_b_b_said_plainly(
    store: Store, cli: CliRunner, token: SoftToken, pin_file: Path, issued: Path
) -> None:
    assert cli("token", "settings", "--timestamp-url", "http://127.0.0.1:9/tsa").code == 0
    code, stdout, err = sign(cli, token, pin_file)
    assert code == 0, err
    assert "PAdES B-B" in stdout and "127.0.0.1:9" in stdout


def test_reachable_timestamp_server_gives_b_t(
    store: Store, cli: CliRunner, token: SoftToken, pin_file: Path, issued: Path, tmp_path: Path
) -> None:
    out = tmp_path / "signed.pdf"
    with timestamp_server(token.ca) as url:
        assert cli("token", "settings", "--timestamp-url", url).code == 0
        code, stdout, err = sign(cli, token, pin_file, "--out", str(out))
    assert code == 0, err
    assert "PAdES B-T" in stdout
    trust_ca(cli, token, tmp_path)
    checked = cli("document", "verify", str(out), "--json")
    assert checked.code == 0, checked.out
    [signature] = checked.json()["signatures"]
    assert signature["timestamped"] is True and signature["status"] == "valid"


def test_candidate_modules_are_found_by_name(tmp_path: Path) -> None:
    from dvdesk.signatures.token import candidate_modules

    drivers = tmp_path / "Program Files" / "VNPT-CA" / "PKI Token"
    drivers.mkdir(parents=True)
    for name in ("vendor_p11.dll", "eTPKCS11.dll", "readme.txt", "CP1125.so", "helper.dll"):
        (drivers / name).write_bytes(b"x")
    found = candidate_modules([(tmp_path / "Program Files", 2), (tmp_path / "missing", 0)])
    assert [path.name for path in found] == ["eTPKCS11.dll", "vendor_p11.dll"]


def test_token_driver_refusals_are_one_vietnamese_line(
    store: Store, cli: CliRunner, issued: Path, tmp_path: Path
) -> None:
    missing = cli("token", "list", "--pkcs11", str(tmp_path / "khong-co.dll"))
    assert missing.code != 0 and "trình điều khiển" in missing.err and missing.err.count("\n") == 1
    junk = tmp_path / "junk.so"
    junk.write_bytes(b"not a library")
    broken = cli("token", "list", "--pkcs11", str(junk))
    assert broken.code != 0 and "PKCS#11" in broken.err and broken.err.count("\n") == 1
    unset = cli("document", "sign", "01-BB/BXDĐ", "--pin-file", str(junk))
    assert unset.code != 0 and "dvdesk token settings" in unset.err


def test_a_report_signed_by_the_signer_then_the_office(
    store: Store, cli: CliRunner, token: SoftToken, pin_file: Path, tmp_path: Path
) -> None:
    from datetime import date

    from dvdesk.documents.figures import compute_figures
    from dvdesk.documents.periods import parse_period
    from dvdesk.documents.report_pdf import issue_report
    from tests.test_issuing import _inspection, _ready_report

    _inspection(store, "2025-03-01")
    _ready_report(store, "2025-H1")
    report = issue_report(
        store, figures=compute_figures(store, period=parse_period("2025-H1")), on=date(2025, 6, 20)
    )
    number = report.entry.reference
    signed = cli(
        "document", "sign", number, "--pkcs11", token.module, "--key-label", "chair",
        "--pin-file", str(pin_file),
    )  # fmt: skip
    assert signed.code == 0, signed.err
    assert "người ký" in signed.out  # a report's default role is its signer
    out = tmp_path / "report.pdf"
    sealed = cli(
        "document", "sign", number, "--pkcs11", token.module, "--key-label", "org",
        "--role", "organisation", "--pin-file", str(pin_file), "--out", str(out),
    )  # fmt: skip
    assert sealed.code == 0, sealed.err
    assert out.read_bytes().startswith(report.pdf or b"-")
    trust_ca(cli, token, tmp_path)
    checked = cli("document", "verify", str(out), "--json")
    assert checked.code == 0, checked.out
    fields = [s["field"] for s in checked.json()["signatures"]]
    assert fields == ["dvdesk_signer", "dvdesk_organisation"]
    assert pyhanko_verdicts(out.read_bytes(), [ca_root(token)]) == [(True, True), (True, True)]
    # The seal goes on the page of the signer's stamp (not the appendix after it).
    reader = PdfFileReader(io.BytesIO(out.read_bytes()), strict=False)
    pages = {
        name: ref.get_object().get_value_as_reference("/P").idnum
        for name, _value, ref in enumerate_sig_fields(reader)
    }
    assert pages["dvdesk_organisation"] == pages["dvdesk_signer"]


def test_received_documents_are_checked_and_kept_with_their_verdict(
    store: Store, cli: CliRunner, token: SoftToken, pin_file: Path, issued: Path, tmp_path: Path
) -> None:
    from dvdesk.signatures.travel import (
        list_received,
        outgoing_documents,
        parse_member,
        receive_documents,
    )

    out = tmp_path / "signed.pdf"
    assert sign(cli, token, pin_file, "--out", str(out))[0] == 0
    trust_ca(cli, token, tmp_path)
    [member] = outgoing_documents(store, office_code="10101")  # the newest: the signed one
    tampered = bytearray(out.read_bytes())
    tampered[tampered.index(b"stream", 200) + 20] ^= 0x01
    changed = (
        member.replace(base64.b64encode(out.read_bytes()), base64.b64encode(bytes(tampered)))
        .replace(
            hashlib.sha256(out.read_bytes()).hexdigest().encode(),
            hashlib.sha256(bytes(tampered)).hexdigest().encode(),
        )
        .replace(b'"10101"', b'"10103"')
    )
    with store.session() as session:
        good, bad = parse_member(member), parse_member(changed)
        assert receive_documents(session, origin="10101", members=[good]) == 1
        assert receive_documents(session, origin="10103", members=[bad]) == 1
        assert receive_documents(session, origin="10101", members=[good, good]) == 0  # kept once
    received = {item.office_code: item for item in list_received(store)}
    assert received["10101"].signature_status == "valid"
    assert received["10101"].signers == ("Nguyễn Văn An",)
    assert received["10103"].signature_status == "invalid"
    listed = [item for item in cli("document", "list", "--json").json() if item.get("received")]
    assert {(item["office_code"], item["signature"]["status"]) for item in listed} == {
        ("10101", "valid"),
        ("10103", "invalid"),
    }
