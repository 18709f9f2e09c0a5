"""Revocation lists (CRL) from a stick: hostile files first (huge, a pipe, junk, forged,
older, from the future, swapped after being shown), then what an honest list gives."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography import x509

from dvdesk.errors import Conflict, UserError
from dvdesk.services.store import Store
from dvdesk.signatures.revocation import RevocationState, assess
from dvdesk.signatures.revocation_lists import (
    add_crl,
    list_crls,
    preview_crl,
    remove_crl,
    stored_lists,
)
from dvdesk.signatures.trust_roots import add_root
from dvdesk.sync.refusals import Refused
from tests.crl_fixtures import NOW, make_crl, make_intermediate
from tests.signature_fixtures import Authority, issue_certificate, make_ca


@pytest.fixture
def ca(store: Store, tmp_path: Path) -> Authority:
    """A CA whose root this office trusts."""
    authority = make_ca("CA Ban Cơ yếu")
    root = tmp_path / "root.pem"
    root.write_bytes(authority.pem)
    add_root(store, path=root)
    return authority


def crl_file(tmp_path: Path, data: bytes, name: str = "ca.crl") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_a_huge_file_is_refused_unread(store: Store, ca: Authority, tmp_path: Path) -> None:
    huge = tmp_path / "ca.crl"
    with huge.open("wb") as handle:  # 2 GiB, sparse: reading it would take the memory
        handle.truncate(2**31)
    with pytest.raises(Refused, match="quá lớn"):
        preview_crl(store, path=huge)
    with pytest.raises(Refused, match="quá lớn"):
        add_crl(store, path=huge)
    assert list_crls(store) == []


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs exist only on POSIX")
def test_a_fifo_is_refused_without_waiting(store: Store, ca: Authority, tmp_path: Path) -> None:
    fifo = tmp_path / "ca.crl"
    os.mkfifo(fifo)
    with pytest.raises(Refused):
        add_crl(store, path=fifo)


def test_junk_is_refused(store: Store, ca: Authority, tmp_path: Path) -> None:
    junk = crl_file(tmp_path, b"\x30\x82\xff\xff" + os.urandom(200))
    with pytest.raises(UserError, match="không phải danh sách thu hồi"):
        add_crl(store, path=junk)
    pem_junk = crl_file(tmp_path, b"-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n")
    with pytest.raises(UserError, match="không phải danh sách thu hồi"):
        add_crl(store, path=pem_junk)
    assert list_crls(store) == []


def test_a_list_from_an_untrusted_authority_is_refused(
    store: Store, ca: Authority, tmp_path: Path
) -> None:
    stranger = make_ca("CA lạ")
    path = crl_file(tmp_path, make_crl(stranger))
    with pytest.raises(UserError, match="không được ký bởi tổ chức chứng thực tin cậy"):
        preview_crl(store, path=path)
    with pytest.raises(UserError, match="không được ký bởi tổ chức chứng thực tin cậy"):
        add_crl(store, path=path)
    assert list_crls(store) == []


def test_a_forgery_naming_the_trusted_authority_is_refused(
    store: Store, ca: Authority, tmp_path: Path
) -> None:
    """Same name as the trusted root, another key: a forger's empty list would hide revocations."""
    forger = make_ca("CA Ban Cơ yếu")
    path = crl_file(tmp_path, make_crl(forger))
    with pytest.raises(UserError, match="không được ký bởi"):
        add_crl(store, path=path)
    assert list_crls(store) == []


def test_an_older_list_cannot_replace_a_newer_one(
    store: Store, ca: Authority, tmp_path: Path
) -> None:
    newer = crl_file(tmp_path, make_crl(ca, number=5), "new.crl")
    older = crl_file(
        tmp_path, make_crl(ca, number=4, this_update=NOW - timedelta(days=3)), "old.crl"
    )
    kept = add_crl(store, path=newer)
    with pytest.raises(UserError, match="không mới hơn"):
        add_crl(store, path=older)
    assert [(item.fingerprint, item.number) for item in list_crls(store)] == [
        (kept.fingerprint, "5")
    ]
    with pytest.raises(Conflict, match="đã được nhập"):
        add_crl(store, path=newer)


