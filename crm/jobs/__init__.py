"""Enqueue helpers: the only way work reaches RQ (queue, timeout, retry, dedupe id).

Jobs take ids, are idempotent, and run inside an app context (see `job`). Anything with a
due time is a database row; the clock's sweeps enqueue what is due, so losing Redis loses
nothing but work in flight.

The transaction rule: services flush, the edge (view, job, CLI command) commits once.
Code inside the transaction asks for work with `after_commit(func, *args)`; it is enqueued
when the session commits and forgotten when it rolls back, so a worker never runs a job
about rows that were not written (or not yet visible).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable

from flask import Flask, current_app, has_app_context
from redis.exceptions import RedisError
from rq import Queue, Retry
from sqlalchemy import event
from sqlalchemy.orm import Session

from crm.redis_conn import get_redis

QUEUES = ("high", "default", "low")
# Job states in which a job with the same id still counts as pending; a finished or failed
# one is replaced, so a later retry of the same work is not blocked for days.
_LIVE = frozenset({"queued", "started", "scheduled", "deferred"})
log = logging.getLogger(__name__)
_worker_app: Flask | None = None


def set_worker_app(app: Flask) -> None:
    """The worker process registers its app; forked job processes inherit it."""
    global _worker_app
    _worker_app = app


def job(fn: Callable) -> Callable:
    """Run a job function inside an app context, creating the app if this process has none."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if has_app_context():
            return fn(*args, **kwargs)
        global _worker_app
        if _worker_app is None:
            from crm import create_app

            _worker_app = create_app()
        with _worker_app.app_context():
            return fn(*args, **kwargs)

    return wrapper


def queue(name: str = "default") -> Queue:
    if name not in QUEUES:
        raise ValueError(f"unknown queue {name}")
    return Queue(name, connection=get_redis())


def enqueue(
    func: Callable,
    *args,
    queue_name: str = "default",
    job_id: str | None = None,
    timeout: int = 300,
    retries: int = 3,
) -> bool:
    """Enqueue after the caller committed. False (logged) when Redis is unreachable: the
    work is a database row and the next sweep picks it up."""
    try:
        q = queue(queue_name)
        existing = q.fetch_job(job_id) if job_id else None
        if existing is not None and existing.get_status(refresh=False) in _LIVE:
            return True  # already waiting or running: at most one copy
        q.enqueue(func, *args, job_id=job_id, job_timeout=timeout,
                  retry=Retry(max=retries, interval=[10, 60, 300]) if retries else None,
                  result_ttl=3600, failure_ttl=7 * 86400)
        return True
    except RedisError as exc:
        logger = current_app.logger if has_app_context() else log
        logger.warning("could not enqueue %s: %s", getattr(func, "__name__", func), exc)
        return False


_PENDING = "jobs_after_commit"


def after_commit(func: Callable, *args, **options) -> None:
    """Enqueue `func(*args)` once the current transaction commits (options as `enqueue`)."""
    from crm.extensions import db

    db.session.connection()  # the request belongs to a transaction: its rollback drops it
    db.session.info.setdefault(_PENDING, []).append((func, args, options))


@event.listens_for(Session, "after_commit")
def _enqueue_requested(session: Session) -> None:
    for func, args, options in session.info.pop(_PENDING, []):
        enqueue(func, *args, **options)


@event.listens_for(Session, "after_soft_rollback")
def _drop_requested(session: Session, _previous) -> None:
    if not session.in_transaction():  # the whole transaction, not a savepoint
        session.info.pop(_PENDING, None)
