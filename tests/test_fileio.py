"""Files are written completely or not at all."""

from __future__ import annotations

from pathlib import Path

import pytest

from dvdesk.fileio import AtomicWriter, atomic_writer, write_atomically


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
