"""The zip container, written carefully and read defensively.

Reading checks the member count, every name and every declared size against the
limits before a single member is read, then streams each member through SHA-256
with a hard byte count, so a zip bomb or a path like ``../../x`` never gets far.
"""

from __future__ import annotations

import copy
import hashlib
import os
import shutil
import struct
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from dvdesk.i18n import _
from dvdesk.sync.format import (
    ATTACHMENT_NAME,
    COUNTS_NAME,
    DOCUMENT_NAME,
    MANIFEST,
    OPAQUE_NAME,
    RECORDS_NAME,
    RELAYED_NAME,
    SIGNATURE,
    SIGNATURE_BYTES,
    Limits,
)
from dvdesk.sync.infile import open_regular
from dvdesk.sync.refusals import Reason, Refused
from dvdesk.text import shown

_BLOCK = 1024 * 1024
_ZIP_MAGIC = b"PK\x03\x04"
_EOCD_MAGIC = b"PK\x05\x06"
_EOCD_SIZE = 22
_DATA_DESCRIPTOR = 0x8
# Encrypted, patched-data and strong-encryption members: dvdesk never writes them.
_UNSUPPORTED_FLAGS = 0x1 | 0x20 | 0x40
COMPRESS_LEVEL = 6


def _refuse_damaged(path: Path) -> Refused:
    try:
        with path.open("rb") as handle:
            starts_like_zip = handle.read(4) == _ZIP_MAGIC
    except OSError:
        starts_like_zip = False
    if starts_like_zip:
        return _cut_at_start(path)
    return Refused(
        Reason.NOT_A_PACKAGE,
        _("{file} is not a dvdesk package. Check that you chose the right file.").format(
            file=shown(path.name)
        ),
    )


def _escapes(name: str) -> bool:
    if not name or name.startswith(("/", "\\")) or "\\" in name or "\x00" in name:
        return True
    if len(name) > 1 and name[1] == ":":  # a Windows drive letter
        return True
    return any(part in ("..", ".") for part in PurePosixPath(name).parts) or "//" in name


def _limit_for(name: str, limits: Limits) -> int | None:
    if name == MANIFEST:
        return limits.manifest_bytes
    if name == SIGNATURE:
        return SIGNATURE_BYTES
    if RECORDS_NAME.fullmatch(name) or COUNTS_NAME.fullmatch(name):
        return limits.records_member_bytes
    if ATTACHMENT_NAME.fullmatch(name):
        return limits.attachment_bytes
    if DOCUMENT_NAME.fullmatch(name):
        return limits.document_member_bytes
    if RELAYED_NAME.fullmatch(name):
        return limits.relayed_bytes
    if OPAQUE_NAME.fullmatch(name):
        return max(limits.records_member_bytes, limits.attachment_bytes)
    return None


class PackageFile:
    """An opened package whose structure passed every check; members are read on demand."""

    def __init__(
        self,
        path: Path,
        archive: zipfile.ZipFile,
        members: dict[str, zipfile.ZipInfo],
        limits: Limits,
    ):
        self.path = path
        self.archive = archive
        self.members = members
        self.limits = limits

    def declared_size(self, name: str) -> int | None:
        info = self.members.get(name)
        return None if info is None else info.file_size

    def _stream(self, name: str, *, size: int) -> Iterator[bytes]:
        # zipfile stops at the header's size; a deflate stream that goes on past it would
        # hide bytes (or a bomb) behind a valid hash. Let it run one byte further than
        # ``size`` so that any excess is seen and refused.
        info = copy.copy(self.members[name])
        info.file_size = size + 1
        seen = 0
        try:
            with self.archive.open(info) as reader:
                while block := reader.read(_BLOCK):
                    seen += len(block)
                    if seen > size:
                        raise size_mismatch(name)
                    yield block
        except (zipfile.BadZipFile, zlib.error, NotImplementedError):
            raise changed_member(name) from None
        except EOFError:
            raise _refuse_damaged(self.path) from None
        if seen != size:
            raise size_mismatch(name)

    def read_declared(self, name: str) -> bytes:
        """A member of its declared size (already checked against the limits)."""
        return b"".join(self._stream(name, size=self.members[name].file_size))

    def read(self, name: str, *, size: int, sha256: str) -> bytes:
        digest = hashlib.sha256()
        parts = []
        for block in self._stream(name, size=size):
            digest.update(block)
            parts.append(block)
        if digest.hexdigest() != sha256:
            raise changed_member(name)
        return b"".join(parts)

    def check(self, name: str, *, size: int, sha256: str) -> None:
        digest = hashlib.sha256()
        for block in self._stream(name, size=size):
            digest.update(block)
        if digest.hexdigest() != sha256:
            raise changed_member(name)

    def blocks(self, name: str, *, size: int, sha256: str) -> Iterator[bytes]:
        """The member block by block; its size and hash are checked after the last block,
        before the iteration ends (so nothing taken from it may be kept before then)."""
        digest = hashlib.sha256()
        for block in self._stream(name, size=size):
            digest.update(block)
            yield block
        if digest.hexdigest() != sha256:
            raise changed_member(name)

    def copy_to(self, name: str, target: BinaryIO, *, size: int, sha256: str) -> None:
        for block in self.blocks(name, size=size, sha256=sha256):
            target.write(block)


