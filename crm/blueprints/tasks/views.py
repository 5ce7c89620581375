"""Complete, snooze and reopen a task. From a list row or My day (htmx) the row goes and a
message says what happened; from the task's page the page reloads."""

from __future__ import annotations

from flask import flash, redirect, request
from flask_babel import gettext as _
from flask_login import current_user

from crm.blueprints.records.common import fragment, load
from crm.blueprints.tasks import bp
from crm.extensions import db
from crm.htmx import is_htmx, toast
from crm.permissions import access
from crm.records.kinds.base import joined
from crm.records.tasks import TASK
from crm.services import tasks

EDIT = TASK.permissions.edit


def _done(task, message: str, *, remove: bool = True):
    db.session.commit()
    if is_htmx():
        # the row (list or My day) is replaced by nothing: it has been dealt with
        return toast(fragment("" if remove else message), message)
    flash(message, "success")
    return redirect(TASK.url("show", record_id=task.id))


@bp.post("/tasks/<id:record_id>/complete", endpoint="complete")
@access(EDIT)
def complete(record_id: int):
    """Mark the task done."""
    task = tasks.complete(load(TASK, record_id), current_user)
    return _done(task, _("%(name)s done.", name=task.title))


@bp.post("/tasks/<id:record_id>/reopen", endpoint="reopen")
@access(EDIT)
def reopen(record_id: int):
    """Open a done task again."""
    task = tasks.reopen(load(TASK, record_id), current_user)
    return _done(task, _("%(name)s is open again.", name=task.title))


@bp.post("/tasks/<id:record_id>/snooze", endpoint="snooze")
@access(EDIT)
def snooze(record_id: int):
    """Move the due time to one of the snooze choices (an hour, tomorrow, next week)."""
    task = load(TASK, record_id)
    choice = request.form.get("until", "")
    if choice not in tasks.SNOOZES:
        message = _("Choose when to be reminded again: %(choices)s.",
                    choices=joined(str(v) for v in tasks.SNOOZES.values()))
        if is_htmx():
            return toast(fragment(message, 422), message, "error")
        return fragment(message, 422)
    tasks.snooze(task, choice, current_user)
    return _done(task, _("%(name)s moved to %(when)s.", name=task.title,
                         when=_format(task.due_at)))


def _format(moment) -> str:
    from crm.i18n import format_moment

    return format_moment(moment)
