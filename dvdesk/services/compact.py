"""Compacting the database after bulk writes (demo data, large imports).

Bulk inserts leave the search index in many small segments and, for tables keyed by
random ids, index pages half full. Merging the index segments and rewriting the file
(VACUUM) gives back that space, so backups, integrity checks and copies stay small.
"""

from __future__ import annotations

import logging

from dvdesk.db.search_index import INDEX_TABLE
from dvdesk.services.store import Store

log = logging.getLogger(__name__)

# Below this many written records the file grows too little to be worth rewriting.
BULK_RECORDS = 10_000


def compact(store: Store) -> None:
    """Merge the search index into one segment and rewrite the file without free pages."""
    with store.raw() as connection:
        connection.execute(f"INSERT INTO {INDEX_TABLE}({INDEX_TABLE}) VALUES ('optimize')")
        connection.execute("VACUUM")
        # Keep the write-ahead log from holding a copy of the whole rewritten file.
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    log.info("database compacted")


def compact_after_bulk(store: Store, *, records: int) -> bool:
    """Compact if ``records`` written in one go make it worth it. True if compacted."""
    if records < BULK_RECORDS:
        return False
    compact(store)
    return True
