"""The cooperation register: entries, their regions, parties, themes, areas and funders; the
first six free areas (from the Danish growth forums' mapping, seed 002).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27
"""

from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

AREAS = [
    ("klimat-och-energi", "Klimat och energi", "Climate and energy"),
    ("halsa-och-valfardsteknik", "Hälsa och välfärdsteknik", "Health and welfare technology"),
    ("entreprenorskap-och-tillvaxtforetag", "Entreprenörskap och tillväxtföretag",
     "Entrepreneurship and growth companies"),
    ("turism-och-upplevelseekonomi", "Turism och upplevelseekonomi",
     "Tourism and the experience economy"),
    ("kompetensutveckling", "Kompetensutveckling", "Skills development"),
    ("investeringsframjande", "Investeringsfrämjande", "Investment promotion"),
]


def upgrade() -> None:
    areas = op.create_table('cooperation_areas',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name_sv', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cooperation_areas')),
    sa.UniqueConstraint('slug', name=op.f('uq_cooperation_areas_slug'))
    )
    op.create_table('cooperations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('kind', sa.Enum('partnership', 'network', 'eu_project', 'visit', 'other', name='cooperation_kind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('status', sa.Enum('proposed', 'approved', 'returned', name='cooperation_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('visibility', sa.Enum('public', 'internal', name='cooperation_visibility', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('agreement_date', sa.Date(), nullable=True),
    sa.Column('contact_name', sa.String(length=200), nullable=False),
    sa.Column('contact_email', sa.String(length=254), nullable=False),
    sa.Column('contact_phone', sa.String(length=40), nullable=False),
    sa.Column('website', sa.String(length=500), nullable=False),
    sa.Column('proposing_region_id', sa.Integer(), nullable=True),
    sa.Column('proposed_by_id', sa.Integer(), nullable=True),
    sa.Column('proposed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('return_reason', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('end_date IS NULL OR end_date >= start_date', name=op.f('ck_cooperations_ends_after_start')),
    sa.ForeignKeyConstraint(['created_by_id'], ['accounts.id'], name=op.f('fk_cooperations_created_by_id_accounts')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['accounts.id'], name=op.f('fk_cooperations_decided_by_id_accounts')),
    sa.ForeignKeyConstraint(['proposed_by_id'], ['accounts.id'], name=op.f('fk_cooperations_proposed_by_id_accounts')),
    sa.ForeignKeyConstraint(['proposing_region_id'], ['regions.id'], name=op.f('fk_cooperations_proposing_region_id_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cooperations'))
    )
    with op.batch_alter_table('cooperations', schema=None) as batch_op:
        batch_op.create_index('ix_cooperations_dates', ['start_date', 'end_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_cooperations_proposing_region_id'), ['proposing_region_id'], unique=False)
        batch_op.create_index('ix_cooperations_status_visibility', ['status', 'visibility'], unique=False)

    op.create_table('cooperation_entry_areas',
    sa.Column('cooperation_id', sa.Integer(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['cooperation_areas.id'], name=op.f('fk_cooperation_entry_areas_area_id_cooperation_areas')),
    sa.ForeignKeyConstraint(['cooperation_id'], ['cooperations.id'], name=op.f('fk_cooperation_entry_areas_cooperation_id_cooperations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('cooperation_id', 'area_id', name=op.f('pk_cooperation_entry_areas'))
    )
    with op.batch_alter_table('cooperation_entry_areas', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cooperation_entry_areas_area_id'), ['area_id'], unique=False)

    op.create_table('cooperation_funders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cooperation_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('funder', 'co_financer', name='cooperation_funder_role', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['cooperation_id'], ['cooperations.id'], name=op.f('fk_cooperation_funders_cooperation_id_cooperations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cooperation_funders'))
    )
    with op.batch_alter_table('cooperation_funders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cooperation_funders_cooperation_id'), ['cooperation_id'], unique=False)

    op.create_table('cooperation_parties',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cooperation_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('swedish_region', 'foreign_region', 'foreign_city', 'agency', 'network', 'organisation', name='cooperation_party_kind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=True),
    sa.Column('country', sa.String(length=2), nullable=True),
    sa.CheckConstraint("kind <> 'swedish_region' OR region_id IS NOT NULL", name=op.f('ck_cooperation_parties_swedish_region_chosen')),
    sa.CheckConstraint("kind NOT IN ('foreign_region', 'foreign_city') OR country IS NOT NULL", name=op.f('ck_cooperation_parties_foreign_party_has_country')),
    sa.ForeignKeyConstraint(['cooperation_id'], ['cooperations.id'], name=op.f('fk_cooperation_parties_cooperation_id_cooperations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_cooperation_parties_region_id_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cooperation_parties'))
    )
    with op.batch_alter_table('cooperation_parties', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cooperation_parties_cooperation_id'), ['cooperation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cooperation_parties_country'), ['country'], unique=False)
        batch_op.create_index(batch_op.f('ix_cooperation_parties_region_id'), ['region_id'], unique=False)

    op.create_table('cooperation_regions',
    sa.Column('cooperation_id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['cooperation_id'], ['cooperations.id'], name=op.f('fk_cooperation_regions_cooperation_id_cooperations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_cooperation_regions_region_id_regions')),
    sa.PrimaryKeyConstraint('cooperation_id', 'region_id', name=op.f('pk_cooperation_regions'))
    )
    with op.batch_alter_table('cooperation_regions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cooperation_regions_region_id'), ['region_id'], unique=False)

    op.create_table('cooperation_themes',
    sa.Column('cooperation_id', sa.Integer(), nullable=False),
    sa.Column('theme_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['cooperation_id'], ['cooperations.id'], name=op.f('fk_cooperation_themes_cooperation_id_cooperations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['theme_id'], ['themes.id'], name=op.f('fk_cooperation_themes_theme_id_themes')),
    sa.PrimaryKeyConstraint('cooperation_id', 'theme_id', name=op.f('pk_cooperation_themes'))
    )
    with op.batch_alter_table('cooperation_themes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cooperation_themes_theme_id'), ['theme_id'], unique=False)

    op.bulk_insert(areas, [
        {"slug": slug, "position": position, "name_sv": name_sv, "name_en": name_en}
        for position, (slug, name_sv, name_en) in enumerate(AREAS, start=1)
    ])


def downgrade() -> None:
    with op.batch_alter_table('cooperation_themes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cooperation_themes_theme_id'))

    op.drop_table('cooperation_themes')
    with op.batch_alter_table('cooperation_regions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cooperation_regions_region_id'))

    op.drop_table('cooperation_regions')
    with op.batch_alter_table('cooperation_parties', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cooperation_parties_region_id'))
        batch_op.drop_index(batch_op.f('ix_cooperation_parties_country'))
        batch_op.drop_index(batch_op.f('ix_cooperation_parties_cooperation_id'))

    op.drop_table('cooperation_parties')
    with op.batch_alter_table('cooperation_funders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cooperation_funders_cooperation_id'))

    op.drop_table('cooperation_funders')
    with op.batch_alter_table('cooperation_entry_areas', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cooperation_entry_areas_area_id'))

    op.drop_table('cooperation_entry_areas')
    with op.batch_alter_table('cooperations', schema=None) as batch_op:
        batch_op.drop_index('ix_cooperations_status_visibility')
        batch_op.drop_index(batch_op.f('ix_cooperations_proposing_region_id'))
        batch_op.drop_index('ix_cooperations_dates')

    op.drop_table('cooperations')
    op.drop_table('cooperation_areas')
