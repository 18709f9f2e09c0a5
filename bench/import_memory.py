"""Peak memory of importing a genuine package, by its number of records.

    .venv/bin/python -m bench.import_memory [--records 100000 300000]

For each ``--records`` count a child office gets that many demo records and exports
them all (one signed package); the parent office then imports it. Each case runs in a
fresh child process and prints its own peak RSS (VmHWM). The raw baselines, in the same
run: the bare interpreter with dvdesk's import modules loaded, and the package's size on
disk and unpacked. ``cache-…`` cases repeat the largest import with SQLite's page cache
for the import transaction set to another size (the speed it costs or buys).
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
import zipfile
from pathlib import Path

from bench.child_case import print_cases
from bench.hostile_read import peak_rss
from bench.sync_rate import CHILD, PARENT, PASSPHRASE, _office
from dvdesk.db import columns
from dvdesk.paths import DataPaths
from dvdesk.services.demo import add_demo_records, treat_demo_as_real
from dvdesk.services.store import open_store
from dvdesk.sync import apply, keys
from dvdesk.sync.apply import import_package
from dvdesk.sync.export import export_package
from dvdesk.sync.keycard import parse_card
from dvdesk.sync.trust import enroll_card

CACHES_MIB = (256, 64, 16)


def prepare(base: Path, counts: list[int]) -> None:
    child = _office(base / "child", CHILD)
    parent = _office(base / "parent-pristine", PARENT)
    enroll_card(parent, card=parse_card(keys.active_key(child).card))
    enroll_card(child, card=parse_card(keys.active_key(parent).card))
    parent.close()
    done = 0
    for count in sorted(counts):
        add_demo_records(child, count=count - done, seed=count, office_codes=["10105"])
        treat_demo_as_real(child)
        done = count
        stick = base / f"stick-{count}"
        stick.mkdir()
        made = export_package(child, out=stick, passphrase=PASSPHRASE, full=True).path
        made.rename(base / f"records-{count}.dvpkg")
    child.close()


def run_case(base: Path, case: str) -> None:
    """In the child: one case; prints seconds, outcome and peak RSS as JSON."""
    outcome, seconds = "-", 0.0
    if case != "interpreter":
        kind, _dash, value = case.partition("-")
        if kind == "cache":
            cache_mib, count = (int(part) for part in value.split("x"))
            apply.BULK_CACHE_KIB = cache_mib * 1024  # type: ignore[attr-defined]
        else:
            count = int(value)
        folder = base / f"parent-{case}"
        shutil.copytree(base / "parent-pristine", folder)
        parent = open_store(DataPaths(folder), actor="bench")
        started = time.perf_counter()
        summary = import_package(parent, path=base / f"records-{count}.dvpkg")
        seconds = time.perf_counter() - started
        outcome = f"{summary.new:,} new"
        parent.close()
        shutil.rmtree(folder)
    print(json.dumps({"seconds": seconds, "outcome": outcome, "peak": peak_rss()}))


def _sizes(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
    return f"{path.stat().st_size / 2**20:.1f} MiB on disk, {unpacked / 2**20:.1f} MiB unpacked"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--case")
    parser.add_argument("--base")
    parser.add_argument("--records", type=int, nargs="+", default=[100_000])
    parser.add_argument(
        "--prepared", type=Path, help="a folder an earlier run prepared (--keep): reused, kept"
    )
    parser.add_argument("--keep", action="store_true", help="keep the prepared folder")
    args = parser.parse_args()
    if args.case:
        run_case(Path(args.base), args.case)
        return
    base = args.prepared or Path(tempfile.mkdtemp(prefix="dvdesk-bench-import-memory-"))
    try:
        if args.prepared is None:
            started = time.perf_counter()
            prepare(base, args.records)
            print(f"prepared in {time.perf_counter() - started:.0f} s in {base}")
        print(f"bulk page cache now: {columns.BULK_CACHE_KIB // 1024} MiB")
        for count in sorted(args.records):
            print(f"package of {count:>9,} records: {_sizes(base / f'records-{count}.dvpkg')}")
        largest = max(args.records)
        cases = ["interpreter", *(f"import-{count}" for count in sorted(args.records))]
        cases += [f"cache-{mib}x{largest}" for mib in CACHES_MIB]
        print_cases("bench.import_memory", cases, base)
    finally:
        if not (args.keep or args.prepared):
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
