"""visit check-in: where a follow-up was logged (latitude, longitude, accuracy in metres)
and whether it was a check-in (with the reason when the browser gave no location)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 02:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('note', schema=None) as batch_op:
        batch_op.add_column(sa.Column('check_in', sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column('latitude', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('longitude', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('location_accuracy', sa.Float(), nullable=True))
        batch_op.create_index('ix_note_check_in', ['created_by', 'happened_at'], unique=False,
                              sqlite_where=sa.text('check_in IS NOT NULL'),
                              postgresql_where=sa.text('check_in IS NOT NULL'))


def downgrade():
    with op.batch_alter_table('note', schema=None) as batch_op:
        batch_op.drop_index('ix_note_check_in')
        batch_op.drop_column('location_accuracy')
        batch_op.drop_column('longitude')
        batch_op.drop_column('latitude')
        batch_op.drop_column('check_in')
