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


def _postgres_only(app) -> None:
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("round trips over the network: a PostgreSQL matter (SQLite is in-process)")


def test_a_page_reads_without_begin_and_rollback_on_postgresql(app, client, login_as):
    """GET statements run on an autocommit connection (no BEGIN, no ROLLBACK round trip);
    a POST still runs in one transaction."""
    from sqlalchemy import event

    _postgres_only(app)
    login_as("rep")
    seen: list[tuple[str, bool]] = []

    def record(conn, _cursor, statement, *_args):
        seen.append((statement.split()[0].upper(), conn.connection.dbapi_connection.autocommit))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        assert client.get("/companies").status_code == 200
        reads = list(seen)
        seen.clear()
        assert client.post("/companies", data={"name": "Acme"}).status_code == 302
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert reads and all(autocommit for _kind, autocommit in reads), reads
    assert any(kind == "INSERT" for kind, _auto in seen)
    assert not any(autocommit for _kind, autocommit in seen), seen


def test_an_idle_connection_cut_by_the_server_is_replaced(app, client, login_as,
                                                          monkeypatch):
    """A pooled connection that sat idle is pinged before use; when the server cut it (a
    restart), the pool opens a new one and the page still answers."""
    from crm import database

    _postgres_only(app)
    login_as("rep")
    assert client.get("/companies").status_code == 200  # a connection now sits in the pool
    with app.app_context():
        server = db.engine.connect()
        server.execute(text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
        server.commit()
        server.close()
        db.session.remove()
    monkeypatch.setattr(database, "IDLE_PING_SECONDS", 0)  # as if it had idled for long
    assert client.get("/companies").status_code == 200
