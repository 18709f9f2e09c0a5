"""The adversary with a USB stick, part 1: sizes, file kinds and files that change.

Every hostile file goes through the one import path (``import_batch``) or the
receipt and key-card readers. Each must be refused quickly, with little memory,
with a Vietnamese message that says what to do next, and must leave the database
byte for byte as it was.
"""

from __future__ import annotations

import os
import re
import threading
import time
import tracemalloc
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

import pytest

from dvdesk.errors import UserError
from dvdesk.services.store import Store
from dvdesk.sync import apply as apply_module
from dvdesk.sync import verify as verify_module
from dvdesk.sync.batch import FileStatus, import_batch, package_files
from dvdesk.sync.keycard import read_card_file
from dvdesk.sync.receipt import import_receipt
from dvdesk.sync.refusals import Reason, Refused
from tests import sync_fixtures
from tests.conftest import database_digest
from tests.sync_fixtures import PASSPHRASE, Exchange, table_dump
from tests.test_sync_attacks import manifest_of, read_members, records_member, resign
from tests.zip_fixtures import entries_of, write_zip

exchange_template = sync_fixtures.exchange_template
exchange = sync_fixtures.exchange

GIB = 1024 * 1024 * 1024
MIB = 1024 * 1024
T = TypeVar("T")

# ---------------------------------------------------------------- what every refusal must be

_VIETNAMESE = re.compile(r"[àáảãạâầấẩẫậăằắẳẵặđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]")
_ENGLISH = re.compile(
    r"\b(the|was|were|is|not|of|to|and|file|package|error|traceback|errno|denied|such|"
    r"directory|permission|cannot|links|invalid|argument)\b",
    re.I,
)


def assert_tells_what_to_do(message: str) -> None:
    """Vietnamese, no English or traceback, and more than one sentence (what happened,
    then what to do next)."""
    assert message and message == message.strip(), repr(message)
    assert _VIETNAMESE.search(message), message
    words = " ".join(w for w in message.split() if "/" not in w and "\\" not in w)
    assert not _ENGLISH.search(words), message  # file paths aside
    sentences = [s for s in re.split(r"[.;:!?]\s", message) if s.strip()]
    assert len(sentences) >= 2, message


@dataclass
class _Peak:
    bytes: int = 0
    seconds: float = 0.0


@contextmanager
def bounded_cost() -> Iterator[_Peak]:
    """Python memory peak and wall time of the block."""
    peak = _Peak()
    tracemalloc.start()
    started = time.monotonic()
    try:
        yield peak
        peak.bytes = tracemalloc.get_traced_memory()[1]
        peak.seconds = time.monotonic() - started
    finally:
        tracemalloc.stop()


def within(seconds: float, action: Callable[[], T]) -> T:
    """Run ``action`` in a daemon thread; a hang fails the test instead of stalling it."""
    box: dict[str, object] = {}

    def run() -> None:
        try:
            box["value"] = action()
        except BaseException as error:  # handed back to the test thread
            box["error"] = error

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still running after {seconds} s"
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["value"]  # type: ignore[return-value]


def batch_refused(store: Store, path: Path, reason: Reason | None = None) -> UserError:
    """Import ``path`` the way the app does; it must be refused, explained, and change nothing."""
    before = table_dump(store.paths)
    digest = database_digest(store.paths)
    result = within(
        60,
        lambda: import_batch(store, paths=[path], ask_passphrase=lambda _request: PASSPHRASE),
    )
    assert [f.status for f in result.files] == [FileStatus.REFUSED]
    error = result.files[0].error
    assert error is not None
    if reason is not None:
        assert isinstance(error, Refused) and error.reason is reason, error.message
    assert_tells_what_to_do(error.message)
    assert table_dump(store.paths) == before
    assert database_digest(store.paths) == digest
    return error


def refused_unchanged(store: Store, action: Callable[[], object]) -> UserError:
    digest = database_digest(store.paths)
    with pytest.raises(UserError) as refused:
        within(60, action)
    assert_tells_what_to_do(refused.value.message)
    assert database_digest(store.paths) == digest
    return refused.value


def genuine(ex: Exchange, title: str = "Kiểm tra thật") -> Path:
    ex.add(title=title)
    return ex.export().path


def sparse(path: Path, size: int, tail: bytes = b"") -> Path:
    with path.open("wb") as handle:
        handle.truncate(size)
        handle.seek(size)
        handle.write(tail)
    return path


