"""My day: what a rep should do today, on one screen.

- Plans: the next contacts the rep planned (follow-ups' reminders) that are overdue or due
  today, oldest first; a later follow-up on the record closes them.
- Due for a touch: the rep's customers not contacted for longer than their tier allows
  (CRM_TOUCH_DAYS, e.g. high 7, mid 14, low 30 days), longest first.
- Recently opened: the last records the user opened (kept in Redis; nothing without it).
- Managers also see their team's overdue plans.

Every part reads a handful of rows through indexes: a few queries per page, whatever the
number of customers. Records come through the user's scope and never from the trash.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from redis.exceptions import RedisError
from sqlalchemy import or_, select

from crm.database import utcnow
from crm.extensions import db
from crm.models import Record, Reminder, User
from crm.records import registry
from crm.services.follow_ups import NEXT_CONTACT
from crm.services.scope import apply_scope, scope_of

PLANS_LIMIT = 30
TOUCH_LIMIT = 10
RECENT_LIMIT = 8


@dataclass
class Item:
    rtype: object
    record: object
    due_at: datetime | None = None  # a plan's time
    user_name: str | None = None  # whose plan (the team's list)

    @property
    def overdue(self) -> bool:
        return self.due_at is not None and self.due_at < utcnow()


def touch_days() -> dict[str, int]:
    """Tier -> days between contacts, from CRM_TOUCH_DAYS ("high:7,mid:14,low:30")."""
    found = {}
    for part in str(current_app.config["CRM"]["TOUCH_DAYS"]).split(","):
        tier, _, days = part.partition(":")
        if tier.strip() and days.strip().isdigit() and int(days) > 0:
            found[tier.strip()] = int(days)
    return found


def records_by_link(links, user) -> dict[int, tuple[object, object]]:
    """Record link id -> (record type, record) for the links the user may see (not in the
    trash): one query for the types, one per type."""
    links = set(links)
    if not links:
        return {}
    kinds = dict(db.session.execute(select(Record.id, Record.type)
                                    .where(Record.id.in_(links))).all())
    found = {}
    for type_key in set(kinds.values()):
        rtype = registry.find(type_key)
        if rtype is None:
            continue
        model = rtype.model
        stmt = apply_scope(select(model), model, user).where(
            model.record_id.in_([link for link, kind in kinds.items() if kind == type_key]))
        for record in db.session.scalars(stmt):
            found[record.record_id] = (rtype, record)
    return found


def _items(reminders, user, names: dict | None = None) -> list[Item]:
    records = records_by_link({r.record_id for r in reminders}, user)
    items = []
    for reminder in reminders:
        if reminder.record_id in records:
            rtype, record = records[reminder.record_id]
            items.append(Item(rtype, record, reminder.due_at,
                              (names or {}).get(reminder.user_id)))
    return items


def plans(user, until: datetime) -> list[Item]:
    """The user's open plans due before `until` (the end of their today), oldest first."""
    stmt = (select(Reminder).where(Reminder.user_id == user.id, Reminder.done_at.is_(None),
                                   Reminder.kind == NEXT_CONTACT, Reminder.due_at < until)
            .order_by(Reminder.due_at).limit(PLANS_LIMIT))
    return _items(list(db.session.scalars(stmt)), user)


def team_overdue(user) -> list[Item]:
    """A manager's team: others' open plans already overdue, oldest first."""
    if scope_of(user) != "team" or user.team_id is None:
        return []
    names = dict(db.session.execute(select(User.id, User.name).where(
        User.team_id == user.team_id, User.id != user.id, User.is_active.is_(True))).all())
    if not names:
        return []
    stmt = (select(Reminder).where(Reminder.user_id.in_(names), Reminder.done_at.is_(None),
                                   Reminder.kind == NEXT_CONTACT, Reminder.due_at < utcnow())
            .order_by(Reminder.due_at).limit(PLANS_LIMIT))
    return _items(list(db.session.scalars(stmt)), user, names)


def due_for_touch(user) -> list[Item]:
    """The user's own customers past their tier's contact interval, longest first (never
    contacted first), for every record type with a tier and a last contact."""
    days = touch_days()
    now, items = utcnow(), []
    for rtype in registry.all_types():
        model = rtype.model
        if not days or rtype.spec("tier") is None or not hasattr(model, "last_contact_at"):
            continue
        overdue = [(model.tier == tier) & or_(model.last_contact_at.is_(None),
                                              model.last_contact_at < now - timedelta(days=n))
                   for tier, n in days.items()]
        stmt = (apply_scope(select(model), model, user)
                .where(model.owner_id == user.id, or_(*overdue))
                .order_by(model.last_contact_at.is_not(None), model.last_contact_at, model.id)
                .limit(TOUCH_LIMIT))
        items.extend(Item(rtype, record) for record in db.session.scalars(stmt))
    items.sort(key=lambda i: (i.record.last_contact_at is not None,
                              i.record.last_contact_at or now))
    return items[:TOUCH_LIMIT]


def _recent_key(user_id: int) -> str:
    return f"crm:recent:{user_id}"


def remember_opened(user, record) -> None:
    """Note that the user opened this record (its link id), newest first, a few kept."""
    from crm.redis_conn import get_redis

    try:
        pipe = get_redis(timeout=0.5).pipeline()
        key, value = _recent_key(user.id), str(record.record_id)
        pipe.lrem(key, 0, value).lpush(key, value).ltrim(key, 0, RECENT_LIMIT - 1)
        pipe.expire(key, 30 * 86400).execute()
    except RedisError:
        pass  # a convenience: the page works without it


def recent(user) -> list[Item]:
    from crm.redis_conn import get_redis

    try:
        links = [int(v) for v in get_redis(timeout=0.5).lrange(_recent_key(user.id), 0,
                                                                RECENT_LIMIT - 1)]
    except (RedisError, ValueError):
        return []
    records = records_by_link(links, user)
    return [Item(*records[link]) for link in links if link in records]
