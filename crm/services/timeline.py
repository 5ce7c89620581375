"""The customer timeline: entries from every area, newest first.

Areas register a source: a function `(kind, record_id, limit) -> list[Entry]` where kind is
"company" or "contact". Follow-ups, deals, tickets and campaigns add their own sources; each
entry names the template that renders it, so the customer page needs no change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from crm.extensions import db
from crm.models import Note


@dataclass
class Entry:
    at: datetime
    kind: str  # "note", later "follow_up", "deal", ...
    template: str  # e.g. "customers/_timeline_note.html", rendered with `entry`
    item: object


Source = Callable[[str, int, int], list[Entry]]
SOURCES: list[Source] = []


def register(source: Source) -> Source:
    """Add a timeline source (usable as a decorator)."""
    SOURCES.append(source)
    return source


@register
def notes(kind: str, record_id: int, limit: int) -> list[Entry]:
    column = Note.company_id if kind == "company" else Note.contact_id
    stmt = (select(Note).where(column == record_id, Note.deleted_at.is_(None))
            .options(joinedload(Note.author), selectinload(Note.attachments))
            .order_by(Note.created_at.desc(), Note.id.desc()).limit(limit))
    return [Entry(n.created_at, "note", "customers/_timeline_note.html", n)
            for n in db.session.scalars(stmt).unique()]


def entries(kind: str, record_id: int, limit: int = 50) -> list[Entry]:
    """The newest `limit` entries of every source for one customer."""
    merged = [e for source in SOURCES for e in source(kind, record_id, limit)]
    return sorted(merged, key=lambda e: e.at, reverse=True)[:limit]
