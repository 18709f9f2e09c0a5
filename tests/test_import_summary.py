"""The import summary in bounded memory: counts by outcome and type, a few records named,
duplicates refused across chunks, every refused record still sent back for correction."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from dvdesk.cli.commands.sync import _print_summary
from dvdesk.db.schema import Correction
from dvdesk.services.approval import approve_records
from dvdesk.services.records import update_record
from dvdesk.sync import outcomes
from dvdesk.sync.outcomes import Outcome, RecordReason
from tests import sync_fixtures
from tests.sync_fixtures import Exchange
from tests.test_attack_big_member import _signed_with_records, _template
from tests.test_sync_attacks import read_members, records_member, write_members

exchange_template = sync_fixtures.exchange_template
exchange = sync_fixtures.exchange


def _payload(records: list[dict[str, Any]]) -> bytes:
    return json.dumps(records, ensure_ascii=False, separators=(",", ":")).encode()


def _twice(ex: Exchange, tmp_path: Path) -> tuple[Path, str]:
    """A signed package carrying one record three times: twice in its first records
    member and once more in a second one (another chunk)."""
    source, record = _template(ex)
    members = _signed_with_records(
        ex, source, [_payload([record, record]), _payload([record])], [2, 1]
    )
    return write_members(tmp_path / "ba-lan.dvpkg", members), record["id"]


def test_a_record_carried_three_times_is_taken_once_and_refused_twice(
    exchange: Exchange, tmp_path: Path
) -> None:
    path, record_id = _twice(exchange, tmp_path)
    for dry_run in (True, False):
        summary = exchange.import_(path, dry_run=dry_run)
        assert (summary.new, summary.refused) == (1, 2)
        reasons = [line.reason for line in summary.records]
        assert reasons == [RecordReason.DUPLICATE, RecordReason.DUPLICATE, None]
        assert {line.record_id for line in summary.records} == {record_id}
        assert summary.by_type == {"inspection": {"new": 1, "refused": 2}}
    # A duplicate is the sender's packaging, not a record to send back.
    with exchange.parent.session() as session:
        assert session.exec(select(Correction)).all() == []


def test_the_summary_names_a_few_records_and_counts_all_of_them(
    exchange: Exchange, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(outcomes, "LISTED", 2)
    for index in range(5):
        exchange.add(title=f"Kiểm tra số {index}")
    summary = exchange.import_(exchange.export().path)
    assert (summary.new, len(summary.records), summary.unlisted) == (5, 2, 3)
    assert [line.outcome for line in summary.records] == [Outcome.NEW, Outcome.NEW]
    assert summary.by_type == {"inspection": {"new": 5}}
    assert summary.as_json()["by_type"] == {"inspection": {"new": 5}}
    assert summary.as_json()["unlisted"] == 3


def test_refused_records_beyond_the_named_ones_are_counted_and_all_sent_back(
    exchange: Exchange, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    """The child's key signs older revisions of two records the parent has newer: both
    refused, one named, both sent back for correction."""
    monkeypatch.setattr(outcomes, "LISTED", 1)
    ids = [exchange.add(title=f"Cũ {index}") for index in range(2)]
    for record_id in ids:
        update_record(exchange.child, record_id=record_id, changes={"place": "Nhà văn hóa"})
        approve_records(exchange.child, record_ids=[record_id])
    exchange.import_(exchange.export().path)
    source = exchange.export(full=True).path
    records = json.loads(dict(read_members(source))[records_member(read_members(source))])
    older = [record | {"revision": record["revision"] - 1} for record in records]
    assert all(record["revision"] >= 1 for record in older)
    members = _signed_with_records(exchange, source, [_payload(older)], [2])
    summary = exchange.import_(write_members(tmp_path / "cu.dvpkg", members))
    assert (summary.refused, len(summary.records), summary.unlisted) == (2, 1, 1)
    assert summary.records[0].reason is RecordReason.OLDER_REVISION
    _print_summary(summary)
    printed = capsys.readouterr().out
    assert summary.records[0].message in printed
    assert "sync receipt write --to 10105" in printed
    with exchange.parent.session() as session:
        sent_back = session.exec(select(Correction)).all()
    assert sorted(c.record_id for c in sent_back) == sorted(ids)
    assert {c.status for c in sent_back} == {"pending"}
