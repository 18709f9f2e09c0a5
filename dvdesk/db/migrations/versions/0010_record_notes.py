"""Record notes: this office's own notes on a record, kept apart from the record itself.

A parent office may not change a record it received, but it may note what it did about
it. Notes live in their own table, so the child's record bytes never change, and they
never travel in packages (they are included in this office's backups).

Revision ID: 0010_record_notes
Revises: 0009_people
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_record_notes"
down_revision: str | None = "0009_people"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # No foreign key to record: an import deletes and re-inserts a received record's row
    # when a newer revision arrives, and a cascade would delete this office's notes.
    op.create_table(
        "record_note",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("record_id", sa.String(), nullable=False),
        sa.Column("author", sa.String(), nullable=False),
        sa.Column("text", sa.String(), nullable=False),
        sa.Column("created_at", sa.String(), nullable=False),
        sa.Column("updated_at", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_note")),
    )
    op.create_index(op.f("ix_record_note_record_id"), "record_note", ["record_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_record_note_record_id"), table_name="record_note")
    op.drop_table("record_note")
