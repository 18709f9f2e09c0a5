"""Importing a batch of packages: order, refusals, passphrase, receipts, cancel, progress."""

from __future__ import annotations

from pathlib import Path

from dvdesk.sync.batch import (
    AskPassphrase,
    BatchStep,
    FileStatus,
    PassphraseNeed,
    PassphraseRequest,
    import_batch,
    package_files,
)
from dvdesk.sync.receipt import import_receipt
from dvdesk.sync.refusals import Refused
from dvdesk.sync.status import unit_statuses
from tests import sync_fixtures
from tests.conftest import database_digest
from tests.sync_fixtures import PASSPHRASE, Exchange

exchange_template = sync_fixtures.exchange_template
exchange = sync_fixtures.exchange


def _answers(*given: str | None) -> tuple[list[PassphraseRequest], AskPassphrase]:
    asked: list[PassphraseRequest] = []
    answers = iter(given)

    def ask(request: PassphraseRequest) -> str | None:
        asked.append(request)
        return next(answers)

    return asked, ask


def _two_from_child_one_from_sibling(exchange: Exchange) -> tuple[Path, Path, Path]:
    exchange.add(title="Kiểm tra thứ nhất")
    first = exchange.export().path
    exchange.add(title="Kiểm tra thứ hai")
    second = exchange.export().path
    exchange.add(exchange.sibling, title="Kiểm tra của xã Gia Lâm")
    sibling = exchange.export(exchange.sibling).path
    return first, second, sibling


def test_packages_import_in_origin_and_sequence_order_with_receipts(exchange: Exchange) -> None:
    first, second, sibling = _two_from_child_one_from_sibling(exchange)
    asked, ask = _answers(PASSPHRASE)
    result = import_batch(
        exchange.parent,
        paths=[second, sibling, first],  # the file dialog's order
        ask_passphrase=ask,
        receipts=True,
    )
    assert [(f.path, f.status) for f in result.files] == [
        (first, FileStatus.IMPORTED),
        (second, FileStatus.IMPORTED),
        (sibling, FileStatus.IMPORTED),
    ]
    assert asked == [PassphraseRequest(PassphraseNeed.SIGN, wrong=False)]  # asked once
    assert [(r.origin, r.error) for r in result.receipts] == [("10105", None), ("10106", None)]
    receipt = result.receipt_for("10105")
    assert receipt is not None and receipt.path is not None
    assert receipt.path.parent == exchange.stick
    assert import_receipt(exchange.child, path=receipt.path).acknowledged_sequence == 2
    statuses = {u.office_code: u.last_sequence for u in unit_statuses(exchange.parent)}
    assert statuses["10105"] == 2 and statuses["10106"] == 1


def test_a_refused_file_does_not_stop_the_batch(exchange: Exchange) -> None:
    exchange.add()
    good = exchange.export().path
    forged = exchange.stick / "gia-mao.dvpkg"
    forged.write_bytes(b"PK\x03\x04 not really a package")
    result = import_batch(
        exchange.parent, paths=[forged, good], ask_passphrase=lambda _request: None
    )
    assert [f.status for f in result.files] == [FileStatus.IMPORTED, FileStatus.REFUSED]
    refused = result.files[1]
    assert refused.path == forged and isinstance(refused.error, Refused)
    assert refused.error.message  # the clerk is told why
    assert result.receipts == () and not result.cancelled


def test_a_wrong_passphrase_is_asked_again(exchange: Exchange) -> None:
    exchange.add()
    package = exchange.export(encrypt=True).path
    asked, ask = _answers("sai mật khẩu rồi", PASSPHRASE)
    result = import_batch(exchange.parent, paths=[package], ask_passphrase=ask)
    assert [f.status for f in result.files] == [FileStatus.IMPORTED]
    assert asked == [
        PassphraseRequest(PassphraseNeed.OPEN, wrong=False),
        PassphraseRequest(PassphraseNeed.OPEN, wrong=True),
    ]


def test_without_the_passphrase_plain_packages_still_import(exchange: Exchange) -> None:
    exchange.add()
    encrypted = exchange.export(encrypt=True).path
    exchange.add(exchange.sibling)
    plain = exchange.export(exchange.sibling).path
    asked, ask = _answers(None)
    result = import_batch(
        exchange.parent,
        paths=[encrypted, plain],
        ask_passphrase=ask,
        receipts=True,
    )
    assert len(asked) == 1  # declined once: not asked again for every file
    assert [f.status for f in result.files] == [FileStatus.REFUSED, FileStatus.IMPORTED]
    assert [r.path for r in result.receipts] == [None]
    assert result.receipts[0].error is not None


def test_dry_run_checks_every_file_and_changes_nothing(exchange: Exchange) -> None:
    _two_from_child_one_from_sibling(exchange)
    before = database_digest(exchange.parent.paths)
    result = import_batch(
        exchange.parent,
        paths=package_files([exchange.stick]),
        ask_passphrase=lambda _request: PASSPHRASE,
        dry_run=True,
        receipts=True,
    )
    # The second package starts after the first, which a dry run does not import.
    assert [f.status for f in result.files] == [
        FileStatus.CHECKED,
        FileStatus.CHECKED,
        FileStatus.CHECKED,
    ]
    assert result.receipts == ()
    assert database_digest(exchange.parent.paths) == before


def test_cancel_stops_between_and_inside_files(exchange: Exchange) -> None:
    first, second, sibling = _two_from_child_one_from_sibling(exchange)
    steps: list[BatchStep] = []
    stop = False

    def moved(step: BatchStep) -> None:
        nonlocal stop
        steps.append(step)
        stop = stop or step.index == 1  # the user presses Cancel during the second file

    result = import_batch(
        exchange.parent,
        paths=[first, second, sibling],
        ask_passphrase=lambda _request: PASSPHRASE,
        receipts=True,
        progress=moved,
        cancel=lambda: stop,
    )
    assert result.cancelled
    assert [f.status for f in result.files] == [
        FileStatus.IMPORTED,
        FileStatus.CANCELLED,
        FileStatus.CANCELLED,
    ]
    assert result.receipts == ()  # nothing more is written after a cancel
    assert {s.count for s in steps} == {3} and steps[0].name == first.name
    assert steps[0].index == 0 and steps[-1].index == 1
    assert {u.office_code: u.last_sequence for u in unit_statuses(exchange.parent)}["10105"] == 1
