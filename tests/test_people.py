"""Users, roles and sign-in: who may do what is checked by the core, not only the UI."""

from __future__ import annotations

from pathlib import Path
from typing import cast

import pytest

from dvdesk.db.schema import AppUser
from dvdesk.documents.content import Document
from dvdesk.documents.register import issue, void_document
from dvdesk.domain.enums import RecordType
from dvdesk.domain.people import Role
from dvdesk.paths import DataPaths
from dvdesk.services import auth
from dvdesk.services.approval import approve_records
from dvdesk.services.auth import PermissionDenied, SignInFailed, sign_in
from dvdesk.services.records import add_record, get_record
from dvdesk.services.settings import get_setting, set_setting
from dvdesk.services.store import Store, open_store
from dvdesk.services.users import add_user, disable_user, list_users, set_password
from dvdesk.signatures.documents import sign_issued
from dvdesk.signatures.sign import SigningRequest
from dvdesk.sync import keys
from dvdesk.sync.export import export_package
from tests.conftest import CliRunner, database_digest
from tests.samples import inspection

ADMIN_PW = "mat-khau-quan-tri"
CLERK_PW = "mat-khau-chuyen-vien"
HEAD_PW = "mat-khau-lanh-dao"


def _as(paths: DataPaths, name: str, password: str) -> Store:
    store = open_store(paths, actor="os-login")
    sign_in(store, name=name, password=password)
    return store


@pytest.fixture
def office(store: Store) -> Store:
    """An office with an administrator, a clerk and a head (and a record by the clerk)."""
    add_user(store, name="quantri", roles=[Role.ADMIN], password=ADMIN_PW)
    add_user(
        store, name="chuyenvien", roles=[Role.CLERK], password=CLERK_PW, full_name="Trần Thị Mai"
    )
    add_user(store, name="lanhdao", roles=[Role.HEAD], password=HEAD_PW)
    return store


def test_one_person_office_needs_no_sign_in_until_the_first_admin(store: Store) -> None:
    record_id = add_record(store, record_type=RecordType.INSPECTION, data=inspection())
    approve_records(store, record_ids=[record_id])  # the one person holds every role
    with pytest.raises(Exception, match="quản trị"):
        add_user(store, name="chuyenvien", roles=[Role.CLERK], password=CLERK_PW)
    add_user(store, name="quantri", roles=[Role.ADMIN], password=ADMIN_PW)
    anonymous = open_store(store.paths, actor="os-login")
    with pytest.raises(PermissionDenied, match="đăng nhập"):
        add_record(anonymous, record_type=RecordType.INSPECTION, data=inspection())


def test_a_clerk_cannot_approve_issue_export_or_manage_users(office: Store, tmp_path: Path) -> None:
    clerk = _as(office.paths, "chuyenvien", CLERK_PW)
    record_id = add_record(clerk, record_type=RecordType.INSPECTION, data=inspection())
    before = database_digest(office.paths)
    refusals = [
        lambda: approve_records(clerk, record_ids=[record_id]),
        lambda: add_user(clerk, name="nguoimoi", roles=[Role.CLERK], password=CLERK_PW),
        lambda: disable_user(clerk, name="lanhdao"),
        lambda: set_password(clerk, name="lanhdao", password="mat-khau-moi-1"),
        lambda: set_setting(clerk, key="document.margins", value=[20, 15, 20, 30]),
        lambda: keys.create_keys(clerk, passphrase="mot cau mat khau dai"),
        lambda: export_package(clerk, out=tmp_path, passphrase="mot cau mat khau dai"),
        # The role is checked before the document is even looked at.
        lambda: issue(clerk, document=cast(Document, None), subject_key=f"minutes:{record_id}"),
        lambda: void_document(clerk, document_id=1, reason="Ban hành nhầm"),
        lambda: sign_issued(
            clerk, document="1", request=cast(SigningRequest, None), pin="12345678"
        ),
    ]
    for refuse in refusals:
        with pytest.raises(PermissionDenied) as refused:
            refuse()
        assert (
            "chuyenvien" in refused.value.message
            and "Không có gì thay đổi" in refused.value.message
        )
    assert database_digest(office.paths) == before
    assert get_setting(clerk, key="document.margins") is None


def test_the_head_approves_and_changes_are_attributed_to_the_signed_in_user(office: Store) -> None:
    clerk = _as(office.paths, "chuyenvien", CLERK_PW)
    record_id = add_record(clerk, record_type=RecordType.INSPECTION, data=inspection())
    head = _as(office.paths, "lanhdao", HEAD_PW)
    [approval] = approve_records(head, record_ids=[record_id])
    assert approval.approved_by == "lanhdao"
    with head.raw() as connection:
        actors = connection.execute(
            "SELECT action, actor FROM audit_log WHERE entity_id = ? ORDER BY id", (record_id,)
        ).fetchall()
    assert actors == [("create", "chuyenvien"), ("approve", "lanhdao")]
    assert get_record(head, record_id=record_id).created_by == "chuyenvien"


