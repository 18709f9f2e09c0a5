"""Time-ordered record identifiers (UUID version 7, RFC 9562).

Random (version 4) ids scatter every insert over the whole primary-key index and
over the ``record_id`` indexes of the parts, which leaves their pages half empty.
A version-7 id starts with the creation time in milliseconds, so new rows land at
the end of the indexes. Python 3.11's :mod:`uuid` has no ``uuid7``.
"""

from __future__ import annotations

import os
import threading
import time
import uuid

_VERSION = 7
_lock = threading.Lock()
_last = (0, 0)  # (milliseconds, counter) of the last id made in this process


def uuid7_from(*, millis: int, counter: int, random: int) -> str:
    """The version-7 UUID for a time, a 12-bit sequence ``counter`` and 62 random bits."""
    value = (millis & (1 << 48) - 1) << 80
    value |= _VERSION << 76
    value |= (counter & 0xFFF) << 64
    value |= 0b10 << 62  # the RFC 4122 variant
    value |= random & (1 << 62) - 1
    return str(uuid.UUID(int=value))


def new_id() -> str:
    """A new version-7 id; ids made by this process are strictly increasing."""
    global _last  # noqa: PLW0603 - one counter per process, guarded by the lock
    with _lock:
        millis, counter = time.time_ns() // 1_000_000, 0
        if millis <= _last[0]:
            millis, counter = _last[0], _last[1] + 1
            if counter > 0xFFF:  # 4096 ids in one millisecond: borrow the next one
                millis, counter = millis + 1, 0
        _last = (millis, counter)
    return uuid7_from(millis=millis, counter=counter, random=int.from_bytes(os.urandom(8)))
