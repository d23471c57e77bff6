"""News from the secretariat.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-27
"""

from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('news_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title_sv', sa.String(length=300), nullable=False),
    sa.Column('title_en', sa.String(length=300), nullable=False),
    sa.Column('summary_sv', sa.Text(), nullable=False),
    sa.Column('summary_en', sa.Text(), nullable=False),
    sa.Column('body_sv', sa.Text(), nullable=False),
    sa.Column('body_en', sa.Text(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    sa.Column('theme_id', sa.Integer(), nullable=True),
    sa.Column('body_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('draft', 'published', 'archived', name='news_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('archived_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status <> 'published' OR published_at IS NOT NULL", name=op.f('ck_news_items_published_has_date')),
    sa.ForeignKeyConstraint(['archived_by_id'], ['accounts.id'], name=op.f('fk_news_items_archived_by_id_accounts')),
    sa.ForeignKeyConstraint(['body_id'], ['bodies.id'], name=op.f('fk_news_items_body_id_bodies')),
    sa.ForeignKeyConstraint(['created_by_id'], ['accounts.id'], name=op.f('fk_news_items_created_by_id_accounts')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_news_items_meeting_id_meetings')),
    sa.ForeignKeyConstraint(['published_by_id'], ['accounts.id'], name=op.f('fk_news_items_published_by_id_accounts')),
    sa.ForeignKeyConstraint(['theme_id'], ['themes.id'], name=op.f('fk_news_items_theme_id_themes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_news_items'))
    )
    with op.batch_alter_table('news_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_news_items_body_id'), ['body_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_news_items_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index('ix_news_items_status_published', ['status', 'published_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_news_items_theme_id'), ['theme_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('news_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_news_items_theme_id'))
        batch_op.drop_index('ix_news_items_status_published')
        batch_op.drop_index(batch_op.f('ix_news_items_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_news_items_body_id'))

    op.drop_table('news_items')
