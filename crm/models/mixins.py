"""Column mixins shared by business tables: timestamps, ownership, optimistic locking, trash."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from crm.database import UTCDateTime, utcnow


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False
    )


class VersionMixin:
    """A version column checked on every UPDATE: a stale save raises StaleDataError."""

    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    @declared_attr.directive
    def __mapper_args__(cls):  # noqa: N805 - SQLAlchemy directive
        return {"version_id_col": cls.version}


class OwnedMixin:
    """Who created the record, who owns it and which team it is scoped to."""

    @declared_attr
    def created_by(cls) -> Mapped[int | None]:  # noqa: N805
        return mapped_column(ForeignKey("user.id", ondelete="SET NULL"), nullable=True)

    @declared_attr
    def owner_id(cls) -> Mapped[int | None]:  # noqa: N805
        return mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)

    @declared_attr
    def team_id(cls) -> Mapped[int | None]:  # noqa: N805
        return mapped_column(ForeignKey("team.id", ondelete="SET NULL"), index=True)

    @declared_attr
    def owner(cls):  # noqa: N805
        return relationship("User", foreign_keys=f"{cls.__name__}.owner_id", lazy="raise")


class TrashMixin:
    """Soft delete: a deleted record stays restorable (with its links) for 30 days."""

    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)


def business_indexes(table: str, sorts: tuple[str, ...] = ("name", "updated_at")) -> tuple:
    """The indexes every owned business table needs for its scoped, keyset-paged lists.

    Owner/team scoped lists walk (owner_id, id) or (team_id, id), or (scope, sort column)
    when sorted. The trash index is partial: "deleted_at IS NULL" holds for almost every row,
    and SQLite would pick a full deleted_at index over the owner/team ones and walk the table.
    """
    where = text("deleted_at IS NOT NULL")
    return (
        Index(f"ix_{table}_record_id", "record_id", unique=True),
        Index(f"ix_{table}_created_at", "created_at"),
        Index(f"ix_{table}_updated_at", "updated_at"),
        Index(f"ix_{table}_owner_id_id", "owner_id", "id"),
        Index(f"ix_{table}_team_id_id", "team_id", "id"),
        Index(f"ix_{table}_trash", "deleted_at", sqlite_where=where, postgresql_where=where),
        *(Index(f"ix_{table}_{scope}_{sort}", f"{scope}_id", sort)
          for scope in ("owner", "team") for sort in sorts),
    )


# Fields no form or API payload may ever set (mass assignment guard).
PROTECTED_FIELDS = frozenset(
    {"id", "owner_id", "team_id", "created_by", "created_at", "updated_at", "version",
     "deleted_at", "role", "password_hash", "is_active"}
)
