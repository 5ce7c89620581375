"""Follow-ups (跟进): how a customer was reached, when, with what outcome, and when to
contact them next. A follow-up is a note with a method; its next contact is a reminder for
the rep who logged it, which the clock's sweep (crm/jobs/reminders.py) turns into a
notification when it is due.
"""

from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from crm.database import utcnow
from crm.extensions import db
from crm.models import Note, Record, Reminder
from crm.services import notifications

METHODS = {"call": _l("Call"), "visit": _l("Visit"), "meeting": _l("Meeting"),
           "message": _l("WeChat / message"), "email": _l("Email"), "other": _l("Other")}
OUTCOMES = {"reached": _l("Talked"), "no_answer": _l("No answer"),
            "interested": _l("Interested"), "not_interested": _l("Not interested"),
            "follow_up": _l("Needs another follow-up")}
# A follow-up may be logged a little ahead of the clock (phones' clocks differ), not more.
FUTURE_SLACK = timedelta(minutes=10)
FURTHEST_NEXT = timedelta(days=2 * 366)
NEXT_CONTACT = "next_contact"


def close_plans(note: Note, user) -> None:
    """A follow-up on a record is the contact this user planned with it: their open plans
    for it are done (and, if not yet due, will not be notified)."""
    now = utcnow()
    mine = (Reminder.user_id == user.id, Reminder.record_id == note.record_id,
            Reminder.kind == NEXT_CONTACT)
    db.session.execute(update(Reminder).where(*mine, Reminder.done_at.is_(None))
                       .values(done_at=now).execution_options(synchronize_session=False))
    db.session.execute(update(Reminder).where(*mine, Reminder.handled_at.is_(None))
                       .values(handled_at=now).execution_options(synchronize_session=False))


def schedule_next_contact(note: Note, user) -> Reminder | None:
    """After a follow-up (or a note with a next contact): earlier plans of this user for
    this record are closed, and the next contact, if any, is the new plan."""
    if note.method is None and note.next_contact_at is None:
        return None  # a plain note is not a contact: plans stay as they are
    close_plans(note, user)
    if note.next_contact_at is None:
        return None
    reminder = Reminder(user_id=user.id, record_id=note.record_id, note_id=note.id,
                        kind=NEXT_CONTACT, due_at=note.next_contact_at)
    db.session.add(reminder)
    return reminder


def remind(reminder_ids: list[int]) -> int:
    """Turn claimed reminders into notifications (once each, whatever retries happen);
    returns how many notifications were added. The caller marks the reminders handled."""
    from crm.records import registry

    rows = list(db.session.scalars(select(Reminder).where(Reminder.id.in_(reminder_ids))))
    types = dict(db.session.execute(select(Record.id, Record.type).where(
        Record.id.in_({r.record_id for r in rows}))).all())
    names: dict[int, tuple[str, int, str]] = {}  # record link id -> (type, id, name)
    for type_key in set(types.values()):
        rtype = registry.find(type_key)
        if rtype is None:
            continue
        model = rtype.model
        links = [link for link, kind in types.items() if kind == type_key]
        title = getattr(model, rtype.title_spec.column)
        for link, rid, name in db.session.execute(
                select(model.record_id, model.id, title).where(
                    model.record_id.in_(links), model.deleted_at.is_(None))):
            names[link] = (type_key, rid, name)
    added = 0
    for reminder in rows:
        found = names.get(reminder.record_id)
        if found is None:  # the record went to the trash: nothing to remind of
            continue
        type_key, rid, name = found
        added += notifications.notify(
            reminder.user_id, reminder.kind, f"reminder:{reminder.id}",
            record_id=reminder.record_id,
            params={"type": type_key, "id": rid, "name": name,
                    "due": reminder.due_at.isoformat()})
    return added


def _next_contact_text(params: dict) -> str:
    from flask_babel import gettext as _

    return _("Time to contact %(name)s (the next contact you planned).",
             name=params.get("name", ""))


notifications.register_kind(NEXT_CONTACT, _next_contact_text)


def is_follow_up(note: Note) -> bool:
    return note.method is not None



# ---- Visit check-ins: a visit follow-up logged with one tap, with where the phone was.
LOCATED = "located"
# Why a check-in has no location, as the browser's Geolocation API said.
NO_LOCATION = {"denied": _l("location refused"), "unavailable": _l("location unavailable"),
               "timeout": _l("location timed out")}
LATITUDE = (-90.0, 90.0)
LONGITUDE = (-180.0, 180.0)
ACCURACY = (0.0, 100000.0)
CHECK_INS_PAGE = 200


def parse_coordinate(raw: str | None, bounds: tuple[float, float]) -> float | None:
    """A coordinate sent by the browser: None when empty; ValueError when not a finite
    number inside `bounds`."""
    import math

    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(raw) from None
    if not math.isfinite(value) or not bounds[0] <= value <= bounds[1]:
        raise ValueError(raw)
    return value


def check_ins(user, day_start, day_end, rep_id: int | None = None) -> list:
    """The check-ins logged between two moments by the reps `user` may see (admin: every
    one; manager: their team; anyone else: their own), newest first, at most
    CHECK_INS_PAGE, with their authors loaded: one query."""
    from sqlalchemy.orm import joinedload

    from crm.models import User

    stmt = (select(Note).join(User, User.id == Note.created_by)
            .where(Note.check_in.is_not(None), Note.deleted_at.is_(None),
                   Note.happened_at >= day_start, Note.happened_at < day_end,
                   *reps_filter(user))
            .options(joinedload(Note.author))
            .order_by(Note.happened_at.desc(), Note.id.desc()).limit(CHECK_INS_PAGE))
    if rep_id is not None:
        stmt = stmt.where(Note.created_by == rep_id)
    return list(db.session.scalars(stmt))


def reps_filter(user) -> tuple:
    """Conditions on User limiting to the reps whose check-ins `user` may see: everyone's
    (admin), the team's (a manager, who sees reports), else only their own."""
    from crm.models import User
    from crm.permissions import has_permission
    from crm.services.scope import scope_of

    scope = scope_of(user)
    if scope == "all":
        return ()
    if scope == "team" and user.team_id is not None and has_permission(user, "reports.view"):
        return (User.team_id == user.team_id,)
    return (User.id == user.id,)


def visible_reps(user) -> list:
    """The active users whose check-ins `user` may see, by name (for the rep filter)."""
    from crm.models import User

    return list(db.session.scalars(select(User).where(*reps_filter(user))
                                   .order_by(User.name, User.id).limit(500)))
