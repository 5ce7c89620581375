"""note.client_key: a key the browser sends with a note, so a retried send saves it once

A note written offline is sent again when the phone is back online; if the first send
reached the server but its answer was lost, the retry must not add the note twice.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 10:50:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('note', schema=None) as batch_op:
        batch_op.add_column(sa.Column('client_key', sa.String(length=36), nullable=True))
        batch_op.create_index('ix_note_client_key', ['client_key'], unique=True)


def downgrade():
    with op.batch_alter_table('note', schema=None) as batch_op:
        batch_op.drop_index('ix_note_client_key')
        batch_op.drop_column('client_key')
