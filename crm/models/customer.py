"""Customers: companies (B2B accounts) and people (contacts), their phones and tags.

Both carry normalised keys for duplicate checks (name_key, loose_key, email_norm) and a
`search_text` blob (name, pinyin, email, phone digits) that full-text search indexes; the
service in crm/services/customers.py keeps them up to date. `phone` and `completeness` are
denormalised for lists: the main phone and the completeness score are shown per row without
extra queries.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.database import UTCDateTime
from crm.extensions import db
from crm.models.mixins import OwnedMixin, TimestampMixin, TrashMixin, VersionMixin

TIERS = ("high", "mid", "low")
STATUSES = ("potential", "intent", "customer", "churned")
SOURCES = ("ad", "referral", "website", "event", "import", "other")
SIZES = ("1-9", "10-49", "50-199", "200-999", "1000+")
GENDERS = ("female", "male", "other")
# Columns the service derives from the others: not worth a line in the history.
DERIVED = frozenset({"search_text", "name_key", "loose_key", "email_norm", "completeness"})

company_tag = Table(
    "company_tag", db.metadata,
    Column("company_id", ForeignKey("company.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True, index=True),
)
contact_tag = Table(
    "contact_tag", db.metadata,
    Column("contact_id", ForeignKey("contact.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Tag(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True, nullable=False)

    def __str__(self) -> str:
        return self.name


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
    # Overrides TrashMixin's plain index: "deleted_at IS NULL" holds for almost every row, and
    # SQLite would pick that index over owner/team ones and walk the whole table. A partial
    # index on the trash alone serves the trash list and is never chosen for live lists.
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __str__(self) -> str:
        return self.name


def sort_indexes(table: str) -> tuple[Index, ...]:
    """Owner/team scoped lists sorted by name or by last change walk one of these in order."""
    return tuple(Index(f"ix_{table}_{scope}_{sort}", f"{scope}_id", sort)
                 for scope in ("owner", "team") for sort in ("name", "updated_at"))


def trash_index(table: str) -> Index:
    where = text("deleted_at IS NOT NULL")
    return Index(f"ix_{table}_trash", "deleted_at", sqlite_where=where, postgresql_where=where)


class Company(CustomerFields, TimestampMixin, VersionMixin, OwnedMixin, TrashMixin, db.Model):
    __audited__ = True
    __audit_skip__ = DERIVED

    id: Mapped[int] = mapped_column(primary_key=True)
    name_key: Mapped[str] = mapped_column(String(200), nullable=False, index=True)
    loose_key: Mapped[str] = mapped_column(String(200), nullable=False, index=True)
    industry: Mapped[str | None] = mapped_column(String(60))
    size: Mapped[str | None] = mapped_column(String(10))
    purchase_cycle: Mapped[str | None] = mapped_column(String(60))
    website: Mapped[str | None] = mapped_column(String(300))

    owner = relationship("User", foreign_keys="Company.owner_id", lazy="raise")
    phones: Mapped[list[Phone]] = relationship(
        back_populates="company", lazy="raise", cascade="all, delete-orphan",
        order_by="Phone.position")
    tags: Mapped[list[Tag]] = relationship(secondary=company_tag, lazy="raise",
                                           order_by=Tag.name)
    contacts: Mapped[list[Contact]] = relationship(back_populates="company", lazy="raise")

    __table_args__ = (
        Index("ix_company_created_at", "created_at"),
        Index("ix_company_updated_at", "updated_at"),
        Index("ix_company_owner_id_id", "owner_id", "id"),
        Index("ix_company_team_id_id", "team_id", "id"),
        trash_index("company"),
        *sort_indexes("company"),
    )


class Contact(CustomerFields, TimestampMixin, VersionMixin, OwnedMixin, TrashMixin, db.Model):
    """A person: an employee of a company, or an individual customer (company_id empty)."""

    __audited__ = True
    __audit_skip__ = DERIVED

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int | None] = mapped_column(
        ForeignKey("company.id", ondelete="SET NULL"), index=True)
    gender: Mapped[str | None] = mapped_column(String(10))
    birthday: Mapped[date | None] = mapped_column(Date)
    job_title: Mapped[str | None] = mapped_column(String(100))

    owner = relationship("User", foreign_keys="Contact.owner_id", lazy="raise")
    company: Mapped[Company | None] = relationship(back_populates="contacts", lazy="raise")
    phones: Mapped[list[Phone]] = relationship(
        back_populates="contact", lazy="raise", cascade="all, delete-orphan",
        order_by="Phone.position")
    tags: Mapped[list[Tag]] = relationship(secondary=contact_tag, lazy="raise",
                                           order_by=Tag.name)

    __table_args__ = (
        Index("ix_contact_created_at", "created_at"),
        Index("ix_contact_updated_at", "updated_at"),
        Index("ix_contact_owner_id_id", "owner_id", "id"),
        Index("ix_contact_team_id_id", "team_id", "id"),
        trash_index("contact"),
        *sort_indexes("contact"),
    )


class Phone(db.Model):
    """One phone number of a company or a person (exactly one of the two is set)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int | None] = mapped_column(
        ForeignKey("company.id", ondelete="CASCADE"), index=True)
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10), nullable=False, default="mobile")
    e164: Mapped[str] = mapped_column(String(20), nullable=False, index=True)
    is_main: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)

    company: Mapped[Company | None] = relationship(back_populates="phones", lazy="raise")
    contact: Mapped[Contact | None] = relationship(back_populates="phones", lazy="raise")
