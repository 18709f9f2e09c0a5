"""The record ids an import has met so far, to refuse a record that comes twice.

Kept in a SQLite temporary table, not a Python set: a million ids in a set took over
100 MB, while SQLite keeps a temporary table in a temporary file behind a small cache.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

_PART = 900  # below SQLite's limit on the number of parameters of one statement


class SeenIds:
    """Ids met in one source's records, chunk after chunk (emptied when made)."""

    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS import_seen (id TEXT PRIMARY KEY) WITHOUT ROWID"
        )
        cursor.execute("DELETE FROM temp.import_seen")  # a pooled connection keeps the table

    def repeated(self, ids: Sequence[str]) -> list[bool]:
        """For each id of a chunk, in order: was it met before (in an earlier chunk or
        earlier in this one)? Then remembers them all."""
        earlier: set[str] = set()
        for start in range(0, len(ids), _PART):
            part = list(ids[start : start + _PART])
            marks = ", ".join("?" * len(part))
            sql = f"SELECT id FROM temp.import_seen WHERE id IN ({marks})"
            earlier.update(found for (found,) in self._cursor.execute(sql, part))
        met: set[str] = set()
        repeated = []
        for record_id in ids:
            repeated.append(record_id in earlier or record_id in met)
            met.add(record_id)
        self._cursor.executemany(
            "INSERT INTO temp.import_seen (id) VALUES (?)",
            ((record_id,) for record_id in met - earlier),
        )
        return repeated
