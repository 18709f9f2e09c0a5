"""Alembic environment: always run with a connection handed in by dvdesk.db.migrate."""

from alembic import context

from dvdesk.db.schema import metadata
from dvdesk.db.search_index import include_name

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies the table
    compare_type=True,
    include_name=include_name,
)
with context.begin_transaction():
    context.run_migrations()
