"""Attacks on a move to a new office above (docs/reparenting.md §1).

Before 7/2025 a commune reported to its district, which relayed it to the province; the
province knows the commune's key and packages only through the district's delegation.
The commune then moves to report to the province directly. Each attack must be refused
(or change nothing) with the database unchanged.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from dvdesk.cli.main import main
from dvdesk.paths import DataPaths
from dvdesk.services.office import create_office, get_office
from dvdesk.services.records import get_record
from dvdesk.services.report_queries import office_names
from dvdesk.services.store import Store, open_store
from dvdesk.sync import keys
from dvdesk.sync.apply import import_package
from dvdesk.sync.export import ExportResult, export_package
from dvdesk.sync.history import history_findings
from dvdesk.sync.keycard import Card, card_office, make_card, parse_card
from dvdesk.sync.move import move_to_parent
from dvdesk.sync.refusals import Reason, Refused
from dvdesk.sync.status import unit_statuses
from dvdesk.sync.trust import enroll_card
from tests.conftest import database_digest
from tests.samples import OFFICE
from tests.sync_fixtures import (
    OTHER_PROVINCE,
    PASSPHRASE,
    PROVINCE,
    Hierarchy,
    hierarchy,
    hierarchy_template,
    introduce,
    introduce_parent,
    make_office,
    refused_unchanged,
)
from tests.test_reparent import moved_commune

__all__ = ["hierarchy", "hierarchy_template"]

DISTRICT: dict[str, object] = {
    "level": "district",
    "code": "004",
    "name": "Ban Dân vận Huyện ủy Gia Lâm",
    "header_name": "Ban Dân vận",
    "superior": "Huyện ủy Gia Lâm",
    "symbol": "BDVHU",
    "place": "Gia Lâm",
    "parent_code": "01",
    "parent_name": str(PROVINCE["name"]),
}


@dataclass
class Reorganisation:
    """commune → district → province before 7/2025; the commune then moves up."""

    commune: Store
    district: Store
    province: Store
    stick: Path

    def export(self, store: Store, **options: object) -> ExportResult:
        return export_package(store, out=self.stick, passphrase=PASSPHRASE, **options)  # type: ignore[arg-type]

    def send(self, child: Store, parent: Store) -> ExportResult:
        sent = self.export(child)
        import_package(parent, path=sent.path, passphrase=PASSPHRASE)
        return sent

    def add(self, title: str) -> str:
        return Hierarchy.add(self, self.commune, title=title)  # type: ignore[arg-type]


def _commune_under_district(root: Path) -> Store:
    """A commune set up before 7/2025, when its office above was the district (the set-up
    check now wants a province: the older database is written as it was)."""
    store = open_store(DataPaths(root), actor="chuyenvien", create=True)
    create_office(store, data=dict(OFFICE))
    with sqlite3.connect(store.paths.database) as connection:
        connection.execute(
            "UPDATE org_unit SET code = ?, name = ?, level = 'district' WHERE relation = 'parent'",
            (DISTRICT["code"], DISTRICT["name"]),
        )
        connection.execute(
            "UPDATE org_unit SET parent_code = ? WHERE relation = 'self'", (DISTRICT["code"],)
        )
    keys.create_keys(store, passphrase=PASSPHRASE)
    return store


@pytest.fixture
def reorganisation(tmp_path: Path) -> Iterator[Reorganisation]:
    commune = _commune_under_district(tmp_path / "commune")
    district = make_office(tmp_path / "district", DISTRICT)
    province = make_office(tmp_path / "province", PROVINCE)
    introduce(commune, district)
    introduce(district, province)
    stick = tmp_path / "stick"
    stick.mkdir()
    world = Reorganisation(commune, district, province, stick)
    yield world
    for store in (commune, district, province):
        store.close()


def _before_the_move(r: Reorganisation) -> tuple[str, str, ExportResult]:
    """Package 1 reaches the province through the district; package 2 stays at the
    district. Returns both records and the district's package still to be relayed."""
    first = r.add("Kiểm tra Quy chế dân chủ ở cơ sở xã Bát Tràng")
    r.send(r.commune, r.district)
    r.send(r.district, r.province)
    second = r.add("Đối thoại với Nhân dân về giải phóng mặt bằng")
    r.send(r.commune, r.district)
    return first, second, r.export(r.district)


