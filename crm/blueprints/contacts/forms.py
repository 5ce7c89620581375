"""The person form: the shared customer fields plus gender, company, job title, birthday."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError

from crm.blueprints.companies.forms import GENDER_LABELS, CustomerForm, choice
from crm.extensions import db
from crm.models import Company
from crm.models.customer import GENDERS
from crm.services.normalize import normalize_company_name
from crm.services.scope import apply_scope
from crm.validators import LENGTH_MESSAGE, PlainText


class ContactForm(CustomerForm):
    gender = SelectField(_l("Gender"), **choice(GENDERS, GENDER_LABELS, default=""))
    company = StringField(_l("Company"), validators=[Length(max=200, message=LENGTH_MESSAGE),
                                                     PlainText()])
    job_title = StringField(_l("Job title"), validators=[
        Length(max=100, message=LENGTH_MESSAGE), PlainText()])
    birthday = DateField(_l("Birthday"), validators=[Optional()])

    company_value: int | None = None

    def validate_company(self, field) -> None:
        """The company must be one of the user's customers (matched on the normalised name)."""
        self.company_value = None
        name = (field.data or "").strip()
        if not name:
            return
        stmt = apply_scope(select(Company.id), Company, current_user).where(
            Company.name_key == normalize_company_name(name)).order_by(Company.id).limit(1)
        company_id = db.session.scalar(stmt)
        if company_id is None:
            raise ValidationError(_l("No company called %(name)s among your customers. Add the "
                                     "company first, or leave this empty.", name=name[:60]))
        self.company_value = company_id

    def validate_birthday(self, field) -> None:
        if field.data and not (date(1900, 1, 1) <= field.data <= date.today()):
            raise ValidationError(_l("Enter a birthday between 1900 and today."))