def test_wrong_passwords_are_refused_with_growing_delays_that_survive_a_restart(
    office: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = [1_000_000.0]
    monkeypatch.setattr(auth, "clock", lambda: now[0])
    store = open_store(office.paths, actor="os-login")
    for _attempt in range(auth.FREE_ATTEMPTS + 1):
        with pytest.raises(SignInFailed, match="Sai tên người dùng hoặc mật khẩu"):
            sign_in(store, name="chuyenvien", password="doan-sai-mat-khau")
    # Even the right password must wait now; a new store (a restarted program) too.
    restarted = open_store(office.paths, actor="os-login")
    with pytest.raises(SignInFailed, match="chờ 2 giây"):
        sign_in(restarted, name="chuyenvien", password=CLERK_PW)
    now[0] += 3
    with pytest.raises(SignInFailed):
        sign_in(restarted, name="chuyenvien", password="doan-sai-lan-nua")
    with pytest.raises(SignInFailed, match="chờ 4 giây"):
        sign_in(restarted, name="chuyenvien", password=CLERK_PW)
    assert not restarted.signed_in
    # Another administrator resets the password, which also lifts the delay.
    set_password(
        _as(office.paths, "quantri", ADMIN_PW), name="chuyenvien", password="mat-khau-moi-1"
    )
    sign_in(restarted, name="chuyenvien", password="mat-khau-moi-1")
    assert restarted.signed_in and restarted.actor == "chuyenvien"
    with restarted.session() as session:
        user = session.get(AppUser, "chuyenvien")
        assert user is not None and user.failed_count == 0
        assert user.password_hash.startswith("$argon2id$")


def test_a_disabled_user_cannot_sign_in_and_the_last_admin_stays(office: Store) -> None:
    admin = _as(office.paths, "quantri", ADMIN_PW)
    disable_user(admin, name="lanhdao")
    with pytest.raises(SignInFailed):
        _as(office.paths, "lanhdao", HEAD_PW)
    with pytest.raises(Exception, match="quản trị cuối cùng"):
        disable_user(admin, name="quantri")
    assert [(u.name, u.disabled) for u in list_users(admin)] == [
        ("chuyenvien", False),
        ("lanhdao", True),
        ("quantri", False),
    ]


def test_cli_users_and_headless_sign_in(
    cli: CliRunner, paths: DataPaths, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DVDESK_PASSWORD", ADMIN_PW)
    created = cli(
        "init", "--level", "commune", "--code", "10105", "--name", "Ban Xây dựng Đảng",
        "--symbol", "BXDĐ", "--place", "Bát Tràng", "--admin", "quantri",
    )  # fmt: skip
    assert created.code == 0, created.err
    # The cli fixture runs as --user chuyenvien, who does not exist yet.
    refused = cli("record", "list")
    assert refused.code == 3 and "Sai tên người dùng" in refused.err
    from dvdesk.cli.main import main

    def as_user(name: str, *args: str) -> int:
        return main(["--data-dir", str(paths.root), "--user", name, *args])

    monkeypatch.setenv("DVDESK_NEW_PASSWORD", CLERK_PW)
    assert (
        as_user(
            "quantri", "user", "add", "chuyenvien", "--role", "clerk", "--full-name", "Trần Thị Mai"
        )
        == 0
    )
    monkeypatch.setenv("DVDESK_PASSWORD", CLERK_PW)
    denied = cli("user", "add", "khac", "--role", "head")
    assert denied.code == 3 and "quyền" in denied.err
    password_file = tmp_path / "pw"
    password_file.write_text(ADMIN_PW + "\n", encoding="utf-8")
    monkeypatch.delenv("DVDESK_PASSWORD")
    assert as_user("quantri", "--password-file", str(password_file), "user", "list", "--json") == 0
    listed = cli("--password-file", str(password_file), "user", "list")  # wrong user's password
    assert listed.code == 3


def test_signature_commands_run_as_the_signed_in_user(
    store: Store, paths: DataPaths, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Trial 3: once the office had users, every chữ ký số command (document sign, trust
    add-root …) said "sign in first" even to a signed-in head or administrator: the
    commands opened the database without the sign-in."""
    from dvdesk.cli.main import main
    from tests.signature_fixtures import make_ca

    add_user(store, name="quantri", password=ADMIN_PW, roles=[Role.ADMIN])
    root = tmp_path / "root.pem"
    root.write_bytes(make_ca().pem)
    monkeypatch.setenv("DVDESK_PASSWORD", ADMIN_PW)
    code = main(
        ["--data-dir", str(paths.root), "--user", "quantri", "trust", "add-root", str(root)]
    )
    assert code == 0
    listed = main(["--data-dir", str(paths.root), "--user", "quantri", "trust", "list", "--json"])
    assert listed == 0
