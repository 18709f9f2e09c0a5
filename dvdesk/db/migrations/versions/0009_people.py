"""People: users and roles, a record's approval, the audit log as a hash chain.

Existing records were already sent or kept as final: they are marked approved by the
migration user. Existing audit entries are sealed into the chain in their order.

Revision ID: 0009_people
Revises: 0008_signatures
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from dvdesk.services.audit_chain import (
    ENTRY_ROWS,
    NO_UPDATE_TRIGGER,
    RESEAL,
    SEAL_TRIGGER,
    sealed_chain,
)

revision: str = "0009_people"
down_revision: str | None = "0008_signatures"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MIGRATION_USER = "migration"


def upgrade() -> None:
    op.create_table(
        "app_user",
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("full_name", sa.String(), nullable=False),
        sa.Column("password_hash", sa.String(), nullable=False),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("failed_count", sa.Integer(), nullable=False),
        sa.Column("blocked_until", sa.Float(), nullable=False),
        sa.Column("created_at", sa.String(), nullable=False),
        sa.Column("created_by", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_app_user")),
    )
    op.create_table(
        "record_approval",
        sa.Column("record_id", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("submitted_by", sa.String(), nullable=True),
        sa.Column("submitted_at", sa.String(), nullable=True),
        sa.Column("approved_by", sa.String(), nullable=True),
        sa.Column("approved_at", sa.String(), nullable=True),
        sa.Column("approved_revision", sa.Integer(), nullable=True),
        sa.Column("withdrawn_reason", sa.String(), nullable=True),
        sa.Column("resubmission", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["record.id"],
            name=op.f("fk_record_approval_record_id_record"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("record_id", name=op.f("pk_record_approval")),
    )
    op.create_index(op.f("ix_record_approval_status"), "record_approval", ["status"])
    op.create_table(
        "review",
        sa.Column("record_id", sa.String(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("accepted_by", sa.String(), nullable=False),
        sa.Column("accepted_at", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["record.id"],
            name=op.f("fk_review_record_id_record"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("record_id", name=op.f("pk_review")),
    )
    op.create_table(
        "report_request",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("direction", sa.String(), nullable=False),
        sa.Column("office_code", sa.String(), nullable=False),
        sa.Column("period", sa.String(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("note", sa.String(), nullable=False),
        sa.Column("created_at", sa.String(), nullable=False),
        sa.Column("created_by", sa.String(), nullable=False),
        sa.Column("after_package", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_request")),
    )
    op.create_index(op.f("ix_report_request_office_code"), "report_request", ["office_code"])
    with op.batch_alter_table("correction", schema=None) as batch_op:
        batch_op.add_column(sa.Column("deadline", sa.Date(), nullable=True))
    op.execute(
        "INSERT INTO record_approval (record_id, status, approved_by, approved_at, "
        f"approved_revision) SELECT id, 'approved', '{MIGRATION_USER}', updated_at, revision "
        "FROM record"
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("prev_hash", sa.String(), nullable=True))
        batch_op.add_column(sa.Column("hash", sa.String(), nullable=True))
    with op.batch_alter_table("package_out", schema=None) as batch_op:
        batch_op.add_column(sa.Column("audit_count", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("audit_head", sa.String(), nullable=True))
    op.execute("DROP TRIGGER IF EXISTS trg_audit_log_no_update")
    _seal_existing()
    op.execute(NO_UPDATE_TRIGGER)
    op.execute(SEAL_TRIGGER)


def _seal_existing() -> None:
    connection = op.get_bind()
    rows = connection.exec_driver_sql(ENTRY_ROWS).fetchall()
    for values in sealed_chain(rows):
        connection.exec_driver_sql(RESEAL, values)


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS trg_audit_log_seal")
    op.execute("DROP TRIGGER IF EXISTS trg_audit_log_no_update")
    with op.batch_alter_table("package_out", schema=None) as batch_op:
        batch_op.drop_column("audit_head")
        batch_op.drop_column("audit_count")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_column("hash")
        batch_op.drop_column("prev_hash")
    op.execute(
        "CREATE TRIGGER trg_audit_log_no_update BEFORE UPDATE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END"
    )
    with op.batch_alter_table("correction", schema=None) as batch_op:
        batch_op.drop_column("deadline")
    op.drop_index(op.f("ix_report_request_office_code"), table_name="report_request")
    op.drop_table("report_request")
    op.drop_table("review")
    op.drop_index(op.f("ix_record_approval_status"), table_name="record_approval")
    op.drop_table("record_approval")
    op.drop_table("app_user")
