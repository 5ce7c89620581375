"""Notes and follow-ups on any record (timeline entries) and their attachments."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.database import UTCDateTime, utcnow
from crm.extensions import db
from crm.models.mixins import TimestampMixin, TrashMixin


class Note(TimestampMixin, TrashMixin, db.Model):
    __audited__ = True
    __audit_skip__ = frozenset({"client_key"})

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("record.id", ondelete="CASCADE"),
                                           nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False, default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # Sent by the browser with the form; a retried send (a note written offline, a double
    # tap) carries the same key and is saved once.
    client_key: Mapped[str | None] = mapped_column(String(36))
    # A follow-up (跟进) is a note with a method: how the customer was reached, when, with
    # what outcome, and when to contact them next (a reminder). A plain note has no method.
    method: Mapped[str | None] = mapped_column(String(12))
    outcome: Mapped[str | None] = mapped_column(String(20))
    happened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_contact_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A visit check-in: "located" with where the phone was (degrees, accuracy in metres),
    # or why the browser gave no location ("denied", "unavailable", "timeout").
    check_in: Mapped[str | None] = mapped_column(String(12))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    location_accuracy: Mapped[float | None] = mapped_column(Float)

    author = relationship("User", lazy="raise")
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="note", lazy="raise", cascade="all, delete-orphan",
        order_by="Attachment.id")

    __table_args__ = (
        Index("ix_note_record_created", "record_id", "created_at"),
        Index("ix_note_client_key", "client_key", unique=True),
        Index("ix_note_check_in", "created_by", "happened_at",
              sqlite_where=text("check_in IS NOT NULL"),
              postgresql_where=text("check_in IS NOT NULL")),
    )

    def __str__(self) -> str:
        return (self.body or "")[:80]

    @property
    def at(self) -> datetime:
        """When it happened (a follow-up logged later says when), else when it was written."""
        return self.happened_at or self.created_at


class Attachment(db.Model):
    """A file stored under instance/uploads (never under static), served as a download."""

    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    note_id: Mapped[int] = mapped_column(ForeignKey("note.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200), nullable=False)
    content_type: Mapped[str] = mapped_column(String(100), nullable=False)
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    storage_key: Mapped[str] = mapped_column(String(80), nullable=False, unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    note: Mapped[Note] = relationship(back_populates="attachments", lazy="raise")

    def __str__(self) -> str:
        return self.filename

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
