"""Peak memory of importing an encrypted package with one big attachment.

    .venv/bin/python -m bench.sealed_attachment [--mib 128]

A child office attaches a ``--mib`` MiB scan (random bytes: a scan does not compress) to
one record and exports it encrypted to its parent. Each case runs in a fresh child
process and prints its own peak RSS (VmHWM):

- interpreter: the bare interpreter with dvdesk's import modules loaded (the floor);
- raw-hash: SHA-256 of the scan read 1 MiB at a time (what streaming costs at least);
- import-whole: the import as it was, the sealed attachment read and opened whole;
- import-stream: the import as it is, opened block by block into the temporary file;
- export: the encrypted export (still seals each attachment whole).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import BinaryIO

from bench.child_case import print_cases
from bench.hostile_read import peak_rss
from bench.sync_rate import CHILD, PARENT, PASSPHRASE, _office
from dvdesk.paths import DataPaths
from dvdesk.services.attachments import add_attachment
from dvdesk.services.demo import add_demo_records, treat_demo_as_real
from dvdesk.services.store import open_store
from dvdesk.sync import apply, keys
from dvdesk.sync.apply import import_package
from dvdesk.sync.contents import Member, read_member
from dvdesk.sync.export import export_package
from dvdesk.sync.keycard import parse_card
from dvdesk.sync.seal import Opener
from dvdesk.sync.trust import enroll_card

CASES = ("interpreter", "raw-hash", "import-whole", "import-stream", "export")


def prepare(base: Path, mib: int) -> None:
    child = _office(base / "child-pristine", CHILD)
    parent = _office(base / "parent-pristine", PARENT)
    enroll_card(parent, card=parse_card(keys.active_key(child).card))
    enroll_card(child, card=parse_card(keys.active_key(parent).card))
    parent.close()
    add_demo_records(child, count=1, seed=1, office_codes=["10105"])
    treat_demo_as_real(child)
    scan = base / "scan.pdf"
    with scan.open("wb") as out:
        for _mib in range(mib):
            out.write(os.urandom(2**20))
    with child.raw() as connection:
        (record_id,) = connection.execute("SELECT id FROM record").fetchone()
    add_attachment(child, record_id=record_id, source=scan)
    treat_demo_as_real(child)
    child.close()


def _whole(
    package: object, member: Member, opener: Opener | None, target: BinaryIO, *, limit: int
) -> None:
    """The import's attachment copy before it streamed: read, opened and written whole."""
    target.write(read_member(package, member, opener, limit=limit))  # type: ignore[arg-type]


def run_case(base: Path, case: str) -> None:
    """In the child: one case; prints seconds, outcome and peak RSS as JSON."""
    started = time.perf_counter()
    outcome = "-"
    if case == "raw-hash":
        digest = hashlib.sha256()
        with (base / "scan.pdf").open("rb") as source:
            while block := source.read(2**20):
                digest.update(block)
        outcome = digest.hexdigest()[:12]
    elif case == "export":
        shutil.copytree(base / "child-pristine", base / "child")
        child = open_store(DataPaths(base / "child"), actor="bench")
        stick = base / "stick"
        stick.mkdir(exist_ok=True)
        made = export_package(child, out=stick, passphrase=PASSPHRASE, full=True, encrypt=True)
        made.path.rename(base / "sealed.dvpkg")
        child.close()
        outcome = f"{(base / 'sealed.dvpkg').stat().st_size / 2**20:.0f} MiB package"
    elif case.startswith("import"):
        if case == "import-whole":
            apply.copy_member = _whole  # type: ignore[attr-defined]
        folder = base / f"parent-{case}"
        shutil.copytree(base / "parent-pristine", folder)
        parent = open_store(DataPaths(folder), actor="bench")
        started = time.perf_counter()
        summary = import_package(parent, path=base / "sealed.dvpkg", passphrase=PASSPHRASE)
        outcome = f"{summary.new} new, {summary.attachments_added} attachment"
        parent.close()
        shutil.rmtree(folder)
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "outcome": outcome, "peak": peak_rss()}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--case", choices=CASES)
    parser.add_argument("--base")
    parser.add_argument("--mib", type=int, default=128)
    args = parser.parse_args()
    if args.case:
        run_case(Path(args.base), args.case)
        return
    base = Path(tempfile.mkdtemp(prefix="dvdesk-bench-sealed-"))
    try:
        prepare(base, args.mib)
        print(f"attachment: {args.mib} MiB")
        # The export first: the imports read the package it writes.
        print_cases("bench.sealed_attachment", ("export", *CASES[:-1]), base)
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
