"""record layer: a record supertable, children linked to it, custom fields

Every business row (company, contact) gets a `record` row and carries its id in
`record_id`; phones, notes and tags move from pairs of nullable company_id/contact_id
columns (and two tag tables) to one `record_id` with a real foreign key. Companies keep
their ids as record ids; people get theirs after the highest company id, so no existing
URL changes. Custom field values go into a `custom` JSON column; their definitions into
`field_definition`. Saved views are keyed by record type ("company") instead of the list
URL ("companies").

Phones and notes that belonged to neither a company nor a person cannot exist (both
columns cascade); any such orphan is dropped rather than given a record it never had.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 22:00:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

BUSINESS = ("company", "contact")
LINKED = ("phone", "note")


def _json():
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade():
    op.create_table(
        "record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=30), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    _create_field_definition()
    for table in BUSINESS:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("record_id", sa.Integer(), nullable=True))
            batch.add_column(sa.Column("custom", _json(), nullable=True))
    _fill_records()
    for table in BUSINESS:
        _require_record(table)
    for table in LINKED:
        _link_children(table)
    _move_tags()
    op.execute("UPDATE saved_view SET area = 'company' WHERE area = 'companies'")
    op.execute("UPDATE saved_view SET area = 'contact' WHERE area = 'contacts'")


def _create_field_definition():
    op.create_table(
        "field_definition",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_type", sa.String(length=30), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("label_en", sa.String(length=60), nullable=False),
        sa.Column("label_zh", sa.String(length=60), nullable=False),
        sa.Column("choices", sa.JSON(), nullable=True),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column("filterable", sa.Boolean(), nullable=False),
        sa.Column("list_column", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("archived_at", sa.DateTime(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["created_by"], ["user.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("field_definition") as batch:
        batch.create_index("ix_field_definition_type_key", ["record_type", "key"], unique=True)
        batch.create_index("ix_field_definition_type_position", ["record_type", "position"])


def _fill_records():
    """Companies keep their ids as record ids; people follow the highest company id."""
    bind = op.get_bind()
    offset = bind.execute(sa.text("SELECT COALESCE(MAX(id), 0) FROM company")).scalar()
    op.execute("INSERT INTO record (id, type, created_at) "
               "SELECT id, 'company', created_at FROM company")
    bind.execute(sa.text("INSERT INTO record (id, type, created_at) "
                         "SELECT id + :offset, 'contact', created_at FROM contact"),
                 {"offset": offset})
    op.execute("UPDATE company SET record_id = id")
    bind.execute(sa.text("UPDATE contact SET record_id = id + :offset"), {"offset": offset})
    if bind.dialect.name == "postgresql":
        op.execute("SELECT setval(pg_get_serial_sequence('record', 'id'), "
                   "COALESCE((SELECT MAX(id) FROM record), 0) + 1, false)")


def _require_record(table: str):
    """record_id NOT NULL, unique and a foreign key (SQLite rebuilds the table for that,
    which drops its full-text triggers: they are made again)."""
    with op.batch_alter_table(table) as batch:
        batch.alter_column("record_id", existing_type=sa.Integer(), nullable=False)
        batch.create_foreign_key(f"fk_{table}_record_id", "record", ["record_id"], ["id"],
                                 ondelete="CASCADE")
        batch.create_index(f"ix_{table}_record_id", ["record_id"], unique=True)
    if op.get_bind().dialect.name == "sqlite":
        for statement in _sqlite_fts_triggers(table):
            op.execute(statement)


def _link_children(table: str):
    """company_id/contact_id -> record_id on phones and notes."""
    with op.batch_alter_table(table) as batch:
        batch.add_column(sa.Column("record_id", sa.Integer(), nullable=True))
    for owner in BUSINESS:
        op.execute(f"UPDATE {table} SET record_id = (SELECT record_id FROM {owner} "
                   f"WHERE {owner}.id = {table}.{owner}_id) WHERE {owner}_id IS NOT NULL")
    op.execute(f"DELETE FROM {table} WHERE record_id IS NULL")
    with op.batch_alter_table(table) as batch:
        for owner in BUSINESS:
            if table == "note":
                batch.drop_index(f"ix_note_{owner}_created")
            batch.drop_index(f"ix_{table}_{owner}_id")
            batch.drop_column(f"{owner}_id")
        batch.alter_column("record_id", existing_type=sa.Integer(), nullable=False)
        batch.create_foreign_key(f"fk_{table}_record_id", "record", ["record_id"], ["id"],
                                 ondelete="CASCADE")
        if table == "note":
            batch.create_index("ix_note_record_created", ["record_id", "created_at"])
        else:
            batch.create_index("ix_phone_record_id", ["record_id"])


def _move_tags():
    op.create_table(
        "record_tag",
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("tag_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["record_id"], ["record.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["tag_id"], ["tag.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("record_id", "tag_id"),
    )
    with op.batch_alter_table("record_tag") as batch:
        batch.create_index("ix_record_tag_tag_id", ["tag_id"])
    for owner in BUSINESS:
        op.execute(f"INSERT INTO record_tag (record_id, tag_id) "
                   f"SELECT o.record_id, t.tag_id FROM {owner}_tag t "
                   f"JOIN {owner} o ON o.id = t.{owner}_id")
        op.drop_index(f"ix_{owner}_tag_tag_id", table_name=f"{owner}_tag")
        op.drop_table(f"{owner}_tag")


def _sqlite_fts_triggers(table: str) -> list[str]:
    """The triggers of migration 0002 that keep <table>_fts in step with <table>."""
    fts = f"{table}_fts"
    return [
        f"DROP TRIGGER IF EXISTS {table}_fts_ai",
        f"DROP TRIGGER IF EXISTS {table}_fts_ad",
        f"DROP TRIGGER IF EXISTS {table}_fts_au",
        f"CREATE TRIGGER {table}_fts_ai AFTER INSERT ON {table} BEGIN "
        f"INSERT INTO {fts}(rowid, search_text) VALUES (new.id, new.search_text); END",
        f"CREATE TRIGGER {table}_fts_ad AFTER DELETE ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, search_text) "
        f"VALUES ('delete', old.id, old.search_text); END",
        f"CREATE TRIGGER {table}_fts_au AFTER UPDATE OF search_text ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, search_text) "
        f"VALUES ('delete', old.id, old.search_text); "
        f"INSERT INTO {fts}(rowid, search_text) VALUES (new.id, new.search_text); END",
    ]


def downgrade():
    raise NotImplementedError("0004 moves data into the record layer; restore a backup "
                              "taken before the upgrade to go back")
