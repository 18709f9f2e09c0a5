"""Report requests down the hierarchy: in receipts, or in a small signed request file."""

from __future__ import annotations

import base64
import json
from datetime import date
from pathlib import Path

import pytest

from dvdesk.services.requests import (
    MAX_REQUEST_BYTES,
    deadline_status,
    expected_reports,
    import_request_file,
    reporting_status,
    set_request,
    write_request_file,
)
from dvdesk.sync.receipt import import_receipt, write_receipt
from dvdesk.sync.refusals import Refused
from tests import sync_fixtures
from tests.conftest import database_digest
from tests.sync_fixtures import PASSPHRASE, Exchange

exchange_template = sync_fixtures.exchange_template
exchange = sync_fixtures.exchange


def _request(exchange: Exchange) -> None:
    set_request(
        exchange.parent,
        period="2026-Q4",
        deadline=date(2027, 1, 5),
        note="Báo cáo kết quả thực hiện Quy chế dân chủ ở cơ sở",
        offices=["10105"],
    )


def test_a_request_file_reaches_an_office_that_sent_nothing(exchange: Exchange) -> None:
    _request(exchange)
    path = write_request_file(
        exchange.parent, to="10105", out=exchange.stick, passphrase=PASSPHRASE
    )
    assert path.stat().st_size < MAX_REQUEST_BYTES
    import_request_file(exchange.child, path=path)
    import_request_file(exchange.child, path=path)  # twice: stored once
    [expected] = expected_reports(exchange.child, on=date(2026, 12, 26))
    assert (expected.period, expected.deadline, expected.days_left) == (
        "2026-Q4",
        date(2027, 1, 5),
        10,
    )
    assert expected.note.startswith("Báo cáo kết quả")
    [status] = reporting_status(exchange.parent, on=date(2027, 1, 6))
    assert (status.reported_at, status.overdue) == (None, True)


def test_a_request_travels_in_the_receipt_and_the_report_counts(exchange: Exchange) -> None:
    exchange.add()
    exchange.import_(exchange.export().path)
    _request(exchange)
    assert reporting_status(exchange.parent, on=date(2026, 12, 1))[0].reported_at is None
    receipt = write_receipt(
        exchange.parent, origin="10105", out=exchange.stick, passphrase=PASSPHRASE
    )
    import_receipt(exchange.child, path=receipt.path)
    assert [e.period for e in expected_reports(exchange.child)] == ["2026-Q4"]
    exchange.add(title="Giám sát quý IV")
    exchange.import_(exchange.export().path)
    [status] = reporting_status(exchange.parent, on=date(2027, 1, 6))
    assert status.reported_at is not None and not status.overdue


def _forge(path: Path, change: dict[str, object]) -> None:
    document = json.loads(path.read_text(encoding="ascii"))
    document.update(change)
    path.write_text(json.dumps(document), encoding="ascii")


@pytest.mark.parametrize("attack", ["body", "signature", "big", "not-json", "extra-key"])
def test_a_forged_or_malformed_request_file_changes_nothing(
    exchange: Exchange, tmp_path: Path, attack: str
) -> None:
    _request(exchange)
    path = write_request_file(
        exchange.parent, to="10105", out=tmp_path / "r.dvreq", passphrase=PASSPHRASE
    )
    body = json.loads(base64.b64decode(json.loads(path.read_text("ascii"))["body"]))
    if attack == "body":
        body["requests"][0]["deadline"] = "2030-01-01"
        forged = json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
        _forge(path, {"body": base64.b64encode(forged).decode()})
    elif attack == "signature":
        _forge(path, {"signature": base64.b64encode(bytes(64)).decode()})
    elif attack == "big":
        path.write_bytes(b" " * (MAX_REQUEST_BYTES + 1))
    elif attack == "not-json":
        path.write_bytes(b"\xff\xfe<request>")
    else:
        _forge(path, {"extra": "x"})
    before = database_digest(exchange.child.paths)
    with pytest.raises(Refused):
        import_request_file(exchange.child, path=path)
    assert database_digest(exchange.child.paths) == before
    assert expected_reports(exchange.child) == []


def test_the_request_set_last_comes_first_even_within_one_second(
    exchange: Exchange, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dvdesk.services import requests

    monkeypatch.setattr(requests, "now_iso", lambda: "2026-11-29T16:27:53Z")
    for period in ("2026-Q3", "2026-Q4", "2026-Q2"):
        set_request(exchange.parent, period=period, deadline=date(2027, 1, 5))
    status = deadline_status(exchange.parent, on=date(2027, 1, 1))
    assert status is not None and status.period == "2026-Q2"
    assert [r.period for r in status.requests] == ["2026-Q2", "2026-Q4", "2026-Q3"]
