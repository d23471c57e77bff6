"""Working groups and networks: seats filled per body rather than per region, members
without a region, a body's themes, contact and lifetime, and reports from a group.

On SQLite a column's NOT NULL cannot be dropped by ALTER TABLE, and rebuilding
`nominations` (which others reference, and which carries the seat rules' triggers) is
what SQLite's documentation advises against; removing a NOT NULL constraint is one of
the changes it allows through `PRAGMA writable_schema` instead (sqlite.org/lang_altertable.html,
section 7), since no stored row changes.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27
"""

from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def _sqlite_region_nullable(nullable: bool) -> None:
    bind = op.get_bind()
    sql = bind.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'nominations'"
    ).scalar_one()
    strict, loose = "region_id INTEGER NOT NULL", "region_id INTEGER"
    before, after = (strict, loose) if nullable else (loose + ",", strict + ",")
    if before not in sql:
        raise RuntimeError(f"nominations.region_id is not as expected: {sql}")
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar_one()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    bind.exec_driver_sql(
        "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'nominations'",
        (sql.replace(before, after, 1),),
    )
    bind.exec_driver_sql(f"PRAGMA schema_version = {version + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema = OFF")


def upgrade() -> None:
    op.create_table('body_themes',
    sa.Column('body_id', sa.Integer(), nullable=False),
    sa.Column('theme_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['body_id'], ['bodies.id'], name=op.f('fk_body_themes_body_id_bodies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['theme_id'], ['themes.id'], name=op.f('fk_body_themes_theme_id_themes')),
    sa.PrimaryKeyConstraint('body_id', 'theme_id', name=op.f('pk_body_themes'))
    )
    op.create_index(op.f('ix_body_themes_theme_id'), 'body_themes', ['theme_id'], unique=False)
    op.add_column('bodies', sa.Column('email', sa.String(length=254), server_default='', nullable=False))
    op.add_column('bodies', sa.Column('established_on', sa.Date(), nullable=True))
    op.add_column('bodies', sa.Column('closed_on', sa.Date(), nullable=True))
    op.add_column('seats', sa.Column('per_region', sa.Boolean(), server_default=sa.true(), nullable=False))
    if op.get_bind().dialect.name == 'sqlite':
        # SQLite adds a column's foreign key only inline (documents is referenced by
        # others, so no table rebuild).
        op.execute("ALTER TABLE documents ADD COLUMN reported_by_id INTEGER "
                   "CONSTRAINT fk_documents_reported_by_id_bodies REFERENCES bodies (id)")
    else:
        op.add_column('documents', sa.Column('reported_by_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_documents_reported_by_id_bodies'), 'documents',
                              'bodies', ['reported_by_id'], ['id'])
    op.create_index(op.f('ix_documents_reported_by_id'), 'documents', ['reported_by_id'], unique=False)
    if op.get_bind().dialect.name == 'sqlite':
        _sqlite_region_nullable(True)
    else:
        op.alter_column('nominations', 'region_id', existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    # Members without a region cannot go back into a schema that requires one.
    op.execute("DELETE FROM nominations WHERE region_id IS NULL")
    if op.get_bind().dialect.name == 'sqlite':
        _sqlite_region_nullable(False)
    else:
        op.alter_column('nominations', 'region_id', existing_type=sa.Integer(), nullable=False)
    op.drop_index(op.f('ix_documents_reported_by_id'), table_name='documents')
    if op.get_bind().dialect.name == 'sqlite':
        # The inline foreign key goes with the column when the table is rebuilt.
        with op.batch_alter_table('documents') as batch_op:
            batch_op.drop_column('reported_by_id')
    else:
        op.drop_constraint(op.f('fk_documents_reported_by_id_bodies'), 'documents',
                           type_='foreignkey')
        op.drop_column('documents', 'reported_by_id')
    op.drop_column('seats', 'per_region')
    op.drop_column('bodies', 'closed_on')
    op.drop_column('bodies', 'established_on')
    op.drop_column('bodies', 'email')
    op.drop_index(op.f('ix_body_themes_theme_id'), table_name='body_themes')
    op.drop_table('body_themes')
