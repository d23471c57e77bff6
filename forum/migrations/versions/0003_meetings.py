"""Meetings: agenda, guests, answers, attendance, minutes, action items; blackout periods
and the planner's settings.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from alembic import op
import sqlalchemy as sa


revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('blackout_periods',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.Enum('iso_weeks', 'annual', 'dates', name='blackout_kind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('first_week', sa.Integer(), nullable=True),
    sa.Column('last_week', sa.Integer(), nullable=True),
    sa.Column('first_day', sa.String(length=5), nullable=True),
    sa.Column('last_day', sa.String(length=5), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.CheckConstraint("(kind = 'iso_weeks' AND first_week BETWEEN 1 AND 53 AND last_week BETWEEN 1 AND 53) OR (kind = 'annual' AND first_day IS NOT NULL AND last_day IS NOT NULL) OR (kind = 'dates' AND start_date IS NOT NULL AND end_date IS NOT NULL AND end_date >= start_date)", name=op.f('ck_blackout_periods_kind_has_its_fields')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_blackout_periods'))
    )
    op.create_table('planner_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('preferred_weekdays', sa.String(length=20), nullable=False),
    sa.Column('min_gap_weeks', sa.Integer(), nullable=False),
    sa.Column('lead_min_weeks', sa.Integer(), nullable=False),
    sa.Column('lead_max_weeks', sa.Integer(), nullable=False),
    sa.Column('start_time', sa.Time(), nullable=False),
    sa.Column('duration_minutes', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_planner_settings'))
    )
    op.create_table('meetings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uid', sa.String(length=80), nullable=False),
    sa.Column('body_id', sa.Integer(), nullable=False),
    sa.Column('theme_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('start_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('end_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('venue', sa.String(length=300), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('host_region_id', sa.Integer(), nullable=True),
    sa.Column('online_url', sa.String(length=500), nullable=False),
    sa.Column('status', sa.Enum('planned', 'confirmed', 'cancelled', 'held', name='meeting_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('prepares_id', sa.Integer(), nullable=True),
    sa.Column('cancel_reason', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('end_at > start_at', name=op.f('ck_meetings_ends_after_start')),
    sa.CheckConstraint('revision >= 0', name=op.f('ck_meetings_revision_positive')),
    sa.ForeignKeyConstraint(['body_id'], ['bodies.id'], name=op.f('fk_meetings_body_id_bodies')),
    sa.ForeignKeyConstraint(['host_region_id'], ['regions.id'], name=op.f('fk_meetings_host_region_id_regions')),
    sa.ForeignKeyConstraint(['prepares_id'], ['meetings.id'], name=op.f('fk_meetings_prepares_id_meetings')),
    sa.ForeignKeyConstraint(['theme_id'], ['themes.id'], name=op.f('fk_meetings_theme_id_themes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meetings')),
    sa.UniqueConstraint('uid', name=op.f('uq_meetings_uid'))
    )
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.create_index('ix_meetings_body_start', ['body_id', 'start_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_meetings_host_region_id'), ['host_region_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meetings_prepares_id'), ['prepares_id'], unique=False)
        batch_op.create_index('ix_meetings_start', ['start_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_meetings_theme_id'), ['theme_id'], unique=False)

    op.create_table('action_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('body_id', sa.Integer(), nullable=False),
    sa.Column('what', sa.Text(), nullable=False),
    sa.Column('who', sa.String(length=200), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['body_id'], ['bodies.id'], name=op.f('fk_action_items_body_id_bodies')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_action_items_meeting_id_meetings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_action_items'))
    )
    with op.batch_alter_table('action_items', schema=None) as batch_op:
        batch_op.create_index('ix_action_items_body_open', ['body_id', 'done_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_items_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('agenda_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('presenter', sa.String(length=200), nullable=False),
    sa.Column('starts_at', sa.Time(), nullable=True),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_agenda_items_meeting_id_meetings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_items')),
    sa.UniqueConstraint('meeting_id', 'position', name=op.f('uq_agenda_items_meeting_id_position'))
    )
    op.create_table('attendance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('member', 'substitute', 'guest', name='attendance_role', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('presence', sa.Enum('present', 'absent', 'excused', name='presence', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('substitute_name', sa.String(length=200), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=True),
    sa.Column('side', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_attendance_meeting_id_meetings')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_attendance_person_id_people')),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_attendance_region_id_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attendance')),
    sa.UniqueConstraint('meeting_id', 'person_id', 'role', name=op.f('uq_attendance_meeting_id_person_id_role'))
    )
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attendance_person_id'), ['person_id'], unique=False)

    op.create_table('meeting_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('answer', sa.Enum('attending', 'declined', 'substitute', name='meeting_answer', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('substitute_name', sa.String(length=200), nullable=False),
    sa.Column('substitute_email', sa.String(length=254), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_answers_meeting_id_meetings')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_meeting_answers_person_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_answers')),
    sa.UniqueConstraint('meeting_id', 'person_id', name=op.f('uq_meeting_answers_meeting_id_person_id'))
    )
    with op.batch_alter_table('meeting_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_answers_person_id'), ['person_id'], unique=False)

    op.create_table('meeting_guests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('invited_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_guests_meeting_id_meetings')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_meeting_guests_person_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_guests')),
    sa.UniqueConstraint('meeting_id', 'person_id', name=op.f('uq_meeting_guests_meeting_id_person_id'))
    )
    with op.batch_alter_table('meeting_guests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_guests_person_id'), ['person_id'], unique=False)

    op.create_table('minutes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'approved', 'published', name='minutes_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_minutes_meeting_id_meetings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_minutes')),
    sa.UniqueConstraint('meeting_id', name=op.f('uq_minutes_meeting_id'))
    )


def downgrade() -> None:
    op.drop_table('minutes')
    with op.batch_alter_table('meeting_guests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_guests_person_id'))

    op.drop_table('meeting_guests')
    with op.batch_alter_table('meeting_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_answers_person_id'))

    op.drop_table('meeting_answers')
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attendance_person_id'))

    op.drop_table('attendance')
    op.drop_table('agenda_items')
    with op.batch_alter_table('action_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_action_items_meeting_id'))
        batch_op.drop_index('ix_action_items_body_open')

    op.drop_table('action_items')
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meetings_theme_id'))
        batch_op.drop_index('ix_meetings_start')
        batch_op.drop_index(batch_op.f('ix_meetings_prepares_id'))
        batch_op.drop_index(batch_op.f('ix_meetings_host_region_id'))
        batch_op.drop_index('ix_meetings_body_start')

    op.drop_table('meetings')
    op.drop_table('planner_settings')
    op.drop_table('blackout_periods')
