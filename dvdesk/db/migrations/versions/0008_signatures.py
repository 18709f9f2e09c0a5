"""Chữ ký số: trusted roots, signed versions of issued documents, received documents.

Revision ID: 0008_signatures
Revises: 0007_relay_provenance
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_signatures"
down_revision: str | None = "0007_relay_provenance"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "trusted_root",
        sa.Column("fingerprint", sa.String(), nullable=False),
        sa.Column("subject", sa.String(), nullable=False),
        sa.Column("der", sa.LargeBinary(), nullable=False),
        sa.Column("not_after", sa.String(), nullable=False),
        sa.Column("added_by", sa.String(), nullable=False),
        sa.Column("added_at", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("fingerprint", name=op.f("pk_trusted_root")),
    )
    op.create_table(
        "signed_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(), nullable=False),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("signer", sa.String(), nullable=False),
        sa.Column("level", sa.String(), nullable=False),
        sa.Column("signed_by", sa.String(), nullable=False),
        sa.Column("signed_at", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["issued_document.id"],
            name=op.f("fk_signed_version_document_id_issued_document"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signed_version")),
    )
    with op.batch_alter_table("signed_version", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_signed_version_document_id"), ["document_id"], unique=False
        )
    op.create_table(
        "received_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("office_code", sa.String(), nullable=False),
        sa.Column("doc_type", sa.String(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("symbol", sa.String(), nullable=False),
        sa.Column("record_id", sa.String(), nullable=True),
        sa.Column("document_date", sa.Date(), nullable=False),
        sa.Column("sha256", sa.String(), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.Column("signature_status", sa.String(), nullable=False),
        sa.Column("signers", sa.String(), nullable=False),
        sa.Column("received_at", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_received_document")),
        sa.UniqueConstraint(
            "office_code", "sha256", name=op.f("uq_received_document_office_code_sha256")
        ),
    )
    with op.batch_alter_table("received_document", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_received_document_office_code"), ["office_code"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("received_document", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_received_document_office_code"))
    op.drop_table("received_document")
    with op.batch_alter_table("signed_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_signed_version_document_id"))
    op.drop_table("signed_version")
    op.drop_table("trusted_root")
