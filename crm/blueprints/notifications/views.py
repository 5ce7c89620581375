"""The bell (its count is fetched after the page loads and refreshed every minute while the
page is visible, so no page pays for it) and the notifications page, which marks what it
shows as read."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from crm.blueprints.notifications import bp
from crm.extensions import db
from crm.htmx import is_htmx
from crm.ids import id_arg
from crm.permissions import access
from crm.services import follow_ups, notifications, transfers

# The areas whose notifications this page shows register their words when imported.
_KINDS = (follow_ups, transfers)


@bp.get("/notifications")
@access.login
def index():
    """The user's notifications, newest first; the unread ones shown are marked read."""
    before = id_arg(request.args, "before")
    rows, next_before = notifications.page(current_user.id, before)
    unread = [n.id for n in rows if n.read_at is None]
    body = render_template(
        "notifications/_rows.html" if before and is_htmx() else "notifications/index.html",
        rows=rows, unread=set(unread), text=notifications.text,
        more_url=url_for(".index", before=next_before) if next_before else None)
    if unread:
        notifications.mark_read(current_user.id, unread)
        db.session.commit()
    return body


@bp.get("/notifications/bell")
@access.login
def bell():
    """The bell with the unread count (htmx swaps it in place)."""
    return render_template("notifications/_bell.html",
                           unread=notifications.unread_count(current_user.id),
                           cap=notifications.UNREAD_CAP)


@bp.post("/notifications/read")
@access.login
def read_all():
    """Mark every notification read."""
    notifications.mark_read(current_user.id)
    db.session.commit()
    flash(_("All notifications marked as read."), "success")
    return redirect(url_for(".index"))
