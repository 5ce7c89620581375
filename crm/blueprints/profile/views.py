"""Personal settings: language, font size, password, the calendar feed; and the feed."""

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from crm.blueprints.profile import bp
from crm.blueprints.profile.forms import EmailForm, PasswordForm, SettingsForm
from crm.extensions import db
from crm.permissions import access
from crm.services import auth, calendar, email


def _email_form() -> EmailForm:
    muted = set((current_user.email_muted or "").split(","))
    hour = current_user.digest_hour
    return EmailForm(data={**{kind: kind not in muted for kind in EmailForm.KINDS},
                           "digest_hour": "" if hour is None else str(hour)})


def _page(settings: SettingsForm | None = None, password: PasswordForm | None = None,
          status: int = 200, calendar_url: str | None = None,
          email_form: EmailForm | None = None):
    settings = settings or SettingsForm(language=current_user.language or "zh_CN",
                                        font_size=current_user.font_size)
    return render_template("profile/index.html", settings=settings,
                           password=password or PasswordForm(),
                           email_form=email_form or _email_form(),
                           smtp_on=email.smtp_config().configured,
                           calendar_url=calendar_url), status


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


@bp.post("/profile/email")
@access.login
def email_settings():
    """Choose which notifications come by email and the daily digest's hour."""
    form = EmailForm()
    if not form.validate_on_submit():
        return _page(email_form=form, status=422)
    current_user.email_muted = ",".join(k for k in EmailForm.KINDS if not form[k].data)
    hour = form.digest_hour.data
    current_user.digest_hour = int(hour) if hour else None
    db.session.commit()
    flash(_("Email settings saved."), "success")
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


@bp.post("/profile/calendar")
@access.login
def calendar_new():
    """A new calendar feed URL, shown once; the previous one stops working."""
    token = calendar.new_token(current_user)
    db.session.commit()
    return _page(calendar_url=url_for("profile.calendar_feed", token=token, _external=True))


@bp.post("/profile/calendar/revoke")
@access.login
def calendar_revoke():
    """Stop the calendar feed: its URL answers 404 from now on."""
    calendar.revoke(current_user)
    db.session.commit()
    flash(_("The calendar feed is turned off. Calendars subscribed to it stop updating."),
          "success")
    return redirect(url_for("profile.index"))


@bp.get("/calendar/<token>.ics")
@access.public
def calendar_feed(token: str):
    """The user's planned contacts as iCalendar (the secret in the URL is the key)."""
    user = calendar.user_for(token)
    if user is None:
        abort(404)
    with force_locale(user.language or current_app.config["CRM"]["DEFAULT_LANGUAGE"]):
        body = calendar.feed(
            user, request.host.split(":")[0] or "qiao",
            lambda name: _("Contact %(name)s", name=name),
            lambda rtype, record: url_for(f"{rtype.plural}.show", record_id=record.id,
                                          _external=True))
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = "inline; filename=qiao-crm.ics"
    response.headers["Cache-Control"] = "private, max-age=300"
    return response
