"""Personal settings: language, font size, password."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from crm.blueprints.profile import bp
from crm.blueprints.profile.forms import PasswordForm, SettingsForm
from crm.extensions import db
from crm.permissions import access
from crm.services import auth


def _page(settings: SettingsForm | None = None, password: PasswordForm | None = None,
          status: int = 200):
    settings = settings or SettingsForm(language=current_user.language or "zh_CN",
                                        font_size=current_user.font_size)
    return render_template("profile/index.html", settings=settings,
                           password=password or PasswordForm()), status


@bp.get("/profile")
@access.login
def index():
    """The personal settings page."""
    return _page()


@bp.post("/profile")
@access.login
def update():
    """Save language and font size."""
    form = SettingsForm()
    if not form.validate_on_submit():
        return _page(settings=form, status=422)
    current_user.language = form.language.data
    current_user.font_size = form.font_size.data
    db.session.commit()
    flash(_("Settings saved."), "success")
    return redirect(url_for("profile.index"))


@bp.post("/profile/password")
@access.login
def password():
    """Change the password; other sessions of this user end."""
    form = PasswordForm()
    if not form.validate_on_submit():
        return _page(password=form, status=422)
    try:
        auth.check_current_password(current_user, form.current.data, request.remote_addr or "")
    except auth.LoginRefused as refused:
        if refused.reason == "throttled":
            form.current.errors.append(_("Too many wrong passwords. Wait 15 minutes, then try "
                                         "again."))
            return _page(password=form, status=429)
        form.current.errors.append(_("The current password is wrong."))
        return _page(password=form, status=422)
    auth.change_password(current_user, form.new.data)
    db.session.commit()
    flash(_("Password changed. Your other sessions were signed out."), "success")
    return redirect(url_for("profile.index"))
