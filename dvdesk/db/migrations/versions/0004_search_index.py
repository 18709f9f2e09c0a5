"""Search through an FTS5 trigram index; shorter title sort keys, indexed by type.

The index keeps no copy of the text: its content is the folded ``search_text`` the
writers already store, read through a view that puts a space in front, so a word's
start (" ha") is a trigram too. Triggers on ``record`` keep it in step in the same
transaction as every write, whoever writes (forms, imports, restores, demo data).

The title sort keys are recomputed in their shorter form (dvdesk.text.vi_sort_key:
one byte a letter). Every list shows records of one type that are not deleted, so
indexes on (type, deleted, title_sort) and (type, deleted, start_date) give a list its
order and its keys without reading a row; they replace those on title_sort alone and
on (type, start_date).

Revision ID: 0004_search_index
Revises: 0003
Create Date: 2026-11-29
"""

from collections.abc import Sequence
from functools import lru_cache

from alembic import op

from dvdesk.db.search_index import CREATE_STATEMENTS, DROP_STATEMENTS
from dvdesk.text import vi_sort_key

revision: str = "0004_search_index"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHUNK = 50_000


def _recompute_title_keys() -> None:
    """By rowid ranges, so a million records never sit in memory at once."""
    connection = op.get_bind()
    key = lru_cache(maxsize=65_536)(vi_sort_key)
    last = 0
    while rows := connection.exec_driver_sql(
        "SELECT rowid, title FROM record WHERE rowid > ? ORDER BY rowid LIMIT ?", (last, CHUNK)
    ).fetchall():
        connection.exec_driver_sql(
            "UPDATE record SET title_sort = ? WHERE rowid = ?",
            [(key(title), rowid) for rowid, title in rows],
        )
        last = rows[-1][0]


def upgrade() -> None:
    # Plain index operations, not batch mode: a batch copy of ``record`` would drop triggers.
    op.drop_index("ix_record_title_sort", table_name="record")
    op.drop_index("ix_record_type_start_date", table_name="record")
    _recompute_title_keys()
    op.create_index(
        "ix_record_type_deleted_title_sort", "record", ["type", "deleted", "title_sort"]
    )
    op.create_index(
        "ix_record_type_deleted_start_date", "record", ["type", "deleted", "start_date"]
    )
    for statement in CREATE_STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    for statement in DROP_STATEMENTS:
        op.execute(statement)
    op.drop_index("ix_record_type_deleted_start_date", table_name="record")
    op.drop_index("ix_record_type_deleted_title_sort", table_name="record")
    op.create_index("ix_record_type_start_date", "record", ["type", "start_date"])
    op.create_index("ix_record_title_sort", "record", ["title_sort"])
