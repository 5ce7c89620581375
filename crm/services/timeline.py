"""The timeline of a record: entries from every area, newest first.

Areas register a source: a function `(record_link_id, limit) -> list[Entry]` reading the
children of one record (by its `record_id`, whatever its type). Follow-ups, deals, tickets
and campaigns add their own sources; each entry names the template that renders it, so the
record page needs no change.
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


Source = Callable[[int, int], list[Entry]]
SOURCES: list[Source] = []


def register(source: Source) -> Source:
    """Add a timeline source (usable as a decorator)."""
    SOURCES.append(source)
    return source


@register
def notes(record_link_id: int, limit: int) -> list[Entry]:
    stmt = (select(Note).where(Note.record_id == record_link_id, Note.deleted_at.is_(None))
            .options(joinedload(Note.author), selectinload(Note.attachments))
            .order_by(Note.created_at.desc(), Note.id.desc()).limit(limit))
    return [Entry(n.at, "note", "records/_timeline_note.html", n)
            for n in db.session.scalars(stmt).unique()]


def entries(record, limit: int = 50) -> list[Entry]:
    """The newest `limit` entries of every source for one record."""
    merged = [e for source in SOURCES for e in source(record.record_id, limit)]
    return sorted(merged, key=lambda e: e.at, reverse=True)[:limit]