# ---------------------------------------------------------------- sizes


def test_attack_a_sparse_2_gib_package_is_refused_unread(
    exchange: Exchange, tmp_path: Path
) -> None:
    path = sparse(tmp_path / "goi-2gib.dvpkg", 2 * GIB)
    with bounded_cost() as cost:
        batch_refused(exchange.parent, path)
    assert cost.bytes < 8 * MIB and cost.seconds < 10


def test_attack_a_genuine_package_behind_2_gib_of_zeros_is_refused(
    exchange: Exchange, tmp_path: Path
) -> None:
    path = sparse(tmp_path / "goi-don.dvpkg", 2 * GIB, genuine(exchange).read_bytes())
    with bounded_cost() as cost:
        batch_refused(exchange.parent, path)
    assert cost.bytes < 8 * MIB and cost.seconds < 10


def _deflated(chunks: Iterator[bytes]) -> tuple[bytes, int, int]:
    """Raw deflate of the chunks, with the plain size and CRC."""
    squeeze = zlib.compressobj(9, zlib.DEFLATED, -15)
    out, size, crc = [], 0, 0
    for chunk in chunks:
        size += len(chunk)
        crc = zlib.crc32(chunk, crc)
        out.append(squeeze.compress(chunk))
    out.append(squeeze.flush())
    return b"".join(out), size, crc


def _with_raw_member(
    source: Path, target: Path, name: str, raw: bytes, *, size: int, crc: int
) -> Path:
    """``source`` with member ``name`` replaced by the deflate stream ``raw``, whose local
    and central headers claim ``size`` and ``crc`` (which may lie)."""
    entries = [
        replace(entry, body=raw, method=zipfile.ZIP_DEFLATED, size=size, crc=crc)
        if entry.name == name
        else entry
        for entry in entries_of(source)
    ]
    return write_zip(target, entries)


def test_attack_a_member_that_says_small_but_inflates_to_256_mib_is_refused(
    exchange: Exchange, tmp_path: Path
) -> None:
    """Headers and manifest name the genuine records (size and CRC); the deflate stream
    carries them followed by 256 MiB more, hidden past the declared end."""
    package = genuine(exchange)
    members = read_members(package)
    name = records_member(members)
    plain = dict(members)[name]
    zeros = bytes(MIB)
    raw, _size, _crc = _deflated(iter([plain, *([zeros] * 256)]))
    path = _with_raw_member(
        package, tmp_path / "bom-an.dvpkg", name, raw, size=len(plain), crc=zlib.crc32(plain)
    )
    with bounded_cost() as cost:
        batch_refused(exchange.parent, path)
    assert cost.bytes < 32 * MIB and cost.seconds < 30


def test_attack_a_member_that_says_huge_but_is_small_is_refused(
    exchange: Exchange, tmp_path: Path
) -> None:
    package = genuine(exchange)
    members = read_members(package)
    name = records_member(members)
    raw, size, crc = _deflated(iter([dict(members)[name]]))
    path = _with_raw_member(package, tmp_path / "khai-lon.dvpkg", name, raw, size=3 * GIB, crc=crc)
    batch_refused(exchange.parent, path)
    small = _with_raw_member(
        package, tmp_path / "khai-nho.dvpkg", name, raw, size=size - 7, crc=crc
    )
    batch_refused(exchange.parent, small)


def test_attack_a_signed_manifest_that_lies_about_a_size_is_refused(
    exchange: Exchange, tmp_path: Path
) -> None:
    """The key holder signs a manifest naming 10 bytes for a member of 64 MiB, and one
    naming 3 GiB for a member of 1 KiB."""
    package = genuine(exchange)
    members = read_members(package)
    name = records_member(members)
    for label, size, payload in (
        ("nho", 10, b"[" + b" " * (64 * MIB) + b"]"),
        ("lon", 3 * GIB, dict(members)[name]),
    ):
        manifest = manifest_of(members)
        for entry in manifest["files"]:
            if entry["name"] == name:
                entry["size"] = size
        forged = [(n, payload if n == name else d) for n, d in members]
        forged = resign(exchange.child, forged, manifest)
        path = tmp_path / f"kich-thuoc-{label}.dvpkg"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for member, data in forged:
                method = zipfile.ZIP_STORED if member == "manifest.sig" else zipfile.ZIP_DEFLATED
                archive.writestr(member, data, compress_type=method)
        with bounded_cost() as cost:
            batch_refused(exchange.parent, path)
        assert cost.bytes < 32 * MIB


