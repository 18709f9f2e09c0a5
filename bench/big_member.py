"""Peak memory of importing a package with one huge records member, beside genuine ones.

    .venv/bin/python -m bench.big_member [--records 100000] [--long 5000]

The attacker holds a stolen (still trusted) office key and signs a package whose
records are ``--long`` records of about 50 KB of text each, all in one member (about
250 MB unpacked, a few MB on the stick). The genuine packages are what the exporter
writes for the same office: ``--records`` demo records, and the same plus ``--long``
records with long texts (a province relaying long minutes). Each case runs in a fresh
child process and prints its own peak RSS (VmHWM); the raw baselines, measured in the
same run, are the bare interpreter with dvdesk's modules loaded and ``json.loads`` of
the same records bytes (the largest member, or every member one after another).
``traced-genuine`` repeats the genuine import under tracemalloc to split its peak into
Python's heap and the rest (SQLite's page cache for the one transaction: up to
``BULK_CACHE_KIB``).
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
import tracemalloc
import uuid
import zipfile
from pathlib import Path
from typing import Any

from bench.child_case import print_cases
from bench.hostile_read import peak_rss
from bench.sync_rate import CHILD, PARENT, PASSPHRASE, _office
from dvdesk.paths import DataPaths
from dvdesk.services.demo import add_demo_records, treat_demo_as_real
from dvdesk.services.store import Store, open_store
from dvdesk.sync import keys
from dvdesk.sync.apply import import_package
from dvdesk.sync.export import export_package
from dvdesk.sync.format import canonical_json, sha256_hex
from dvdesk.sync.keycard import parse_card
from dvdesk.sync.refusals import Refused
from dvdesk.sync.trust import enroll_card

CASES = (
    "baseline-interpreter",
    "raw-json-hostile",
    "import-hostile",
    "raw-json-genuine",
    "import-genuine",
    "traced-genuine",
    "raw-json-long",
    "import-long",
)
# About 50 KB of Vietnamese per record, in two long-text fields (each under 200 000 chars).
_PARAGRAPH = (
    "Qua kiểm tra, giám sát việc thực hiện Quy chế dân chủ ở cơ sở, đoàn đã ghi nhận "
    "1.554 cuộc kiểm tra đối với 2.612 tổ chức, đơn vị; kiến nghị tiếp tục đối thoại. "
)
_LONG_TEXT = _PARAGRAPH * 100  # ~17 000 characters, ~25 KB in UTF-8


def _records_members(path: Path) -> list[tuple[str, int]]:
    with zipfile.ZipFile(path) as archive:
        return [
            (info.filename, info.file_size)
            for info in archive.infolist()
            if info.filename.startswith("records/")
        ]


def _lengthen(store: Store, count: int) -> None:
    """Give ``count`` records long findings and conclusions, as a real office might."""
    with store.raw() as connection:
        connection.execute(
            "UPDATE record SET findings = ?, conclusion = ? WHERE id IN "
            "(SELECT id FROM record ORDER BY change_seq LIMIT ?)",
            (_LONG_TEXT, _LONG_TEXT, count),
        )


def _forge(store: Store, source: Path, target: Path, count: int) -> None:
    """``source`` re-signed with ``store``'s key, its records replaced by ``count`` records
    of long text, all in one records member."""
    with zipfile.ZipFile(source) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    name = next(n for n in members if n.startswith("records/"))
    template: dict[str, Any] = json.loads(members[name])[0]
    records = []
    for _index in range(count):
        record = dict(template, id=str(uuid.uuid4()), findings=_LONG_TEXT, conclusion=_LONG_TEXT)
        record.update(recommendations=[], issues=[], attachments=[], subjects=[])
        records.append(record)
    payload = json.dumps(records, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    manifest: dict[str, Any] = json.loads(members["manifest.json"])
    manifest["files"] = [
        entry | {"size": len(payload), "sha256": sha256_hex(payload), "records": count}
        for entry in manifest["files"]
        if entry["name"] == name
    ]
    manifest["counts"] = {"record": count, "tombstone": 0} | {
        key: 0 for key in manifest["counts"] if key not in ("record", "tombstone")
    }
    manifest["offices"] = {template["office_code"]: count}
    raw = canonical_json(manifest)
    own = keys.active_key(store)
    signing = keys.load_signing_key(store, key_id=own.key_id, passphrase=PASSPHRASE)
    with zipfile.ZipFile(target, "w") as archive:
        archive.writestr(name, payload, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("manifest.json", raw, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("manifest.sig", signing.sign(raw), compress_type=zipfile.ZIP_STORED)
    (target.parent / "hostile-records.json").write_bytes(payload)


def prepare(base: Path, *, records: int, long: int) -> None:
    child = _office(base / "child", CHILD)
    parent = _office(base / "parent", PARENT)
    enroll_card(parent, card=parse_card(keys.active_key(child).card))
    enroll_card(child, card=parse_card(keys.active_key(parent).card))
    for office in ("child", "parent"):
        shutil.copytree(base / office, base / f"{office}-pristine")
    add_demo_records(child, count=1, seed=1, office_codes=["10105"])
    treat_demo_as_real(child)
    stick = base / "stick"
    stick.mkdir()
    small = export_package(child, out=stick, passphrase=PASSPHRASE, full=True).path
    _forge(child, small, base / "hostile.dvpkg", long)
    add_demo_records(child, count=records - 1, seed=2, office_codes=["10105"])
    treat_demo_as_real(child)
    shutil.copy(
        export_package(child, out=stick, passphrase=PASSPHRASE, full=True).path,
        base / "genuine.dvpkg",
    )
    _lengthen(child, long)
    shutil.copy(
        export_package(child, out=stick, passphrase=PASSPHRASE, full=True).path, base / "long.dvpkg"
    )
    child.close()
    parent.close()


def _raw_json(path: Path) -> str:
    """json.loads of every records member, one after another (peak: the largest)."""
    if path.suffix == ".json":
        json.loads(path.read_bytes())
        return "parsed"
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            if info.filename.startswith("records/"):
                json.loads(archive.read(info))
    return "parsed"


def _traced(parent: Store, path: Path) -> str:
    """The import again, under tracemalloc: how much of the peak is Python's own heap
    (the rest is SQLite's page cache, its own allocations and the interpreter), and how
    much the summary keeps afterwards (one line per record)."""
    tracemalloc.start()
    summary = import_package(parent, path=path)
    kept, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return (
        f"imported {summary.new:,} new; Python heap peak {peak / 2**20:.0f} MiB, "
        f"{kept / 2**20:.0f} MiB kept by the summary ({kept / max(summary.new, 1):.0f} B a record)"
    )


def run_case(base: Path, case: str) -> None:
    """In the child: one case; prints seconds, outcome and peak RSS as JSON."""
    shutil.rmtree(base / "parent", ignore_errors=True)
    shutil.copytree(base / "parent-pristine", base / "parent")
    parent = open_store(DataPaths(base / "parent"), actor="bench")
    files = {
        "raw-json-hostile": base / "hostile-records.json",
        "import-hostile": base / "hostile.dvpkg",
        "raw-json-genuine": base / "genuine.dvpkg",
        "import-genuine": base / "genuine.dvpkg",
        "traced-genuine": base / "genuine.dvpkg",
        "raw-json-long": base / "long.dvpkg",
        "import-long": base / "long.dvpkg",
    }
    outcome = "—"
    started = time.perf_counter()
    try:
        if case.startswith("raw-json"):
            outcome = _raw_json(files[case])
        elif case.startswith("traced"):
            outcome = _traced(parent, files[case])
        elif case in files:
            summary = import_package(parent, path=files[case])
            outcome = f"imported {summary.new:,} new"
    except Refused as refusal:
        outcome = f"refused: {refusal.reason.value}"
    seconds = time.perf_counter() - started
    parent.close()
    print(json.dumps({"seconds": seconds, "outcome": outcome, "peak": peak_rss()}))


def _layout(path: Path) -> str:
    sizes = [size for _name, size in _records_members(path)]
    return (
        f"{path.stat().st_size / 2**20:.1f} MiB on disk; {len(sizes)} records member(s), "
        f"largest {max(sizes) / 2**20:.1f} MiB, all {sum(sizes) / 2**20:.1f} MiB unpacked"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--case", choices=CASES)
    parser.add_argument("--base")
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--long", type=int, default=5_000)
    args = parser.parse_args()
    if args.case:
        run_case(Path(args.base), args.case)
        return
    base = Path(tempfile.mkdtemp(prefix="dvdesk-bench-big-"))
    try:
        prepare(base, records=args.records, long=args.long)
        for label in ("hostile", "genuine", "long"):
            print(f"{label:<8} {_layout(base / f'{label}.dvpkg')}")
        print_cases("bench.big_member", CASES, base)
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
