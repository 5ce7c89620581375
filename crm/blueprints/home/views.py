"""My day (the home page), and the icon browsers ask for at the site root."""

from flask import redirect, render_template, url_for
from flask_login import current_user

from crm.blueprints.home import bp
from crm.permissions import access, has_permission
from crm.records import registry


@bp.get("/")
@access.login
def index():
    """My day: the rep's plans due today and overdue, customers due for a touch, the team's
    overdue plans (managers), recently opened records; then every area."""
    from crm.blueprints.records.detail import map_url
    from crm.i18n import local_to_utc
    from crm.records.tasks import TASK
    from crm.services import my_day, tasks

    today_ends = local_to_utc(_local_midnight_tomorrow())
    search = next((t for t in registry.all_types()
                   if has_permission(current_user, t.permissions.view)), None)
    return render_template(
        "home/index.html", search_type=search, map_url=map_url,
        plans=my_day.plans(current_user, today_ends),
        team=my_day.team_overdue(current_user),
        touch=my_day.due_for_touch(current_user) if search else [],
        recent=my_day.recent(current_user),
        **(my_day_tasks(tasks, today_ends) if has_permission(current_user, TASK.permissions.view)
           else {"tasks_due": [], "team_tasks": []}))


def my_day_tasks(tasks, today_ends) -> dict:
    """The user's tasks due today and overdue, and (managers) the team's overdue ones."""
    from crm.database import utcnow

    return {"tasks_due": tasks.due_today(current_user, today_ends),
            "team_tasks": tasks.team_overdue(current_user), "tasks_now": utcnow()}


def _local_midnight_tomorrow():
    from datetime import datetime, time, timedelta

    from flask_babel import get_timezone

    from crm.database import utcnow

    today = utcnow().astimezone(get_timezone()).date()
    return datetime.combine(today + timedelta(days=1), time())


@bp.get("/favicon.ico")
@access.public
def favicon():
    """Browsers fetch /favicon.ico whatever the page links (e.g. for a download): the icon."""
    response = redirect(url_for("static", filename="favicon.svg"), 301)
    response.cache_control.max_age = 86400
    response.cache_control.public = True
    return response


@bp.get("/check-ins")
@access.login
def check_ins():
    """Visit check-ins per rep and day: a manager's team (admin: everyone; a rep: their
    own), newest first, with a map link for each located one."""
    from datetime import date, datetime, time, timedelta

    from flask import abort, request
    from flask_babel import gettext as _

    from crm.i18n import local_to_utc
    from crm.services import follow_ups, my_day

    today = _local_midnight_tomorrow().date() - timedelta(days=1)
    raw_day, raw_rep = request.args.get("day", ""), request.args.get("rep", "")
    error, day = None, today
    if raw_day:
        try:
            day = date.fromisoformat(raw_day)
            if not 2000 <= day.year <= 9000:
                raise ValueError(raw_day)
        except ValueError:
            day = today
            error = _("Give the day as YYYY-MM-DD, for example %(day)s.", day=today.isoformat())
    reps = follow_ups.visible_reps(current_user)
    rep = None
    if raw_rep:
        if not raw_rep.isdigit() or len(raw_rep) > 12:
            abort(404)
        rep = next((r for r in reps if r.id == int(raw_rep)), None)
        if rep is None:
            abort(404)
    start = local_to_utc(datetime.combine(day, time()))
    rows = follow_ups.check_ins(current_user, start,
                                local_to_utc(datetime.combine(day + timedelta(days=1), time())),
                                rep.id if rep else None)
    records = my_day.records_by_link({n.record_id for n in rows}, current_user)
    return render_template("home/check_ins.html", rows=rows, records=records, reps=reps,
                           rep=rep, day=day, today=today, error=error,
                           limit=follow_ups.CHECK_INS_PAGE,
                           previous=day - timedelta(days=1), following=day + timedelta(days=1)
                           ), 422 if error else 200
