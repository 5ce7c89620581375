"""Database engine rules: SQLite pragmas and BEGIN IMMEDIATE for writes; types shared by models.

SQLite with a plain BEGIN loses or refuses concurrent read-modify-write transactions
(see docs/reliability.md). We take over BEGIN from the driver and open every transaction
that may write with BEGIN IMMEDIATE; safe HTTP methods read with a deferred transaction so
readers never queue behind writers.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from flask import has_request_context, request
from sqlalchemy import DateTime, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import scoped_session
from sqlalchemy.types import TypeDecorator

READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def utcnow() -> datetime:
    """Aware UTC now; the only clock models and services use."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Stores naive UTC, returns aware UTC, refuses naive input (a naive time is a bug)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def _wants_write() -> bool:
    return not (has_request_context() and request.method in READ_ONLY_METHODS)


def commit_keeping_loaded(session) -> None:
    """Commit without expiring what the session holds.

    For a response rendered right after a save from the objects this request just wrote:
    their values in memory are the committed ones, so reloading them (one SELECT per object,
    plus the user for the scope check) would only cost round trips.
    """
    if isinstance(session, scoped_session):  # the setting lives on the Session, not the proxy
        session = session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True


def configure_sqlite(engine: Engine) -> None:
    """Install the pragmas and the BEGIN rule on a SQLite engine (no-op for other engines)."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=10000")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        if not _wants_write():
            conn.exec_driver_sql("BEGIN")
            return
        conn.exec_driver_sql("BEGIN IMMEDIATE")
        # SQLite 3.40: after another connection changed the schema (a custom field's index,
        # a migration), the first DELETE on a table with foreign-key children or full-text
        # triggers failed once with "no such table". Reading the schema table first makes
        # the connection load the new schema; it costs a few microseconds.
        conn.connection.dbapi_connection.execute(
            "SELECT count(*) FROM sqlite_master").fetchone()


# A pooled PostgreSQL connection idle this long is pinged before use (it may have been cut,
# e.g. by a server restart); one in steady use is not: a ping is a network round trip.
IDLE_PING_SECONDS = 30


def configure_postgres(engine: Engine) -> None:
    """Ping only connections that sat idle (instead of SQLAlchemy's ping at every checkout);
    no-op for other engines."""
    if engine.dialect.name != "postgresql":
        return

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_conn, record, _proxy):
        from sqlalchemy.exc import DisconnectionError

        now = time.monotonic()
        idle = now - record.info.get("used_at", 0.0)
        record.info["used_at"] = now
        if idle < IDLE_PING_SECONDS:
            return
        try:
            dbapi_conn.execute("SELECT 1")
            dbapi_conn.rollback()  # the ping must not leave a transaction open
        except Exception as exc:  # the pool replaces the connection and tries again
            raise DisconnectionError() from exc


def read_without_transaction() -> None:
    """before_request on PostgreSQL: a GET reads on an autocommit connection, so it pays no
    BEGIN and no ROLLBACK round trip. Under READ COMMITTED every statement sees its own
    snapshot anyway, so a read-only request sees the same data as in a transaction."""
    from crm.extensions import db

    if request.method in READ_ONLY_METHODS and request.endpoint != "static":
        db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


def database_kind(engine: Engine) -> str:
    """'sqlite' or 'postgresql'."""
    return engine.dialect.name
