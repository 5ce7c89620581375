"""Sign in, sign out, and the language choice before signing in."""

from urllib.parse import urlsplit

from flask import redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from crm import auth_session
from crm.blueprints.auth import bp
from crm.blueprints.auth.forms import LoginForm
from crm.config import LANGUAGES
from crm.extensions import db
from crm.permissions import access
from crm.services import auth


def _safe_next(target: str | None) -> str:
    """Only same-site relative paths; anything else goes home."""
    if target and target.startswith("/") and not target.startswith("//"):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("home.index")


_REFUSALS = {
    "invalid": lambda: _("Wrong email or password. Check both and try again."),
    "inactive": lambda: _("This account has been deactivated. Ask your administrator."),
    "throttled": lambda: _("Too many failed sign-ins. Wait 15 minutes, then try again."),
}


@bp.get("/login")
@access.public
def login():
    """The sign-in page."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    expired = request.args.get("expired") == "1"
    return render_template("auth/login.html", form=LoginForm(), expired=expired)


@bp.post("/login")
@access.public
def login_post():
    """Check the credentials and start a fresh session."""
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form, expired=False), 422
    try:
        user = auth.authenticate(form.email.data, form.password.data, request.remote_addr or "")
    except auth.LoginRefused as refused:
        status = 429 if refused.reason == "throttled" else 422
        return render_template("auth/login.html", form=form, expired=False,
                               error=_REFUSALS[refused.reason]()), status
    auth_session.begin(user, form.remember.data)
    return redirect(_safe_next(request.args.get("next")))


@bp.post("/logout")
@access.login
def logout():
    """End this session everywhere its cookie is kept."""
    auth_session.end()
    return redirect(url_for("auth.login"))


@bp.post("/language")
@access.public
def language():
    """Choose the interface language (kept on the account when signed in)."""
    lang = request.form.get("lang", "")
    if lang in LANGUAGES:
        session["lang"] = lang
        if current_user.is_authenticated:
            current_user.language = lang
            db.session.commit()
    return redirect(_safe_next(request.form.get("next")))
