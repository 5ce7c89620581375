"""Claiming due rows atomically, so several workers never handle one row twice.

A row with a due time (a reminder, a scheduled email, a deadline) carries `DueMixin`'s
columns. `claim_due` marks up to `limit` due, unhandled rows as claimed by one worker and
returns their ids, in one statement: on PostgreSQL the candidates are locked with
FOR UPDATE SKIP LOCKED (other workers skip them instead of waiting); on SQLite the write
transaction (BEGIN IMMEDIATE) already serialises writers. A claim older than the lease is
taken over: the worker that held it died. Handling a row ends with `mark_handled`.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import Integer, String, or_, select, update
from sqlalchemy.orm import Mapped, mapped_column

from crm.database import UTCDateTime, utcnow
from crm.extensions import db

LEASE = timedelta(minutes=10)


class DueMixin:
    """Columns of a row that is due at a time and handled once."""

    due_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, index=True)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(40))
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


def worker_token() -> str:
    return uuid.uuid4().hex


def claim_due(model, *, limit: int = 100, token: str | None = None,
              now: datetime | None = None, lease: timedelta = LEASE) -> tuple[str, list[int]]:
    """Claim up to `limit` due rows; returns (the claim token, the ids claimed). The caller
    commits before handling them, so the claim is visible to the other workers."""
    now, token = now or utcnow(), token or worker_token()
    candidates = (select(model.id)
                  .where(model.due_at <= now, model.handled_at.is_(None),
                         or_(model.claimed_at.is_(None), model.claimed_at < now - lease))
                  .order_by(model.due_at, model.id).limit(limit))
    if db.engine.dialect.name == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    stmt = (update(model).where(model.id.in_(candidates.scalar_subquery()))
            .values(claimed_at=now, claimed_by=token, attempts=model.attempts + 1)
            .returning(model.id).execution_options(synchronize_session=False))
    ids = sorted(db.session.scalars(stmt))
    return token, ids


def mark_handled(model, row_id: int, token: str) -> bool:
    """Mark a claimed row handled; False when another worker took the claim over."""
    stmt = (update(model).where(model.id == row_id, model.claimed_by == token,
                                model.handled_at.is_(None))
            .values(handled_at=utcnow()).execution_options(synchronize_session=False))
    return db.session.execute(stmt).rowcount == 1
