"""Column mixins shared by business tables: timestamps, ownership, optimistic locking, trash."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

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


class TrashMixin:
    """Soft delete: a deleted record stays restorable (with its links) for 30 days."""

    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)


# Fields no form or API payload may ever set (mass assignment guard).
PROTECTED_FIELDS = frozenset(
    {"id", "owner_id", "team_id", "created_by", "created_at", "updated_at", "version",
     "deleted_at", "role", "password_hash", "is_active"}
)
