"""A personal calendar feed (iCalendar, RFC 5545) any phone calendar can subscribe to: the
user's planned contacts (follow-ups' next contacts), from a month back to half a year on.

The feed URL carries a random secret; only its SHA-256 is stored, so the URL is shown once
and a new one replaces (revokes) the old. A deactivated user's feed answers 404.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select

from crm.database import utcnow
from crm.extensions import db
from crm.models import Reminder, User
from crm.services.follow_ups import NEXT_CONTACT

PAST, AHEAD, LIMIT = timedelta(days=30), timedelta(days=183), 500


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token(user: User) -> str:
    """A new feed secret for the user (the old URL stops working); returned once."""
    token = secrets.token_urlsafe(32)
    user.calendar_token_hash = _digest(token)
    return token


def revoke(user: User) -> None:
    user.calendar_token_hash = None


def user_for(token: str) -> User | None:
    if not token or len(token) > 100:
        return None
    return db.session.scalar(select(User).where(User.calendar_token_hash == _digest(token),
                                                User.is_active.is_(True)))


def events(user: User) -> list[tuple[Reminder, object, object]]:
    """(plan, record type, record) of the user's open plans in the feed's window."""
    from crm.services.my_day import records_by_link

    now = utcnow()
    plans = list(db.session.scalars(
        select(Reminder).where(Reminder.user_id == user.id, Reminder.kind == NEXT_CONTACT,
                               Reminder.done_at.is_(None), Reminder.due_at >= now - PAST,
                               Reminder.due_at <= now + AHEAD)
        .order_by(Reminder.due_at).limit(LIMIT)))
    records = records_by_link({p.record_id for p in plans}, user)
    return [(p, *records[p.record_id]) for p in plans if p.record_id in records]


def _text(value: str) -> str:
    """An iCalendar TEXT value: backslash, semicolon, comma and newlines escaped."""
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space (RFC 5545 3.1),
    never splitting a UTF-8 character."""
    out, current = [], ""
    for char in line:
        limit = 75 if not out else 74
        if len((current + char).encode()) > limit:
            out.append(current)
            current = char
        else:
            current += char
    out.append(current)
    return "\r\n ".join(out)


def _stamp(moment) -> str:
    return moment.strftime("%Y%m%dT%H%M%SZ")


def feed(user: User, host: str, summary, url_for_record) -> str:
    """The calendar as text: `summary(name)` words an event in the user's language,
    `url_for_record(rtype, record)` links it."""
    now = _stamp(utcnow())
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Qiao CRM//Calendar//EN",
             "CALSCALE:GREGORIAN", "METHOD:PUBLISH", f"X-WR-CALNAME:{_text('Qiao CRM')}"]
    for plan, rtype, record in events(user):
        name = str(getattr(record, rtype.title_spec.column) or "")
        start = plan.due_at
        lines += ["BEGIN:VEVENT", f"UID:reminder-{plan.id}@{host}", f"DTSTAMP:{now}",
                  f"DTSTART:{_stamp(start)}", f"DTEND:{_stamp(start + timedelta(minutes=15))}",
                  f"SUMMARY:{_text(summary(name))}",
                  f"URL:{url_for_record(rtype, record)}", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
