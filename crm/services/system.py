"""Facts for the System page and the readiness check: database, Redis, queues, worker, clock."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime

from redis.exceptions import RedisError
from rq import Queue, Worker
from rq.registry import FailedJobRegistry
from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError

from crm.extensions import db
from crm.jobs import QUEUES
from crm.models import SystemState, User
from crm.redis_conn import get_redis
from crm.services import auth


def database_ok() -> bool:
    try:
        db.session.execute(text("SELECT 1"))
        db.session.rollback()  # end the transaction: do not hold a lock
        return True
    except SQLAlchemyError:
        db.session.rollback()
        return False


def redis_ok() -> bool:
    try:
        return bool(get_redis(timeout=1.5).ping())
    except (RedisError, OSError):
        return False


def database_size() -> int | None:
    engine = db.engine
    if engine.dialect.name == "sqlite":
        path = engine.url.database or ""
        return sum(os.path.getsize(p) for p in (path, path + "-wal") if os.path.exists(p))
    return db.session.scalar(text("SELECT pg_database_size(current_database())"))


@dataclass
class FailedJob:
    id: str
    queue: str
    func: str
    error: str
    trace: str
    ended_at: datetime | None


@dataclass
class RedisFacts:
    reachable: bool
    queues: dict[str, int] = field(default_factory=dict)
    workers: list[dict] = field(default_factory=list)
    failed: list[FailedJob] = field(default_factory=list)


def _failed_jobs(q: Queue, limit: int = 20) -> list[FailedJob]:
    registry = FailedJobRegistry(queue=q)
    jobs = []
    for job in q.job_class.fetch_many(registry.get_job_ids(0, limit - 1), connection=q.connection):
        if job is None:
            continue
        result = job.latest_result()
        trace = ((result.exc_string if result else None) or "").strip()
        lines = trace.splitlines()
        jobs.append(FailedJob(job.id, q.name, job.func_name, lines[-1] if lines else "",
                              trace, job.ended_at))
    return jobs


def redis_facts() -> RedisFacts:
    try:
        conn = get_redis(timeout=1.5)
        conn.ping()
        facts = RedisFacts(reachable=True)
        for name in QUEUES:
            q = Queue(name, connection=conn)
            facts.queues[name] = q.count
            facts.failed.extend(_failed_jobs(q))
        for worker in Worker.all(connection=conn):
            facts.workers.append({"name": worker.name, "state": worker.get_state(),
                                  "heartbeat": worker.last_heartbeat})
        return facts
    except (RedisError, OSError):
        return RedisFacts(reachable=False)


def state(key: str) -> SystemState | None:
    return db.session.get(SystemState, key)


def ensure_admin(email: str, password: str | None) -> tuple[User, str | None] | None:
    """Create the first admin when there are no users. Returns the user and the password
    to print once when one was generated; None when users already exist."""
    if db.session.scalar(select(func.count()).select_from(User)):
        return None
    generated = None if password else auth.random_password()
    user = auth.create_user(email, "Administrator", password or generated, "admin", None)
    db.session.commit()
    return user, generated


def migrations_current() -> tuple[bool, str]:
    """Whether the database is at the newest migration."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from flask import current_app

    script = ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())
    current = MigrationContext.configure(db.session.connection()).get_current_revision()
    db.session.rollback()
    head = script.get_current_head()
    return current == head, f"database at {current}, code at {head}"


def check_all() -> list[tuple[str, bool, str]]:
    """The checks `crm check` prints: (name, ok, detail)."""
    from flask import current_app

    results = [("database", database_ok(), db.engine.url.render_as_string(hide_password=True))]
    try:
        ok, detail = migrations_current()
    except Exception as exc:  # noqa: BLE001 - report, do not crash the check
        ok, detail = False, str(exc)
    results.append(("migrations", ok, detail))
    results.append(("redis", redis_ok(), current_app.config["CRM"]["REDIS_URL"] or "embedded"))
    secret = current_app.config["SECRET_KEY"]
    results.append(("secret key", len(secret) >= 32, "set" if secret else "missing"))
    return results
