"""``package_out.sent_digest``: what a package carried of the documents and counts.

Every package carries every issued document and every count of the office. The digest
of those members lets the export tell "nothing new since the acknowledged package"
from a real change. Packages written before have none (NULL): for them the export
keeps the old rule (documents or counts present: something to send).

Revision ID: 0016_sent_digest
Revises: 0014_own_unit_name
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016_sent_digest"
down_revision: str | None = "0014_own_unit_name"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN: every package row is kept and gets NULL (not known).
    op.add_column("package_out", sa.Column("sent_digest", sa.String(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("package_out") as batch:
        batch.drop_column("sent_digest")
