"""Shared pieces of the bulk loaders: scales, the load context, batched inserts, users."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy import Connection, Table, func, select

from crm.bench_data.fake import Fake
from crm.database import utcnow
from crm.extensions import db

BENCH_PASSWORD = "bench-pass-2026"
BENCH_DOMAIN = "bench.qiao"
MARKER_KEY = "bench.scale"
BATCH = 5000
NEAR_DUPLICATE_SHARE = 0.02


@dataclass(frozen=True)
class Scale:
    teams: int
    users: int
    companies: int
    people: int


SCALES: dict[str, Scale] = {
    "tiny": Scale(teams=2, users=8, companies=200, people=600),
    "small": Scale(teams=4, users=20, companies=5_000, people=15_000),
    "medium": Scale(teams=20, users=200, companies=100_000, people=300_000),
    "large": Scale(teams=50, users=1_000, companies=1_000_000, people=3_000_000),
}


@dataclass
class LoadContext:
    conn: Connection
    scale: Scale
    fake: Fake
    teams: list[int] = field(default_factory=list)
    # user id -> team id, for the users who own customers (reps and managers)
    owners: list[tuple[int, int]] = field(default_factory=list)
    echo: Callable[[str], None] = print
    seed: int = 2026
    custom_values: bool = False  # fill the benchmark's custom company fields


def table(name: str) -> Table | None:
    """The mapped table called `name`, or None when that area does not exist yet."""
    return db.metadata.tables.get(name)


def next_id(conn: Connection, tbl: Table) -> int:
    return (conn.scalar(select(func.max(tbl.c.id))) or 0) + 1


def insert_batches(conn: Connection, tbl: Table, rows: Iterable[dict]) -> int:
    """executemany in batches of BATCH; returns the number of rows written."""
    batch: list[dict] = []
    total = 0
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            conn.execute(tbl.insert(), batch)
            total += len(batch)
            batch = []
    if batch:
        conn.execute(tbl.insert(), batch)
        total += len(batch)
    return total


def stamps(fraction: float, rng: random.Random) -> dict:
    """created/updated times spread over the last three years; `fraction` 1.0 is newest."""
    from datetime import timedelta

    created = utcnow() - timedelta(days=3 * 365 * (1 - fraction) + rng.random())
    updated = created + timedelta(days=rng.random() * 30 * (1 - fraction))
    return {"created_at": created, "updated_at": updated, "version": 1}


def load_users(ctx: LoadContext) -> str:
    """Teams, one admin, and per team one manager, one service agent and reps."""
    from crm.models import Team, User
    from crm.models.user import team_key
    from crm.services.auth import hash_password

    conn, fake, scale = ctx.conn, ctx.fake, ctx.scale
    team_t, user_t = Team.__table__, User.__table__
    first_team = next_id(conn, team_t)
    names = [f"Bench {i + 1:02d} {fake.town(*fake.place())}销售部" for i in range(scale.teams)]
    teams = [{"id": first_team + i, "name": name, "name_key": team_key(name),
              **stamps(0.0, fake.rng)} for i, name in enumerate(names)]
    insert_batches(conn, team_t, teams)
    ctx.teams = [t["id"] for t in teams]
    password_hash = hash_password(BENCH_PASSWORD)  # once: argon2 is slow by design
    uid = next_id(conn, user_t)
    rows = [_user_row(uid, "admin", 0, None, fake, password_hash)]
    for n in range(1, scale.users):
        team_index = (n - 1) % scale.teams
        slot = (n - 1) // scale.teams
        role = "manager" if slot == 0 else "service" if slot == 1 else "rep"
        rows.append(_user_row(uid + n, role, n, ctx.teams[team_index], fake, password_hash))
    insert_batches(conn, user_t, rows)
    ctx.owners = [(r["id"], r["team_id"]) for r in rows if r["role"] in ("rep", "manager")]
    fake.rng.shuffle(ctx.owners)  # who gets the most customers is left to chance
    return f"{len(teams)} teams, {len(rows)} users"


def _user_row(uid: int, role: str, n: int, team_id: int | None, fake: Fake, pw: str) -> dict:
    name, _handle = fake.person()
    return {"id": uid, "email": f"bench.{role}.{n:04d}@{BENCH_DOMAIN}", "name": name,
            "password_hash": pw, "role": role, "team_id": team_id, "is_active": True,
            "language": fake.rng.choice(("zh_CN", "zh_CN", "en")), "font_size": "normal",
            **stamps(0.0, fake.rng)}


def pick_owner(ctx: LoadContext) -> tuple[int, int]:
    """A skewed owner choice: a few reps hold many more customers than others (as in life)."""
    owners = ctx.owners
    return owners[min(len(owners) - 1, int(len(owners) * ctx.fake.rng.random() ** 1.6))]
