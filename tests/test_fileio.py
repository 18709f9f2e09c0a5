"""Files are written completely or not at all."""

from __future__ import annotations

import errno
import io
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from dvdesk.fileio import Access, AtomicWriter, atomic_writer, write_atomically
from dvdesk.services.store import Store


def test_write_replaces_the_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "biên bản.pdf"
    target.write_bytes(b"old")
    write_atomically(target, b"new")
    assert target.read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["biên bản.pdf"]


def test_a_failed_write_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "bao-cao.pdf"
    target.write_bytes(b"old")

    def stick_pulled(_fd: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr("os.fsync", stick_pulled)
    with pytest.raises(OSError):
        write_atomically(target, b"new")
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bao-cao.pdf"]


def test_streaming_writes_commit_only_when_the_block_completes(tmp_path: Path) -> None:
    target = tmp_path / "tep-dinh-kem.pdf"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic_writer(target) as out:
        out.write(b"half of it")
        raise RuntimeError("the stick was pulled")
    assert target.read_bytes() == b"old"
    with atomic_writer(target) as out:
        for chunk in (b"a" * 10, b"b" * 10):
            out.write(chunk)
    assert target.read_bytes() == b"a" * 10 + b"b" * 10
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tep-dinh-kem.pdf"]


def test_a_writer_commits_to_a_name_known_only_afterwards(tmp_path: Path) -> None:
    with AtomicWriter(tmp_path) as writer:
        writer.file.write(b"noi dung")
        final = tmp_path / "ab" / "abcdef"
        final.parent.mkdir()
        writer.commit(final)
    assert final.read_bytes() == b"noi dung"
    assert [p.name for p in tmp_path.iterdir() if p.is_file()] == []
    with AtomicWriter(tmp_path) as unused:
        unused.file.write(b"not needed: the same content is stored already")
    assert [p.name for p in tmp_path.iterdir() if p.is_file()] == []


def _mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


@pytest.fixture
def umask_022() -> Iterator[None]:
    """The usual desktop umask, whatever the test runner was started with."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
@pytest.mark.usefixtures("umask_022")
def test_files_are_private_unless_shared(tmp_path: Path) -> None:
    secret, shared = tmp_path / "khoa.key", tmp_path / "bien-ban.pdf"
    write_atomically(secret, b"secret")
    write_atomically(shared, b"%PDF", access=Access.SHARED)
    assert _mode(secret) == 0o600
    assert _mode(shared) == 0o644
    with atomic_writer(tmp_path / "bao-cao.docx", access=Access.SHARED) as out:
        out.write(b"PK")
    assert _mode(tmp_path / "bao-cao.docx") == 0o644
    # Replacing a private file with a shared one (and back) follows the new access.
    write_atomically(secret, b"card", access=Access.SHARED)
    assert _mode(secret) == 0o644
    write_atomically(shared, b"again")
    assert _mode(shared) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "bao-cao.docx",
        "bien-ban.pdf",
        "khoa.key",
    ]


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
def test_shared_files_respect_the_umask(tmp_path: Path) -> None:
    previous = os.umask(0o077)
    try:
        write_atomically(tmp_path / "a.pdf", b"%PDF", access=Access.SHARED)
        os.umask(0o002)
        write_atomically(tmp_path / "b.pdf", b"%PDF", access=Access.SHARED)
    finally:
        os.umask(previous)
    assert _mode(tmp_path / "a.pdf") == 0o600
    assert _mode(tmp_path / "b.pdf") == 0o664


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
@pytest.mark.usefixtures("umask_022")
def test_documents_and_key_cards_are_readable_by_others_keys_are_not(
    store: Store, tmp_path: Path
) -> None:
    from dvdesk.documents.layout import write_file
    from dvdesk.sync.keys import create_keys, write_card

    write_file(b"%PDF-1.7", tmp_path / "bien-ban.pdf")
    assert _mode(tmp_path / "bien-ban.pdf") == 0o644
    create_keys(store, passphrase="mật khẩu thử nghiệm của xã")
    card, _fingerprint = write_card(store, out=tmp_path)
    assert _mode(card) == 0o644
    keys = list(store.paths.keys.glob("*.key"))
    assert keys and all(_mode(key) == 0o600 for key in keys)


class _FullDisk(io.RawIOBase):
    """A file on a disk with no room left: every write fails, closing flushes and fails."""

    def writable(self) -> bool:
        return True

    def write(self, data: object) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_a_full_disk_leaves_no_temporary_file(tmp_path: Path) -> None:
    """Security review: with bytes still buffered, closing failed again and the temporary
    file (perhaps an attachment not yet verified) stayed in the folder."""
    with pytest.raises(OSError), AtomicWriter(tmp_path) as writer:
        writer.file.close()
        writer.file = io.BufferedWriter(_FullDisk(), buffer_size=8192)
        writer.file.write(b"x" * 100)  # buffered
        writer.file.write(b"y" * 9000)  # the buffer overflows onto the full disk
    assert [p.name for p in tmp_path.iterdir()] == []
