"""Certificate revocation lists imported from a stick: the newest one per issuing key.

Revision ID: 0011_revocation_lists
Revises: 0010_record_notes
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_revocation_lists"
down_revision: str | None = "0010_record_notes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "revocation_list",
        sa.Column("issuer_key", sa.String(), nullable=False),
        sa.Column("issuer", sa.String(), nullable=False),
        sa.Column("issuer_der", sa.LargeBinary(), nullable=False),
        sa.Column("der", sa.LargeBinary(), nullable=False),
        sa.Column("fingerprint", sa.String(), nullable=False),
        sa.Column("number", sa.String(), nullable=True),
        sa.Column("this_update", sa.String(), nullable=False),
        sa.Column("next_update", sa.String(), nullable=True),
        sa.Column("revoked", sa.Integer(), nullable=False),
        sa.Column("added_by", sa.String(), nullable=False),
        sa.Column("added_at", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("issuer_key", name=op.f("pk_revocation_list")),
    )


def downgrade() -> None:
    op.drop_table("revocation_list")
