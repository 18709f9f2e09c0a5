"""A commune that already reported to one office moves to another (docs/reparenting.md):
the whole path, commune → old parent A, move, new parent B enrols the new card, the
baseline, the packages after it, and the receipts of both parents."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

from dvdesk.cli.commands.sync import ENV_PASSPHRASE
from dvdesk.cli.main import main
from dvdesk.db.schema import AuditEntry, OrgUnit, UnitKey
from dvdesk.errors import Conflict, NotFound, WrongPassphrase
from dvdesk.services.approval import approve_records
from dvdesk.services.office import get_office
from dvdesk.services.records import get_record, update_record
from dvdesk.services.store import Store
from dvdesk.sync import keys
from dvdesk.sync.keycard import read_card_file
from dvdesk.sync.move import move_needed, move_to_parent
from dvdesk.sync.receipt import import_receipt, write_receipt
from dvdesk.sync.refusals import Reason
from dvdesk.sync.status import unit_statuses
from dvdesk.sync.trust import enroll_card
from dvdesk.sync.verify import peek_manifest
from tests import sync_fixtures
from tests.conftest import database_digest
from tests.sync_fixtures import (
    OTHER_PROVINCE,
    PASSPHRASE,
    Hierarchy,
    introduce_parent,
    refused_unchanged,
)

hierarchy_template = sync_fixtures.hierarchy_template
hierarchy = sync_fixtures.hierarchy

HAI_PHONG = str(OTHER_PROVINCE["name"])


def _receipt(h: Hierarchy, parent_store: Store, folder: str) -> Path:
    out = h.stick / folder
    out.mkdir()
    return write_receipt(parent_store, origin="10105", out=out, passphrase=PASSPHRASE).path


def moved_commune(h: Hierarchy) -> tuple[list[str], Path, str]:
    """The commune sends two packages to Hà Nội (the first acknowledged), then moves to
    Hải Phòng. Returns its records, a receipt Hà Nội wrote before the move (not yet taken)
    and the hash of the last package sent to Hà Nội."""
    first = h.add(h.commune, title="Kiểm tra Quy chế dân chủ ở cơ sở xã Bát Tràng")
    h.send(h.commune, h.province)
    h.acknowledge(h.province, h.commune)
    second = h.add(h.commune, title="Giám sát việc giải quyết kiến nghị của cử tri")
    sent = h.export(h.commune)
    h.import_(h.province, sent.path)
    late_receipt = _receipt(h, h.province, "from-hanoi")
    assert move_needed(h.commune)
    moved = move_to_parent(h.commune, code="31", name=HAI_PHONG, passphrase=PASSPHRASE)
    assert moved.continues_from == 2
    assert (moved.old_code, moved.office.parent_code) == ("01", "31")
    return [first, second], late_receipt, sent.package_hash


def test_the_whole_move_from_one_parent_to_another(hierarchy: Hierarchy) -> None:
    h = hierarchy
    old_key = keys.active_key(h.commune).key_id
    records, late_receipt, last_hash = moved_commune(h)
    card = keys.active_card(h.commune)
    # A new key card naming the new parent, certified by the key the old parent knew.
    assert (card.parent_code, card.certified_by) == ("31", old_key)
    assert card.key_id != old_key and not keys.own_key(h.commune, key_id=old_key).active  # type: ignore[union-attr]
    # B enrols the card (fingerprint read by phone), the commune enrols B's.
    assert not enroll_card(h.other_province, card=card).already
    introduce_parent(h.commune, h.other_province)

    baseline = h.export(h.commune)
    assert (baseline.destination, baseline.sequence, baseline.covers_from) == ("31", 3, 1)
    assert baseline.records == 2  # everything, not only what Hà Nội had not acknowledged
    assert peek_manifest(baseline.path).previous_hash == last_hash
    summary = h.import_(h.other_province, baseline.path)
    assert (summary.new, summary.refused, summary.missing) == (2, 0, {})
    for record_id in records:  # owners kept, visible at B
        assert get_record(h.other_province, record_id=record_id).office_code == "10105"
    statuses = {unit.office_code: unit for unit in unit_statuses(h.other_province)}
    assert statuses["10105"].missing == ()

    # A's receipt written before the move changes nothing at the commune.
    refusal = refused_unchanged(
        h.commune, Reason.FORMER_PARENT, lambda: import_receipt(h.commune, path=late_receipt)
    )
    assert "trước đây" in refusal.message and "Không thay đổi gì" in refusal.message
    # B's receipt is taken; the next package continues the chain from it.
    h.acknowledge(h.other_province, h.commune)
    update_record(
        h.commune,
        record_id=records[0],
        changes={"title": "Kiểm tra Quy chế dân chủ ở cơ sở xã Bát Tràng (bổ sung)"},
    )
    approve_records(h.commune, record_ids=[records[0]])
    later = h.export(h.commune)
    assert (later.sequence, later.covers_from, later.records) == (4, 4, 1)
    assert peek_manifest(later.path).previous_hash == baseline.package_hash
    assert h.import_(h.other_province, later.path).updated == 1
    # Nothing goes to the old parent any more.
    with pytest.raises(NotFound):
        h.export(h.commune, destination="01")


def test_the_move_is_audited_and_the_old_parent_is_kept_as_former(hierarchy: Hierarchy) -> None:
    h = hierarchy
    moved_commune(h)
    with h.commune.session() as session:
        entry = session.exec(select(AuditEntry).where(AuditEntry.action == "move")).one()
        relations = {row.office_code: row.relation for row in session.exec(select(UnitKey)).all()}
        units = {(row.relation, row.code) for row in session.exec(select(OrgUnit)).all()}
    assert entry.changes["parent_code"] == {"from": "01", "to": "31"}
    assert entry.changes["chain"]["sequence"] == 2  # type: ignore[index]
    assert relations == {"01": "former_parent"}
    assert ("parent", "31") in units and ("parent", "01") not in units
    assert get_office(h.commune).parent_code == "31"


def test_a_move_needs_the_passphrase_and_changes_nothing_without_it(hierarchy: Hierarchy) -> None:
    h = hierarchy
    h.add(h.commune, title="Kiểm tra Quy chế dân chủ ở cơ sở xã Bát Tràng")
    h.export(h.commune)
    before = database_digest(h.commune.paths)
    with pytest.raises(WrongPassphrase):
        move_to_parent(h.commune, code="31", name=HAI_PHONG, passphrase="sai mật khẩu rồi nhé")
    assert database_digest(h.commune.paths) == before


def test_moving_back_to_a_former_parent_or_to_the_same_one_is_refused(
    hierarchy: Hierarchy,
) -> None:
    h = hierarchy
    moved_commune(h)
    for code, name in (("31", HAI_PHONG), ("01", "Ban Tuyên giáo và Dân vận Thành ủy Hà Nội")):
        before = database_digest(h.commune.paths)
        with pytest.raises(Conflict) as refused:
            move_to_parent(h.commune, code=code, name=name, passphrase=PASSPHRASE)
        assert "Không thay đổi gì" in refused.value.message
        assert database_digest(h.commune.paths) == before


def test_a_move_before_any_export_is_refused(hierarchy: Hierarchy) -> None:
    assert not move_needed(hierarchy.commune)
    with pytest.raises(Conflict) as refused:
        move_to_parent(hierarchy.commune, code="31", name=HAI_PHONG, passphrase=PASSPHRASE)
    assert "chưa gửi" in refused.value.message


def test_cli_moves_the_office_and_says_what_to_do_next(
    hierarchy: Hierarchy,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    h = hierarchy
    h.add(h.commune, title="Kiểm tra Quy chế dân chủ ở cơ sở xã Bát Tràng")
    h.export(h.commune)
    monkeypatch.setenv(ENV_PASSPHRASE, PASSPHRASE)
    base = ["--data-dir", str(h.commune.paths.root), "--user", "chuyenvien", "office"]
    plain = [*base, "set-parent", "--code", "31", "--name", HAI_PHONG]
    before = database_digest(h.commune.paths)
    assert main(plain) != 0  # without --move: refused, saying how
    assert "--move" in capsys.readouterr().err
    assert database_digest(h.commune.paths) == before
    cards = tmp_path / "cards"
    cards.mkdir()
    assert main([*plain, "--move", "--card-out", str(cards)]) == 0
    out = capsys.readouterr().out
    fingerprint = keys.active_card(h.commune).fingerprint
    assert fingerprint in out and HAI_PHONG in out and "dấu vân tay" in out
    written = read_card_file(cards / "dvdesk-10105.dvkey")
    assert (written.parent_code, written.fingerprint) == ("31", fingerprint)
    assert get_office(h.commune).parent_code == "31"
