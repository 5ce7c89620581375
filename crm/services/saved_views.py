"""Saved list views per user: a name and the list's filter query string, per record type."""

from __future__ import annotations

from urllib.parse import parse_qsl

from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from crm.extensions import db
from crm.models import SavedView
from crm.records import lists

MAX_VIEWS = 30


def clean_query(rtype, raw: str) -> str:
    """Keep only the list arguments a view may store (no cursor, nothing unknown)."""
    pairs = parse_qsl((raw or "").lstrip("?"), keep_blank_values=False)
    return lists.parse(rtype, MultiDict(pairs)).query_string()


def views_for(user_id: int, rtype) -> list[SavedView]:
    stmt = (select(SavedView).where(SavedView.user_id == user_id, SavedView.area == rtype.key)
            .order_by(SavedView.name))
    return list(db.session.scalars(stmt))


def save(user_id: int, rtype, name: str, query: str) -> SavedView:
    """Save (or replace, by name) a view of the user's list; OverflowError past MAX_VIEWS."""
    name = name.strip()[:60]
    existing = db.session.scalar(select(SavedView).where(
        SavedView.user_id == user_id, SavedView.area == rtype.key, SavedView.name == name))
    view = existing or SavedView(user_id=user_id, area=rtype.key, name=name)
    view.query = clean_query(rtype, query)
    if existing is None:
        if len(views_for(user_id, rtype)) >= MAX_VIEWS:
            raise OverflowError(MAX_VIEWS)
        db.session.add(view)
    db.session.flush()
    return view


def delete(user_id: int, view_id: int) -> bool:
    """Delete one of the user's own views; False when it is not theirs or does not exist."""
    view = db.session.get(SavedView, view_id)
    if view is None or view.user_id != user_id:
        return False
    db.session.delete(view)
    db.session.flush()
    return True
