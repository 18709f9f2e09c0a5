"""Search through an FTS5 trigram index; sorting by title from an index.

The index keeps no copy of the text: its content is the folded ``search_text`` the
writers already store, read through a view that puts a space in front, so a word's
start (" ha") is a trigram too. Triggers on ``record`` keep it in step in the same
transaction as every write, whoever writes (forms, imports, restores, demo data).

Revision ID: 0004_search_index
Revises: 0003
Create Date: 2026-11-29
"""

from collections.abc import Sequence

from alembic import op

from dvdesk.db.search_index import CREATE_STATEMENTS, DROP_STATEMENTS

revision: str = "0004_search_index"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain CREATE INDEX, not batch mode: a batch copy of ``record`` would drop the triggers.
    op.create_index("ix_record_type_title_sort", "record", ["type", "title_sort"])
    for statement in CREATE_STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    for statement in DROP_STATEMENTS:
        op.execute(statement)
    op.drop_index("ix_record_type_title_sort", table_name="record")