def test_attack_a_2_gib_receipt_and_key_card_are_refused_unread(
    exchange: Exchange, tmp_path: Path
) -> None:
    receipt = sparse(tmp_path / "bien-nhan.dvrcpt", 2 * GIB)
    card = sparse(tmp_path / "the-khoa.dvkey", 2 * GIB)
    with bounded_cost() as cost:
        refused_unchanged(exchange.child, lambda: import_receipt(exchange.child, path=receipt))
        refused_unchanged(exchange.parent, lambda: read_card_file(card))
    assert cost.bytes < 8 * MIB and cost.seconds < 10


# ---------------------------------------------------------------- what is not a file


@contextmanager
def fifo_unblocked(path: Path, after: float = 5.0) -> Iterator[Path]:
    """A named pipe; if a reader blocks on it, a writer opens and closes it after
    ``after`` seconds so that the test ends, and fails: it says the pipe was waited on.
    (It failed on its wall time before: a loaded CI machine took over 4 s to import the
    genuine package beside the pipe, with nothing blocked.)"""
    os.mkfifo(path)
    stop = threading.Event()
    waited_on: list[bool] = []

    def unblock() -> None:
        if stop.wait(after):
            return
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
        except OSError:
            return  # ENXIO: nobody is reading
        waited_on.append(True)  # a reader sat in open() for ``after`` seconds
        os.close(descriptor)

    thread = threading.Thread(target=unblock, daemon=True)
    thread.start()
    try:
        yield path
    finally:
        stop.set()
        thread.join()
    assert not waited_on, f"{path.name}: opened and waited for a writer that never comes"


def test_attack_a_fifo_among_the_packages_neither_hangs_nor_stops_the_others(
    exchange: Exchange, tmp_path: Path
) -> None:
    good = genuine(exchange)
    with fifo_unblocked(exchange.stick / "ong.dvpkg"):
        result = within(
            60,
            lambda: import_batch(
                exchange.parent,
                paths=package_files([exchange.stick]),
                ask_passphrase=lambda _r: PASSPHRASE,
            ),
        )
    statuses = {f.path.name: f.status for f in result.files}
    assert statuses == {good.name: FileStatus.IMPORTED, "ong.dvpkg": FileStatus.REFUSED}


def test_attack_a_fifo_receipt_or_key_card_does_not_hang(
    exchange: Exchange, tmp_path: Path
) -> None:
    with fifo_unblocked(tmp_path / "ong.dvrcpt") as receipt:
        refused_unchanged(exchange.child, lambda: import_receipt(exchange.child, path=receipt))
    with fifo_unblocked(tmp_path / "ong.dvkey") as card:
        refused_unchanged(exchange.parent, lambda: read_card_file(card))


def test_attack_a_symlink_loop_is_refused_with_a_message(
    exchange: Exchange, tmp_path: Path
) -> None:
    first, second = tmp_path / "a.dvpkg", tmp_path / "b.dvpkg"
    first.symlink_to(second)
    second.symlink_to(first)
    batch_refused(exchange.parent, first)
    refused_unchanged(exchange.child, lambda: import_receipt(exchange.child, path=first))
    refused_unchanged(exchange.parent, lambda: read_card_file(first))


def test_attack_a_dangling_symlink_and_a_missing_file_are_refused_with_a_message(
    exchange: Exchange, tmp_path: Path
) -> None:
    dangling = tmp_path / "treo.dvpkg"
    dangling.symlink_to(tmp_path / "khong-co.dvpkg")
    batch_refused(exchange.parent, dangling)
    batch_refused(exchange.parent, tmp_path / "da-rut-usb.dvpkg")
    refused_unchanged(
        exchange.child, lambda: import_receipt(exchange.child, path=tmp_path / "khong.dvrcpt")
    )
    refused_unchanged(exchange.parent, lambda: read_card_file(tmp_path / "khong.dvkey"))


def test_attack_a_folder_named_like_a_package_in_the_stick_does_not_stop_the_others(
    exchange: Exchange,
) -> None:
    good = genuine(exchange)
    (exchange.stick / "thu-muc.dvpkg").mkdir()
    result = import_batch(
        exchange.parent, paths=package_files([exchange.stick]), ask_passphrase=lambda _r: PASSPHRASE
    )
    statuses = {f.path.name: f.status for f in result.files}
    assert statuses == {good.name: FileStatus.IMPORTED, "thu-muc.dvpkg": FileStatus.REFUSED}


