"""The central level: its set-up, and commune → province → centre with three data folders."""

from __future__ import annotations

from pathlib import Path

import pytest

from dvdesk.documents.figures import Scope, compute_figures
from dvdesk.documents.periods import parse_period
from dvdesk.domain.enums import OfficeLevel
from dvdesk.errors import UserError, ValidationFailed
from dvdesk.paths import DataPaths
from dvdesk.services.office import create_office, get_office, has_office
from dvdesk.services.records import get_record
from dvdesk.services.store import Store, open_store
from dvdesk.sync.apply import import_package
from dvdesk.sync.card_advice import card_advice
from dvdesk.sync.export import export_package
from dvdesk.sync.refusals import Reason
from tests import sync_fixtures
from tests.conftest import CliRunner
from tests.sync_fixtures import CENTRAL, PASSPHRASE, PROVINCE, Hierarchy, refused_unchanged
from tests.test_sync_attacks import manifest_of, read_members, resign, write_members

hierarchy_template = sync_fixtures.hierarchy_template
hierarchy = sync_fixtures.hierarchy

COMMUNE = "10105"


def test_commune_records_reach_the_centres_report_through_the_province(
    hierarchy: Hierarchy,
) -> None:
    h = hierarchy
    centre = get_office(h.centre)
    assert (centre.level, centre.code, centre.parent_code) == (OfficeLevel.CENTRAL, "00", None)
    assert (get_office(h.province).parent_code, get_office(h.province).parent_name) == (
        "00",
        "Ban Tuyên giáo và Dân vận Trung ương",
    )
    record = h.add(h.commune, title="Kiểm tra Quy chế dân chủ ở cơ sở xã Bát Tràng")
    h.send(h.commune, h.province)
    h.add(h.province, title="Giám sát việc giải quyết đơn thư của Thành ủy Hà Nội")
    summary = h.send(h.province, h.centre)  # the province's package goes to its parent
    assert [(line.origin, line.relay) for line in summary.relayed] == [(COMMUNE, "01")]
    assert get_record(h.centre, record_id=record).office_code == COMMUNE
    figures = compute_figures(h.centre, period=parse_period("2024-H1"), scope=Scope.ALL)
    rows = {row.code: row.figures.inspection.sessions for row in figures.by_office}
    assert rows == {"00": 0, "01": 1, "31": 0, COMMUNE: 1}  # 31: enrolled, nothing sent
    assert figures.totals.inspection.sessions == 2
    own = compute_figures(h.centre, period=parse_period("2024-H1"), scope=Scope.OWN)
    assert own.totals.inspection.sessions == 0  # the centre's own figures stay its own


def test_the_centre_sends_nothing_upward(hierarchy: Hierarchy) -> None:
    with pytest.raises(UserError) as error:
        export_package(hierarchy.centre, out=hierarchy.stick, passphrase=PASSPHRASE)
    assert "cấp cao nhất" in error.value.message
    advice = card_advice(get_office(hierarchy.centre))
    assert "không có cấp trên" in advice and "cấp dưới" in advice


def test_a_province_relaying_a_commune_not_below_it_is_refused_at_the_centre(
    hierarchy: Hierarchy, tmp_path: Path
) -> None:
    """Province 01 carries commune 11311's genuine package (it belongs to province 31)."""
    h = hierarchy
    h.add(h.other_commune, title="Kiểm tra của xã Thủy Nguyên")
    h.send(h.other_commune, h.other_province)
    foreign = read_members(h.export(h.other_province).path)
    foreign_manifest = manifest_of(foreign)
    (entry,) = foreign_manifest["relayed"]
    h.add(h.commune, title="Kiểm tra của xã Bát Tràng")
    h.send(h.commune, h.province)
    members = read_members(h.export(h.province).path)
    manifest = manifest_of(members)
    name = "relayed/000099.dvpkg"
    members.append((name, dict(foreign)[entry["name"]]))
    manifest["relayed"].append({**entry, "name": name})
    manifest["delegations"] += foreign_manifest["delegations"]
    path = write_members(tmp_path / "xa-tinh-khac.dvpkg", resign(h.province, members, manifest))
    before = compute_figures(h.centre, period=parse_period("2024-H1"), scope=Scope.ALL)
    refused = refused_unchanged(
        h.centre,
        Reason.IDENTITY_CHANGED,
        lambda: import_package(h.centre, path=path, passphrase=PASSPHRASE),
    )
    assert "11311" in refused.message and "Chưa nhập gì" in refused.message
    after = compute_figures(h.centre, period=parse_period("2024-H1"), scope=Scope.ALL)
    assert after == before


def _store(root: Path) -> Store:
    return open_store(DataPaths(root), actor="chuyenvien", create=True)


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({**CENTRAL, "code": "01"}, "code", "luôn là 00"),
        ({**CENTRAL, "parent_code": "00", "parent_name": "X"}, "parent_code", "không có"),
        ({**PROVINCE, "parent_code": "99"}, "parent_code", "00"),
    ],
    ids=["centre-code", "centre-parent", "province-parent"],
)
def test_the_centres_code_is_fixed_and_it_has_no_parent(
    tmp_path: Path, data: dict[str, object], field: str, words: str
) -> None:
    store = _store(tmp_path)
    try:
        with pytest.raises(ValidationFailed) as failure:
            create_office(store, data=data)
        messages = dict(failure.value.problems)
        assert words in messages[field]
        assert _no_office(store)
    finally:
        store.close()


def _no_office(store: Store) -> bool:
    return not has_office(store)


def test_init_level_central_from_the_command_line(cli: CliRunner) -> None:
    result = cli(
        "init",
        "--level",
        "central",
        "--code",
        "00",
        "--name",
        "Ban Tuyên giáo và Dân vận Trung ương",
        "--symbol",
        "BTGDVTW",
        "--place",
        "Hà Nội",
    )
    assert result.code == 0, result.err
    shown = cli("office", "show", "--json")
    assert '"level": "central"' in shown.out
    assert '"parent_code": null' in shown.out or "parent" not in shown.out
