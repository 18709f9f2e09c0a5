"""The office's own ``org_unit`` row takes the newest profile's name.

Lists show an office's name from ``org_unit``. Renaming the office (a new profile) has
kept that row equal to the newest profile's name only since a later build; a database
renamed before then still shows the old name until its next rename. This copies the
name once; the rename keeps it current from then on.

Revision ID: 0014_own_unit_name
Revises: 0013_approval_sort
Create Date: 2026-11-29
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0014_own_unit_name"
down_revision: str | None = "0013_approval_sort"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The newest profile is the one with the latest valid_from (as OfficeView.current and
# the rename's choice of name; a migration must not import live code).
NEWEST_NAME = "(SELECT full_name FROM office_profile ORDER BY valid_from DESC LIMIT 1)"


def upgrade() -> None:
    op.execute(
        f"UPDATE org_unit SET name = {NEWEST_NAME} "
        "WHERE relation = 'self' "
        "AND code = (SELECT code FROM office WHERE id = 1) "
        "AND code_list_version = (SELECT code_list_version FROM office WHERE id = 1) "
        f"AND {NEWEST_NAME} IS NOT NULL AND name != {NEWEST_NAME}"
    )


def downgrade() -> None:
    pass  # the old name was wrong: nothing to restore