def test_attack_an_unreadable_package_is_refused_with_a_message(
    exchange: Exchange, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stick whose file cannot be opened (permissions, a FAT error): as root the mode
    bits do not stop a read, so the open itself is made to fail."""
    path = genuine(exchange)
    real_open = os.open

    def failing_open(file: object, *args: object, **kwargs: object) -> int:
        if os.fspath(file) == os.fspath(path):  # type: ignore[call-overload]
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_open(file, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", failing_open)
    import builtins

    real_builtin_open = builtins.open

    def failing_builtin_open(file: object, *args: object, **kwargs: object) -> object:
        if isinstance(file, (str, os.PathLike)) and os.fspath(file) == os.fspath(path):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_builtin_open(file, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(builtins, "open", failing_builtin_open)
    monkeypatch.setattr("io.open", failing_builtin_open)
    batch_refused(exchange.parent, path)


# ---------------------------------------------------------------- files that change while read


def _after_verifying(monkeypatch: pytest.MonkeyPatch, change: Callable[[], None]) -> list[bool]:
    """Run ``change`` on the stick right after the package was verified, before it is applied."""
    real = verify_module.inspect  # the function apply.py imported by name
    done: list[bool] = []

    def inspect_then_change(*args: object, **kwargs: object) -> object:
        verified = real(*args, **kwargs)  # type: ignore[arg-type]
        change()
        done.append(True)
        return verified

    monkeypatch.setattr(apply_module, "inspect", inspect_then_change)
    return done


def test_attack_a_package_rewritten_in_place_after_verification_imports_only_verified_bytes(
    exchange: Exchange, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = genuine(exchange, title="Bản thật đã kiểm")
    members = read_members(path)
    name = records_member(members)
    forged_records = dict(members)[name].replace(
        "Bản thật đã kiểm".encode(), "Bản GIẢ chèn vào".encode()
    )
    assert forged_records != dict(members)[name]
    forged = tmp_path / "gia.dvpkg"
    with zipfile.ZipFile(forged, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, data in members:
            method = zipfile.ZIP_STORED if member == "manifest.sig" else zipfile.ZIP_DEFLATED
            archive.writestr(
                member, forged_records if member == name else data, compress_type=method
            )
    forged_bytes = forged.read_bytes()

    def overwrite() -> None:
        with path.open("r+b") as handle:  # same inode: an open handle sees the new bytes
            handle.write(forged_bytes)
            handle.truncate()

    changed = _after_verifying(monkeypatch, overwrite)
    before = database_digest(exchange.parent.paths)
    result = import_batch(exchange.parent, paths=[path], ask_passphrase=lambda _r: PASSPHRASE)
    assert changed  # the file really changed between verification and applying
    outcome = result.files[0]
    if outcome.status is FileStatus.REFUSED:
        assert outcome.error is not None
        assert_tells_what_to_do(outcome.error.message)
        assert database_digest(exchange.parent.paths) == before
    else:
        import sqlite3

        connection = sqlite3.connect(exchange.parent.paths.database)
        try:
            titles = [row[0] for row in connection.execute("SELECT title FROM record")]
        finally:
            connection.close()
        assert "Bản GIẢ chèn vào" not in titles


@pytest.mark.parametrize("keep", [0, 100, 0.5])
def test_attack_the_stick_pulled_after_verification_changes_nothing(
    exchange: Exchange, monkeypatch: pytest.MonkeyPatch, keep: float
) -> None:
    path = genuine(exchange)
    size = path.stat().st_size
    cut = int(size * keep) if isinstance(keep, float) else keep

    def pull() -> None:
        with path.open("r+b") as handle:
            handle.truncate(cut)

    changed = _after_verifying(monkeypatch, pull)
    before = database_digest(exchange.parent.paths)
    result = import_batch(exchange.parent, paths=[path], ask_passphrase=lambda _r: PASSPHRASE)
    assert changed  # the file really changed between verification and applying
    outcome = result.files[0]
    if outcome.status is FileStatus.REFUSED:  # read again after the cut: refused whole
        assert outcome.error is not None
        assert_tells_what_to_do(outcome.error.message)
        assert database_digest(exchange.parent.paths) == before
    else:  # the verified bytes were already held: imported whole
        assert outcome.status is FileStatus.IMPORTED
        assert outcome.summary is not None and outcome.summary.new == 1
