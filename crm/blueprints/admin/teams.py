"""Administration: teams."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from crm.blueprints.admin import bp
from crm.blueprints.admin.forms import TEAM_TAKEN, TeamForm
from crm.extensions import db
from crm.models import Team, User
from crm.permissions import access
from crm.services import users
from crm.services.records import VersionConflict


@bp.get("/admin/teams")
@access("admin.users")
def teams_index():
    """Teams and their members."""
    teams = db.session.scalars(db.select(Team).order_by(Team.name)).all()
    counts = dict(db.session.execute(
        db.select(User.team_id, db.func.count()).group_by(User.team_id)).all())
    return render_template("admin/teams.html", teams=teams, counts=counts, form=TeamForm())


@bp.post("/admin/teams")
@access("admin.users")
def teams_create():
    """Create a team."""
    form = TeamForm()
    valid = form.validate_on_submit()
    if valid:
        try:
            team = users.create_team(form.name.data)
        except users.TakenError:  # another admin saved the same name a moment earlier
            form.name.errors = [*form.name.errors, TEAM_TAKEN]
            valid = False
    if not valid:
        teams = db.session.scalars(db.select(Team).order_by(Team.name)).all()
        return render_template("admin/teams.html", teams=teams, counts={}, form=form), 422
    flash(_("Team %(name)s created.", name=team.name), "success")
    return redirect(url_for("admin.teams_index"))


@bp.post("/admin/teams/<int(min=1, max=2147483647):team_id>")
@access("admin.users")
def teams_update(team_id: int):
    """Rename a team."""
    team = db.session.get(Team, team_id) or abort(404)
    form = TeamForm(team_id=team.id)
    if form.validate_on_submit():
        try:
            users.rename_team(team, form.name.data, request.form.get("version"))
            flash(_("Team renamed."), "success")
        except VersionConflict:
            db.session.rollback()
            flash(_("Someone else changed this team. Reload and try again."), "error")
        except users.TakenError:
            flash(str(TEAM_TAKEN), "error")
    else:
        flash(" ".join(str(e) for e in form.name.errors), "error")
    return redirect(url_for("admin.teams_index"))