def changed_member(name: str) -> Refused:
    return Refused(
        Reason.CHANGED_FILE,
        _(
            "The file {member} inside the package was changed after it was signed. Nothing was "
            "imported; the package may have been tampered with. Ask the sending office to "
            "export it again."
        ).format(member=shown(name)),
    )


def size_mismatch(name: str) -> Refused:
    return Refused(
        Reason.SIZE_MISMATCH,
        _(
            "The file {member} inside the package does not have the size the signed table of "
            "contents gives (cut off or changed). Nothing was imported; copy the package again."
        ).format(member=shown(name)),
    )


@contextmanager
def open_package(path: Path, *, limits: Limits) -> Iterator[PackageFile]:
    """Open ``path`` and check its structure; refuse before reading any member."""
    handle, total = open_regular(path, limit=limits.package_bytes, too_large=_too_large)
    try:
        _check_envelope(path, handle, total)
        declared = _declared_count(handle, total)
        if declared > limits.members:
            raise _too_many_members(path, declared)
        try:
            archive = zipfile.ZipFile(handle)
        except (zipfile.BadZipFile, EOFError, ValueError, OSError, NotImplementedError):
            raise _refuse_damaged(path) from None
        try:
            if len(archive.infolist()) != declared:  # the end record lies about the count
                raise _cut_at_start(path)
            members = _checked_members(path, archive, limits)
            _check_tiling(path, handle, archive)
            yield PackageFile(path, archive, members, limits)
        finally:
            archive.close()
    finally:
        handle.close()


def _extra_bytes(path: Path) -> Refused:
    return Refused(
        Reason.EXTRA_BYTES,
        _(
            "The package {file} has bytes before, between or after its files that dvdesk never "
            "writes (something was added to it). Nothing was imported; copy the package again "
            "from the sending office."
        ).format(file=shown(path.name)),
    )


def _cut_at_start(path: Path) -> Refused:
    return Refused(
        Reason.TRUNCATED,
        _(
            "The package {file} is cut off or damaged (was the USB stick pulled out while "
            "copying?). Nothing was imported; copy the package again from the sending office."
        ).format(file=shown(path.name)),
    )


def _check_envelope(path: Path, handle: BinaryIO, total: int) -> None:
    """The zip starts with a member at byte 0 and ends with its end record, nothing else."""
    if total < _EOCD_SIZE + 30:
        raise _refuse_damaged(path)
    starts = handle.read(4) == _ZIP_MAGIC
    handle.seek(total - _EOCD_SIZE)
    end = handle.read(_EOCD_SIZE)
    if end[:4] == _EOCD_MAGIC and end[-2:] == b"\0\0":  # no zip comment
        if not starts:
            size_cd, offset_cd = struct.unpack("<II", end[12:20])
            before = total - _EOCD_SIZE - size_cd - offset_cd
            if offset_cd != 0xFFFFFFFF and before > 0:
                raise _extra_bytes(path)
            raise _cut_at_start(path)
        handle.seek(0)
        return
    if not starts:
        raise _refuse_damaged(path)
    handle.seek(max(0, total - _EOCD_SIZE - 0xFFFF))
    if _EOCD_MAGIC in handle.read():
        raise _extra_bytes(path)  # an end record followed by something else
    raise _refuse_damaged(path)