def test_the_commune_moves_from_its_district_to_the_province(
    reorganisation: Reorganisation,
) -> None:
    r = reorganisation
    first, second, _late = _before_the_move(r)
    assert get_office(r.commune).parent_code == "004"
    old = keys.active_key(r.commune).key_id
    moved = move_to_parent(r.commune, code="01", name=str(PROVINCE["name"]), passphrase=PASSPHRASE)
    assert moved.continues_from == 2
    # The province knew the commune only through the district: the new card, certified by
    # the key the district vouched for, is enrolled as a direct child.
    enrolled = enroll_card(r.province, card=keys.active_card(r.commune))
    assert enrolled.relation == "child" and not enrolled.already
    introduce_parent(r.commune, r.province)
    baseline = r.export(r.commune)
    assert (baseline.sequence, baseline.covers_from) == (3, 1)
    summary = import_package(r.province, path=baseline.path, passphrase=PASSPHRASE)
    # Package 1 came through the district, 2 never did: no duplicate, no alarm, no gap.
    assert (summary.new, summary.unchanged, summary.refused) == (1, 1, 0)
    assert summary.missing == {}
    for record_id in (first, second):
        assert get_record(r.province, record_id=record_id).office_code == "10105"
    statuses = {unit.office_code: unit for unit in unit_statuses(r.province)}
    assert statuses["10105"].missing == () and statuses["10105"].relation == "child"
    # A child office of the province now: its records are in the province's reports.
    assert "10105" in office_names(r.province)[2]
    # The baseline's history seal links to package 1, which came through the district.
    assert history_findings(r.province, origin="10105") == []
    # The old key is retired at the province: an old package signed by it is refused.
    assert old != keys.active_key(r.commune).key_id


@pytest.fixture
def moved(reorganisation: Reorganisation) -> Iterator[tuple[Reorganisation, ExportResult]]:
    """After the move: the province enrolled the new card and imported the baseline.
    Yields the district's package made before the move (it still relays the commune)."""
    r = reorganisation
    _first, _second, late = _before_the_move(r)
    move_to_parent(r.commune, code="01", name=str(PROVINCE["name"]), passphrase=PASSPHRASE)
    enroll_card(r.province, card=keys.active_card(r.commune))
    introduce_parent(r.commune, r.province)
    import_package(r.province, path=r.export(r.commune).path, passphrase=PASSPHRASE)
    yield r, late


def test_a_relay_from_the_old_parent_after_the_move_changes_nothing(
    moved: tuple[Reorganisation, ExportResult],
) -> None:
    r, late = moved
    refusal = refused_unchanged(
        r.province,
        Reason.NOT_DELEGATED,
        lambda: import_package(r.province, path=late.path, passphrase=PASSPHRASE),
    )
    assert "10105" in refusal.message and "chưa nhập gì" in refusal.message


def test_a_replayed_old_package_of_the_commune_is_refused(
    moved: tuple[Reorganisation, ExportResult],
) -> None:
    r, _late = moved
    old_package = sorted(r.stick.glob("dvdesk-10105-004-*.dvpkg"))[-1]
    # Signed by the retired key the district vouched for: never taken directly.
    refused_unchanged(
        r.province,
        Reason.NOT_A_CHILD,
        lambda: import_package(r.province, path=old_package, passphrase=PASSPHRASE),
    )