def test_an_older_list_without_numbers_is_refused_by_date(
    store: Store, ca: Authority, tmp_path: Path
) -> None:
    newer = crl_file(tmp_path, make_crl(ca, number=None), "new.crl")
    older = crl_file(
        tmp_path, make_crl(ca, number=None, this_update=NOW - timedelta(days=2)), "old.crl"
    )
    add_crl(store, path=newer)
    with pytest.raises(UserError, match="không mới hơn"):
        add_crl(store, path=older)


def test_a_list_from_the_future_is_refused(store: Store, ca: Authority, tmp_path: Path) -> None:
    """Dated years ahead, it would block every genuine list after it as "older"."""
    ahead = NOW + timedelta(days=3650)
    path = crl_file(tmp_path, make_crl(ca, this_update=ahead, number=999999))
    with pytest.raises(UserError, match="ngày tháng không thể có"):
        add_crl(store, path=path)
    assert list_crls(store) == []


def test_a_delta_list_is_refused(store: Store, ca: Authority, tmp_path: Path) -> None:
    from cryptography.hazmat.primitives import hashes, serialization

    delta = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca.cert.subject)
        .last_update(NOW - timedelta(hours=1))
        .next_update(NOW + timedelta(days=1))
        .add_extension(x509.CRLNumber(7), critical=False)
        .add_extension(x509.DeltaCRLIndicator(6), critical=True)
        .sign(ca.key, hashes.SHA256())
        .public_bytes(serialization.Encoding.DER)
    )
    with pytest.raises(UserError, match="không đầy đủ"):
        add_crl(store, path=crl_file(tmp_path, delta))


def test_a_file_swapped_after_it_was_shown_is_refused(
    store: Store, ca: Authority, tmp_path: Path
) -> None:
    path = crl_file(tmp_path, make_crl(ca, number=1))
    shown = preview_crl(store, path=path)
    path.write_bytes(make_crl(ca, number=2))
    with pytest.raises(UserError, match="đã thay đổi"):
        add_crl(store, path=path, expected=shown.fingerprint)
    assert list_crls(store) == []


def test_a_list_is_shown_before_it_is_kept_and_a_newer_one_replaces_it(
    store: Store, ca: Authority, tmp_path: Path
) -> None:
    _key, cert = issue_certificate(ca, common="Nguyễn Văn An", organisation="Ban Dân vận")
    first = crl_file(
        tmp_path,
        make_crl(ca, revoked=((cert.serial_number, NOW - timedelta(days=1)),), pem=True),
        "first.crl",
    )
    shown = preview_crl(store, path=first)
    assert (shown.issuer, shown.revoked, shown.number) == ("CA Ban Cơ yếu", 1, "1")
    assert shown.next_update is not None and shown.this_update < shown.next_update
    assert list_crls(store) == []  # looking changes nothing
    add_crl(store, path=first, expected=shown.fingerprint)
    second = crl_file(tmp_path, make_crl(ca, number=2), "second.crl")
    add_crl(store, path=second)
    [kept] = list_crls(store)
    assert (kept.number, kept.revoked) == ("2", 0)
    removed = remove_crl(store, issuer_key_prefix=kept.issuer_key[:12])
    assert removed.issuer == "CA Ban Cơ yếu" and list_crls(store) == []


def test_a_subordinate_authority_list_needs_its_certificate_from_a_trusted_root(
    store: Store, ca: Authority, tmp_path: Path
) -> None:
    sub = make_intermediate(ca, "CA cấp dưới Ban Cơ yếu")
    path = crl_file(tmp_path, make_crl(sub))
    with pytest.raises(UserError, match="không được ký bởi"):
        add_crl(store, path=path)
    issuer = tmp_path / "sub.pem"
    issuer.write_bytes(sub.pem)
    added = add_crl(store, path=path, issuer_path=issuer)
    assert added.issuer == "CA cấp dưới Ban Cơ yếu"
    # The same list with a look-alike subordinate that no trusted root issued: refused.
    rogue = make_intermediate(make_ca("CA lạ"), "CA cấp dưới Ban Cơ yếu")
    issuer.write_bytes(rogue.pem)
    with pytest.raises(UserError, match="không do chứng thư gốc tin cậy cấp"):
        preview_crl(store, path=crl_file(tmp_path, make_crl(rogue, number=9)), issuer_path=issuer)


def _lists(store: Store, ca: Authority, tmp_path: Path, data: bytes) -> None:
    add_crl(store, path=crl_file(tmp_path, data))