_ZIP64_LOCATOR = b"PK\x06\x07"
_ZIP64_END = b"PK\x06\x06"


def _declared_count(handle: BinaryIO, total: int) -> int:
    """How many files the end record says the zip holds (its zip64 record's count when
    the plain one is 0xFFFF), read before the zip's directory is; 2^64 - 1 when the
    zip64 record cannot be found, which no limit lets through."""
    handle.seek(total - _EOCD_SIZE)
    (count,) = struct.unpack("<H", handle.read(_EOCD_SIZE)[10:12])
    handle.seek(0)
    if count != 0xFFFF:
        return int(count)
    unreadable = 2**64 - 1
    if total < _EOCD_SIZE + 20 + 56:
        return unreadable
    handle.seek(total - _EOCD_SIZE - 20)
    locator = handle.read(20)
    (offset,) = struct.unpack("<Q", locator[8:16])
    handle.seek(0)
    if locator[:4] != _ZIP64_LOCATOR or offset > total - _EOCD_SIZE - 20 - 56:
        return unreadable
    handle.seek(offset)
    record = handle.read(56)
    handle.seek(0)
    if record[:4] != _ZIP64_END:
        return unreadable
    (zip64_count,) = struct.unpack("<Q", record[32:40])
    return int(zip64_count)


def _check_tiling(path: Path, handle: BinaryIO, archive: zipfile.ZipFile) -> None:
    """Members follow one another from byte 0 to the central directory, with no gap."""
    position = 0
    for info in sorted(archive.infolist(), key=lambda item: item.header_offset):
        if info.header_offset != position or info.flag_bits & _DATA_DESCRIPTOR:
            raise _extra_bytes(path)
        if info.comment or info.extra:  # dvdesk writes neither: unsigned bytes could hide there
            raise _extra_bytes(path)
        handle.seek(position)
        header = handle.read(30)
        if len(header) != 30 or header[:4] != _ZIP_MAGIC:
            raise _refuse_damaged(path)
        name_length, extra_length = struct.unpack("<HH", header[26:30])
        handle.seek(position + 30 + name_length)
        if not _only_zip64_sizes(handle.read(extra_length), info):
            raise _extra_bytes(path)
        position += 30 + name_length + extra_length + info.compress_size
    if position != archive.start_dir:
        raise _extra_bytes(path)
    handle.seek(0)


def _only_zip64_sizes(extra: bytes, info: zipfile.ZipInfo) -> bool:
    """A local header's extra field is empty, or the zip64 sizes block that streamed
    members carry (:meth:`PackageWriter.add_file`) holding exactly the member's sizes."""
    if not extra:
        return True
    if len(extra) != 20:
        return False
    header_id, data_size, file_size, compress_size = struct.unpack("<HHQQ", extra)
    return (header_id, data_size, file_size, compress_size) == (
        1,
        16,
        info.file_size,
        info.compress_size,
    )


def _too_large(path: Path) -> Refused:
    return Refused(
        Reason.TOO_LARGE,
        _(
            "The package {file} is larger than any package dvdesk makes. Nothing was imported; "
            "check that it came from a dvdesk office."
        ).format(file=shown(path.name)),
    )


def _too_many_members(path: Path, count: int) -> Refused:
    return Refused(
        Reason.TOO_MANY_MEMBERS,
        _(
            "The package {file} holds {count} files, more than dvdesk ever writes. "
            "Nothing was imported."
        ).format(file=shown(path.name), count=count),
    )


