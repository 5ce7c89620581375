"""Database rules that hold on every connection (crm/database.py, migrations/env.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from crm.extensions import db


def test_a_delete_after_another_connection_changed_the_schema(app, make_user):
    """SQLite 3.40 answered "no such table: company" to the first DELETE on a connection
    opened before another connection created or dropped a table (as an admin adding a
    filterable custom field does with its index). Write transactions read the schema first."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("a SQLite schema-cache problem; PostgreSQL has no such cache")
    make_user("rep")
    with app.app_context():
        engine = db.engine
        first, second = engine.connect(), engine.connect()  # both open before the change
        with second.begin():
            second.execute(text("CREATE TABLE schema_probe (id integer)"))
            second.execute(text("DROP TABLE schema_probe"))
        second.close()
        with first.begin():
            first.execute(text('DELETE FROM "company" WHERE id = 0'))
            first.execute(text('DELETE FROM "record" WHERE id = 0'))
        first.close()


def test_migrations_leave_no_pooled_connection_without_foreign_keys(app):
    """The migrations run with foreign keys off (SQLite's recipe for rebuilding tables);
    their connection is closed afterwards, so every connection the app gets checks them."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("PostgreSQL always enforces foreign keys")
    with app.app_context():
        connections = [db.engine.connect() for _ in range(3)]
        try:
            for conn in connections:
                raw = conn.connection.dbapi_connection  # no transaction around the pragma
                assert raw.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        finally:
            for conn in connections:
                conn.close()
