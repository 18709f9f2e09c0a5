"""Relayed provenance and key lifecycle: delegated keys, relayed packages, re-enrolment.

Revision ID: 0007_relay_provenance
Revises: 0006_registers
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_relay_provenance"
down_revision: str | None = "0006_registers"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("unit_key") as batch:
        # The office that vouched for this key by a delegation (None: enrolled here directly).
        batch.add_column(sa.Column("parent_code", sa.String(), nullable=True))
        # The last package sequence this key may sign once it has been replaced.
        batch.add_column(sa.Column("last_sequence", sa.Integer(), nullable=True))
        # How many times the office was explicitly re-enrolled by its parent.
        batch.add_column(sa.Column("enrolment", sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("package_in") as batch:
        # The child office whose package carried this one nested (None: received directly).
        batch.add_column(sa.Column("relay", sa.String(), nullable=True))
    with op.batch_alter_table("package_out") as batch:
        # The last package_in id nested in this package (relayed to the destination).
        batch.add_column(
            sa.Column("relayed_upto", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("package_out") as batch:
        batch.drop_column("relayed_upto")
    with op.batch_alter_table("package_in") as batch:
        batch.drop_column("relay")
    with op.batch_alter_table("unit_key") as batch:
        batch.drop_column("enrolment")
        batch.drop_column("last_sequence")
        batch.drop_column("parent_code")
