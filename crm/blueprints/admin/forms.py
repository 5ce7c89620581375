"""Admin forms: users and teams."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import (
    BooleanField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    Optional,
    Regexp,
    ValidationError,
)

from crm.config import ROLES
from crm.extensions import db
from crm.models import Team
from crm.permissions import ROLE_LABELS
from crm.services import users
from crm.services.auth import MIN_PASSWORD_LENGTH
from crm.validators import PlainText

EMAIL_TAKEN = _l("A user with this email already exists.")
TEAM_TAKEN = _l("A team with this name already exists.")


def team_choices() -> list[SelectChoice]:
    teams = db.session.execute(select(Team.id, Team.name).order_by(Team.name)).all()
    return [SelectChoice("", _l("No team"))] + [SelectChoice(str(t.id), t.name) for t in teams]


class UserForm(FlaskForm):
    email = StringField(_l("Email"), validators=[
        DataRequired(_l("Enter an email address.")), Length(max=254),
        Email(_l("Enter a valid email address, e.g. name@example.com."))],
        render_kw={"type": "email", "autocomplete": "off"})
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter a name.")),
                                                Length(max=80)])
    role = SelectField(_l("Role"), choices=[SelectChoice(r, ROLE_LABELS[r]) for r in ROLES],
                       validate_choice=True, default="rep")
    team_id = SelectField(_l("Team"), choices=[], validate_choice=True)
    password = PasswordField(_l("Password"), validators=[Optional(), Length(
        min=MIN_PASSWORD_LENGTH, max=200, message=_l("Use %(min)d to %(max)d characters.",
                                                      min=MIN_PASSWORD_LENGTH, max=200))],
        render_kw={"autocomplete": "new-password"})

    def __init__(self, *args, user_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user_id = user_id
        self.team_id.choices = team_choices()

    def validate_email(self, field) -> None:
        if users.email_taken(field.data, self.user_id):
            raise ValidationError(EMAIL_TAKEN)

    generate = BooleanField(_l("Make up a password for me (shown once)"))

    def validate(self, extra_validators=None) -> bool:
        """A new user needs a first password, typed or made up (an empty password field
        stops its own validators, so the rule is checked here)."""
        valid = super().validate(extra_validators)
        if self.user_id is None and not self.password.data and not self.generate.data:
            self.password.errors = [*self.password.errors, _l(
                "Set a first password (at least %(min)d characters), or let the CRM make "
                "one up.", min=MIN_PASSWORD_LENGTH)]
            return False
        return valid


class TeamForm(FlaskForm):
    name = StringField(_l("Team name"), validators=[DataRequired(_l("Enter a team name.")),
                                                     Length(max=80)])

    def __init__(self, *args, team_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.team_id = team_id

    def validate_name(self, field) -> None:
        found = users.team_by_name(field.data)
        if found is not None and found.id != self.team_id:
            raise ValidationError(TEAM_TAKEN)


MAX_CHOICES = 100


class FieldForm(FlaskForm):
    """A custom field: kind and key only when it is added, labels, choices and flags."""

    kind = SelectField(_l("Kind"), validate_choice=False)
    key = StringField(_l("Key"), description=_l(
        "Used in imports, exports and the API. Leave empty to make one from the English "
        "label. Cannot be changed later."), validators=[Length(max=40)])
    label_en = StringField(_l("Label in English"), validators=[
        DataRequired(_l("Enter the label in English.")),
        Length(max=60, message=_l("Use at most %(max)d characters."))])
    label_zh = StringField(_l("Label in Chinese"), description=_l(
        "Leave empty to show the English label."), validators=[
        Length(max=60, message=_l("Use at most %(max)d characters."))])
    choices = TextAreaField(_l("Choices"), description=_l(
        "One per line, English / 中文 (the Chinese part is optional). Removing a line keeps "
        "the value on records that have it."), validators=[Length(max=10000)])
    required = BooleanField(_l("Required"))
    filterable = BooleanField(_l("Filter in lists"))
    list_column = BooleanField(_l("Column in lists"))

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        from crm.records.kinds import CUSTOM_KINDS

        self.editing = editing
        self.kind.choices = [SelectChoice(k, kind.label) for k, kind in CUSTOM_KINDS.items()]

    def validate_kind(self, field) -> None:
        from crm.records.kinds import CUSTOM_KINDS

        if not self.editing and field.data not in CUSTOM_KINDS:
            raise ValidationError(_l("Choose one of the kinds in the list."))

    def choice_lines(self) -> list[tuple[str, str]]:
        """(English, Chinese) of each non-empty line of the choices box."""
        lines = []
        for line in (self.choices.data or "").splitlines():
            en, _sep, zh = line.partition("/")
            if en.strip() or zh.strip():
                lines.append(((en.strip() or zh.strip())[:60], zh.strip()[:60]))
        return lines

    def validate_choices(self, field) -> None:
        from crm.records.kinds import CUSTOM_KINDS

        kind = CUSTOM_KINDS.get(self.kind.data)
        wants = kind is not None and kind.key in ("choice", "multi_choice")
        lines = self.choice_lines()
        if wants and not lines:
            raise ValidationError(_l("Add at least one choice, one per line."))
        if len(lines) > MAX_CHOICES:
            raise ValidationError(_l("Use at most %(n)d choices.", n=MAX_CHOICES))
        if len({en.casefold() for en, _zh in lines}) != len(lines):
            raise ValidationError(_l("Each choice must have its own English label."))



class SmtpForm(FlaskForm):
    host = StringField(_l("SMTP host"), validators=[
        DataRequired(_l("Enter the SMTP server's host name, e.g. smtp.example.com.")),
        Length(max=200), Regexp(r"^[A-Za-z0-9.:\[\]-]+$", message=_l(
            "Enter a host name such as smtp.example.com, or an IP address."))])
    # text, not IntegerField: a 40-digit number would overflow NumberRange's float compare
    port = StringField(_l("Port"), default="587", validators=[
        InputRequired(_l("Enter the port: 587 for STARTTLS, 465 for SSL, 25 for none.")),
        Regexp(r"^[0-9]{1,5}$", message=_l("Enter a port from 1 to 65535."))],
        render_kw={"inputmode": "numeric"})
    security = SelectField(_l("Security"), choices=[
        SelectChoice("starttls", "STARTTLS"), SelectChoice("ssl", "SSL/TLS"),
        SelectChoice("none", _l("None (only inside a trusted network)"))],
        validate_choice=True, default="starttls")
    user = StringField(_l("User name"), validators=[Optional(), Length(max=200), PlainText()],
                       render_kw={"autocomplete": "off"})
    password = PasswordField(_l("Password"), validators=[Optional(), Length(max=200),
                                                         PlainText()],
                             render_kw={"autocomplete": "new-password"})
    from_addr = StringField(_l("From address"), validators=[
        DataRequired(_l("Enter the address emails come from, e.g. crm@example.com.")),
        Length(max=254), Email(_l("Enter a valid email address, e.g. name@example.com."))],
        render_kw={"type": "email"})

    def validate_port(self, field) -> None:
        digits = field.data or ""
        if digits.isascii() and digits.isdigit() and not 1 <= int(digits) <= 65535:
            raise ValidationError(_l("Enter a port from 1 to 65535."))
