"""Customers: companies (B2B accounts) and people (contacts).

Their fields (labels, choices, editors) are described once in crm/records/customers.py;
phones, tags and notes hang off the record supertable (crm/models/record.py). Both carry
normalised keys for duplicate checks (name_key, loose_key, their pinyin, email_norm) and a
`search_text` blob (name, pinyin, email, phone digits, tags) that full-text search indexes;
the record service keeps them up to date. `phone` and `completeness` are denormalised for lists: the
main phone and the completeness score are shown per row without extra queries.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.database import UTCDateTime
from crm.extensions import db
from crm.models.mixins import business_indexes
from crm.models.record import BusinessMixin

# Columns the service derives from the others: not worth a line in the history.
DERIVED = frozenset({"search_text", "name_key", "loose_key", "sound_key", "loose_sound_key",
                     "email_norm", "completeness"})


class CustomerFields:
    """Columns shared by companies and people."""

    name: Mapped[str] = mapped_column(String(200), nullable=False, index=True)
    email: Mapped[str | None] = mapped_column(String(254))
    email_norm: Mapped[str | None] = mapped_column(String(254), index=True)
    phone: Mapped[str | None] = mapped_column(String(20), index=True)  # main phone, E.164
    province: Mapped[str | None] = mapped_column(String(20), index=True)
    city: Mapped[str | None] = mapped_column(String(30), index=True)
    address: Mapped[str | None] = mapped_column(String(300))
    tier: Mapped[str | None] = mapped_column(String(10), index=True)
    source: Mapped[str | None] = mapped_column(String(20), index=True)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="potential",
                                        index=True)
    special_requests: Mapped[str | None] = mapped_column(Text)
    last_contact_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    completeness: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    search_text: Mapped[str] = mapped_column(Text, nullable=False, default="")

    def __str__(self) -> str:
        return self.name


class Company(CustomerFields, BusinessMixin, db.Model):
    __audit_skip__ = DERIVED

    id: Mapped[int] = mapped_column(primary_key=True)
    name_key: Mapped[str] = mapped_column(String(200), nullable=False, index=True)
    loose_key: Mapped[str] = mapped_column(String(200), nullable=False, index=True)
    # pinyin of name_key / loose_key: sound-alike typos and romanised names (migration 0005d)
    sound_key: Mapped[str] = mapped_column(String(200), nullable=False, index=True,
                                           server_default="")
    loose_sound_key: Mapped[str] = mapped_column(String(200), nullable=False, index=True,
                                                 server_default="")
    industry: Mapped[str | None] = mapped_column(String(60))
    size: Mapped[str | None] = mapped_column(String(10))
    purchase_cycle: Mapped[str | None] = mapped_column(String(60))
    website: Mapped[str | None] = mapped_column(String(300))

    contacts: Mapped[list[Contact]] = relationship(back_populates="company", lazy="raise")

    __table_args__ = business_indexes("company")


class Contact(CustomerFields, BusinessMixin, db.Model):
    """A person: an employee of a company, or an individual customer (company_id empty)."""

    __audit_skip__ = DERIVED

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int | None] = mapped_column(
        ForeignKey("company.id", ondelete="SET NULL"), index=True)
    gender: Mapped[str | None] = mapped_column(String(10))
    birthday: Mapped[date | None] = mapped_column(Date)
    job_title: Mapped[str | None] = mapped_column(String(100))

    company: Mapped[Company | None] = relationship(back_populates="contacts", lazy="raise")

    __table_args__ = business_indexes("contact")
