"""duplicate keys: pinyin keys of company names, all keys recomputed by the new normaliser

Companies get `sound_key` and `loose_sound_key` (the pinyin of `name_key` and `loose_key`,
so 星晖/星辉 and 字节跳动/"Zijie Tiaodong" meet in one indexed equality lookup). The keys of
every company and the email key of every person are recomputed in batches, because the
normaliser now folds traditional characters, numerals, zones, word order and email variants.
A phone number may carry an extension ("+862161234567;ext=36"): phone.e164 widens to 30
(the main-phone columns of companies and people keep the number without it).

Revision ID: 0005d
Revises: 0005c
Create Date: 2026-12-02 01:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0005d'
down_revision = '0005c'
branch_labels = None
depends_on = None


def upgrade():
    from crm.services.dedupe_keys import rekey_all

    with op.batch_alter_table('company', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sound_key', sa.String(length=200), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('loose_sound_key', sa.String(length=200), nullable=False,
                                      server_default=''))
        batch_op.create_index(batch_op.f('ix_company_sound_key'), ['sound_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_company_loose_sound_key'), ['loose_sound_key'],
                              unique=False)
    conn = op.get_bind()
    with op.batch_alter_table('phone', schema=None) as batch_op:
        batch_op.alter_column('e164', type_=sa.String(length=30),
                              existing_type=sa.String(length=20))
    rekey_all(conn)


def downgrade():
    with op.batch_alter_table('phone', schema=None) as batch_op:
        batch_op.alter_column('e164', type_=sa.String(length=20),
                              existing_type=sa.String(length=30))
    with op.batch_alter_table('company', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_company_loose_sound_key'))
        batch_op.drop_index(batch_op.f('ix_company_sound_key'))
        batch_op.drop_column('loose_sound_key')
        batch_op.drop_column('sound_key')
