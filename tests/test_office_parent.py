"""Naming the office one level up after set-up: a province joins the centre, a commune fixes
a mistyped parent before its first package; a changed parent after an export is refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

from dvdesk.db.schema import OrgUnit
from dvdesk.domain.people import Role
from dvdesk.domain.validation import validate
from dvdesk.errors import Conflict, UserError, ValidationFailed
from dvdesk.paths import DataPaths
from dvdesk.services.auth import PermissionDenied, sign_in
from dvdesk.services.office import (
    CENTRAL_CODE,
    CENTRAL_NAME,
    OfficeInput,
    get_office,
    parent_can_change,
    set_parent,
)
from dvdesk.services.records import get_record
from dvdesk.services.store import Store, open_store
from dvdesk.services.users import add_user
from dvdesk.sync import keys
from dvdesk.sync.trust import enroll_card
from tests import sync_fixtures
from tests.conftest import CliRunner, database_digest
from tests.sync_fixtures import CENTRAL, PROVINCE, Hierarchy, make_office

hierarchy_template = sync_fixtures.hierarchy_template
hierarchy = sync_fixtures.hierarchy

HAI_PHONG = "Ban Tuyên giáo và Dân vận Thành ủy Hải Phòng"
ORPHAN_PROVINCE = {k: v for k, v in PROVINCE.items() if not k.startswith("parent_")}


def _units(store: Store) -> list[tuple[str, str, str | None]]:
    with store.session() as session:
        rows = session.exec(select(OrgUnit).order_by(OrgUnit.relation)).all()
        return [(row.relation, row.code, row.parent_code) for row in rows]


def _refused_unchanged(store: Store, error: type[UserError], **kwargs: str) -> UserError:
    before = database_digest(store.paths)
    with pytest.raises(error) as refused:
        set_parent(store, **kwargs)
    assert database_digest(store.paths) == before
    return refused.value


def test_a_province_set_up_without_a_parent_sends_its_next_package_to_the_centre(
    tmp_path: Path,
) -> None:
    province = make_office(tmp_path / "province", ORPHAN_PROVINCE)
    centre = make_office(tmp_path / "centre", CENTRAL)
    stick = tmp_path / "stick"
    stick.mkdir()
    try:
        assert get_office(province).parent_code is None
        assert parent_can_change(province)
        office = set_parent(province, code=CENTRAL_CODE, name=CENTRAL_NAME)
        assert (office.parent_code, office.parent_name) == ("00", CENTRAL_NAME)
        assert _units(province) == [("parent", "00", None), ("self", "01", "00")]
        # The province's key card was made before it had a parent and names none: the
        # centre enrols it with its explicit word, after reading the fingerprint by phone.
        enroll_card(centre, card=keys.active_card(province), confirm=True)
        enroll_card(province, card=keys.active_card(centre))
        h = Hierarchy(province, province, centre, province, province, stick)
        record = h.add(province, title="Giám sát việc giải quyết đơn thư của Thành ủy Hà Nội")
        sent = h.export(province)
        assert (sent.destination, sent.destination_name) == ("00", CENTRAL_NAME)
        h.import_(centre, sent.path)
        assert get_record(centre, record_id=record).office_code == "01"
        # Sent once: the parent is fixed from now on.
        assert not parent_can_change(province)
        refusal = _refused_unchanged(province, Conflict, code="00", name="Trung ương")
        assert "đã gửi" in refusal.message
    finally:
        province.close()
        centre.close()


def test_a_commune_corrects_a_mistyped_parent_before_its_first_package(store: Store) -> None:
    assert parent_can_change(store)
    office = set_parent(store, code="31", name=HAI_PHONG)
    assert (office.parent_code, office.parent_name) == ("31", HAI_PHONG)
    assert _units(store) == [("parent", "31", None), ("self", "10105", "31")]


def test_after_an_export_a_different_parent_is_refused_and_nothing_changes(
    hierarchy: Hierarchy,
) -> None:
    h = hierarchy
    h.add(h.commune, title="Kiểm tra Quy chế dân chủ ở cơ sở xã Bát Tràng")
    h.export(h.commune)
    refusal = _refused_unchanged(h.commune, Conflict, code="31", name=HAI_PHONG)
    assert "Không thay đổi gì" in refusal.message and "01" in refusal.message
    same = _refused_unchanged(
        h.commune, Conflict, code="01", name=get_office(h.province).current.name
    )
    assert "đã là" in same.message
    assert get_office(h.commune).parent_code == "01"


def test_the_centre_has_no_parent(hierarchy: Hierarchy) -> None:
    assert not parent_can_change(hierarchy.centre)
    refusal = _refused_unchanged(hierarchy.centre, UserError, code="00", name=CENTRAL_NAME)
    assert "cấp cao nhất" in refusal.message
    assert get_office(hierarchy.centre).parent_code is None


@pytest.mark.parametrize(
    ("code", "name", "words"),
    [
        ("01", "Thành ủy Hà Nội", "00"),  # a province's parent is the centre
        ("", "Thành ủy Hà Nội", ""),
        ("00", "", ""),
    ],
)
def test_a_wrong_parent_for_a_province_is_refused(
    tmp_path: Path, code: str, name: str, words: str
) -> None:
    province = make_office(tmp_path / "province", ORPHAN_PROVINCE)
    try:
        refusal = _refused_unchanged(province, ValidationFailed, code=code, name=name)
        assert words in refusal.message
        assert get_office(province).parent_code is None
    finally:
        province.close()


def test_the_province_code_message_fits_where_it_is_shown(tmp_path: Path) -> None:
    """Set-up may leave the office above empty and says so; Office settings sets it, so
    its message only says which code to type."""
    province = make_office(tmp_path / "province", ORPHAN_PROVINCE)
    try:
        settings = _refused_unchanged(province, ValidationFailed, code="01", name=HAI_PHONG)
    finally:
        province.close()
    assert "00" in settings.message and "để trống" not in settings.message
    with pytest.raises(ValidationFailed) as wizard:
        validate(OfficeInput, {**PROVINCE, "parent_code": "01"})
    assert "00" in wizard.value.message and "để trống" in wizard.value.message


@pytest.mark.parametrize("code", ["1", "101", "0101A", "10106"])
def test_a_commune_parent_must_be_a_province_code(store: Store, code: str) -> None:
    refusal = _refused_unchanged(store, ValidationFailed, code=code, name=HAI_PHONG)
    assert "2 chữ số" in refusal.message
    assert get_office(store).parent_code == "01"


def test_only_an_administrator_sets_the_parent(store: Store, paths: DataPaths) -> None:
    add_user(store, name="quantri", roles=[Role.ADMIN], password="mật khẩu quản trị 1")
    add_user(store, name="lan", roles=[Role.CLERK, Role.HEAD], password="mật khẩu của Lan 1")
    clerk = open_store(paths, actor="lan")
    try:
        sign_in(clerk, name="lan", password="mật khẩu của Lan 1")
        refusal = _refused_unchanged(clerk, PermissionDenied, code="31", name=HAI_PHONG)
        assert "lan" in refusal.message
    finally:
        clerk.close()
    assert set_parent(store, code="31", name=HAI_PHONG).parent_code == "31"


def test_cli_sets_the_parent_in_vietnamese(store: Store, cli: CliRunner) -> None:
    result = cli("office", "set-parent", "--code", "31", "--name", HAI_PHONG)
    assert result.code == 0, result.err
    assert f"{HAI_PHONG} (31)" in result.out and "gói dữ liệu tiếp theo" in result.out
    assert get_office(store).parent_code == "31"


def test_cli_refuses_a_wrong_code_and_changes_nothing(
    store: Store, cli: CliRunner, paths: DataPaths
) -> None:
    before = database_digest(paths)
    result = cli("office", "set-parent", "--code", "1", "--name", HAI_PHONG)
    assert result.code != 0
    assert "2 chữ số" in result.err
    assert database_digest(paths) == before
