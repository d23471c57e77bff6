"""Surveys to the regions and evaluations after meetings: surveys, their questions and
recipients, answers (one per region, or per participant, held by unique constraints),
reminders, and answers kept when a respondent's session had run out.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27
"""

from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('surveys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('regions', 'evaluation', name='survey_kind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('status', sa.Enum('draft', 'open', 'closed', name='survey_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('introduction', sa.Text(), nullable=False),
    sa.Column('deadline', sa.DateTime(timezone=True), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('auto_reminder_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("kind <> 'evaluation' OR meeting_id IS NOT NULL", name=op.f('ck_surveys_evaluation_has_meeting')),
    sa.ForeignKeyConstraint(['closed_by_id'], ['accounts.id'], name=op.f('fk_surveys_closed_by_id_accounts')),
    sa.ForeignKeyConstraint(['created_by_id'], ['accounts.id'], name=op.f('fk_surveys_created_by_id_accounts')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_surveys_meeting_id_meetings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_surveys'))
    )
    op.create_index(op.f('ix_surveys_meeting_id'), 'surveys', ['meeting_id'], unique=False)
    op.create_index('ix_surveys_status_deadline', 'surveys', ['status', 'deadline'], unique=False)
    op.create_table('survey_kept_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('ip_address', sa.String(length=45), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_survey_kept_answers_survey_id_surveys')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_kept_answers')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_survey_kept_answers_token_hash'))
    )
    op.create_index('ix_survey_kept_answers_created', 'survey_kept_answers', ['created_at'], unique=False)
    op.create_index(op.f('ix_survey_kept_answers_survey_id'), 'survey_kept_answers', ['survey_id'], unique=False)
    op.create_table('survey_questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('short_text', 'long_text', 'one_choice', 'several_choices', 'number', 'yes_no', 'countries', 'regions', name='survey_question_kind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('help_text', sa.Text(), nullable=False),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.Column('min_value', sa.Double(), nullable=True),
    sa.Column('max_value', sa.Double(), nullable=True),
    sa.Column('several', sa.Boolean(), nullable=False),
    sa.CheckConstraint('min_value IS NULL OR max_value IS NULL OR min_value <= max_value', name=op.f('ck_survey_questions_min_not_above_max')),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_survey_questions_survey_id_surveys')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_questions')),
    sa.UniqueConstraint('survey_id', 'position', name=op.f('uq_survey_questions_survey_id_position'))
    )
    op.create_table('survey_recipients',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_survey_recipients_person_id_people')),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_survey_recipients_survey_id_surveys')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_recipients')),
    sa.UniqueConstraint('survey_id', 'person_id', name=op.f('uq_survey_recipients_survey_id_person_id'))
    )
    op.create_index(op.f('ix_survey_recipients_person_id'), 'survey_recipients', ['person_id'], unique=False)
    op.create_table('survey_reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_by_id', sa.Integer(), nullable=True),
    sa.Column('automatic', sa.Boolean(), nullable=False),
    sa.Column('recipients', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['sent_by_id'], ['accounts.id'], name=op.f('fk_survey_reminders_sent_by_id_accounts')),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_survey_reminders_survey_id_surveys')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_reminders'))
    )
    op.create_index('ix_survey_reminders_survey', 'survey_reminders', ['survey_id', 'sent_at'], unique=False)
    op.create_table('survey_responses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=True),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('draft', 'submitted', name='survey_response_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('first_submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(region_id IS NULL) <> (person_id IS NULL)', name=op.f('ck_survey_responses_region_or_person')),
    sa.ForeignKeyConstraint(['answered_by_id'], ['accounts.id'], name=op.f('fk_survey_responses_answered_by_id_accounts')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_survey_responses_person_id_people')),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_survey_responses_region_id_regions')),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_survey_responses_survey_id_surveys')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_responses')),
    sa.UniqueConstraint('survey_id', 'person_id', name=op.f('uq_survey_responses_survey_id_person_id')),
    sa.UniqueConstraint('survey_id', 'region_id', name=op.f('uq_survey_responses_survey_id_region_id'))
    )
    op.create_index(op.f('ix_survey_responses_answered_by_id'), 'survey_responses', ['answered_by_id'], unique=False)
    op.create_index(op.f('ix_survey_responses_person_id'), 'survey_responses', ['person_id'], unique=False)
    op.create_index('ix_survey_responses_survey_status', 'survey_responses', ['survey_id', 'status'], unique=False)
    op.create_table('survey_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('number', sa.Double(), nullable=True),
    sa.Column('choices', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['survey_questions.id'], name=op.f('fk_survey_answers_question_id_survey_questions')),
    sa.ForeignKeyConstraint(['response_id'], ['survey_responses.id'], name=op.f('fk_survey_answers_response_id_survey_responses')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_answers')),
    sa.UniqueConstraint('response_id', 'question_id', name=op.f('uq_survey_answers_response_id_question_id'))
    )
    op.create_index(op.f('ix_survey_answers_question_id'), 'survey_answers', ['question_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_survey_answers_question_id'), table_name='survey_answers')
    op.drop_table('survey_answers')
    op.drop_index('ix_survey_responses_survey_status', table_name='survey_responses')
    op.drop_index(op.f('ix_survey_responses_person_id'), table_name='survey_responses')
    op.drop_index(op.f('ix_survey_responses_answered_by_id'), table_name='survey_responses')
    op.drop_table('survey_responses')
    op.drop_index('ix_survey_reminders_survey', table_name='survey_reminders')
    op.drop_table('survey_reminders')
    op.drop_index(op.f('ix_survey_recipients_person_id'), table_name='survey_recipients')
    op.drop_table('survey_recipients')
    op.drop_table('survey_questions')
    op.drop_index(op.f('ix_survey_kept_answers_survey_id'), table_name='survey_kept_answers')
    op.drop_index('ix_survey_kept_answers_created', table_name='survey_kept_answers')
    op.drop_table('survey_kept_answers')
    op.drop_index('ix_surveys_status_deadline', table_name='surveys')
    op.drop_index(op.f('ix_surveys_meeting_id'), table_name='surveys')
    op.drop_table('surveys')
