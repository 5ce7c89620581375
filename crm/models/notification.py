"""Reminders (a due time, handled once by the clock's sweep) and the in-app notifications
they and other events produce.

A reminder is a row with `DueMixin`'s columns: the sweep claims due rows atomically and
turns each into a notification. A notification carries its `source` ("reminder:12"),
unique per user, so handling a reminder twice (a worker killed after the insert) still
notifies once. Its text is made when it is shown, in the reader's language, from `kind`
and `params`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.database import UTCDateTime, utcnow
from crm.extensions import db
from crm.jobs.claims import DueMixin


class Reminder(DueMixin, db.Model):
    """Remind `user_id` of a record at `due_at` (the next contact of a follow-up)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"),
                                         nullable=False, index=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("record.id", ondelete="CASCADE"),
                                           nullable=False, index=True)
    note_id: Mapped[int | None] = mapped_column(ForeignKey("note.id", ondelete="CASCADE"),
                                                index=True)
    kind: Mapped[str] = mapped_column(String(20), nullable=False, default="next_contact")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    # The planned contact took place (a later follow-up on the record) or was replaced by a
    # newer plan: no longer on the rep's day. `handled_at` only says it was notified.
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # set instead of record_id when the record is new (its link gets an id at flush)
    record = relationship("Record", lazy="raise")

    __table_args__ = (
        # The sweep reads only pending rows, oldest due first: handled ones never cost it.
        Index("ix_reminder_pending", "due_at", sqlite_where=text("handled_at IS NULL"),
              postgresql_where=text("handled_at IS NULL")),
        # A rep's open plans by due time (My day), done ones left out.
        Index("ix_reminder_open", "user_id", "due_at", sqlite_where=text("done_at IS NULL"),
              postgresql_where=text("done_at IS NULL")),
    )


class Notification(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"),
                                         nullable=False)
    kind: Mapped[str] = mapped_column(String(30), nullable=False)
    record_id: Mapped[int | None] = mapped_column(ForeignKey("record.id", ondelete="CASCADE"),
                                                  index=True)
    params: Mapped[dict | None] = mapped_column(JSON)
    source: Mapped[str] = mapped_column(String(60), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index("ix_notification_user_source", "user_id", "source", unique=True),
        Index("ix_notification_user_id", "user_id", "id"),
        Index("ix_notification_unread", "user_id", sqlite_where=text("read_at IS NULL"),
              postgresql_where=text("read_at IS NULL")),
    )
