"""Sorting a record list by its approval column without sorting the whole table.

A record's approval state is computed from other tables (record_approval for this
office's own records; review, correction and the withdrawal for records from offices
below), so no index on ``record`` could order by it. ``record.approval_rank`` keeps
that state as a number in the order the list sorts by, and triggers keep it current
whatever writes those tables (the app, the command line, an import, a restore). The
index (type, deleted, approval_rank, start_date) lets SQLite walk the list in that
order, then newest first, as the date sort does.

Ranks: this office's own records: nháp 1, trình duyệt 2, sửa sau khi duyệt 3, bị trả
lại 4, đã duyệt 5 (also no approval row: made before approval existed); records from
offices below: chờ xem xét 6, đã nộp lại 7, đã trả lại 8, đã chấp nhận 9, đã thu hồi 10.

Revision ID: 0013_approval_sort
Revises: 0012_demo_records
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_approval_sort"
down_revision: str | None = "0012_demo_records"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The same rule as dvdesk.domain.people.review_state and browse._approval, in SQL over
# the row ``record`` being updated (a migration must not import live code).
RANK = """
CASE WHEN coalesce(record.office_code = (SELECT code FROM office WHERE id = 1), 1) THEN
    CASE coalesce((SELECT a.status FROM record_approval a WHERE a.record_id = record.id),
                  'approved')
        WHEN 'draft' THEN 1 WHEN 'submitted' THEN 2 WHEN 'changed' THEN 3
        WHEN 'returned' THEN 4 ELSE 5 END
WHEN record.deleted OR coalesce((SELECT a.withdrawn_reason IS NOT NULL FROM record_approval a
                                 WHERE a.record_id = record.id), 0) THEN 10
WHEN (SELECT c.status FROM correction c WHERE c.record_id = record.id
      AND c.direction = 'out' ORDER BY c.created_at DESC LIMIT 1) IN ('pending', 'sent') THEN 8
WHEN (SELECT v.revision FROM review v WHERE v.record_id = record.id) = record.revision THEN 9
WHEN coalesce((SELECT a.resubmission FROM record_approval a
               WHERE a.record_id = record.id), 0) THEN 7
ELSE 6 END
"""
# (trigger name, event, the record it concerns)
TRIGGERS = (
    ("record_rank_insert", "AFTER INSERT ON record", "record.rowid = NEW.rowid"),
    (
        "record_rank_update",
        "AFTER UPDATE OF revision, deleted, office_code ON record",
        "record.rowid = NEW.rowid",
    ),
    *(
        (
            f"{table}_rank_{event.lower()}",
            f"AFTER {event} ON {table}",
            f"record.id = {row}.record_id",
        )
        for table in ("record_approval", "review", "correction")
        for event, row in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD"))
    ),
)
INDEX = "ix_record_type_deleted_approval_rank_start_date"


def upgrade() -> None:
    # Adding a column with a constant default rewrites nothing (no batch rebuild, which
    # would drop the search triggers); the ranks are then computed once.
    op.add_column(
        "record",
        sa.Column("approval_rank", sa.Integer(), nullable=False, server_default="5"),
    )
    op.execute(f"UPDATE record SET approval_rank = {RANK}")
    for name, event, which in TRIGGERS:
        op.execute(
            f"CREATE TRIGGER {name} {event} BEGIN "
            f"UPDATE record SET approval_rank = {RANK} WHERE {which}; END"
        )
    op.create_index(INDEX, "record", ["type", "deleted", "approval_rank", "start_date"])


def downgrade() -> None:
    op.drop_index(INDEX, table_name="record")
    for name, _event, _which in TRIGGERS:
        op.execute(f"DROP TRIGGER {name}")
    op.drop_column("record", "approval_rank")
