"""team.name_key: team names compare case-insensitively in every script, on both databases

A unique index on the name NFKC-normalised and casefolded (SQLite's lower() folds ASCII
only, so "Ärzte" and "ärzte" or "ＮＯＲＴＨ" and "north" were two teams). The key is filled
for existing teams; teams whose names fold to the same key stop the upgrade with a message
naming them, so an admin renames one and runs it again.

Revision ID: 0005c
Revises: 0004
Create Date: 2026-12-02 01:10:00

"""
import unicodedata

from alembic import op
import sqlalchemy as sa


revision = '0005c'
down_revision = '0004'
branch_labels = None
depends_on = None


def _key(name):
    # The same rule as crm.models.user.team_key, frozen here as of this revision.
    return " ".join(unicodedata.normalize("NFKC", name or "").casefold().split())


def upgrade():
    conn = op.get_bind()
    team = sa.table('team', sa.column('id', sa.Integer), sa.column('name', sa.String),
                    sa.column('name_key', sa.Text))
    rows = conn.execute(sa.select(team.c.id, team.c.name).order_by(team.c.id)).all()
    # Checked before anything changes, so a refused upgrade leaves the database as it was.
    first = {}
    clashes = []
    for team_id, name in rows:
        key = _key(name)
        if key in first:
            clashes.append(f"“{first[key][1]}” (id {first[key][0]}) and “{name}” (id {team_id})")
        first.setdefault(key, (team_id, name))
    if clashes:
        raise RuntimeError(
            "Teams whose names differ only in case or character width, which the CRM now "
            "treats as one name: " + "; ".join(clashes) + ". Rename one team of each pair "
            "(Admin → Teams, or in the database) and run the upgrade again.")
    with op.batch_alter_table('team', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_key', sa.Text(), nullable=True))
    for team_id, name in rows:
        conn.execute(team.update().where(team.c.id == team_id).values(name_key=_key(name)))
    with op.batch_alter_table('team', schema=None) as batch_op:
        batch_op.alter_column('name_key', existing_type=sa.Text(), nullable=False)
        batch_op.create_index('ix_team_name_key', ['name_key'], unique=True)


def downgrade():
    with op.batch_alter_table('team', schema=None) as batch_op:
        batch_op.drop_index('ix_team_name_key')
        batch_op.drop_column('name_key')
