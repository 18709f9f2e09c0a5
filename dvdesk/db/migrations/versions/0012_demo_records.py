"""Demo records: which records the set-up wizard or ``dvdesk demo`` made up.

Demo records are for trying dvdesk; they never leave the office in a package and can
be removed in one step. A table of their ids (not a column) leaves the ``record``
table and its search triggers untouched.

Existing demo records are found by what wrote them: the demo writer's rows have
``created_by = 'demo'``, and the audit log has a ``demo`` entry. Only this office's
own records and those of its demo communes (never enrolled, so they sent nothing) are
marked: a parent may hold a real child's records made by an older demo, and it may not
change or remove those.

Revision ID: 0012_demo_records
Revises: 0011_revocation_lists
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_demo_records"
down_revision: str | None = "0011_revocation_lists"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # No foreign key, like record_note: removing demo data deletes both rows itself.
    op.create_table(
        "demo_record",
        sa.Column("record_id", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("record_id", name=op.f("pk_demo_record")),
    )
    op.execute(
        "INSERT INTO demo_record (record_id) SELECT r.id FROM record r "
        "WHERE r.created_by = 'demo' AND NOT r.deleted "
        "AND EXISTS (SELECT 1 FROM audit_log a WHERE a.action = 'demo') "
        "AND (r.office_code IN (SELECT code FROM org_unit WHERE relation = 'self') "
        "OR (r.office_code IN (SELECT code FROM org_unit WHERE relation = 'child') "
        "AND r.office_code NOT IN (SELECT office_code FROM unit_key)))"
    )


def downgrade() -> None:
    op.drop_table("demo_record")
