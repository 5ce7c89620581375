"""Sign-in form."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, Length


class LoginForm(FlaskForm):
    email = StringField(_l("Email"), validators=[DataRequired(_l("Enter your email.")),
                                                 Length(max=254)],
                        render_kw={"type": "email", "autocomplete": "username"})
    password = PasswordField(_l("Password"), validators=[
        DataRequired(_l("Enter your password.")), Length(max=200)],
        render_kw={"autocomplete": "current-password"})
    remember = BooleanField(_l("Keep me signed in on this device (30 days)"))
