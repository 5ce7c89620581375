"""Claiming due rows: several workers at once never claim one row twice; a dead worker's
claim is taken over after the lease; handled rows are never claimed again."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import String, func, select
from sqlalchemy.orm import Mapped, mapped_column

from crm.database import utcnow
from crm.extensions import db
from crm.jobs.claims import DueMixin, claim_due, mark_handled


class DueItem(DueMixin, db.Model):
    """A throw-away table with a due time (reminders and scheduled emails will be such)."""

    __tablename__ = "test_due_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(20), default="")


def _seed(app, due: int, later: int = 0) -> None:
    now = utcnow()
    with app.app_context():
        db.session.add_all([DueItem(due_at=now - timedelta(minutes=1), label=f"d{n}")
                            for n in range(due)])
        db.session.add_all([DueItem(due_at=now + timedelta(hours=1), label=f"l{n}")
                            for n in range(later)])
        db.session.commit()
        db.session.remove()


def test_four_workers_claim_each_due_row_exactly_once(app):
    _seed(app, due=120, later=10)
    claimed: list[int] = []
    lock, start = threading.Lock(), threading.Barrier(4)

    def worker() -> None:
        with app.app_context():
            start.wait()
            while True:
                _token, ids = claim_due(DueItem, limit=7)
                db.session.commit()
                if not ids:
                    break
                with lock:
                    claimed.extend(ids)
            db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(claimed) == 120 and len(set(claimed)) == 120
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(DueItem.claimed_at.is_(None))) == 10
        db.session.remove()


def test_a_dead_workers_claim_is_taken_over_after_the_lease_and_handled_once(app):
    _seed(app, due=3)
    with app.app_context():
        first, ids = claim_due(DueItem, limit=10)
        db.session.commit()
        assert len(ids) == 3
        assert claim_due(DueItem, limit=10)[1] == []  # still leased
        later = utcnow() + timedelta(minutes=11)
        second, again = claim_due(DueItem, limit=10, now=later)
        db.session.commit()
        assert again == ids
        assert not mark_handled(DueItem, ids[0], first)  # the dead worker lost it
        assert mark_handled(DueItem, ids[0], second)
        db.session.commit()
        assert not mark_handled(DueItem, ids[0], second)  # handled once
        rest = claim_due(DueItem, limit=10, now=later + timedelta(minutes=11))[1]
        assert rest == ids[1:]
        attempts = db.session.scalar(select(DueItem.attempts).where(DueItem.id == ids[1]))
        assert attempts == 3
        db.session.remove()