def test_the_baseline_again_after_a_later_package_changes_nothing(
    moved: tuple[Reorganisation, ExportResult],
) -> None:
    r, _late = moved
    baseline = sorted(r.stick.glob("dvdesk-10105-01-*.dvpkg"))[-1]
    r.add("Giám sát việc thực hiện chính sách đối với người có công")
    later = r.export(r.commune)
    assert (later.sequence, later.covers_from) == (4, 1)  # no receipt from the province yet
    assert import_package(r.province, path=later.path, passphrase=PASSPHRASE).new == 1
    before = database_digest(r.province.paths)
    again = import_package(r.province, path=baseline, passphrase=PASSPHRASE)
    assert again.already_imported
    assert database_digest(r.province.paths) == before


def _forged_card(commune: Card, *, certifier: str | None) -> Card:
    """A card for the commune naming the province as parent, made with the attacker's key
    (it may claim to be certified by the commune's key: it cannot carry its signature)."""
    signing = Ed25519PrivateKey.generate()
    raw = (Encoding.Raw, PublicFormat.Raw)
    data = make_card(
        office=card_office(commune.data) | {"parent_code": "01"},
        signing_key=signing,
        signing_public=signing.public_key().public_bytes(*raw),
        encryption_public=X25519PrivateKey.generate().public_key().public_bytes(*raw),
        created_at="2025-07-01T08:00:00+07:00",
        certifier=(certifier, signing) if certifier else None,
    )
    return parse_card(data)


@pytest.mark.parametrize("claims_certificate", [False, True])
def test_a_forged_move_card_is_refused(
    reorganisation: Reorganisation, claims_certificate: bool
) -> None:
    r = reorganisation
    _before_the_move(r)
    genuine = keys.active_card(r.commune)
    forged = _forged_card(genuine, certifier=genuine.key_id if claims_certificate else None)
    refused_unchanged(
        r.province, Reason.ALREADY_ENROLLED, lambda: enroll_card(r.province, card=forged)
    )


def test_the_old_card_cannot_be_enrolled_after_the_move(
    moved: tuple[Reorganisation, ExportResult],
) -> None:
    r, _late = moved
    old_card = parse_card(keys.own_chain(r.commune)[0])
    assert old_card.parent_code == "004"
    refused_unchanged(
        r.province, Reason.KEY_RETIRED, lambda: enroll_card(r.province, card=old_card)
    )


def test_a_baseline_without_the_enrolment_is_refused(reorganisation: Reorganisation) -> None:
    r = reorganisation
    _before_the_move(r)
    move_to_parent(r.commune, code="01", name=str(PROVINCE["name"]), passphrase=PASSPHRASE)
    baseline = r.export(r.commune)
    refused_unchanged(
        r.province,
        Reason.IDENTITY_CHANGED,
        lambda: import_package(r.province, path=baseline.path, passphrase=PASSPHRASE),
    )


def test_a_baseline_to_an_office_that_never_knew_the_commune_needs_its_enrolment(
    hierarchy: Hierarchy,
) -> None:
    h = hierarchy
    moved_commune(h)
    baseline = h.export(h.commune)
    refused_unchanged(
        h.other_province,
        Reason.UNKNOWN_KEY,
        lambda: h.import_(h.other_province, baseline.path),
    )
    # The old card names the old parent: the new one refuses it without the explicit word.
    old_card = parse_card(keys.own_chain(h.commune)[0])
    refused_unchanged(
        h.other_province, Reason.NOT_OUR_CHILD, lambda: enroll_card(h.other_province, card=old_card)
    )
    assert OTHER_PROVINCE["code"] == "31"


