"""Single-value kinds: text, long text, email, URL, phone, numbers, money, dates, checkbox."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation

from flask import current_app
from flask_babel import format_currency, format_decimal, get_timezone
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    DecimalField,
    IntegerField,
    TextAreaField,
)
from wtforms.validators import NumberRange, Optional, ValidationError

from crm.i18n import format_day, format_moment, local_to_utc
from crm.records.kinds.base import Kind, clean, required
from crm.validators import Email, Phone, PlainText, Url, phone_region

# Numbers a JSON value and both databases hold exactly.
NUMBER_LIMIT = 10**15


class Text(Kind):
    pass


class LongText(Kind):
    key, label = "long_text", _l("Long text")
    default_length = 5000

    def field(self, spec):
        return TextAreaField(spec.label, validators=self.validators(spec),
                             description=spec.hint or "", render_kw=self.render_kw(spec))

    def validators(self, spec) -> list:
        checks = super().validators(spec)
        checks[-1] = PlainText(multiline=True)
        return checks


class EmailKind(Kind):
    key, label = "email", _l("Email")
    default_length = 254

    def validators(self, spec) -> list:
        return super().validators(spec) + [Email()]

    def html_value(self, spec, value, rtype) -> Markup:
        return Markup('<a href="mailto:{0}">{0}</a>').format(value)

    def render_kw(self, spec) -> dict:
        return {**super().render_kw(spec), "type": "email", "autocomplete": "email"}


class UrlKind(Kind):
    key, label = "url", _l("Web address")
    default_length = 300

    def validators(self, spec) -> list:
        return super().validators(spec) + [Url()]

    def html_value(self, spec, value, rtype) -> Markup:
        href = value if value.startswith(("http://", "https://")) else "https://" + value
        return Markup('<a href="{}" target="_blank" rel="noopener noreferrer nofollow">{}</a>'
                      ).format(href, value)

    def render_kw(self, spec) -> dict:
        return {**super().render_kw(spec), "inputmode": "url"}


class PhoneKind(Kind):
    """One phone number (custom fields); stored in E.164, shown in the national format."""

    key, label = "phone", _l("Phone number")
    default_length = 40
    filter_style = "equals"

    def validators(self, spec) -> list:
        return ([required(spec)] if spec.required else [Optional()]) + [Phone()]

    def render_kw(self, spec) -> dict:
        return {"type": "tel", "autocomplete": "tel", "inputmode": "tel"}

    def form_value(self, spec, form):
        return getattr(form[spec.key], "e164", None)

    def to_form(self, spec, value):
        return self.text(spec, value)

    def text(self, spec, value) -> str:
        from crm.services.phones import format_phone

        return format_phone(value, phone_region()) if value else ""

    def html_value(self, spec, value, rtype) -> Markup:
        return Markup('<a href="tel:{}">{}</a>').format(value, self.text(spec, value))


class Integer(Kind):
    key, label = "integer", _l("Whole number")
    filter_style = "range"

    def field(self, spec):
        checks = ([required(spec)] if spec.required else [Optional()]) + [
            NumberRange(-NUMBER_LIMIT, NUMBER_LIMIT, message=_l("Enter a number between "
                                                                "%(min)s and %(max)s."))]
        return IntegerField(spec.label, validators=checks, description=spec.hint or "",
                            render_kw={"inputmode": "numeric"})

    def form_value(self, spec, form):
        return form[spec.key].data

    def text(self, spec, value) -> str:
        return "" if value is None else format_decimal(value)

    def export_cell(self, spec, value):
        return value  # a number (int or Decimal), or empty

    def sql_type(self) -> str:
        return "number"

    def search_terms(self, spec, value) -> list[str]:
        return []


class DecimalKind(Integer):
    key, label = "decimal", _l("Decimal number")
    places = 4

    def field(self, spec):
        checks = ([required(spec)] if spec.required else [Optional()]) + [
            NumberRange(-NUMBER_LIMIT, NUMBER_LIMIT, message=_l("Enter a number between "
                                                                "%(min)s and %(max)s.")),
            _places(self.places)]
        return DecimalField(spec.label, validators=checks, description=spec.hint or "",
                            places=None, render_kw={"inputmode": "decimal"})

    def to_json(self, value):
        return None if value is None else str(value)

    def from_json(self, raw):
        if raw is None:
            return None
        try:
            return Decimal(str(raw))
        except InvalidOperation:
            return None


class Money(DecimalKind):
    """An amount in the installation's currency (CRM_CURRENCY)."""

    key, label = "money", _l("Money")
    places = 2

    def text(self, spec, value) -> str:
        if value is None:
            return ""
        return format_currency(value, current_app.config["CRM"].get("CURRENCY") or "CNY")


