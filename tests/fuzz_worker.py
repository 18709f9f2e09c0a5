"""Child process of the fuzz test: imports a batch of mutated files, reports each outcome.

    python -m tests.fuzz_worker < job.json > results.jsonl

Each file is imported (packages and key cards by the parent office, receipts by the
child office) under a 20 s alarm. The data tables are compared before and after
every refusal; after a rare success the office's folder is put back as it was, so
every file meets the same database. The last line gives the process's peak RSS.
"""

from __future__ import annotations

import json
import resource
import shutil
import signal
import sys
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

from dvdesk.errors import UserError
from dvdesk.paths import DataPaths
from dvdesk.services.store import Store, open_store
from dvdesk.sync.apply import import_package
from dvdesk.sync.keycard import read_card_file
from dvdesk.sync.receipt import import_receipt
from dvdesk.sync.refusals import Refused
from dvdesk.sync.trust import enroll_card
from tests.sync_fixtures import DATA_TABLES, PASSPHRASE, table_dump

HANG_SECONDS = 20
TABLES = (*DATA_TABLES, "receipt", "package_out", "org_unit", "own_key", "audit_log")


class Hang(Exception):
    pass


def _alarm(_signal: int, _frame: FrameType | None) -> None:
    raise Hang


@dataclass
class Office:
    root: Path
    pristine: Path
    store: Store

    def reset(self) -> None:
        self.store.close()
        shutil.rmtree(self.root)
        shutil.copytree(self.pristine, self.root)
        self.store = open_store(DataPaths(self.root), actor="fuzz")


def _run(kind: str, path: Path, parent: Office, child: Office) -> None:
    if kind == "package":
        import_package(parent.store, path=path, passphrase=PASSPHRASE)
    elif kind == "receipt":
        import_receipt(child.store, path=path)
    else:
        enroll_card(parent.store, card=read_card_file(path))


def _one(kind: str, path: Path, parent: Office, child: Office) -> dict[str, Any]:
    office = child if kind == "receipt" else parent
    before = table_dump(office.store.paths, TABLES)
    started = time.monotonic()
    signal.alarm(HANG_SECONDS)
    result: dict[str, Any]
    try:
        _run(kind, path, parent, child)
        result = {"outcome": "ok"}
    except Refused as refusal:
        result = {"outcome": "refused", "reason": refusal.reason.value}
    except UserError as error:  # a clean refusal in other words (e.g. the office's own card)
        result = {"outcome": "refused", "reason": type(error).__name__}
    except Hang:
        result = {"outcome": "hang"}
    except BaseException as error:
        detail = "".join(traceback.format_exception(error)[-3:])
        result = {"outcome": "crash", "detail": detail}
    finally:
        signal.alarm(0)
    result["seconds"] = round(time.monotonic() - started, 3)
    if result["outcome"] == "ok":
        office.reset()
    else:
        result["changed"] = table_dump(office.store.paths, TABLES) != before
    return result


def peak_rss_kib() -> int:
    """Peak resident memory of this process. Linux keeps ru_maxrss across exec (it would
    report the forking pytest's peak), so this process's own VmHWM is read first."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main() -> int:
    job = json.load(sys.stdin)
    signal.signal(signal.SIGALRM, _alarm)
    parent = Office(
        Path(job["parent"]),
        Path(job["parent_pristine"]),
        open_store(DataPaths(Path(job["parent"])), actor="fuzz"),
    )
    child = Office(
        Path(job["child"]),
        Path(job["child_pristine"]),
        open_store(DataPaths(Path(job["child"])), actor="fuzz"),
    )
    try:
        for index, (kind, name) in enumerate(job["items"]):
            result = _one(kind, Path(name), parent, child)
            print(json.dumps({"index": index, "kind": kind, "file": name, **result}), flush=True)
    finally:
        parent.store.close()
        child.store.close()
    print(json.dumps({"peak_rss_kib": peak_rss_kib()}), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
