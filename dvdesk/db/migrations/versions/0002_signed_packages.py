"""Signed packages: own keys, enrolled unit keys, export and import logs, receipts, corrections.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "own_key",
        sa.Column("key_id", sa.String(), nullable=False),
        sa.Column("signing_public", sa.String(), nullable=False),
        sa.Column("encryption_public", sa.String(), nullable=False),
        sa.Column("card", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.String(), nullable=False),
        sa.Column("created_by", sa.String(), nullable=False),
        sa.Column("retired_at", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("key_id", name=op.f("pk_own_key")),
    )
    op.create_table(
        "unit_key",
        sa.Column("key_id", sa.String(), nullable=False),
        sa.Column("office_code", sa.String(), nullable=False),
        sa.Column("office_name", sa.String(), nullable=False),
        sa.Column("office_level", sa.String(), nullable=False),
        sa.Column("relation", sa.String(), nullable=False),
        sa.Column("signing_public", sa.String(), nullable=False),
        sa.Column("encryption_public", sa.String(), nullable=False),
        sa.Column("fingerprint", sa.String(), nullable=False),
        sa.Column("card", sa.JSON(), nullable=False),
        sa.Column("enrolled_at", sa.String(), nullable=False),
        sa.Column("enrolled_by", sa.String(), nullable=False),
        sa.Column("replaced_by", sa.String(), nullable=True),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        sa.Column("revoked_at", sa.String(), nullable=True),
        sa.Column("revoked_by", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("key_id", name=op.f("pk_unit_key")),
    )
    with op.batch_alter_table("unit_key", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_unit_key_office_code"), ["office_code"], unique=False)

    op.create_table(
        "package_out",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("destination", sa.String(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("covers_from", sa.Integer(), nullable=False),
        sa.Column("package_hash", sa.String(), nullable=False),
        sa.Column("previous_hash", sa.String(), nullable=True),
        sa.Column("after_change_seq", sa.Integer(), nullable=False),
        sa.Column("upto_change_seq", sa.Integer(), nullable=False),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.Column("encrypted", sa.Boolean(), nullable=False),
        sa.Column("file_name", sa.String(), nullable=False),
        sa.Column("created_at", sa.String(), nullable=False),
        sa.Column("created_by", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_package_out")),
        sa.UniqueConstraint(
            "destination", "sequence", name=op.f("uq_package_out_destination_sequence")
        ),
    )
    op.create_table(
        "package_in",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("origin", sa.String(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("covers_from", sa.Integer(), nullable=False),
        sa.Column("package_hash", sa.String(), nullable=False),
        sa.Column("signer_key_id", sa.String(), nullable=False),
        sa.Column("manifest", sa.JSON(), nullable=False),
        sa.Column("new", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column("refused", sa.Integer(), nullable=False),
        sa.Column("imported_at", sa.String(), nullable=False),
        sa.Column("imported_by", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_package_in")),
        sa.UniqueConstraint("origin", "sequence", name=op.f("uq_package_in_origin_sequence")),
    )
    op.create_table(
        "receipt",
        sa.Column("receipt_hash", sa.String(), nullable=False),
        sa.Column("direction", sa.String(), nullable=False),
        sa.Column("office_code", sa.String(), nullable=False),
        sa.Column("acknowledged_sequence", sa.Integer(), nullable=False),
        sa.Column("package_hash", sa.String(), nullable=False),
        sa.Column("signer_key_id", sa.String(), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("at", sa.String(), nullable=False),
        sa.Column("by", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("receipt_hash", name=op.f("pk_receipt")),
    )
    with op.batch_alter_table("receipt", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_receipt_office_code"), ["office_code"], unique=False)

    op.create_table(
        "correction",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("direction", sa.String(), nullable=False),
        sa.Column("record_id", sa.String(), nullable=False),
        sa.Column("office_code", sa.String(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("comment", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("created_at", sa.String(), nullable=False),
        sa.Column("created_by", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_correction")),
    )
    with op.batch_alter_table("correction", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_correction_record_id"), ["record_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("correction", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_correction_record_id"))

    op.drop_table("correction")
    with op.batch_alter_table("receipt", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_receipt_office_code"))

    op.drop_table("receipt")
    op.drop_table("package_in")
    op.drop_table("package_out")
    with op.batch_alter_table("unit_key", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_unit_key_office_code"))

    op.drop_table("unit_key")
    op.drop_table("own_key")