def _places(places: int):
    def check(form, field) -> None:
        value = field.data
        if isinstance(value, Decimal) and value.as_tuple().exponent < -places:
            raise ValidationError(_l("Use at most %(n)d decimal places.", n=places))
    return check


class DateKind(Kind):
    key, label = "date", _l("Date")
    live_check = False
    filter_style = "range"

    def field(self, spec):
        checks = [required(spec)] if spec.required else [Optional()]
        if spec.options.get("past"):
            checks.append(_past_date(spec.options["past"]))
        return DateField(spec.label, validators=checks, description=spec.hint or "")

    def form_value(self, spec, form):
        return form[spec.key].data

    def to_json(self, value):
        return value.isoformat() if isinstance(value, date) else value

    def from_json(self, raw):
        try:
            return date.fromisoformat(raw) if isinstance(raw, str) else raw
        except ValueError:
            return None

    def text(self, spec, value) -> str:
        return format_day(value) if isinstance(value, date) else ""

    def export_cell(self, spec, value):
        return value if isinstance(value, date) else None

    def search_terms(self, spec, value) -> list[str]:
        return []


def _past_date(message):
    """A day that has happened (a birthday), and not before 1900."""

    def check(form, field) -> None:
        if field.data and not (date(1900, 1, 1) <= field.data <= date.today()):
            raise ValidationError(message)
    return check


class DateTimeKind(DateKind):
    """A moment: typed in the installation's time zone, stored in UTC."""

    key, label = "datetime", _l("Date and time")

    def field(self, spec):
        checks = [required(spec)] if spec.required else [Optional()]
        return DateTimeLocalField(spec.label, validators=checks, description=spec.hint or "",
                                  format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"])

    def form_value(self, spec, form):
        return local_to_utc(form[spec.key].data)

    def to_form(self, spec, value):
        return value.astimezone(get_timezone()).replace(tzinfo=None) if value else None

    def to_json(self, value):
        return value.astimezone(UTC).isoformat() if isinstance(value, datetime) else value

    def from_json(self, raw):
        try:
            return datetime.fromisoformat(raw) if isinstance(raw, str) else raw
        except ValueError:
            return None

    def text(self, spec, value) -> str:
        return format_moment(value) if isinstance(value, datetime) else ""

    def export_cell(self, spec, value):
        """The moment in the installation's time zone (spreadsheets have no time zones)."""
        if not isinstance(value, datetime):
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(get_timezone()).replace(tzinfo=None, second=0, microsecond=0)


class Checkbox(Kind):
    key, label = "checkbox", _l("Checkbox")
    live_check = False
    filter_style = "equals"

    def field(self, spec):
        return BooleanField(spec.label, description=spec.hint or "")

    def form_value(self, spec, form):
        return bool(form[spec.key].data)

    def to_form(self, spec, value):
        return bool(value)

    def is_empty(self, value) -> bool:
        return value is None

    def text(self, spec, value) -> str:
        from flask_babel import gettext as _

        return "" if value is None else (_("Yes") if value else _("No"))

    def parse_cell(self, spec, raw):
        text = self.cell_text(raw).casefold()
        if text in ("", "0", "no", "n", "false", "否", "不是", "×"):
            return False if text else None
        if text in ("1", "yes", "y", "true", "是", "✓", "√", "x"):
            return True
        raise ValueError(str(_l("Write yes or no (是 / 否).")))

    def sql_type(self) -> str:
        return "bool"

    def search_terms(self, spec, value) -> list[str]:
        return []


TEXT = Text()
LONG_TEXT = LongText()
EMAIL = EmailKind()
URL = UrlKind()
PHONE = PhoneKind()
INTEGER = Integer()
DECIMAL = DecimalKind()
MONEY = Money()
DATE = DateKind()
DATETIME = DateTimeKind()
CHECKBOX = Checkbox()
__all__ = ["CHECKBOX", "DATE", "DATETIME", "DECIMAL", "EMAIL", "INTEGER", "LONG_TEXT", "MONEY",
           "PHONE", "TEXT", "URL", "clean"]
