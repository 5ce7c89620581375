"""The one place that decides which records a user may see.

Every list, detail, search, export, report, API route and job builds its query with
`scoped()` or loads a record with `get_scoped()`; a record outside scope is a 404.
"""

from __future__ import annotations

from flask import abort
from sqlalchemy import Select, select

from crm.extensions import db
from crm.permissions import ROLE_SCOPE


def scope_of(user) -> str:
    return ROLE_SCOPE.get(getattr(user, "role", None), "none")


def apply_scope(stmt: Select, model, user, *, include_deleted: bool = False) -> Select:
    """Restrict a select on `model` to what `user` may see (and hide trash by default)."""
    if hasattr(model, "deleted_at") and not include_deleted:
        stmt = stmt.where(model.deleted_at.is_(None))
    scope = scope_of(user)
    if scope == "all":
        return stmt
    if scope == "team" and user.team_id is not None and hasattr(model, "team_id"):
        return stmt.where(model.team_id == user.team_id)
    if scope in ("team", "own") and hasattr(model, "owner_id"):
        return stmt.where(model.owner_id == user.id)
    return stmt.where(False)


def scoped(model, user, *, include_deleted: bool = False) -> Select:
    """`select(model)` limited to the user's data scope."""
    return apply_scope(select(model), model, user, include_deleted=include_deleted)


def get_scoped(model, record_id: int, user, *, include_deleted: bool = False):
    """Load one record in scope, or answer 404."""
    stmt = scoped(model, user, include_deleted=include_deleted).where(model.id == record_id)
    record = db.session.scalar(stmt)
    if record is None:
        abort(404)
    return record


def can_see(record, user) -> bool:
    """Whether a loaded record is inside the user's scope (for jobs and notifications)."""
    scope = scope_of(user)
    if scope == "all":
        return True
    if scope == "team" and user.team_id is not None and getattr(record, "team_id", None):
        return record.team_id == user.team_id
    return getattr(record, "owner_id", None) == user.id
