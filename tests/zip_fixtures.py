"""Zip files written byte by byte, so a test can make their headers say what it wants
(a size or CRC that lies, two names for one member): the attacks on the container."""

from __future__ import annotations

import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Entry:
    name: str
    body: bytes  # as stored (compressed or not)
    method: int
    size: int
    crc: int
    flags: int = 0
    local_name: str | None = None  # the name in the local header, if it differs
    version_needed: int = 20


def entries_of(path: Path) -> list[Entry]:
    """The members of the zip at ``path``, each as it would be written again."""
    result = []
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            data = archive.read(info)
            if info.compress_type == zipfile.ZIP_STORED:
                body = data
            else:
                squeeze = zlib.compressobj(6, zlib.DEFLATED, -15)
                body = squeeze.compress(data) + squeeze.flush()
            result.append(
                Entry(info.filename, body, info.compress_type, len(data), zlib.crc32(data))
            )
    return result


def write_zip(target: Path, entries: list[Entry]) -> Path:
    """Local headers, bodies, central directory and end record, exactly as ``entries`` say."""
    with target.open("wb") as handle:
        central = []
        for entry in entries:
            offset = handle.tell()
            local = (entry.local_name or entry.name).encode()
            handle.write(
                struct.pack(
                    "<4s5H3L2H",
                    b"PK\x03\x04",
                    entry.version_needed,
                    entry.flags,
                    entry.method,
                    0,
                    0x21,
                    entry.crc,
                    len(entry.body),
                    entry.size,
                    len(local),
                    0,
                )
                + local
                + entry.body
            )
            name = entry.name.encode()
            central.append(
                struct.pack(
                    "<4s6H3L5H2L",
                    b"PK\x01\x02",
                    20,
                    entry.version_needed,
                    entry.flags,
                    entry.method,
                    0,
                    0x21,
                    entry.crc,
                    len(entry.body),
                    entry.size,
                    len(name),
                    0,
                    0,
                    0,
                    0,
                    0,
                    offset,
                )
                + name
            )
        start = handle.tell()
        directory = b"".join(central)
        handle.write(directory)
        handle.write(
            struct.pack(
                "<4s4H2LH",
                b"PK\x05\x06",
                0,
                0,
                len(central),
                len(central),
                len(directory),
                start,
                0,
            )
        )
    return target
