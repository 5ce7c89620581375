"""tasks: a record type (a `record` row per task, like company and contact since 0004)
with a title, due time, priority, status, done time and links to a company and/or a
person; indexes for the assignee's and team's lists, due first, and open tasks by due time

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 01:54:07

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('task',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('due_at', sa.DateTime(), nullable=False),
    sa.Column('priority', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('done_at', sa.DateTime(), nullable=True),
    sa.Column('company_id', sa.Integer(), nullable=True),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.Column('custom', sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True, astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['company_id'], ['company.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by'], ['user.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['owner_id'], ['user.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['record_id'], ['record.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_task_company_id'), ['company_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_task_contact_id'), ['contact_id'], unique=False)
        batch_op.create_index('ix_task_created_at', ['created_at'], unique=False)
        batch_op.create_index('ix_task_owner_due_at', ['owner_id', 'due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_task_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index('ix_task_owner_id_id', ['owner_id', 'id'], unique=False)
        batch_op.create_index('ix_task_owner_status_due', ['owner_id', 'status', 'due_at'], unique=False)
        batch_op.create_index('ix_task_owner_updated_at', ['owner_id', 'updated_at'], unique=False)
        batch_op.create_index('ix_task_record_id', ['record_id'], unique=True)
        batch_op.create_index('ix_task_status_due_at', ['status', 'due_at'], unique=False)
        batch_op.create_index('ix_task_team_due_at', ['team_id', 'due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_task_team_id'), ['team_id'], unique=False)
        batch_op.create_index('ix_task_team_id_id', ['team_id', 'id'], unique=False)
        batch_op.create_index('ix_task_team_updated_at', ['team_id', 'updated_at'], unique=False)
        batch_op.create_index('ix_task_trash', ['deleted_at'], unique=False, sqlite_where=sa.text('deleted_at IS NOT NULL'), postgresql_where=sa.text('deleted_at IS NOT NULL'))
        batch_op.create_index('ix_task_updated_at', ['updated_at'], unique=False)



def downgrade():
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.drop_index('ix_task_updated_at')
        batch_op.drop_index('ix_task_trash', sqlite_where=sa.text('deleted_at IS NOT NULL'), postgresql_where=sa.text('deleted_at IS NOT NULL'))
        batch_op.drop_index('ix_task_team_updated_at')
        batch_op.drop_index('ix_task_team_id_id')
        batch_op.drop_index(batch_op.f('ix_task_team_id'))
        batch_op.drop_index('ix_task_team_due_at')
        batch_op.drop_index('ix_task_status_due_at')
        batch_op.drop_index('ix_task_record_id')
        batch_op.drop_index('ix_task_owner_updated_at')
        batch_op.drop_index('ix_task_owner_status_due')
        batch_op.drop_index('ix_task_owner_id_id')
        batch_op.drop_index(batch_op.f('ix_task_owner_id'))
        batch_op.drop_index('ix_task_owner_due_at')
        batch_op.drop_index('ix_task_created_at')
        batch_op.drop_index(batch_op.f('ix_task_contact_id'))
        batch_op.drop_index(batch_op.f('ix_task_company_id'))

    op.drop_table('task')
