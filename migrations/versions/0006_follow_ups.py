"""follow-ups and reminders: a note's method, outcome, time and next contact; reminders
that the clock's sweep turns into in-app notifications; a user's calendar feed token

Revision ID: 0006
Revises: 0005d
Create Date: 2026-12-02 01:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005d'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('calendar_token_hash', sa.String(length=64),
                                      nullable=True))
        batch_op.create_unique_constraint('uq_user_calendar_token_hash',
                                          ['calendar_token_hash'])

    with op.batch_alter_table('note', schema=None) as batch_op:
        batch_op.add_column(sa.Column('method', sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column('outcome', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('happened_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('next_contact_at', sa.DateTime(),
                                      nullable=True))

    op.create_table(
        'reminder',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('record_id', sa.Integer(), nullable=False),
        sa.Column('note_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('due_at', sa.DateTime(), nullable=False),
        sa.Column('claimed_at', sa.DateTime(), nullable=True),
        sa.Column('claimed_by', sa.String(length=40), nullable=True),
        sa.Column('handled_at', sa.DateTime(), nullable=True),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('done_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['note_id'], ['note.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['record_id'], ['record.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('reminder', schema=None) as batch_op:
        batch_op.create_index('ix_reminder_due_at', ['due_at'], unique=False)
        batch_op.create_index('ix_reminder_user_id', ['user_id'], unique=False)
        batch_op.create_index('ix_reminder_record_id', ['record_id'], unique=False)
        batch_op.create_index('ix_reminder_note_id', ['note_id'], unique=False)
        batch_op.create_index('ix_reminder_pending', ['due_at'], unique=False,
                              sqlite_where=sa.text('handled_at IS NULL'),
                              postgresql_where=sa.text('handled_at IS NULL'))
        batch_op.create_index('ix_reminder_open', ['user_id', 'due_at'], unique=False,
                              sqlite_where=sa.text('done_at IS NULL'),
                              postgresql_where=sa.text('done_at IS NULL'))

    op.create_table(
        'notification',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('record_id', sa.Integer(), nullable=True),
        sa.Column('params', sa.JSON(), nullable=True),
        sa.Column('source', sa.String(length=60), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('read_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['record_id'], ['record.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.create_index('ix_notification_record_id', ['record_id'], unique=False)
        batch_op.create_index('ix_notification_user_source', ['user_id', 'source'], unique=True)
        batch_op.create_index('ix_notification_user_id', ['user_id', 'id'], unique=False)
        batch_op.create_index('ix_notification_unread', ['user_id'], unique=False,
                              sqlite_where=sa.text('read_at IS NULL'),
                              postgresql_where=sa.text('read_at IS NULL'))


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_constraint('uq_user_calendar_token_hash', type_='unique')
        batch_op.drop_column('calendar_token_hash')
    op.drop_table('notification')
    op.drop_table('reminder')
    with op.batch_alter_table('note', schema=None) as batch_op:
        batch_op.drop_column('next_contact_at')
        batch_op.drop_column('happened_at')
        batch_op.drop_column('outcome')
        batch_op.drop_column('method')
