"""Asking for another rep's customer: the duplicate prompt shows a customer the rep may not
open (name and owner only); instead of adding a duplicate, the rep asks its owner and their
managers to transfer it. They are notified once per requester and record; the request is
in the audit log. A manager or admin then changes the owner on the record page.

The prompt carries a signed reference (the record, for this user, valid for an hour), not
the record's id: no one can ask for records the duplicate check did not show them.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import func, or_, select

from crm.database import utcnow
from crm.extensions import db
from crm.models import AuditLog, User
from crm.services import audit, notifications

KIND = "transfer_request"
PER_DAY = 30  # requests one user may send in 24 hours


MAX_AGE = 3600


def _signer(rtype, user) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key,
                                  salt=f"crm.transfer-request:{rtype.key}:{user.id}")


def reference(rtype, record_id: int, user) -> str:
    """What the prompt sends back to ask for this record."""
    return _signer(rtype, user).dumps(record_id)


def record_of(rtype, ref: str, user) -> int | None:
    """The record id a reference names, or None (tampered, another user's, expired)."""
    try:
        value = _signer(rtype, user).loads(ref or "", max_age=MAX_AGE)
    except BadData:
        return None
    return value if isinstance(value, int) and 0 < value < 2**31 else None


class Refused(Exception):
    """The request cannot be sent; `code`: own (already the user's), limit."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def recipients(record, requester) -> list[int]:
    """The record's owner and the active managers of its team (not the requester)."""
    stmt = select(User.id).where(User.is_active.is_(True), User.id != requester.id)
    conds = [User.id == record.owner_id] if record.owner_id else []
    if record.team_id:
        conds.append((User.team_id == record.team_id) & (User.role == "manager"))
    if not conds:
        return []
    return sorted(db.session.scalars(stmt.where(or_(*conds))))


def request_transfer(rtype, record, requester) -> int:
    """Notify the owner and managers; returns how many were newly notified (0 when this
    requester asked for this record before)."""
    if record.owner_id == requester.id:
        raise Refused("own")
    since = utcnow() - timedelta(days=1)
    sent = db.session.scalar(select(func.count()).select_from(AuditLog).where(
        AuditLog.user_id == requester.id, AuditLog.action == KIND, AuditLog.at >= since))
    if sent >= PER_DAY:
        raise Refused("limit")
    name = getattr(record, rtype.title_spec.column)
    added = 0
    for user_id in recipients(record, requester):
        added += notifications.notify(
            user_id, KIND, f"transfer:{record.record_id}:{requester.id}",
            record_id=record.record_id,
            params={"type": rtype.key, "id": record.id, "name": name, "by": requester.name})
    if added:
        audit.record(db.session, KIND, entity=rtype.entity, entity_id=record.id,
                     summary=f"{name} ({requester.name})", user_id=requester.id)
    return added


def _text(params: dict) -> str:
    return _("%(who)s asks for %(name)s to be transferred to them (it came up as a duplicate "
             "when they added a customer).", who=params.get("by", ""),
             name=params.get("name", ""))


notifications.register_kind(KIND, _text)
