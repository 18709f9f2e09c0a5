"""Seeded mutation fuzzing of packages, receipts and key cards (slow; run in CI).

2,000 mutated packages (byte-level damage, crafted manifests and records, some
signed again with the sending office's real key), 300 receipts and 200 key cards are
imported in two child processes (tests/fuzz_worker.py). Every outcome must be a
success or a refusal, never a crash or a hang over 20 s; the child's peak memory
stays under 500 MB; no refusal changes a data table.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import time
import warnings
import zipfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from dvdesk.services.attachments import add_attachment
from dvdesk.sync import keys
from dvdesk.sync.format import canonical_json, sha256_hex
from dvdesk.sync.receipt import write_receipt
from tests import sync_fixtures
from tests.sync_fixtures import PASSPHRASE, Exchange

exchange_template = sync_fixtures.exchange_template
exchange = sync_fixtures.exchange

PACKAGES = 2_000
RECEIPTS = 300
CARDS = 200
WORKERS = 2
SEED = 2026
PEAK_LIMIT_BYTES = 500 * 1024 * 1024

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

# Raw JSON text spliced in where a value was: what a crafted file would hold.
_RAW_VALUES = (
    "9" * 5_000,
    str(2**63),
    str(2**63 - 1),
    str(2**53),
    "-1",
    "0",
    "1e400",
    "NaN",
    "[" * 5_000 + "]" * 5_000,
    "{" * 3_000,
    '"' + "x" * 100_000 + '"',
    '"\\u001b[31mHÃY CHẠY E:\\\\capnhat.exe\\n"',
    "null",
    "true",
    "[]",
    "{}",
    '"' + "\\ud800" + '"',
    "[" + "{}," * 50_000 + "{}]",
)
_MARK = '"@@FUZZ@@"'

Members = list[tuple[str, bytes, int]]


def _read(path: Path) -> Members:
    with zipfile.ZipFile(path) as archive:
        return [(i.filename, archive.read(i), i.compress_type) for i in archive.infolist()]


def _write(path: Path, members: Members) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with zipfile.ZipFile(path, "w") as archive:
            for name, data, method in members:
                archive.writestr(name, data, compress_type=method)


def _splice(rng: random.Random, value: Any) -> str:
    """``value`` as JSON text with one randomly chosen leaf replaced by a crafted raw value."""
    paths: list[tuple[Any, Any]] = []

    def walk(node: Any) -> None:
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, child in items:
            paths.append((node, key))
            if isinstance(child, dict | list):
                walk(child)

    copy = json.loads(json.dumps(value))
    walk(copy)
    node, key = rng.choice(paths)
    node[key] = "@@FUZZ@@"
    text = json.dumps(copy, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace(_MARK, rng.choice(_RAW_VALUES), 1)


def _bytes_mutation(rng: random.Random, data: bytes) -> bytes:
    choice = rng.randrange(6)
    buffer = bytearray(data)
    if choice == 0:
        for _ in range(rng.randint(1, 8)):
            buffer[rng.randrange(len(buffer))] ^= 1 << rng.randrange(8)
        return bytes(buffer)
    if choice == 1:
        return data[: rng.randrange(len(data))]
    if choice == 2:
        return data[rng.randrange(1, len(data)) :]
    if choice == 3:
        at = rng.randrange(len(data))
        return data[:at] + rng.randbytes(rng.randint(1, 64)) + data[at:]
    if choice == 4:
        return data + rng.randbytes(rng.randint(1, 64))
    start = rng.randrange(len(data))
    size = rng.randint(1, 256)
    source = rng.randrange(len(data))
    buffer[start : start + size] = data[source : source + size]
    return bytes(buffer)


class PackageMutator:
    def __init__(self, ex: Exchange, bases: list[Path]) -> None:
        own = keys.active_key(ex.child)
        self.signing = keys.load_signing_key(ex.child, key_id=own.key_id, passphrase=PASSPHRASE)
        self.bases = [(path.read_bytes(), _read(path)) for path in bases]

    def _sign(self, members: Members, manifest: bytes) -> Members:
        replaced = {"manifest.json": manifest, "manifest.sig": self.signing.sign(manifest)}
        return [(n, replaced.get(n, d), m) for n, d, m in members]

    def mutate(self, rng: random.Random, target: Path) -> None:
        raw, base = rng.choice(self.bases)
        members = list(base)  # changed in place below; the base stays genuine
        manifest = json.loads(dict((n, d) for n, d, _m in members)["manifest.json"])
        kind = rng.randrange(10)
        if kind < 4:
            target.write_bytes(_bytes_mutation(rng, raw))
            return
        if kind in (4, 5):  # a crafted manifest, unsigned or signed with the real key
            text = _splice(rng, manifest).encode("utf-8")
            if kind == 5:
                members = self._sign(members, text)
            else:
                members = [(n, text if n == "manifest.json" else d, m) for n, d, m in members]
        elif kind == 6:  # crafted records under a valid signature, hashes fixed
            members = self._crafted_records(rng, members, manifest)
        elif kind == 7:  # a member compressed another way, renamed, doubled or dropped
            members = self._zip_level(rng, members)
        else:  # a damaged member inside an otherwise well-formed zip
            index = rng.randrange(len(members))
            name, data, method = members[index]
            members[index] = (name, _bytes_mutation(rng, data) if data else b"x", method)
        _write(target, members)

    def _crafted_records(
        self, rng: random.Random, members: Members, manifest: dict[str, Any]
    ) -> Members:
        name = next((n for n, _d, _m in members if n.startswith("records/")), None)
        if name is None or name.endswith(".sealed"):
            return members
        records = json.loads(dict((n, d) for n, d, _m in members)[name])
        payload = _splice(rng, records).encode("utf-8")
        for entry in manifest["files"]:
            if entry["name"] == name:
                entry.update(size=len(payload), sha256=sha256_hex(payload))
        members = [(n, payload if n == name else d, m) for n, d, m in members]
        return self._sign(members, canonical_json(manifest))

    def _zip_level(self, rng: random.Random, members: Members) -> Members:
        index = rng.randrange(len(members))
        name, data, method = members[index]
        choice = rng.randrange(4)
        if choice == 0:
            methods = (zipfile.ZIP_LZMA, zipfile.ZIP_BZIP2, zipfile.ZIP_STORED)
            members[index] = (name, data, rng.choice(methods))
        elif choice == 1:
            members[index] = (
                rng.choice(("../x", "records/x.json", name + "/", "a\\b")),
                data,
                method,
            )
        elif choice == 2:
            members.append(members[index])
        else:
            del members[index]
        return members


def _text_mutation(rng: random.Random, raw: bytes) -> bytes:
    if rng.random() < 0.5:
        return _bytes_mutation(rng, raw)
    return _splice(rng, json.loads(raw)).encode("utf-8")


def _corpus(ex: Exchange, tmp: Path) -> list[tuple[str, str]]:
    rng = random.Random(SEED)
    ex.add(title="Kiểm tra đã gửi lên")
    ex.import_(ex.export().path)  # package 1, imported: the receipt acknowledges it
    receipt = write_receipt(ex.parent, origin="10105", out=tmp, passphrase=PASSPHRASE).path
    for index in range(3):
        ex.add(title=f"Kiểm tra việc thực hiện Quy chế dân chủ số {index}")
    scan = tmp / "scan.jpg"
    scan.write_bytes(b"\xff\xd8 bien ban quet " * 200)
    add_attachment(ex.child, record_id=ex.add(title="Có ảnh"), source=scan)
    plain = ex.export().path
    sealed = ex.export(encrypt=True, full=True).path
    shutil.copy(receipt, tmp / "genuine.dvrcpt")
    card = tmp / "child.dvkey"
    keys.write_card(ex.child, out=card)
    corpus = tmp / "corpus"
    corpus.mkdir()
    items: list[tuple[str, str]] = []
    mutator = PackageMutator(ex, [plain, sealed])
    for index in range(PACKAGES):
        target = corpus / f"{index:05d}.dvpkg"
        mutator.mutate(rng, target)
        items.append(("package", str(target)))
    sources: list[tuple[str, Path, int, str]] = [
        ("receipt", receipt, RECEIPTS, ".dvrcpt"),
        ("card", card, CARDS, ".dvkey"),
    ]
    for kind, source, count, suffix in sources:
        raw = source.read_bytes()
        for index in range(count):
            target = corpus / f"{kind}-{index:05d}{suffix}"
            target.write_bytes(_text_mutation(rng, raw))
            items.append((kind, str(target)))
    rng.shuffle(items)
    return items


def _run_workers(ex: Exchange, tmp: Path, items: list[tuple[str, str]]) -> list[dict[str, Any]]:
    ex.close()
    processes = []
    for worker in range(WORKERS):
        folder = tmp / f"worker{worker}"
        for office in ("parent", "child"):
            shutil.copytree(Path(getattr(ex, office).paths.root), folder / office)
            shutil.copytree(folder / office, folder / f"{office}-pristine")
        job = {
            "parent": str(folder / "parent"),
            "parent_pristine": str(folder / "parent-pristine"),
            "child": str(folder / "child"),
            "child_pristine": str(folder / "child-pristine"),
            "items": items[worker::WORKERS],
        }
        job_file = folder / "job.json"
        job_file.write_text(json.dumps(job), encoding="utf-8")
        with (
            job_file.open("rb") as stdin,
            (folder / "out.jsonl").open("wb") as stdout,
            (folder / "err.txt").open("wb") as stderr,
        ):
            processes.append(
                (
                    folder,
                    subprocess.Popen(
                        [sys.executable, "-m", "tests.fuzz_worker"],
                        stdin=stdin,
                        stdout=stdout,
                        stderr=stderr,
                        cwd=Path(__file__).resolve().parent.parent,
                        env={**os.environ, "PYTHONWARNINGS": "error"},
                    ),
                )
            )
    lines: list[dict[str, Any]] = []
    for folder, process in processes:
        process.wait(timeout=20 * len(items))
        errors = (folder / "err.txt").read_text(encoding="utf-8", errors="replace")
        assert process.returncode == 0, errors[-3000:]
        out = (folder / "out.jsonl").read_text(encoding="utf-8")
        lines += [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    return lines


def test_mutated_packages_receipts_and_cards_are_imported_or_refused(
    exchange: Exchange, tmp_path: Path, record_property: Callable[[str, object], None]
) -> None:
    started = time.monotonic()
    items = _corpus(exchange, tmp_path)
    lines = _run_workers(exchange, tmp_path, items)
    elapsed = time.monotonic() - started
    results = [line for line in lines if "outcome" in line]
    peaks = [line["peak_rss_kib"] * 1024 for line in lines if "peak_rss_kib" in line]
    kinds = Counter(line["kind"] for line in results)
    assert kinds["package"] == PACKAGES and kinds["receipt"] == RECEIPTS
    assert kinds["card"] == CARDS
    bad = [line for line in results if line["outcome"] not in ("ok", "refused")]
    assert not bad, "\n".join(f"{line['file']}: {line.get('detail')}" for line in bad[:5])
    changed = [line for line in results if line.get("changed")]
    assert not changed, "\n".join(f"{line['file']}: {line}" for line in changed[:5])
    slowest = max(line["seconds"] for line in results)
    assert slowest < 20
    assert len(peaks) == WORKERS and max(peaks) < PEAK_LIMIT_BYTES
    reasons = Counter(line.get("reason", "ok") for line in results)
    summary = (
        f"fuzz: {len(results)} files in {elapsed:.1f} s, slowest {slowest:.2f} s, "
        f"peak RSS {max(peaks) / 2**20:.0f} MiB, outcomes {dict(reasons.most_common())}"
    )
    record_property("fuzz", summary)
    print(summary)
    assert len(reasons) >= 15  # the mutations reach many different checks
