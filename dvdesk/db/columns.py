"""Column lists for the bulk write paths, read from the table definitions.

The demo generator and the package importer write rows as plain tuples with
``executemany`` (the ORM is far too slow for a million records). Their column lists
come from :mod:`dvdesk.db.schema` here, so a column added to a table reaches both,
and ``tests/test_columns.py`` checks them against the migrated database.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Integer, Table

from dvdesk.db.schema import Attachment, DialogueIssue, Recommendation, Record, RecordSubject

# A value as SQLite takes it, and one row to write as column -> value.
SqlValue = str | int | float | bytes | None
ColumnValues = dict[str, SqlValue]

# A bigger page cache for a bulk transaction: random UUID keys touch pages all over the indexes.
BULK_CACHE_KIB = 256 * 1024


def bulk_columns(table: Table) -> tuple[str, ...]:
    """Every column, in table order, except an integer primary key (SQLite numbers it)."""
    return tuple(
        column.name
        for column in table.columns
        if not (column.primary_key and isinstance(column.type, Integer))
    )


def _table(model: object) -> Table:
    table = getattr(model, "__table__", None)
    assert isinstance(table, Table), model
    return table


RECORD_COLUMNS = bulk_columns(_table(Record))
SUBJECT_COLUMNS = bulk_columns(_table(RecordSubject))
RECOMMENDATION_COLUMNS = bulk_columns(_table(Recommendation))
ISSUE_COLUMNS = bulk_columns(_table(DialogueIssue))
ATTACHMENT_COLUMNS = bulk_columns(_table(Attachment))


def insert_sql(table: str, columns: Sequence[str]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
