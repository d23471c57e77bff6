"""Alembic environment: always handed a connection by forum.migrate."""

from alembic import context

import forum.models  # noqa: F401  (registers every table)
from forum.db import Base
from forum.material.search import include_object as search_schema

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise SystemExit("Run migrations through the app: flask --app app forum init")


def include_object(obj, name, type_, reflected, compare_to):
    # PostgreSQL exclusion constraints and SQLite triggers are written by hand in the
    # migrations; autogenerate cannot see them. Nor the search schema (0005): SQLite's FTS5
    # tables and PostgreSQL's generated tsvector column and its GIN index.
    return search_schema(obj, name, type_, reflected, compare_to)


context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
    include_object=include_object,
)
with context.begin_transaction():
    context.run_migrations()
