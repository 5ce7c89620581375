"""What only tasks do, beside what the record layer gives every type (crm/records/tasks.py):
complete, snooze and reopen (field changes through the record service, so the audit log
has them), the reminder of a task's due time for its assignee, a customer's open tasks, and
My day's tasks.

The due reminder is a `Reminder` row (kind "task_due") kept in step with the task whenever
the record service saves it (`derive`): one pending reminder per open task, for its
assignee at its due time. The clock's sweep (crm/jobs/reminders.py) notifies it once; a
new due time or assignee replaces it, a completed task closes it.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from flask_babel import get_timezone
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from crm.database import utcnow
from crm.extensions import db
from crm.i18n import local_to_utc
from crm.models import Reminder, Task, User
from crm.services import notifications
from crm.services.scope import apply_scope, scope_of

TASK_DUE = "task_due"
OPEN, DONE = "open", "done"
CUSTOMER_LIMIT = 20
MY_DAY_LIMIT = 30
SNOOZES = {"hour": _l("1 hour later"), "tomorrow": _l("Tomorrow 9:00"),
           "next_week": _l("Next week")}


class BadSnooze(ValueError):
    """A snooze choice that is not one of SNOOZES."""


def _type():
    from crm.records.tasks import TASK

    return TASK


# ---- the due reminder

def _owner_id(task) -> int | None:
    owner = task.__dict__.get("owner")  # reassigned in this request: the owner object
    return owner.id if owner is not None else task.owner_id


def derive(task) -> None:
    """After every save: a done task has its done time (an open one none), and the due
    reminder follows the task's due time, assignee and status."""
    if task.status == DONE and task.done_at is None:
        task.done_at = utcnow()
    elif task.status != DONE and task.done_at is not None:
        task.done_at = None
    _sync_reminder(task)


def _sync_reminder(task) -> None:
    owner_id = _owner_id(task)
    wanted = task.status == OPEN and task.deleted_at is None and owner_id is not None \
        and task.due_at is not None
    current = None
    if task.record_id is not None:
        current = db.session.scalar(select(Reminder).where(
            Reminder.record_id == task.record_id, Reminder.kind == TASK_DUE,
            Reminder.done_at.is_(None)).order_by(Reminder.id.desc()).limit(1))
    if current is not None and wanted and current.user_id == owner_id \
            and current.due_at == task.due_at:
        return  # unchanged: notified once (or still to come)
    if current is not None:
        now = utcnow()
        current.done_at = now
        if current.handled_at is None:
            current.handled_at = now  # replaced before it was due: never notified
    if wanted:
        reminder = Reminder(user_id=owner_id, kind=TASK_DUE, due_at=task.due_at)
        if task.record_id is not None:
            reminder.record_id = task.record_id
        else:
            reminder.record = task.record  # a new task: its record link gets its id at flush
        db.session.add(reminder)


def _due_text(params: dict) -> str:
    from flask_babel import gettext as _

    return _("Task due: %(name)s.", name=params.get("name", ""))


notifications.register_kind(TASK_DUE, _due_text)


# ---- complete, snooze, reopen

def _save(task, values: dict, user) -> Task:
    from crm.records import service

    rtype = _type()
    with db.session.no_autoflush:
        service.apply(rtype, task, values, new=False, user=user)
        service.refresh(rtype, task)
    db.session.flush()
    return task


def complete(task, user) -> Task:
    """Mark done (again: nothing changes)."""
    return task if task.status == DONE else _save(task, {"status": DONE}, user)


def reopen(task, user) -> Task:
    return task if task.status == OPEN else _save(task, {"status": OPEN}, user)


def snooze_until(choice: str, now: datetime | None = None) -> datetime:
    """The new due time of a snooze, in UTC: an hour from now, tomorrow at 9:00 or next
    Monday at 9:00 in the installation's time zone. BadSnooze for any other choice."""
    now = now or utcnow()
    if choice == "hour":
        return now + timedelta(hours=1)
    today = now.astimezone(get_timezone()).date()
    if choice == "tomorrow":
        day = today + timedelta(days=1)
    elif choice == "next_week":
        day = today + timedelta(days=7 - today.weekday())
    else:
        raise BadSnooze(choice)
    return local_to_utc(datetime.combine(day, time(9, 0)))


def snooze(task, choice: str, user) -> Task:
    """Move the due time later (and the reminder with it); the task stays open."""
    return _save(task, {"due_at": snooze_until(choice), "status": OPEN}, user)


# ---- where tasks show up

def customer_tasks(record, user) -> dict:
    """A company's or person's open tasks the user may see, due first (its page's
    section), and the link prefilling a new task with this customer."""
    from crm.records import registry

    rtype = registry.for_model(type(record))
    link = next(s for s in _type().fields
                if s.kind.key == "link" and s.options["target"] == rtype.key)
    stmt = (apply_scope(select(Task), Task, user)
            .where(getattr(Task, link.column) == record.id, Task.status == OPEN)
            .order_by(Task.due_at, Task.id).limit(CUSTOMER_LIMIT))
    return {"open_tasks": list(db.session.scalars(stmt)), "tasks_now": utcnow(),
            "new_task_args": {link.column: record.id}}


def page_context(task, user) -> dict:
    """What a task's own page adds: the snooze choices."""
    return {"snooze_choices": SNOOZES}


def due_today(user, until: datetime) -> list[Task]:
    """The user's open tasks due before `until` (the end of their today), oldest first."""
    stmt = (apply_scope(select(Task), Task, user)
            .where(Task.owner_id == user.id, Task.status == OPEN, Task.due_at < until)
            .order_by(Task.due_at, Task.id).limit(MY_DAY_LIMIT))
    return list(db.session.scalars(stmt))


def team_overdue(user) -> list[tuple[Task, str]]:
    """A manager's team: others' open tasks already overdue, oldest first, with whose."""
    if scope_of(user) != "team" or user.team_id is None:
        return []
    stmt = (apply_scope(select(Task, User.name), Task, user)
            .join(User, User.id == Task.owner_id)
            .where(Task.owner_id != user.id, Task.status == OPEN, Task.due_at < utcnow())
            .order_by(Task.due_at, Task.id).limit(MY_DAY_LIMIT))
    return [(task, name) for task, name in db.session.execute(stmt)]
