"""Accounts, one-time tokens, the audit log, the mail outbox, nomination proposals.

The audit log is append-only: on both databases a trigger refuses UPDATE and DELETE.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from alembic import op
import sqlalchemy as sa


revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('message_id', sa.String(length=255), nullable=False),
    sa.Column('to_address', sa.String(length=254), nullable=False),
    sa.Column('to_name', sa.String(length=200), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('text_body', sa.Text(), nullable=False),
    sa.Column('html_body', sa.Text(), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('kind', sa.String(length=60), nullable=False),
    sa.Column('status', sa.Enum('pending', 'sending', 'sent', 'failed', name='outbox_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox')),
    sa.UniqueConstraint('message_id', name=op.f('uq_outbox_message_id'))
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_due', ['status', 'next_attempt_at'], unique=False)

    op.create_table('accounts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=True),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('is_admin', sa.Boolean(), nullable=False),
    sa.Column('is_secretariat', sa.Boolean(), nullable=False),
    sa.Column('contact_region_id', sa.Integer(), nullable=True),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('notify_by_email', sa.Boolean(), nullable=False),
    sa.Column('session_version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['contact_region_id'], ['regions.id'], name=op.f('fk_accounts_contact_region_id_regions')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_accounts_person_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_accounts')),
    sa.UniqueConstraint('email', name=op.f('uq_accounts_email')),
    sa.UniqueConstraint('person_id', name=op.f('uq_accounts_person_id'))
    )
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_accounts_contact_region_id'), ['contact_region_id'], unique=False)

    op.create_table('account_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.Enum('invitation', 'password_reset', name='token_purpose', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_account_tokens_account_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_account_tokens_token_hash'))
    )
    with op.batch_alter_table('account_tokens', schema=None) as batch_op:
        batch_op.create_index('ix_account_tokens_account_purpose', ['account_id', 'purpose'], unique=False)

    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_account_id', sa.Integer(), nullable=True),
    sa.Column('actor_label', sa.String(length=300), nullable=False),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('object_type', sa.String(length=60), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=True),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.Column('ip_address', sa.String(length=45), nullable=False),
    sa.ForeignKeyConstraint(['actor_account_id'], ['accounts.id'], name=op.f('fk_audit_log_actor_account_id_accounts')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_audit_log_person_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_action'), ['action'], unique=False)
        batch_op.create_index('ix_audit_log_actor', ['actor_account_id', 'at'], unique=False)
        batch_op.create_index('ix_audit_log_at', ['at'], unique=False)
        batch_op.create_index('ix_audit_log_object', ['object_type', 'object_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_person_id'), ['person_id'], unique=False)

    op.create_table('nomination_proposals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('body_id', sa.Integer(), nullable=False),
    sa.Column('seat_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('new_given_name', sa.String(length=100), nullable=False),
    sa.Column('new_family_name', sa.String(length=100), nullable=False),
    sa.Column('new_email', sa.String(length=254), nullable=False),
    sa.Column('new_title', sa.String(length=200), nullable=False),
    sa.Column('party', sa.String(length=60), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('decision_reference', sa.String(length=300), nullable=False),
    sa.Column('decision_file', sa.String(length=100), nullable=True),
    sa.Column('decision_filename', sa.String(length=255), nullable=False),
    sa.Column('decision_size', sa.Integer(), nullable=True),
    sa.Column('decision_sha256', sa.String(length=64), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('pending', 'approved', 'returned', 'withdrawn', name='proposal_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('proposed_by_id', sa.Integer(), nullable=False),
    sa.Column('proposed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=False),
    sa.Column('nomination_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("person_id IS NOT NULL OR (new_given_name <> '' AND new_family_name <> '')", name=op.f('ck_nomination_proposals_names_a_person')),
    sa.ForeignKeyConstraint(['body_id'], ['bodies.id'], name=op.f('fk_nomination_proposals_body_id_bodies')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['accounts.id'], name=op.f('fk_nomination_proposals_decided_by_id_accounts')),
    sa.ForeignKeyConstraint(['nomination_id'], ['nominations.id'], name=op.f('fk_nomination_proposals_nomination_id_nominations')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_nomination_proposals_person_id_people')),
    sa.ForeignKeyConstraint(['proposed_by_id'], ['accounts.id'], name=op.f('fk_nomination_proposals_proposed_by_id_accounts')),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_nomination_proposals_region_id_regions')),
    sa.ForeignKeyConstraint(['seat_id', 'body_id'], ['seats.id', 'seats.body_id'], name='fk_nomination_proposals_seat_id_body_seats'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_nomination_proposals'))
    )
    with op.batch_alter_table('nomination_proposals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_nomination_proposals_region_id'), ['region_id'], unique=False)
        batch_op.create_index('ix_nomination_proposals_status', ['status', 'proposed_at'], unique=False)

    _protect_audit_log()


def _protect_audit_log() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$"
        )
        op.execute(
            "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
            "FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only()"
        )
        return
    for event in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER audit_log_append_only_{event.lower()} BEFORE {event} ON audit_log "
            "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
        )


def _unprotect_audit_log() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_is_append_only()")
        return
    for event in ("update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS audit_log_append_only_{event}")


def downgrade() -> None:
    _unprotect_audit_log()
    with op.batch_alter_table('nomination_proposals', schema=None) as batch_op:
        batch_op.drop_index('ix_nomination_proposals_status')
        batch_op.drop_index(batch_op.f('ix_nomination_proposals_region_id'))

    op.drop_table('nomination_proposals')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_person_id'))
        batch_op.drop_index('ix_audit_log_object')
        batch_op.drop_index('ix_audit_log_at')
        batch_op.drop_index('ix_audit_log_actor')
        batch_op.drop_index(batch_op.f('ix_audit_log_action'))

    op.drop_table('audit_log')
    with op.batch_alter_table('account_tokens', schema=None) as batch_op:
        batch_op.drop_index('ix_account_tokens_account_purpose')

    op.drop_table('account_tokens')
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_accounts_contact_region_id'))

    op.drop_table('accounts')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_due')

    op.drop_table('outbox')
