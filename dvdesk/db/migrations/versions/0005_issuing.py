"""The register keeps what was issued; numbers count per issuing symbol; report situation.

Adds the issued content (JSON), PDF and Word bytes, replacement links and who
voided a document; the unique number is now per symbol, type and series, so a
renamed office (a new symbol) starts its own series.

Revision ID: 0005_issuing
Revises: 0004_search_index
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_issuing"
down_revision: str | None = "0004_search_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = (
    ("template", sa.String()),
    ("title", sa.String()),
    ("content", sa.JSON()),
    ("pdf", sa.LargeBinary()),
    ("docx", sa.LargeBinary()),
    ("replaces_id", sa.Integer()),
    ("replaced_by_id", sa.Integer()),
    ("voided_by", sa.String()),
    ("voided_at", sa.String()),
)


def upgrade() -> None:
    with op.batch_alter_table("report_narrative", schema=None) as batch_op:
        batch_op.add_column(sa.Column("situation", sa.String(), nullable=True))
    with op.batch_alter_table("issued_document", schema=None) as batch_op:
        for name, kind in _COLUMNS:
            batch_op.add_column(sa.Column(name, kind, nullable=True))
        batch_op.drop_constraint("uq_issued_document_doc_type_period_key_number", type_="unique")
        batch_op.create_unique_constraint(
            batch_op.f("uq_issued_document_symbol_doc_type_period_key_number"),
            ["symbol", "doc_type", "period_key", "number"],
        )


def downgrade() -> None:
    with op.batch_alter_table("issued_document", schema=None) as batch_op:
        batch_op.drop_constraint(
            "uq_issued_document_symbol_doc_type_period_key_number", type_="unique"
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_issued_document_doc_type_period_key_number"),
            ["doc_type", "period_key", "number"],
        )
        for name, _kind in reversed(_COLUMNS):
            batch_op.drop_column(name)
    with op.batch_alter_table("report_narrative", schema=None) as batch_op:
        batch_op.drop_column("situation")
