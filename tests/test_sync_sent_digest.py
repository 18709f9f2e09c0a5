"""Issued documents and counts travel in every package; the export tells a change in
them from "nothing new" by what the acknowledged package carried."""

from __future__ import annotations

import pytest

from dvdesk.documents.minutes import issue_minutes
from dvdesk.services.counts import set_counts
from dvdesk.services.store import Store
from dvdesk.sync.export import check_something_to_send
from dvdesk.sync.held_back import NothingToSend
from tests import sync_fixtures
from tests.sync_fixtures import Exchange
from tests.test_documents import COMPLETE

exchange_template = sync_fixtures.exchange_template
exchange = sync_fixtures.exchange
H1 = {"period_start": "2025-12-15", "period_end": "2026-06-14"}


def _counts(store: Store, value: int) -> None:
    set_counts(store, data={"unit_code": "10105", **H1, "figures": {"directive.nghi_quyet": value}})


def _documents_and_counts(exchange: Exchange) -> str:
    """Two records, the first with its minutes issued, and the office's figures: sent and
    acknowledged. Returns the second record, whose minutes are not issued yet."""
    record_id = exchange.add(title="Kiểm tra thực hiện Quy chế dân chủ ở cơ sở")
    later = exchange.add(title="Kiểm tra công tác dân vận chính quyền")
    issue_minutes(exchange.child, record_id=record_id, details=COMPLETE)
    _counts(exchange.child, 4)
    check_something_to_send(exchange.child)  # all of it is new
    sent = exchange.export()
    assert sent.counts["aggregate_count"] == 1
    exchange.import_(sent.path)
    exchange.acknowledge()
    return later


def _nothing_new(exchange: Exchange) -> NothingToSend:
    with pytest.raises(NothingToSend) as refused:
        check_something_to_send(exchange.child)
    with pytest.raises(NothingToSend):
        exchange.export()  # the CLI's and the screen's export say the same
    return refused.value


def test_nothing_to_send_after_the_parent_acknowledged_documents_and_counts(
    exchange: Exchange,
) -> None:
    _documents_and_counts(exchange)
    refused = _nothing_new(exchange)
    assert "Không có gì mới" in refused.message


def test_a_new_document_is_something_to_send(exchange: Exchange) -> None:
    record_id = _documents_and_counts(exchange)
    _nothing_new(exchange)
    issue_minutes(exchange.child, record_id=record_id, details=COMPLETE)  # a second one
    check_something_to_send(exchange.child)
    sent = exchange.export()
    assert sent.records == 0  # the new document alone made it worth a package
    exchange.import_(sent.path)
    exchange.acknowledge()
    _nothing_new(exchange)


def test_a_changed_count_is_something_to_send(exchange: Exchange) -> None:
    _documents_and_counts(exchange)
    _nothing_new(exchange)
    _counts(exchange.child, 5)
    check_something_to_send(exchange.child)
    assert exchange.export().records == 0  # the changed figure alone


def test_a_package_sent_after_the_acknowledged_one_keeps_its_change_news(
    exchange: Exchange,
) -> None:
    """Figures changed and sent but not yet acknowledged, then changed back: the parent may
    hold either, so the next export still sends them."""
    _documents_and_counts(exchange)
    _counts(exchange.child, 5)
    exchange.export()  # not imported, not acknowledged
    _counts(exchange.child, 4)
    check_something_to_send(exchange.child)


def test_a_full_package_always_carries_them(exchange: Exchange) -> None:
    _documents_and_counts(exchange)
    check_something_to_send(exchange.child, full=True)
