"""Email: SMTP settings kept as key/value rows, and the outbox every email goes through.

An outbox row is due at a time and handled once (`DueMixin`): the email sweep claims due
rows and sends them. Its Message-ID is made when the row is inserted and never changes,
and `source` ("notification:12", "digest:3:2026-12-02") is unique, so queuing the same
email twice adds one row.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from crm.database import UTCDateTime, utcnow
from crm.extensions import db
from crm.jobs.claims import DueMixin


class Setting(db.Model):
    """One installation setting an admin changes in the app (SMTP host, port, ...)."""

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str | None] = mapped_column(Text)


class Outbox(DueMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"),
                                                index=True)
    source: Mapped[str] = mapped_column(String(80), nullable=False, unique=True)
    to_addr: Mapped[str] = mapped_column(String(254), nullable=False)
    subject: Mapped[str] = mapped_column(String(300), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    message_id: Mapped[str] = mapped_column(String(200), nullable=False, unique=True)
    # pending -> sending -> sent; back to pending to retry; failed after the last try
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="pending")
    last_error: Mapped[str | None] = mapped_column(String(500))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    __table_args__ = (
        Index("ix_outbox_pending", "due_at", sqlite_where=text("handled_at IS NULL"),
              postgresql_where=text("handled_at IS NULL")),
    )
