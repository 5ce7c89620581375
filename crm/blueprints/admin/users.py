"""Administration: users (create, edit, deactivate) with each account's history."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from crm.blueprints.admin import bp
from crm.blueprints.admin.forms import EMAIL_TAKEN, UserForm
from crm.extensions import db
from crm.models import User
from crm.permissions import ROLE_LABELS, access
from crm.records import history
from crm.services import audit, auth, users
from crm.services.records import VersionConflict

USER_RULES = {
    "self": lambda: _("You cannot deactivate your own account."),
    "last_admin": lambda: _("This is the last active administrator. Make another user an "
                            "administrator first."),
}


def _user_or_404(user_id: int) -> User:
    return db.session.get(User, user_id) or abort(404)


def _team_id(form: UserForm) -> int | None:
    return int(form.team_id.data) if form.team_id.data else None


@bp.get("/admin/users")
@access("admin.users")
def users_index():
    """All users with role, team and state."""
    rows = db.session.scalars(db.select(User).order_by(User.is_active.desc(), User.name)).all()
    role_labels = {role: str(label) for role, label in ROLE_LABELS.items()}  # once, not per row
    return render_template("admin/users.html", users=rows, role_labels=role_labels)


@bp.get("/admin/users/new")
@access("admin.users")
def users_new():
    """The new-user form."""
    return render_template("admin/user_form.html", form=UserForm(), user=None)


@bp.post("/admin/users")
@access("admin.users")
def users_create():
    """Create a user."""
    form = UserForm()
    if not form.validate_on_submit():
        return render_template("admin/user_form.html", form=form, user=None), 422
    password = form.password.data or (auth.random_password() if form.generate.data else "")
    try:
        user = users.create(form.email.data, form.name.data.strip(), password, form.role.data,
                            _team_id(form))
    except users.TakenError:  # another admin saved the same email a moment earlier
        form.email.errors = [*form.email.errors, EMAIL_TAKEN]
        return render_template("admin/user_form.html", form=form, user=None), 422
    if not form.password.data:  # shown once, on this answer only (never in a cookie)
        return render_template("admin/user_created.html", user=user, password=password)
    flash(_("User %(name)s created.", name=user.name), "success")
    return redirect(url_for("admin.users_index"))


@bp.get("/admin/users/<int(min=1, max=2147483647):user_id>/edit")
@access("admin.users")
def users_edit(user_id: int):
    """Edit a user; the History tab shows every change to the account."""
    user = _user_or_404(user_id)
    form = UserForm(obj=user, user_id=user.id, team_id=str(user.team_id or ""))
    return render_template("admin/user_form.html", form=form, user=user, **_history(user))


def _history(user: User) -> dict:
    rows, next_before = audit.page(entity="user", entity_id=user.id, limit=20)
    more = url_for("admin.audit_index", entity="user", entity_id=user.id,
                   before=next_before) if next_before else None
    return {"history_lines": history.lines(rows), "history_more": more}


@bp.post("/admin/users/<int(min=1, max=2147483647):user_id>")
@access("admin.users")
def users_update(user_id: int):
    """Save a user's email, name, role, team and optionally a new password."""
    user = _user_or_404(user_id)
    form = UserForm(user_id=user.id)
    if not form.validate_on_submit():
        return render_template("admin/user_form.html", form=form, user=user,
                               **_history(user)), 422
    try:
        users.update(user, request.form.get("version"), email=form.email.data,
                     name=form.name.data.strip(), role=form.role.data,
                     team_id=_team_id(form), password=form.password.data or None,
                     # a new password of one's own ends the other sessions, not this one
                     keep_session=current_user.get_id() if user.id == current_user.id else None)
    except VersionConflict:
        db.session.rollback()
        return render_template("admin/user_form.html", form=form, user=user,
                               conflict=True, **_history(user)), 409
    except users.UserRuleError as refused:
        db.session.rollback()
        form.role.errors.append(USER_RULES[str(refused)]())
        return render_template("admin/user_form.html", form=form, user=user,
                               **_history(user)), 422
    except users.TakenError:
        form.email.errors = [*form.email.errors, EMAIL_TAKEN]
        return render_template("admin/user_form.html", form=form, user=user,
                               **_history(user)), 422
    flash(_("User %(name)s saved.", name=user.name), "success")
    return redirect(url_for("admin.users_index"))


def _set_active(user_id: int, active: bool):
    user = _user_or_404(user_id)
    try:
        users.set_active(user, active, current_user.id)
    except users.UserRuleError as refused:
        db.session.rollback()
        flash(USER_RULES[str(refused)](), "error")
        return redirect(url_for("admin.users_index"))
    message = _("%(name)s can sign in again.", name=user.name) if active else _(
        "%(name)s is deactivated and was signed out everywhere.", name=user.name)
    flash(message, "success")
    return redirect(url_for("admin.users_index"))


@bp.post("/admin/users/<int(min=1, max=2147483647):user_id>/deactivate")
@access("admin.users")
def users_deactivate(user_id: int):
    """Deactivate a user: every session ends at once."""
    return _set_active(user_id, False)


@bp.post("/admin/users/<int(min=1, max=2147483647):user_id>/activate")
@access("admin.users")
def users_activate(user_id: int):
    """Let a deactivated user sign in again."""
    return _set_active(user_id, True)
