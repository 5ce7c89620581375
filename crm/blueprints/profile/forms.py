"""Personal settings and password change."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length

from crm.config import LANGUAGES
from crm.i18n import LANGUAGE_NAMES
from crm.services.auth import MIN_PASSWORD_LENGTH

FONT_SIZES = [SelectChoice("normal", _l("Normal")), SelectChoice("large", _l("Large")),
              SelectChoice("xlarge", _l("Extra large"))]


class SettingsForm(FlaskForm):
    # each language named in itself, marked with its own lang for screen readers
    language = SelectField(_l("Language"), choices=[
        SelectChoice(c, LANGUAGE_NAMES[c], render_kw={"lang": "zh-CN" if c == "zh_CN" else "en"})
        for c in LANGUAGES])
    font_size = SelectField(_l("Font size"), choices=FONT_SIZES)


class PasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[
        DataRequired(_l("Enter your current password."))],
        render_kw={"autocomplete": "current-password"})
    new = PasswordField(_l("New password"), validators=[
        DataRequired(_l("Enter a new password.")),
        Length(min=MIN_PASSWORD_LENGTH, max=200,
               message=_l("Use %(min)d to %(max)d characters.", min=MIN_PASSWORD_LENGTH,
                          max=200))], render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("Repeat the new password"), validators=[
        EqualTo("new", _l("The two new passwords differ. Type the same password twice."))],
        render_kw={"autocomplete": "new-password"})


class EmailForm(FlaskForm):
    """Which notifications come by email, and the hour of the daily digest."""

    next_contact = BooleanField(_l("Next contact reminders"))
    transfer_request = BooleanField(_l("Transfer requests"))
    digest_hour = SelectField(_l("Daily digest of my plans"), choices=[
        SelectChoice("", _l("No digest"))] + [
        SelectChoice(str(h), f"{h:02d}:00") for h in range(24)], validate_choice=True)

    KINDS = ("next_contact", "transfer_request")
