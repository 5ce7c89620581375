"""In-app notifications: made once per source, counted unread for the bell, shown newest
first in the reader's language.

An area adds a kind with `register_kind(kind, text)`: `text(params)` returns the sentence
shown for one notification (a lazy translation filled with its params), so the kind's words
live with the area and the bell needs no change.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from crm.database import utcnow
from crm.extensions import db
from crm.models import Notification

PAGE_SIZE = 30
UNREAD_CAP = 99  # the bell shows "99+" beyond this
KINDS: dict[str, Callable[[dict], str]] = {}


def register_kind(kind: str, text: Callable[[dict], str]) -> None:
    KINDS[kind] = text


def notify(user_id: int, kind: str, source: str, *, record_id: int | None = None,
           params: dict | None = None) -> bool:
    """Add a notification unless this user already has one from `source` (a retried job);
    True when it was added. Runs in a savepoint: a duplicate leaves the caller's
    transaction as it was. Its email, when the user wants one and SMTP is set up, is
    queued in the outbox in the same transaction."""
    if db.session.scalar(select(Notification.id).where(
            Notification.user_id == user_id, Notification.source == source)) is not None:
        return False
    try:
        with db.session.begin_nested():
            notification = Notification(user_id=user_id, kind=kind, source=source[:60],
                                        record_id=record_id, params=params or {})
            db.session.add(notification)
            db.session.flush()
    except IntegrityError:  # another worker added it at the same moment
        return False
    from crm.services import email

    email.queue_for_notification(notification)
    return True


def unread_count(user_id: int) -> int:
    """Unread notifications, counted up to UNREAD_CAP + 1 (never a whole-table count)."""
    capped = (select(Notification.id)
              .where(Notification.user_id == user_id, Notification.read_at.is_(None))
              .limit(UNREAD_CAP + 1).subquery())
    return db.session.scalar(select(func.count()).select_from(capped))


def page(user_id: int, before: int | None = None) -> tuple[list[Notification], int | None]:
    """The user's notifications, newest first, and the cursor of the next page."""
    stmt = select(Notification).where(Notification.user_id == user_id)
    if before:
        stmt = stmt.where(Notification.id < before)
    rows = list(db.session.scalars(stmt.order_by(Notification.id.desc())
                                   .limit(PAGE_SIZE + 1)))
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return rows, (rows[-1].id if more and rows else None)


def text(notification: Notification) -> str:
    render = KINDS.get(notification.kind)
    return render(notification.params or {}) if render else notification.kind


def mark_read(user_id: int, ids: list[int] | None = None) -> int:
    """Mark the user's notifications read (the given ones, or all); returns how many."""
    stmt = update(Notification).where(Notification.user_id == user_id,
                                      Notification.read_at.is_(None))
    if ids is not None:
        stmt = stmt.where(Notification.id.in_(ids))
    result = db.session.execute(stmt.values(read_at=utcnow())
                                .execution_options(synchronize_session=False))
    return result.rowcount