def _checked_members(
    path: Path, archive: zipfile.ZipFile, limits: Limits
) -> dict[str, zipfile.ZipInfo]:
    infos = archive.infolist()
    if len(infos) > limits.members:
        raise _too_many_members(path, len(infos))
    members: dict[str, zipfile.ZipInfo] = {}
    declared = 0
    for info in infos:
        name = info.filename
        if _escapes(name):
            raise Refused(
                Reason.BAD_MEMBER_NAME,
                _(
                    "The package contains a file named {member}, which would be written outside "
                    "the package. It is refused as dangerous; nothing was imported."
                ).format(member=shown(name)),
            )
        if name in members:
            raise Refused(
                Reason.DUPLICATE_MEMBER,
                _(
                    "The package contains the file {member} twice, so which copy counts is "
                    "unclear. It is refused; nothing was imported."
                ).format(member=shown(name)),
            )
        limit = _limit_for(name, limits)
        if limit is None or info.flag_bits & _UNSUPPORTED_FLAGS or info.is_dir():
            raise Refused(
                Reason.UNEXPECTED_MEMBER,
                _(
                    "The package contains a file {member} that dvdesk never writes. It is "
                    "refused; nothing was imported."
                ).format(member=shown(name)),
            )
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise Refused(
                Reason.UNSUPPORTED_COMPRESSION,
                _(
                    "The file {member} inside the package is compressed in a way dvdesk never "
                    "uses (method {method}). It is refused; nothing was imported. Ask the "
                    "sending office to export the package again with dvdesk."
                ).format(member=shown(name), method=info.compress_type),
            )
        if name == SIGNATURE and (
            info.compress_type != zipfile.ZIP_STORED or info.compress_size != SIGNATURE_BYTES
        ):
            raise Refused(
                Reason.BAD_SIGNATURE,
                _(
                    "The package's signature does not match its contents: it was changed or "
                    "forged after it was signed. Nothing was imported; do not use it, and ask the "
                    "sending office to export it again."
                ),
            )
        if info.file_size > limit:
            raise member_too_large(name, size=info.file_size, limit=limit)
        declared += info.file_size
        members[name] = info
    if declared > limits.total_bytes:
        raise _too_large(path)
    for required in (MANIFEST, SIGNATURE):
        if required not in members:
            raise missing_member(required)
    return members


def member_too_large(name: str, *, size: int, limit: int) -> Refused:
    """Refused before a byte of the member is read: its size decides its parsing cost."""
    return Refused(
        Reason.MEMBER_TOO_LARGE,
        _(
            "The file {member} inside the package declares {size} bytes, more than the "
            "{limit} bytes dvdesk reads in one piece (a possible attack on memory). Nothing "
            "was read or imported. If the package comes from an office using an older "
            "dvdesk, ask that office to update dvdesk and export the package again."
        ).format(member=shown(name), size=size, limit=limit),
    )


def missing_member(name: str) -> Refused:
    return Refused(
        Reason.MISSING_MEMBER,
        _(
            "The file {member} is missing from the package (incomplete copy?). Nothing was "
            "imported; copy the package again."
        ).format(member=shown(name)),
    )


class PackageWriter:
    """Writes members into a temporary zip next to the target; :meth:`commit` fsyncs it."""

    def __init__(self, temporary: Path) -> None:
        self.temporary = temporary
        self.archive = zipfile.ZipFile(temporary, "w", allowZip64=True)

    def add(self, name: str, data: bytes, *, compress: bool) -> None:
        info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
        info.external_attr = 0o644 << 16
        self.archive.writestr(info, data, compresslevel=COMPRESS_LEVEL if compress else None)

    def add_file(self, name: str, source: Path) -> None:
        info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_STORED
        info.external_attr = 0o644 << 16
        with source.open("rb") as reader, self.archive.open(info, "w", force_zip64=True) as writer:
            shutil.copyfileobj(reader, writer, _BLOCK)

    def add_stream(self, name: str, blocks: Iterable[bytes]) -> tuple[int, str]:
        """A stored member written block by block; returns its size and SHA-256."""
        info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_STORED
        info.external_attr = 0o644 << 16
        digest, size = hashlib.sha256(), 0
        with self.archive.open(info, "w", force_zip64=True) as writer:
            for block in blocks:
                digest.update(block)
                size += len(block)
                writer.write(block)
        return size, digest.hexdigest()

    def close(self) -> None:
        self.archive.close()
        with self.temporary.open("rb+") as handle:
            handle.flush()
            os.fsync(handle.fileno())
