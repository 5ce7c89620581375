"""`crm bench-data`: realistic benchmark data, written with bulk Core inserts.

Rows are built as plain dicts and sent with `conn.execute(table.insert(), batch)` in batches of
`BATCH` inside one transaction per area, never through the ORM one object at a time. Names,
phones and addresses mix Chinese and English the way real customer lists do, with about 2% of
near-duplicates. The scale is recorded in `system_state` (key `bench.scale`) so the benchmark
knows whether the data in a database is the one it asked for.

EXTENSION POINT: each area registers a loader in `AREAS`; a loader returns "" (and writes
nothing) when its tables do not exist yet.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import Connection, func, inspect, select, text

from crm.bench_data.custom import load_custom_fields
from crm.bench_data.customers import load_customers
from crm.bench_data.fake import BRAND_CHARS, Fake
from crm.bench_data.loading import (
    BENCH_DOMAIN,
    BENCH_PASSWORD,
    MARKER_KEY,
    SCALES,
    LoadContext,
    Scale,
    load_users,
)
from crm.database import utcnow
from crm.extensions import db

# Each area appends a loader; a loader returns a summary or "" when its tables do not exist.
AREAS: list[Callable[[LoadContext], str]] = [load_users, load_customers, load_custom_fields]

__all__ = ["BENCH_DOMAIN", "BENCH_PASSWORD", "BRAND_CHARS", "MARKER_KEY", "SCALES", "Fake",
           "add_customers", "bench_data_command", "generate", "recorded_scale"]


class BenchDataError(click.ClickException):
    """The database cannot take benchmark data as asked (it holds data and no --reset)."""



def has_business_data(conn: Connection) -> bool:
    from crm.models import User

    return bool(conn.scalar(select(func.count()).select_from(User.__table__)))


def wipe(conn: Connection) -> None:
    """Delete every row of every table the app knows (not the migration version)."""
    tables = [t for t in reversed(db.metadata.sorted_tables)
              if inspect(conn).has_table(t.name)]
    if conn.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in tables)
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for tbl in tables:
            conn.execute(tbl.delete())


def fix_sequences(conn: Connection) -> None:
    """Move PostgreSQL id sequences past the ids chosen here (no-op on SQLite)."""
    if conn.dialect.name != "postgresql":
        return
    for tbl in db.metadata.sorted_tables:
        if "id" in tbl.c and tbl.c.id.primary_key and tbl.c.id.type.python_type is int:
            conn.execute(text(
                f"SELECT setval(pg_get_serial_sequence('\"{tbl.name}\"', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM \"{tbl.name}\"), 0) + 1, false)"))


def finish(conn: Connection, scale_name: str) -> None:
    """Fix the sequences and record the scale."""
    from crm.models import SystemState

    fix_sequences(conn)
    state = SystemState.__table__
    conn.execute(state.delete().where(state.c.key == MARKER_KEY))
    conn.execute(state.insert(), [{"key": MARKER_KEY, "value": scale_name, "at": utcnow()}])


def add_customers(conn: Connection, owners: list[tuple[int, int | None]], companies: int,
                  people: int, seed: int = 1) -> str:
    """Add customers owned by `owners` [(user id, team id)] (used by tests to grow data)."""
    ctx = LoadContext(conn=conn, scale=Scale(teams=0, users=0, companies=companies,
                                             people=people),
                      fake=Fake(seed), owners=list(owners), echo=lambda _line: None,
                      seed=seed)
    summary = load_customers(ctx)
    fix_sequences(conn)
    return summary


def recorded_scale() -> str | None:
    """The scale `crm bench-data` last wrote into this database, if any."""
    from crm.models import SystemState

    try:
        return db.session.scalar(select(SystemState.value).where(SystemState.key == MARKER_KEY))
    except Exception:  # noqa: BLE001 - no tables yet
        db.session.rollback()
        return None


def generate(scale_name: str, *, reset: bool = False, seed: int = 2026,
             echo: Callable[[str], None] = print) -> list[str]:
    """Fill the database with `scale_name` data; returns one summary line per area."""
    scale = SCALES[scale_name]
    summaries = []
    with db.engine.connect() as conn:
        if conn.dialect.name == "sqlite":  # safe for a throw-away load; restored below
            conn.connection.driver_connection.execute("PRAGMA synchronous=OFF")
        with conn.begin():
            if has_business_data(conn):
                if not reset:
                    raise BenchDataError("The database already holds data; use --reset to "
                                         "replace ALL of it with benchmark data.")
                wipe(conn)
        ctx = LoadContext(conn=conn, scale=scale, fake=Fake(seed), echo=echo, seed=seed,
                          custom_values=True)
        for loader in AREAS:
            started = time.perf_counter()
            with conn.begin():
                summary = loader(ctx)
            if summary:
                summaries.append(summary)
                echo(f"  {summary} ({time.perf_counter() - started:.1f} s)")
        with conn.begin():
            finish(conn, scale_name)
        with conn.begin():
            conn.exec_driver_sql("ANALYZE")
        if conn.dialect.name == "sqlite":
            conn.connection.driver_connection.execute("PRAGMA synchronous=NORMAL")
    return summaries


@click.command("bench-data")
@click.option("--scale", type=click.Choice(list(SCALES)), default="small", show_default=True)
@click.option("--reset", is_flag=True, help="delete ALL existing rows first")
@click.option("--seed", default=2026, show_default=True, type=int)
@with_appcontext
def bench_data_command(scale: str, reset: bool, seed: int) -> None:
    """Generate realistic benchmark data (bulk inserts) for every area that exists."""
    from crm.cli import upgrade_database

    upgrade_database()
    db.session.remove()
    started = time.perf_counter()
    click.echo(f"Generating {scale} benchmark data in "
               f"{current_app.config['SQLALCHEMY_DATABASE_URI'].split('@')[-1]} …")
    generate(scale, reset=reset, seed=seed, echo=click.echo)
    click.echo(f"Done in {time.perf_counter() - started:.1f} s. Users sign in with "
               f"{BENCH_PASSWORD!r} (e.g. bench.rep.0005@{BENCH_DOMAIN}).")