def test_the_old_parent_releases_the_commune_and_its_packages_go_up_again(
    moved: tuple[Reorganisation, ExportResult],
    capsys: pytest.CaptureFixture[str],
) -> None:
    r, _late = moved
    own = Hierarchy.add(r, r.district, title="Kiểm tra công tác dân vận của Huyện ủy Gia Lâm")  # type: ignore[arg-type]
    args = ["--data-dir", str(r.district.paths.root), "--user", "chuyenvien", "units"]
    assert main([*args, "release", "10105"]) == 0
    assert "Ban Xây dựng Đảng Đảng ủy xã Bát Tràng" in capsys.readouterr().out
    # The commune's packages are no longer taken at the district...
    old_package = sorted(r.stick.glob("dvdesk-10105-004-*.dvpkg"))[-1]
    refused_unchanged(
        r.district,
        Reason.MOVED_AWAY,
        lambda: import_package(r.district, path=old_package, passphrase=PASSPHRASE),
    )
    # ...nor carried up: the district's next package is the district's own, and is taken.
    sent = r.export(r.district)
    assert sent.relayed == 0
    summary = import_package(r.province, path=sent.path, passphrase=PASSPHRASE)
    assert summary.new == 1 and summary.relayed == ()
    assert get_record(r.province, record_id=own).office_code == "004"
    # Releasing twice, or an office that is not below: said, nothing changed.
    before = database_digest(r.district.paths)
    assert main([*args, "release", "10105"]) != 0
    assert "10105" in capsys.readouterr().err
    assert database_digest(r.district.paths) == before


def test_a_moved_office_may_rotate_its_key_and_still_report(
    moved: tuple[Reorganisation, ExportResult],
) -> None:
    """Review: the chain took the office's standing from its replaced key, learnt through
    the old relay, so after a rotation every package of the moved office was refused as
    'reports through another office' until the new parent enrolled the card by hand."""
    r, _late = moved
    keys.rotate_keys(r.commune, passphrase=PASSPHRASE)
    r.add("Sau khi đổi khóa")
    summary = import_package(r.province, path=r.export(r.commune).path, passphrase=PASSPHRASE)
    assert summary.new == 1


def test_a_moved_card_with_a_lookalike_name_needs_confirmation(
    reorganisation: Reorganisation,
) -> None:
    """Review: the move path skipped the lookalike guard a first card goes through: a
    moved card carrying the district's name in Cyrillic letters was enrolled unasked."""
    r = reorganisation
    _before_the_move(r)
    old = keys.active_card(r.commune)
    old_private = keys.load_signing_key(r.commune, key_id=old.key_id, passphrase=PASSPHRASE)
    signing = Ed25519PrivateKey.generate()
    raw = (Encoding.Raw, PublicFormat.Raw)
    lookalike = str(DISTRICT["name"]).replace("a", "\u0430")  # Cyrillic а
    data = make_card(
        office=card_office(old.data) | {"parent_code": "01", "name": lookalike},
        signing_key=signing,
        signing_public=signing.public_key().public_bytes(*raw),
        encryption_public=X25519PrivateKey.generate().public_key().public_bytes(*raw),
        created_at="2025-07-01T08:00:00+07:00",
        certifier=(old.key_id, old_private),
    )
    before = database_digest(r.province.paths)
    with pytest.raises(Refused) as refused:
        enroll_card(r.province, card=parse_card(data))
    assert refused.value.reason is Reason.LOOKALIKE_NAME
    assert database_digest(r.province.paths) == before


@pytest.mark.parametrize("field", ["code", "parent_code"])
def test_a_card_whose_codes_hide_line_breaks_or_bidi_marks_is_refused(
    reorganisation: Reorganisation, field: str
) -> None:
    """Review: a self-signed card's parent code reached the refusal message verbatim, so
    a line break and a right-to-left mark could forge what the clerk read."""
    genuine = keys.active_card(reorganisation.commune)
    signing = Ed25519PrivateKey.generate()
    raw = (Encoding.Raw, PublicFormat.Raw)
    data = make_card(
        office=card_office(genuine.data) | {field: "004\n[OK] Đã kết nạp khóa. \u202e"},
        signing_key=signing,
        signing_public=signing.public_key().public_bytes(*raw),
        encryption_public=X25519PrivateKey.generate().public_key().public_bytes(*raw),
        created_at="2025-07-01T08:00:00+07:00",
    )
    with pytest.raises(Refused) as refused:
        parse_card(data)
    assert refused.value.reason is Reason.BAD_CARD
    assert "ký tự điều khiển" in refused.value.message
