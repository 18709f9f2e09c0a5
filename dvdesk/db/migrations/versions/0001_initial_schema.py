"""Initial schema: office, org units, records and their parts, attachments, audit log.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.String(), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("entity", sa.String(), nullable=False),
        sa.Column("entity_id", sa.String(), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=True),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_entity_id"), ["entity_id"], unique=False)

    op.create_table(
        "office",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(), nullable=False),
        sa.Column("code_list_version", sa.String(), nullable=False),
        sa.Column("level", sa.String(), nullable=False),
        sa.Column("created_at", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_office")),
    )
    op.create_table(
        "office_profile",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("full_name", sa.String(), nullable=False),
        sa.Column("header_name", sa.String(), nullable=True),
        sa.Column("superior_name", sa.String(), nullable=True),
        sa.Column("symbol", sa.String(), nullable=False),
        sa.Column("place_name", sa.String(), nullable=False),
        sa.Column("created_at", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_office_profile")),
    )
    with op.batch_alter_table("office_profile", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_office_profile_valid_from"), ["valid_from"], unique=True
        )

    op.create_table(
        "org_unit",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("code", sa.String(), nullable=False),
        sa.Column("code_list_version", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("level", sa.String(), nullable=False),
        sa.Column("relation", sa.String(), nullable=False),
        sa.Column("parent_code", sa.String(), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_org_unit")),
        sa.UniqueConstraint(
            "code", "code_list_version", name=op.f("uq_org_unit_code_code_list_version")
        ),
    )
    with op.batch_alter_table("org_unit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_org_unit_code"), ["code"], unique=False)

    op.create_table(
        "record",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("type", sa.String(), nullable=False),
        sa.Column("office_code", sa.String(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("title_sort", sa.String(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("place", sa.String(), nullable=True),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("legal_basis", sa.String(), nullable=True),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("conclusion", sa.String(), nullable=True),
        sa.Column("decision_number", sa.String(), nullable=True),
        sa.Column("decision_date", sa.Date(), nullable=True),
        sa.Column("lead", sa.String(), nullable=True),
        sa.Column("members", sa.JSON(), nullable=False),
        sa.Column("supervision_kind", sa.String(), nullable=True),
        sa.Column("findings", sa.String(), nullable=True),
        sa.Column("conclusion_number", sa.String(), nullable=True),
        sa.Column("conclusion_date", sa.Date(), nullable=True),
        sa.Column("chair", sa.String(), nullable=True),
        sa.Column("chair_post", sa.String(), nullable=True),
        sa.Column("co_chairs", sa.JSON(), nullable=False),
        sa.Column("attendees", sa.Integer(), nullable=True),
        sa.Column("attendee_groups", sa.String(), nullable=True),
        sa.Column("search_text", sa.String(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("change_seq", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(), nullable=False),
        sa.Column("created_at", sa.String(), nullable=False),
        sa.Column("updated_by", sa.String(), nullable=False),
        sa.Column("updated_at", sa.String(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record")),
    )
    with op.batch_alter_table("record", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_record_change_seq"), ["change_seq"], unique=False)
        batch_op.create_index(
            "ix_record_deleted_start_date", ["deleted", "start_date"], unique=False
        )
        batch_op.create_index(
            "ix_record_office_code_change_seq", ["office_code", "change_seq"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_record_title_sort"), ["title_sort"], unique=False)
        batch_op.create_index("ix_record_type_start_date", ["type", "start_date"], unique=False)

    op.create_table(
        "attachment",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("record_id", sa.String(), nullable=False),
        sa.Column("sha256", sa.String(), nullable=False),
        sa.Column("filename", sa.String(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("media_type", sa.String(), nullable=False),
        sa.Column("added_by", sa.String(), nullable=False),
        sa.Column("added_at", sa.String(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["record.id"],
            name=op.f("fk_attachment_record_id_record"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachment")),
    )
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attachment_record_id"), ["record_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_attachment_sha256"), ["sha256"], unique=False)

    op.create_table(
        "dialogue_issue",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("record_id", sa.String(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("content", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("raised_by", sa.String(), nullable=True),
        sa.Column("protect_identity", sa.Boolean(), nullable=False),
        sa.Column("field", sa.String(), nullable=True),
        sa.Column("answer", sa.String(), nullable=True),
        sa.Column("assignee", sa.String(), nullable=True),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("result", sa.String(), nullable=True),
        sa.Column("result_date", sa.Date(), nullable=True),
        sa.Column("notified_date", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["record.id"],
            name=op.f("fk_dialogue_issue_record_id_record"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dialogue_issue")),
    )
    with op.batch_alter_table("dialogue_issue", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dialogue_issue_deadline"), ["deadline"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_dialogue_issue_record_id"), ["record_id"], unique=False
        )

    op.create_table(
        "recommendation",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("record_id", sa.String(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("content", sa.String(), nullable=False),
        sa.Column("addressee", sa.String(), nullable=True),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("result", sa.String(), nullable=True),
        sa.Column("result_date", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["record.id"],
            name=op.f("fk_recommendation_record_id_record"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recommendation")),
    )
    with op.batch_alter_table("recommendation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recommendation_deadline"), ["deadline"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_recommendation_record_id"), ["record_id"], unique=False
        )

    op.create_table(
        "record_subject",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.String(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["record.id"],
            name=op.f("fk_record_subject_record_id_record"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_subject")),
    )
    with op.batch_alter_table("record_subject", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_record_subject_record_id"), ["record_id"], unique=False
        )

    op.create_table(
        "setting",
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("updated_by", sa.String(), nullable=False),
        sa.Column("updated_at", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_setting")),
    )
    for operation in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER trg_audit_log_no_{operation.lower()} BEFORE {operation} ON audit_log "
            "BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END"
        )


def downgrade() -> None:
    op.drop_table("setting")
    op.execute("DROP TRIGGER IF EXISTS trg_audit_log_no_update")
    op.execute("DROP TRIGGER IF EXISTS trg_audit_log_no_delete")
    with op.batch_alter_table("record_subject", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_record_subject_record_id"))

    op.drop_table("record_subject")
    with op.batch_alter_table("recommendation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recommendation_record_id"))
        batch_op.drop_index(batch_op.f("ix_recommendation_deadline"))

    op.drop_table("recommendation")
    with op.batch_alter_table("dialogue_issue", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dialogue_issue_record_id"))
        batch_op.drop_index(batch_op.f("ix_dialogue_issue_deadline"))

    op.drop_table("dialogue_issue")
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attachment_sha256"))
        batch_op.drop_index(batch_op.f("ix_attachment_record_id"))

    op.drop_table("attachment")
    with op.batch_alter_table("record", schema=None) as batch_op:
        batch_op.drop_index("ix_record_type_start_date")
        batch_op.drop_index(batch_op.f("ix_record_title_sort"))
        batch_op.drop_index("ix_record_office_code_change_seq")
        batch_op.drop_index("ix_record_deleted_start_date")
        batch_op.drop_index(batch_op.f("ix_record_change_seq"))

    op.drop_table("record")
    with op.batch_alter_table("org_unit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_org_unit_code"))

    op.drop_table("org_unit")
    with op.batch_alter_table("office_profile", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_office_profile_valid_from"))

    op.drop_table("office_profile")
    op.drop_table("office")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_entity_id"))

    op.drop_table("audit_log")
