"""Admin forms: users and teams."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from crm.config import ROLES
from crm.extensions import db
from crm.models import Team, User
from crm.services.auth import MIN_PASSWORD_LENGTH, normalize_email

ROLE_LABELS = {
    "admin": _l("Administrator"), "manager": _l("Manager"), "rep": _l("Sales rep"),
    "service": _l("Service agent"), "marketer": _l("Marketer"),
}


def team_choices() -> list[SelectChoice]:
    teams = db.session.execute(select(Team.id, Team.name).order_by(Team.name)).all()
    return [SelectChoice("", _l("No team"))] + [SelectChoice(str(t.id), t.name) for t in teams]


class UserForm(FlaskForm):
    email = StringField(_l("Email"), validators=[
        DataRequired(_l("Enter an email address.")), Length(max=254),
        Email(_l("Enter a valid email address, e.g. name@example.com."))])
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter a name.")),
                                                Length(max=80)])
    role = SelectField(_l("Role"), choices=[SelectChoice(r, ROLE_LABELS[r]) for r in ROLES],
                       validate_choice=True)
    team_id = SelectField(_l("Team"), choices=[], validate_choice=True)
    password = PasswordField(_l("Password"), validators=[Optional(), Length(
        min=MIN_PASSWORD_LENGTH, max=200, message=_l("Use %(min)d to %(max)d characters.",
                                                      min=MIN_PASSWORD_LENGTH, max=200))])

    def __init__(self, *args, user_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user_id = user_id
        self.team_id.choices = team_choices()

    def validate_email(self, field) -> None:
        stmt = select(User.id).where(User.email == normalize_email(field.data))
        if self.user_id:
            stmt = stmt.where(User.id != self.user_id)
        if db.session.scalar(stmt):
            raise ValidationError(_l("A user with this email already exists."))

    def validate_password(self, field) -> None:
        if self.user_id is None and not field.data:
            raise ValidationError(_l("Set a first password (at least %(min)d characters).",
                                     min=MIN_PASSWORD_LENGTH))


class TeamForm(FlaskForm):
    name = StringField(_l("Team name"), validators=[DataRequired(_l("Enter a team name.")),
                                                     Length(max=80)])

    def __init__(self, *args, team_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.team_id = team_id

    def validate_name(self, field) -> None:
        stmt = select(Team.id).where(func.lower(Team.name) == field.data.strip().lower())
        if self.team_id:
            stmt = stmt.where(Team.id != self.team_id)
        if db.session.scalar(stmt):
            raise ValidationError(_l("A team with this name already exists."))
