"""Administration: SMTP settings, a test email, and emails that failed or wait to retry."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from crm.blueprints.admin import bp
from crm.blueprints.admin.forms import SmtpForm
from crm.extensions import db
from crm.permissions import access
from crm.services import audit, email


def _page(form: SmtpForm | None = None, status: int = 200):
    config = email.smtp_config()
    if form is None:
        form = SmtpForm(host=config.host, port=str(config.port), security=config.security,
                        user=config.user, from_addr=config.from_addr)
    return render_template("admin/email.html", form=form, config=config,
                           password_set=bool(config.password),
                           overridden=email.overridden(),
                           problems=email.recent_problems()), status


@bp.get("/admin/email")
@access("admin.system")
def email_index():
    """The SMTP settings page."""
    return _page()


@bp.post("/admin/email")
@access("admin.system")
def email_update():
    """Save the SMTP settings (a blank password keeps the saved one)."""
    form = SmtpForm()
    if not form.validate_on_submit():
        return _page(form, 422)
    email.save_settings({"host": form.host.data.strip(), "port": form.port.data,
                         "security": form.security.data, "user": form.user.data.strip(),
                         "password": form.password.data or "",
                         "from_addr": form.from_addr.data.strip()})
    db.session.commit()
    flash(_("Email settings saved."), "success")
    return redirect(url_for("admin.email_index"))


@bp.post("/admin/email/test")
@access("admin.system")
def email_test():
    """Send a test email to the admin's own address."""
    try:
        email.send_test(current_user.email)
    except email.SendError as exc:
        audit.record(db.session, "smtp.test", entity="setting", summary=f"failed: {exc}")
        db.session.commit()
        flash(_("The test email could not be sent: %(reason)s", reason=str(exc)), "error")
    else:
        audit.record(db.session, "smtp.test", entity="setting", summary="sent")
        db.session.commit()
        flash(_("A test email was sent to %(to)s.", to=current_user.email), "success")
    return redirect(url_for("admin.email_index"))
