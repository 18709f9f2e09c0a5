"""Leadership documents and "Dân vận khéo" models on the record table; aggregate counts.

Revision ID: 0006_registers
Revises: 0005_issuing
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_registers"
down_revision: str | None = "0005_issuing"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TEXT_COLUMNS = (
    "directive_kind",
    "directive_kind_name",
    "directive_number",
    "issuer",
    "issuer_level",
    "model_field",
    "owner",
)


def upgrade() -> None:
    # Plain ADD COLUMN: existing rows keep every value and get NULL / an empty list.
    for name in _TEXT_COLUMNS:
        op.add_column("record", sa.Column(name, sa.String(), nullable=True))
    op.add_column(
        "record",
        sa.Column("recognitions", sa.JSON(), nullable=False, server_default=sa.text("'[]'")),
    )
    op.create_table(
        "aggregate_count",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("office_code", sa.String(), nullable=False),
        sa.Column("unit_code", sa.String(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("figure", sa.String(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("figures_only", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.String(), nullable=False),
        sa.Column("updated_at", sa.String(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_aggregate_count")),
        sa.UniqueConstraint(
            "unit_code",
            "period_start",
            "period_end",
            "figure",
            name=op.f("uq_aggregate_count_unit_code_period_start_period_end_figure"),
        ),
    )
    op.create_index(
        op.f("ix_aggregate_count_unit_code"), "aggregate_count", ["unit_code"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_aggregate_count_unit_code"), table_name="aggregate_count")
    op.drop_table("aggregate_count")
    with op.batch_alter_table("record") as batch:
        for name in (*_TEXT_COLUMNS, "recognitions"):
            batch.drop_column(name)
