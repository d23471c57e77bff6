"""Initial schema: regions, organisations, people, strategy, bodies, seats, nominations.

The seat rules that the database can hold are made here too: on PostgreSQL two exclusion
constraints (btree_gist), on SQLite triggers with the same names in their messages.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from alembic import op
import sqlalchemy as sa

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('bodies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=60), nullable=False),
    sa.Column('kind', sa.Enum('forum', 'working_group', 'network', name='body_kind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name_sv', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('description_sv', sa.Text(), nullable=False),
    sa.Column('description_en', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bodies')),
    sa.UniqueConstraint('slug', name=op.f('uq_bodies_slug'))
    )
    op.create_table('regions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=2), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('county_name', sa.String(length=100), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_regions')),
    sa.UniqueConstraint('code', name=op.f('uq_regions_code')),
    sa.UniqueConstraint('name', name=op.f('uq_regions_name'))
    )
    op.create_table('strategy_periods',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=40), nullable=False),
    sa.Column('name_sv', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('reference', sa.String(length=100), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.CheckConstraint('end_date >= start_date', name=op.f('ck_strategy_periods_ends_after_start')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_strategy_periods')),
    sa.UniqueConstraint('slug', name=op.f('uq_strategy_periods_slug'))
    )
    op.create_table('organisations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('short_name', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.Enum('region', 'agency', 'ministry', 'association', 'other', name='organisation_kind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=True),
    sa.Column('website', sa.String(length=300), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_organisations_region_id_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisations')),
    sa.UniqueConstraint('name', name=op.f('uq_organisations_name'))
    )
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisations_region_id'), ['region_id'], unique=False)

    op.create_table('seats',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('body_id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=60), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('label_sv', sa.String(length=200), nullable=False),
    sa.Column('label_en', sa.String(length=200), nullable=False),
    sa.Column('holders_per_region', sa.Integer(), nullable=False),
    sa.Column('side', sa.Enum('majority', 'opposition', 'none', name='seat_side', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.CheckConstraint('holders_per_region >= 1', name=op.f('ck_seats_holders_positive')),
    sa.ForeignKeyConstraint(['body_id'], ['bodies.id'], name=op.f('fk_seats_body_id_bodies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_seats')),
    sa.UniqueConstraint('body_id', 'slug', name=op.f('uq_seats_body_id_slug')),
    sa.UniqueConstraint('id', 'body_id', name=op.f('uq_seats_id_body_id'))
    )
    with op.batch_alter_table('seats', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_seats_body_id'), ['body_id'], unique=False)

    op.create_table('themes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('name_sv', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('description_sv', sa.Text(), nullable=False),
    sa.Column('description_en', sa.Text(), nullable=False),
    sa.CheckConstraint('position >= 1', name=op.f('ck_themes_position_positive')),
    sa.ForeignKeyConstraint(['period_id'], ['strategy_periods.id'], name=op.f('fk_themes_period_id_strategy_periods')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_themes')),
    sa.UniqueConstraint('period_id', 'position', name=op.f('uq_themes_period_id_position')),
    sa.UniqueConstraint('period_id', 'slug', name=op.f('uq_themes_period_id_slug'))
    )
    with op.batch_alter_table('themes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_themes_period_id'), ['period_id'], unique=False)

    op.create_table('people',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('given_name', sa.String(length=100), nullable=False),
    sa.Column('family_name', sa.String(length=100), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_people_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_people')),
    sa.UniqueConstraint('email', name=op.f('uq_people_email'))
    )
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_people_family_name'), ['family_name'], unique=False)
        batch_op.create_index(batch_op.f('ix_people_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('nominations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('body_id', sa.Integer(), nullable=False),
    sa.Column('seat_id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('slot', sa.Integer(), nullable=False),
    sa.Column('party', sa.String(length=60), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('nominated_by_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('end_date IS NULL OR end_date >= start_date', name=op.f('ck_nominations_ends_after_start')),
    sa.CheckConstraint('slot >= 1', name=op.f('ck_nominations_slot_positive')),
    sa.ForeignKeyConstraint(['body_id'], ['bodies.id'], name=op.f('fk_nominations_body_id_bodies')),
    sa.ForeignKeyConstraint(['nominated_by_id'], ['organisations.id'], name=op.f('fk_nominations_nominated_by_id_organisations')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_nominations_person_id_people')),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_nominations_region_id_regions')),
    sa.ForeignKeyConstraint(['seat_id', 'body_id'], ['seats.id', 'seats.body_id'], name='fk_nominations_seat_id_body_seats'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_nominations'))
    )
    with op.batch_alter_table('nominations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_nominations_body_id'), ['body_id'], unique=False)
        batch_op.create_index('ix_nominations_person_body', ['person_id', 'body_id'], unique=False)
        batch_op.create_index('ix_nominations_region_seat', ['region_id', 'seat_id', 'start_date'], unique=False)

    _create_overlap_guards()



DAY_RANGE = "daterange(start_date, end_date, '[]')"

# (name, columns that must be equal for two nominations to clash)
OVERLAP_RULES = [
    ("ex_nominations_seat_slot_overlap", ("region_id", "seat_id", "slot")),
    ("ex_nominations_person_body_overlap", ("person_id", "body_id")),
]


def _create_overlap_guards() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        for name, columns in OVERLAP_RULES:
            parts = ", ".join(f"{c} WITH =" for c in columns)
            op.execute(
                f"ALTER TABLE nominations ADD CONSTRAINT {name} "
                f"EXCLUDE USING gist ({parts}, {DAY_RANGE} WITH &&)"
            )
        return
    for name, columns in OVERLAP_RULES:
        same = " AND ".join(f"n.{c} = NEW.{c}" for c in columns)
        overlap = (
            "n.start_date <= COALESCE(NEW.end_date, '9999-12-31') "
            "AND NEW.start_date <= COALESCE(n.end_date, '9999-12-31')"
        )
        for event, other in (("INSERT", ""), ("UPDATE", " AND n.id <> NEW.id")):
            op.execute(
                f"CREATE TRIGGER {name}_{event.lower()} BEFORE {event} ON nominations "
                f"WHEN EXISTS (SELECT 1 FROM nominations n WHERE {same}{other} "
                f"AND {overlap}) "
                f"BEGIN SELECT RAISE(ABORT, '{name}'); END"
            )


def _drop_overlap_guards() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name, _columns in OVERLAP_RULES:
            op.execute(f"ALTER TABLE nominations DROP CONSTRAINT IF EXISTS {name}")
        return
    for name, _columns in OVERLAP_RULES:
        for event in ("insert", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}_{event}")


def downgrade() -> None:
    _drop_overlap_guards()
    with op.batch_alter_table('nominations', schema=None) as batch_op:
        batch_op.drop_index('ix_nominations_region_seat')
        batch_op.drop_index('ix_nominations_person_body')
        batch_op.drop_index(batch_op.f('ix_nominations_body_id'))

    op.drop_table('nominations')
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_people_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_people_family_name'))

    op.drop_table('people')
    with op.batch_alter_table('themes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_themes_period_id'))

    op.drop_table('themes')
    with op.batch_alter_table('seats', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_seats_body_id'))

    op.drop_table('seats')
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisations_region_id'))

    op.drop_table('organisations')
    op.drop_table('strategy_periods')
    op.drop_table('regions')
    op.drop_table('bodies')
