"""Peak memory and time of reading hostile files, beside genuine files of the same size.

    .venv/bin/python -m bench.hostile_read [--fuzz]

Each case runs in a fresh child process, so its peak RSS (getrusage ru_maxrss) is
its own: the 36 KB package whose manifest unpacks to 31 MiB of ``{},``, a manifest
just under the 16 MiB cap full of empty objects, a 15 MiB receipt, a deeply nested
receipt; each beside the baseline of importing a genuine package (or receipt) of
about the same file size, and the bare interpreter with dvdesk's modules loaded.
``--fuzz`` also times the fuzz test (tests/test_sync_fuzz.py).
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
import zipfile
from pathlib import Path

from bench.child_case import case_in_child
from bench.sync_rate import CHILD, PARENT, PASSPHRASE, _office
from dvdesk.paths import DataPaths
from dvdesk.services.demo import add_demo_records, treat_demo_as_real
from dvdesk.services.store import open_store
from dvdesk.sync import keys
from dvdesk.sync.apply import import_package
from dvdesk.sync.export import export_package
from dvdesk.sync.keycard import parse_card
from dvdesk.sync.receipt import import_receipt, write_receipt
from dvdesk.sync.refusals import Refused
from dvdesk.sync.trust import enroll_card

CASES = (
    "baseline-interpreter",
    "genuine-package",
    "bomb-manifest-31mib",
    "cap-manifest-16mib",
    "genuine-receipt",
    "receipt-15mib",
    "receipt-nested",
)


def _rewrite(source: Path, target: Path, manifest: bytes) -> None:
    with zipfile.ZipFile(source) as archive:
        members = [(i.filename, archive.read(i), i.compress_type) for i in archive.infolist()]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with zipfile.ZipFile(target, "w") as archive:
            for name, data, method in members:
                content = manifest if name == "manifest.json" else data
                archive.writestr(name, content, compress_type=method)


def prepare(base: Path) -> None:
    """Two enrolled offices and every file the cases read."""
    child = _office(base / "child", CHILD)
    parent = _office(base / "parent", PARENT)
    enroll_card(parent, card=parse_card(keys.active_key(child).card))
    enroll_card(child, card=parse_card(keys.active_key(parent).card))
    add_demo_records(child, count=1, seed=1, office_codes=["10105"])
    treat_demo_as_real(child)  # demo records never travel: these stand for real ones
    stick = base / "stick"
    stick.mkdir()
    first = export_package(child, out=stick, passphrase=PASSPHRASE).path
    import_package(parent, path=first)
    receipt = write_receipt(parent, origin="10105", out=stick, passphrase=PASSPHRASE).path
    shutil.copy(receipt, base / "genuine.dvrcpt")
    add_demo_records(child, count=150, seed=2, office_codes=["10105"])
    treat_demo_as_real(child)
    genuine = export_package(child, out=stick, passphrase=PASSPHRASE).path
    shutil.copy(genuine, base / "genuine.dvpkg")
    child.close()
    parent.close()
    _rewrite(genuine, base / "bomb.dvpkg", b"[" + b"{}," * (31 * 2**20 // 3) + b"{}]")
    _rewrite(genuine, base / "cap.dvpkg", b"[" + b"{}," * (16 * 2**20 // 3 - 2) + b"{}]")
    (base / "receipt-15mib.dvrcpt").write_bytes(
        b'{"receipt":[' + b"{}," * (5 * 2**20) + b'{}],"signature":""}'
    )
    (base / "receipt-nested.dvrcpt").write_bytes(
        b'{"receipt":' + b"[" * 2_000_000 + b"]" * 2_000_000 + b',"signature":""}'
    )
    for office in ("child", "parent"):
        shutil.copytree(base / office, base / f"{office}-pristine")


def peak_rss() -> int:
    """This process's peak resident memory in bytes.

    Linux keeps ru_maxrss across exec (a child would report its forking parent's peak),
    so the high-water mark of this process's own memory, VmHWM, is read when it exists.
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def run_case(base: Path, case: str) -> None:
    """In the child: one case; prints seconds, outcome and peak RSS as JSON."""
    for office in ("child", "parent"):
        shutil.rmtree(base / office)
        shutil.copytree(base / f"{office}-pristine", base / office)
    parent = open_store(DataPaths(base / "parent"), actor="bench")
    child = open_store(DataPaths(base / "child"), actor="bench")
    files = {
        "genuine-package": ("package", base / "genuine.dvpkg"),
        "bomb-manifest-31mib": ("package", base / "bomb.dvpkg"),
        "cap-manifest-16mib": ("package", base / "cap.dvpkg"),
        "genuine-receipt": ("receipt", base / "genuine.dvrcpt"),
        "receipt-15mib": ("receipt", base / "receipt-15mib.dvrcpt"),
        "receipt-nested": ("receipt", base / "receipt-nested.dvrcpt"),
    }
    outcome = "—"
    started = time.perf_counter()
    try:
        if case in files:
            kind, path = files[case]
            if kind == "package":
                import_package(parent, path=path)
            else:
                import_receipt(child, path=path)
            outcome = "imported"
    except Refused as refusal:
        outcome = f"refused: {refusal.reason.value}"
    seconds = time.perf_counter() - started
    size = files[case][1].stat().st_size if case in files else 0
    parent.close()
    child.close()
    peak = peak_rss()
    print(json.dumps({"seconds": seconds, "outcome": outcome, "peak": peak, "size": size}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--case", choices=CASES)
    parser.add_argument("--base")
    parser.add_argument("--fuzz", action="store_true", help="also time the fuzz test")
    args = parser.parse_args()
    if args.case:
        run_case(Path(args.base), args.case)
        return
    base = Path(tempfile.mkdtemp(prefix="dvdesk-bench-hostile-"))
    try:
        prepare(base)
        print(f"{'case':<24} {'file':>10} {'time':>9} {'peak RSS':>10}  outcome")
        for case in CASES:
            row = case_in_child("bench.hostile_read", case, base)
            print(
                f"{case:<24} {row['size'] / 1024:>8.0f} K {row['seconds']:>8.3f}s "
                f"{row['peak'] / 2**20:>7.0f} MiB  {row['outcome']}"
            )
    finally:
        shutil.rmtree(base, ignore_errors=True)
    if args.fuzz:
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "tests/test_sync_fuzz.py", "-s"],
            check=True,
        )
        print(f"fuzz test: {time.perf_counter() - started:.0f} s wall clock")


if __name__ == "__main__":
    main()
