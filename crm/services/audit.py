"""Audit trail: every create, update, delete and restore of an audited model is written
automatically at flush time; logins, exports and admin actions call record()."""

from __future__ import annotations

import contextvars
from datetime import date, datetime
from decimal import Decimal

from flask import g, has_request_context, request
from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Mapper, Session

from crm.database import utcnow
from crm.models.audit import AuditLog

# Who acts outside a request (a job or a CLI command).
acting_user: contextvars.ContextVar[int | None] = contextvars.ContextVar(
    "acting_user", default=None
)

_SKIP = frozenset({"updated_at", "version", "created_at", "record_id"})
_EXTRA = "audit_extra_changes"


def _old_value_loaded(_target, _value, _old, _initiator) -> None:
    """Nothing to do: registering with active_history is what matters."""


@event.listens_for(Mapper, "mapper_configured")
def _load_old_values(mapper: Mapper, cls) -> None:
    """Audited columns load the stored value before a set, so a change to a record expired
    by an earlier commit is recorded as old → new, not None → new (or as a change at all)."""
    if getattr(cls, "__audited__", False):
        for attr in mapper.column_attrs:
            event.listen(attr.class_attribute, "set", _old_value_loaded, active_history=True)


def current_actor_id() -> int | None:
    """The logged-in user of this request, else the acting user of a job or command."""
    if has_request_context():
        user = getattr(g, "_login_user", None)
        if user is not None and getattr(user, "is_authenticated", False):
            return user.id
    return acting_user.get()


def _client_ip() -> str | None:
    return request.remote_addr if has_request_context() else None


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    return value


def _shown(obj, key: str, value):
    return "***" if key in getattr(obj, "__audit_hidden__", ()) else _plain(value)


def _skipped(obj) -> frozenset[str]:
    """Columns never audited: bookkeeping, plus a model's derived columns (`__audit_skip__`)."""
    return _SKIP | getattr(obj, "__audit_skip__", frozenset())


def _entity(obj) -> str:
    return obj.__table__.name


def _created(obj) -> dict:
    fields = {}
    for attr in inspect(obj).mapper.column_attrs:
        value = getattr(obj, attr.key)
        if attr.key in _skipped(obj) or value in (None, "", {}):
            continue
        if isinstance(value, dict):  # custom values: one change per key
            fields.update(_expanded(None, value))
        else:
            fields[attr.key] = [None, _shown(obj, attr.key, value)]
    return fields


def _expanded(old: dict | None, new: dict | None) -> dict:
    """A JSON column of values (custom fields) as one change per key that differs."""
    old, new = old or {}, new or {}
    return {key: [_plain(old.get(key)), _plain(new.get(key))]
            for key in dict.fromkeys([*old, *new]) if old.get(key) != new.get(key)}


def _changed(obj) -> dict:
    state = inspect(obj)
    fields = {}
    for attr in state.mapper.column_attrs:
        if attr.key in _skipped(obj):
            continue
        hist = state.attrs[attr.key].history
        if hist.has_changes() and hist.deleted != hist.added:
            old = hist.deleted[0] if hist.deleted else None
            new = hist.added[0] if hist.added else None
            if isinstance(old, dict) or isinstance(new, dict):
                fields.update(_expanded(old, new))
            elif old != new:
                fields[attr.key] = [_shown(obj, attr.key, old), _shown(obj, attr.key, new)]
    return fields


def record_field_change(obj, key: str, old, new) -> None:
    """A change that is no column of `obj` (its tags, its phones): written into the audit
    row of `obj` at the next flush, as a change of that field."""
    from crm.extensions import db

    pending = db.session.info.setdefault(_EXTRA, {})
    pending.setdefault(id(obj), (obj, {}))[1][key] = [_plain(old), _plain(new)]


def _extra_changes(session: Session, obj) -> dict:
    entry = session.info.get(_EXTRA, {}).pop(id(obj), None)
    return entry[1] if entry and entry[0] is obj else {}


@event.listens_for(Session, "after_soft_rollback")
def _forget_extra(session: Session, _previous) -> None:
    if not session.in_transaction():  # the whole transaction, not a savepoint
        session.info.pop(_EXTRA, None)


def _update_action(fields: dict) -> str:
    if "deleted_at" in fields:
        return "restore" if fields["deleted_at"][1] is None else "delete"
    return "update"


def _row(action: str, obj, fields: dict | None) -> dict:
    return {
        "at": utcnow(), "user_id": current_actor_id(), "action": action,
        "entity": _entity(obj), "entity_id": obj.id, "changes": fields, "ip": _client_ip(),
        "summary": str(obj)[:300],
    }


def _rows_for_flush(session: Session) -> list[dict]:
    rows = []
    for obj in session.new:
        if getattr(obj, "__audited__", False):
            rows.append(_row("create", obj, {**_created(obj), **_extra_changes(session, obj)}))
    for obj in session.dirty:
        if getattr(obj, "__audited__", False) and session.is_modified(obj):
            fields = {**_changed(obj), **_extra_changes(session, obj)}
            if fields:
                rows.append(_row(_update_action(fields), obj, fields))
    for obj in session.deleted:
        if getattr(obj, "__audited__", False):
            rows.append(_row("delete", obj, None))
    return rows


@event.listens_for(Session, "after_flush")
def _audit_after_flush(session: Session, _ctx) -> None:
    rows = _rows_for_flush(session)
    if rows:
        # Core insert: the ORM flush is finishing and must not be re-entered.
        session.connection().execute(insert(AuditLog.__table__), rows)


def record(
    session: Session,
    action: str,
    *,
    entity: str | None = None,
    entity_id: int | None = None,
    summary: str | None = None,
    changes: dict | None = None,
    user_id: int | None = None,
) -> None:
    """Add an audit row for an event that is not a model change (login, export, admin)."""
    session.add(
        AuditLog(
            user_id=user_id if user_id is not None else current_actor_id(), action=action,
            entity=entity, entity_id=entity_id, summary=(summary or "")[:300] or None,
            changes=_plain(changes) if changes else None, ip=_client_ip(),
        )
    )


PAGE_SIZE = 50


def page(
    *,
    entity: str | None = None,
    entity_id: int | None = None,
    user_id: int | None = None,
    action: str | None = None,
    before: int | None = None,
    limit: int = PAGE_SIZE,
) -> tuple[list[AuditLog], int | None]:
    """One keyset page of audit rows, newest first, with the cursor of the next page."""
    from sqlalchemy import select
    from sqlalchemy.orm import joinedload

    from crm.extensions import db

    stmt = select(AuditLog).options(joinedload(AuditLog.user)).order_by(AuditLog.id.desc())
    for column, value in ((AuditLog.entity, entity), (AuditLog.entity_id, entity_id),
                          (AuditLog.user_id, user_id), (AuditLog.action, action)):
        if value not in (None, ""):
            stmt = stmt.where(column == value)
    if before:
        stmt = stmt.where(AuditLog.id < before)
    rows = list(db.session.scalars(stmt.limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (rows[-1].id if more and rows else None)
