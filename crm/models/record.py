"""The record supertable: one row per business record of any type (company, person, and
later lead, deal, ticket...), and what every business table carries to join it.

Children (phones, tags, notes with their attachments; later follow-ups, tasks, reminders)
reference `record.id` with a real foreign key, never one nullable column per type. A
business row keeps its own id (URLs stay the same) and carries `record_id`, unique.
Deleting the record row deletes the business row and every child with it (a purge); the
trash is a soft delete on the business row and keeps everything.

Custom field values live in the business row's `custom` JSON column, keyed by the field's
key; the definitions are `FieldDefinition` rows (see crm/records/custom.py).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, declared_attr, foreign, mapped_column, relationship

from crm.database import UTCDateTime, utcnow
from crm.extensions import db
from crm.models.mixins import OwnedMixin, TimestampMixin, VersionMixin

# JSON on SQLite (JSON1 functions and expression indexes), JSONB on PostgreSQL.
JsonValues = JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")


class Record(db.Model):
    """The identity every business record shares; `type` is its record type's key."""

    id: Mapped[int] = mapped_column(primary_key=True)
    type: Mapped[str] = mapped_column(String(30), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)


record_tag = Table(
    "record_tag", db.metadata,
    Column("record_id", ForeignKey("record.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Tag(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True, nullable=False)

    def __str__(self) -> str:
        return self.name


class Phone(db.Model):
    """One phone number of a record; the first (position 0) is the main one."""

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(
        ForeignKey("record.id", ondelete="CASCADE"), nullable=False, index=True)
    kind: Mapped[str] = mapped_column(String(10), nullable=False, default="mobile")
    # E.164, then ";ext=36" when the number has an extension (migration 0005d widened it)
    e164: Mapped[str] = mapped_column(String(30), nullable=False, index=True)
    is_main: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class RecordMixin:
    """The link to the supertable, custom values, and the children every record may have."""

    @declared_attr
    def record_id(cls) -> Mapped[int]:  # noqa: N805
        # unique: business_indexes() declares ix_<table>_record_id
        return mapped_column(ForeignKey("record.id", ondelete="CASCADE"), nullable=False)

    custom: Mapped[dict | None] = mapped_column(JsonValues)

    @declared_attr
    def record(cls) -> Mapped[Record]:  # noqa: N805
        return relationship(Record, lazy="raise")

    @declared_attr
    def tags(cls) -> Mapped[list[Tag]]:  # noqa: N805
        return relationship(
            Tag, secondary=record_tag, lazy="raise", order_by=Tag.name, overlaps="tags",
            primaryjoin=lambda: cls.record_id == record_tag.c.record_id,
            secondaryjoin=lambda: Tag.id == record_tag.c.tag_id)

    @declared_attr
    def phones(cls) -> Mapped[list[Phone]]:  # noqa: N805
        return relationship(
            Phone, lazy="raise", cascade="all, delete-orphan", order_by=Phone.position,
            overlaps="phones",
            primaryjoin=lambda: cls.record_id == foreign(Phone.record_id))


class BusinessMixin(RecordMixin, TimestampMixin, VersionMixin, OwnedMixin):
    """Everything a business table carries: the record link and custom values, timestamps,
    version (optimistic locking), creator, owner and team, and the trash marker. Pair it
    with `business_indexes(table)` in `__table_args__`."""

    __audited__ = True
    # Indexed only where set (the trash list): see business_indexes().
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class FieldDefinition(TimestampMixin, VersionMixin, db.Model):
    """A custom field an admin added to a record type (no code, no ALTER TABLE)."""

    __tablename__ = "field_definition"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    record_type: Mapped[str] = mapped_column(String(30), nullable=False)
    key: Mapped[str] = mapped_column(String(40), nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    label_en: Mapped[str] = mapped_column(String(60), nullable=False)
    label_zh: Mapped[str] = mapped_column(String(60), nullable=False)
    # [{"value": "c1", "en": "...", "zh": "...", "retired": false}, ...] for choice kinds
    choices: Mapped[list | None] = mapped_column(JSON)
    required: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    filterable: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    list_column: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    __table_args__ = (
        Index("ix_field_definition_type_key", "record_type", "key", unique=True),
        Index("ix_field_definition_type_position", "record_type", "position"),
    )

    def __str__(self) -> str:
        return f"{self.record_type}.{self.key}"
