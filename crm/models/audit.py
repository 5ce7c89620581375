"""Append-only audit log: who did what to which record, when, from what to what."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, event
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column, relationship

from crm.database import UTCDateTime, utcnow
from crm.extensions import db

ACTIONS = (
    "login", "login_failed", "logout", "create", "update", "delete", "restore", "export",
    "admin", "lookup", "transfer_request",
)


class AuditLog(db.Model):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(20), nullable=False)
    entity: Mapped[str | None] = mapped_column(String(40))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    # {"field": [old, new], ...} for updates; the record's fields for creates.
    changes: Mapped[dict | None] = mapped_column(JSON)
    summary: Mapped[str | None] = mapped_column(String(300))
    ip: Mapped[str | None] = mapped_column(String(45))

    user = relationship("User", lazy="raise")

    __table_args__ = (
        Index("ix_audit_entity", "entity", "entity_id", "id"),
        Index("ix_audit_user", "user_id", "id"),
        Index("ix_audit_action", "action", "id"),
    )


@event.listens_for(AuditLog, "before_update")
@event.listens_for(AuditLog, "before_delete")
def _append_only(_mapper, _conn, _target):
    raise PermissionError("audit rows are append-only")


@event.listens_for(Session, "do_orm_execute")
def _no_bulk_changes(state: ORMExecuteState) -> None:
    """ORM bulk UPDATE/DELETE skip the mapper events above, so refuse them here."""
    if (state.is_update or state.is_delete) and any(
        m.class_ is AuditLog for m in state.all_mappers
    ):
        raise PermissionError("audit rows are append-only")
