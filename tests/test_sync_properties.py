"""Properties of importing: any order ends like the right order (or refuses); twice = once."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from dvdesk.domain.enums import RecordType
from dvdesk.paths import DataPaths
from dvdesk.services.approval import approve_records
from dvdesk.services.records import add_record, delete_record, list_records, update_record
from dvdesk.services.store import Store, open_store
from dvdesk.sync.apply import import_package
from dvdesk.sync.export import export_package
from dvdesk.sync.held_back import NothingToSend
from dvdesk.sync.receipt import import_receipt, write_receipt
from dvdesk.sync.refusals import Reason, Refused
from tests import sync_fixtures
from tests.samples import inspection
from tests.sync_fixtures import PASSPHRASE, record_content

exchange_template = sync_fixtures.exchange_template

Step = tuple[str, int]
steps = st.lists(
    st.tuples(
        st.sampled_from(["add", "update", "delete", "export", "export+ack"]), st.integers(0, 5)
    ),
    min_size=1,
    max_size=9,
)


def _open(template: Path, folder: Path, name: str) -> Store:
    shutil.copytree(template / name, folder / name)
    return open_store(DataPaths(folder / name), actor="t")


def _live_ids(store: Store) -> list[str]:
    return sorted(r.id for r in list_records(store))


def _history(
    child: Store, reference: Store, stick: Path, plan: list[Step]
) -> tuple[list[Path], list[dict[str, Any]]]:
    """Run ``plan`` at the child; the reference parent imports every package in order."""
    packages: list[Path] = []
    states = [record_content(reference.paths)]
    imported = 0

    def catch_up() -> None:
        nonlocal imported
        for path in packages[imported:]:
            import_package(reference, path=path)
            states.append(record_content(reference.paths))
        imported = len(packages)

    for step, (kind, pick) in enumerate(plan):
        live = _live_ids(child)
        # The child is a one-person office: it approves what it writes, so it is sent.
        if kind == "add" or (kind in ("update", "delete") and not live):
            added = add_record(
                child, record_type=RecordType.INSPECTION, data=inspection(title=f"Hồ sơ {pick}")
            )
            approve_records(child, record_ids=[added])
        elif kind == "update":
            target = live[pick % len(live)]
            update_record(child, record_id=target, changes={"place": f"Nơi {step}-{pick}"})
            approve_records(child, record_ids=[target])
        elif kind == "delete":
            delete_record(child, record_id=live[pick % len(live)])
        else:
            packages.extend(_export(child, stick))
            if kind == "export+ack" and packages:  # a receipt needs a package imported
                catch_up()
                receipt = write_receipt(reference, origin="10105", out=stick, passphrase=PASSPHRASE)
                import_receipt(child, path=receipt.path)
    packages.extend(_export(child, stick))
    catch_up()
    return packages, states


def _export(child: Store, stick: Path) -> list[Path]:
    """The package written, or none when there is nothing to send (no number is used)."""
    try:
        return [export_package(child, out=stick, passphrase=PASSPHRASE).path]
    except NothingToSend:
        return []


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(plan=steps, data=st.data())
def test_any_import_order_ends_like_the_right_order(
    exchange_template: Path, plan: list[Step], data: st.DataObject
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        child = _open(exchange_template, root, "child")
        reference = _open(exchange_template, root / "ref", "parent")
        shuffled = _open(exchange_template, root, "parent")
        stick = root / "stick"
        stick.mkdir()
        try:
            packages, states = _history(child, reference, stick, plan)
            assume(packages)  # a plan that never writes a record sends nothing at all
            order = data.draw(st.permutations(range(len(packages))), label="order")
            reached = 0
            for index in order:
                try:
                    import_package(shuffled, path=packages[index])
                except Refused as refusal:
                    assert refusal.reason in (Reason.OLD_PACKAGE, Reason.GAP)
                content = record_content(shuffled.paths)
                # Always a state the in-order import passes through, never going back.
                assert content in states[reached:]
                reached = states.index(content, reached)
            for path in packages:  # the clerk imports again what was refused
                try:
                    import_package(shuffled, path=path)
                except Refused as refusal:
                    assert refusal.reason is Reason.OLD_PACKAGE
            assert record_content(shuffled.paths) == states[-1]
            # The same package twice is the same as once.
            last = data.draw(st.sampled_from(packages), label="again")
            before = record_content(shuffled.paths)
            try:
                again = import_package(shuffled, path=last)
                assert again.already_imported
            except Refused as refusal:
                assert refusal.reason is Reason.OLD_PACKAGE
            assert record_content(shuffled.paths) == before
        finally:
            for store in (child, reference, shuffled):
                store.close()