def test_assessment_uses_only_a_trusted_time(store: Store, ca: Authority, tmp_path: Path) -> None:
    _key, cert = issue_certificate(ca, common="Nguyễn Văn An", organisation="Ban Dân vận")
    revoked_at = NOW - timedelta(days=2)
    _lists(store, ca, tmp_path, make_crl(ca, revoked=((cert.serial_number, revoked_at),)))
    lists = stored_lists(store)
    before = revoked_at - timedelta(days=1)
    stamped = assess(cert, lists=lists, trusted_time=before, claimed_time=before)
    assert stamped.state is RevocationState.SIGNED_BEFORE
    assert "dấu thời gian tin cậy" in stamped.text and "vẫn hợp lệ" in stamped.text
    claimed = assess(cert, lists=lists, trusted_time=None, claimed_time=before)
    assert claimed.state is RevocationState.REVOKED and claimed.revoked_at == revoked_at
    assert "đồng hồ của người ký" in claimed.text
    after = assess(cert, lists=lists, trusted_time=NOW, claimed_time=NOW)
    assert after.state is RevocationState.REVOKED


def test_assessment_of_a_certificate_not_listed(
    store: Store, ca: Authority, tmp_path: Path
) -> None:
    _key, cert = issue_certificate(ca, common="Nguyễn Văn An", organisation="Ban Dân vận")
    nothing = assess(cert, lists=[], trusted_time=None, claimed_time=NOW)
    assert nothing.state is RevocationState.NOT_CHECKED and "chưa kiểm tra thu hồi" in nothing.text
    old = NOW - timedelta(days=30)
    _lists(store, ca, tmp_path, make_crl(ca, this_update=old, next_update=old + timedelta(days=7)))
    outdated = assess(cert, lists=stored_lists(store), trusted_time=None, claimed_time=NOW)
    assert outdated.state is RevocationState.OUTDATED and "quá hạn" in outdated.text
    fresh = assess(cert, lists=stored_lists(store), trusted_time=None, claimed_time=NOW, now=old)
    assert fresh.state is RevocationState.GOOD
    assert fresh.text == f"Không bị thu hồi theo danh sách ngày {old.astimezone():%d/%m/%Y}."
    # A certificate of another authority with the same serial is not matched by this list.
    stranger = make_ca("CA Ban Cơ yếu")
    _key, other = issue_certificate(stranger, common="Người khác", organisation="Ban khác")
    assert (
        assess(other, lists=stored_lists(store), trusted_time=None, claimed_time=NOW).state
        is RevocationState.NOT_CHECKED
    )


def test_only_the_administrator_adds_or_removes_a_list(
    store: Store, ca: Authority, tmp_path: Path
) -> None:
    from dvdesk.domain.people import Role
    from dvdesk.services.auth import PermissionDenied, sign_in
    from dvdesk.services.users import add_user

    path = crl_file(tmp_path, make_crl(ca))
    add_crl(store, path=path)
    [kept] = list_crls(store)
    add_user(store, name="quantri", roles=[Role.ADMIN], password="mat-khau-quan-tri")
    add_user(store, name="nhanvien", roles=[Role.CLERK], password="mat-khau-nhan-vien")
    sign_in(store, name="nhanvien", password="mat-khau-nhan-vien")
    newer = crl_file(tmp_path, make_crl(ca, number=2), "newer.crl")
    with pytest.raises(PermissionDenied, match="nhanvien"):
        add_crl(store, path=newer)
    with pytest.raises(PermissionDenied, match="nhanvien"):
        remove_crl(store, issuer_key_prefix=kept.issuer_key)
    assert [item.number for item in list_crls(store)] == ["1"]


def test_an_outdated_list_still_revokes(store: Store, ca: Authority, tmp_path: Path) -> None:
    """A revocation is never undone: an old list that names the certificate still counts."""
    _key, cert = issue_certificate(ca, common="Nguyễn Văn An", organisation="Ban Dân vận")
    old = NOW - timedelta(days=30)
    revoked = ((cert.serial_number, old - timedelta(days=1)),)
    data = make_crl(ca, revoked=revoked, this_update=old, next_update=old + timedelta(days=7))
    _lists(store, ca, tmp_path, data)
    found = assess(cert, lists=stored_lists(store), trusted_time=None, claimed_time=NOW)
    assert found.state is RevocationState.REVOKED
