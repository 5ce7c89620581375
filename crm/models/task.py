"""Tasks: something to do by a due time, assigned to a user (the record's owner), perhaps
about a company and/or a person. A record type like companies and people
(crm/records/tasks.py); what only tasks do (complete, snooze, reopen, the due reminder)
is in crm/services/tasks.py."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship, synonym

from crm.database import UTCDateTime
from crm.extensions import db
from crm.models.customer import Company, Contact
from crm.models.mixins import business_indexes
from crm.models.record import BusinessMixin


class Task(BusinessMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    priority: Mapped[str] = mapped_column(String(10), nullable=False, default="normal")
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="open")
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    company_id: Mapped[int | None] = mapped_column(
        ForeignKey("company.id", ondelete="SET NULL"), index=True)
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact.id", ondelete="SET NULL"), index=True)

    company: Mapped[Company | None] = relationship(lazy="raise")
    contact: Mapped[Contact | None] = relationship(lazy="raise")
    # the shared record pages and messages call a record's title its name
    name = synonym("title")

    __table_args__ = (
        *business_indexes("task", sorts=("due_at", "updated_at")),
        # open tasks of a user or a team by due time (My day, the overdue list)
        Index("ix_task_status_due_at", "status", "due_at"),
        Index("ix_task_owner_status_due", "owner_id", "status", "due_at"),
    )

    def __str__(self) -> str:
        return self.title
