"""Single-field validation rules shared by every form (and so by inline validation).

Each validator says what is wrong and how to fix it. The phone validator leaves the E.164
form of a valid number on `field.e164` so the view and the service never parse twice.
"""

from __future__ import annotations

import re
import unicodedata

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

from crm.services import regions
from crm.services.normalize import fold_email
from crm.services.phones import PhoneError, normalize_phone

_EMAIL_RE = re.compile(r"^[^@\s<>()\[\],;:\"]{1,64}@[A-Za-z0-9\u00a1-\uffff-]+"
                       r"(\.[A-Za-z0-9\u00a1-\uffff-]+)*\.[A-Za-z\u00a1-\uffff]{2,}$")
_URL_RE = re.compile(r"^(https?://)?[A-Za-z0-9\u00a1-\uffff-]+(\.[A-Za-z0-9\u00a1-\uffff-]+)+"
                     r"(:\d{1,5})?([/?#][^\s<>\"]*)?$")


def N_(message: str) -> str:  # noqa: N802 - the gettext_noop name Babel extracts
    """Mark a message for extraction only; it is translated where it is shown."""
    return message


# The messages of crm/services/phones.py (a pure module), marked here so Babel extracts them;
# tests/services/test_validators.py checks the two lists stay the same.
PHONE_MESSAGES = (
    N_("Enter a phone number, e.g. 138 0013 8000."),
    N_("This is too long for a phone number; use at most 40 characters."),
    N_("A phone number cannot contain letters. Use digits only, e.g. 138 0013 8000."),
    N_("Use only digits, spaces, dashes, dots, brackets and a leading +."),
    N_("Unknown region {region}; use a two-letter country code such as CN."),
    N_("The country code is not valid. Check the digits after + or 00."),
    N_("This number is too short for region {region}. Check for missing digits."),
    N_("This number is too long for region {region}. Check for extra digits."),
    N_("This number is too short for region {region}: add the area code, or start with + and "
       "the country code."),
    N_("This is not a valid phone number for region {region}. Check the digits or start with "
       "+ and the country code."),
    N_("Type the number before the extension, e.g. 021 6123 4567 ext. 36."),
)


def phone_region() -> str:
    return str(current_app.config["CRM"].get("PHONE_REGION") or "CN")


def phone_message(error: PhoneError) -> str:
    """The phone error in the user's language; a region code is named (中国, China), so no
    "CN" appears inside a sentence."""
    params = dict(error.params)
    if params.get("region"):
        params["region"] = region_name(params["region"])
    return _(error.template).format(**params)


def region_name(code: str) -> str:
    """A country's name in the user's language, or the code when unknown."""
    from flask_babel import get_locale

    locale = get_locale()
    return locale.territories.get(code.upper(), code) if locale is not None else code


class Phone:
    """A phone number valid for the default region, or a +country number; empty is allowed."""

    def __call__(self, form, field) -> None:
        field.e164 = None
        raw = (field.data or "").strip()
        if not raw:
            return
        try:
            field.e164 = normalize_phone(raw, phone_region())
        except PhoneError as error:
            raise ValidationError(phone_message(error)) from None


class Email:
    """An email address; full-width characters and spaces are folded first (and stored so)."""

    def __call__(self, form, field) -> None:
        value = fold_email(field.data or "")
        if field.data:
            field.data = value
        if value and not _EMAIL_RE.match(value):
            raise ValidationError(_("Enter a valid email address, e.g. name@example.com."))


class Url:
    def __call__(self, form, field) -> None:
        value = (field.data or "").strip()
        if value and not _URL_RE.match(value):
            raise ValidationError(_("Enter a web address such as www.example.com."))


class PlainText:
    """Refuse control characters (markup is fine: it is stored as text and shown escaped)."""

    def __init__(self, multiline: bool = False):
        self.multiline = multiline

    def __call__(self, form, field) -> None:
        allowed = "\n\r\t" if self.multiline else "\t"
        for ch in field.data or "":
            if unicodedata.category(ch) == "Cc" and ch not in allowed:
                raise ValidationError(_("Remove the invisible control characters."))


class Province:
    def __call__(self, form, field) -> None:
        if field.data and not regions.is_known(field.data):
            raise ValidationError(_("Unknown province %(name)s: choose one from the list.",
                                    name=field.data[:20]))


class City:
    """A city of the province chosen in `form.province`."""

    def __call__(self, form, field) -> None:
        if not field.data:
            return
        province = form.province.data if "province" in form else None
        if not province:
            raise ValidationError(_("Choose the province first."))
        if not regions.is_known(province, field.data):
            raise ValidationError(_("Unknown city %(name)s in %(province)s: choose one from "
                                    "the list.", name=field.data[:30], province=province[:20]))


LENGTH_MESSAGE = _l("Use at most %(max)d characters.")
