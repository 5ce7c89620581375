"""Customer forms: the fields companies and people share, and the company form.

The quick-add row posts only `name` and `phone` (people also `email`); every other field is
optional so that minimal post is a complete, valid form.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _lp
from flask_wtf import FlaskForm
from wtforms import Form, FormField, SelectField, StringField, TextAreaField
from wtforms.fields import FieldList
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Length, ValidationError

from crm.models.customer import SIZES, SOURCES, STATUSES, TIERS
from crm.services import regions
from crm.services.customers import MAX_TAGS, TAG_LENGTH, parse_tags
from crm.services.phones import PHONE_TYPES
from crm.validators import LENGTH_MESSAGE, City, Email, Phone, PlainText, Province, Url

PHONE_LABELS = {"mobile": _l("Mobile"), "work": _l("Work"), "home": _lp("phone type", "Home"),
                "fax": _l("Fax")}
TIER_LABELS = {"high": _l("High"), "mid": _l("Mid"), "low": _l("Low")}
STATUS_LABELS = {"potential": _l("Potential"), "intent": _l("Intent"),
                 "customer": _l("Customer"), "churned": _l("Churned")}
SOURCE_LABELS = {"ad": _l("Advertising"), "referral": _l("Referral"),
                 "website": _l("Website form"), "event": _l("Event"), "import": _l("Import"),
                 "other": _l("Other")}
GENDER_LABELS = {"female": _l("Female"), "male": _l("Male"), "other": _l("Other")}
NONE = SelectChoice("", "—")


def _length(n: int) -> Length:
    return Length(max=n, message=LENGTH_MESSAGE)


def _choices(values, labels, empty: bool = True) -> list[SelectChoice]:
    return ([NONE] if empty else []) + [SelectChoice(v, labels.get(v, v)) for v in values]


def choice(values, labels=None, *, empty: bool = True, **kwargs) -> dict:
    """SelectField arguments: the options and a clear message for any other value."""
    allowed = ([""] if empty else []) + list(values)
    return {"choices": _choices(values, labels or {}, empty), "validate_choice": False,
            "validators": [AnyOf(allowed, message=_l("Choose one of the options in the list."))],
            **kwargs}


class PhoneEntry(Form):
    """One more phone: type and number."""

    kind = SelectField(_l("Type"), **choice(PHONE_TYPES, PHONE_LABELS, empty=False,
                                            default="mobile"))
    number = StringField(_l("Phone"), validators=[Phone()],
                         render_kw={"type": "tel", "autocomplete": "tel", "inputmode": "tel"})


class CustomerForm(FlaskForm):
    name = StringField(_l("Name"), validators=[
        DataRequired(_l("Enter a name.")), _length(200), PlainText()])
    phone = StringField(_l("Phone"), validators=[Phone()],
                        render_kw={"type": "tel", "autocomplete": "tel", "inputmode": "tel"})
    phone_kind = SelectField(_l("Phone type"), **choice(PHONE_TYPES, PHONE_LABELS, empty=False,
                                                        default="mobile"))
    phones = FieldList(FormField(PhoneEntry), min_entries=0, max_entries=5)
    email = StringField(_l("Email"), validators=[_length(254), Email()],
                        render_kw={"type": "email", "autocomplete": "email"})
    province = SelectField(_l("Province"), validate_choice=False, validators=[Province()])
    city = SelectField(_l("City"), validate_choice=False, validators=[City()])
    address = StringField(_l("Address"), validators=[_length(300), PlainText()])
    tags = StringField(_l("Tags"), validators=[_length(400), PlainText()],
                       description=_l("Separate tags with commas."))
    tier = SelectField(_l("Tier"), **choice(TIERS, TIER_LABELS, default=""))
    status = SelectField(_l("Status"), **choice(STATUSES, STATUS_LABELS, empty=False,
                                                default="potential"))
    source = SelectField(_l("Source"), **choice(SOURCES, SOURCE_LABELS, default=""))
    special_requests = TextAreaField(_l("Special requests"), validators=[
        _length(1000), PlainText(multiline=True)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.province.choices = _choices(regions.PROVINCES, {})
        self.city.choices = _choices(regions.cities_of(self.province.data), {})

    def validate_tags(self, field) -> None:
        names = parse_tags(field.data)
        if len(names) > MAX_TAGS:
            raise ValidationError(_l("Use at most %(n)d tags.", n=MAX_TAGS))
        if any(len(n) > TAG_LENGTH for n in names):
            raise ValidationError(_l("A tag may have at most %(n)d characters.", n=TAG_LENGTH))

    def phone_list(self) -> list[tuple[str, str]]:
        """(kind, E.164) of every valid, filled phone; the main phone first."""
        found = []
        if getattr(self.phone, "e164", None):
            found.append((self.phone_kind.data, self.phone.e164))
        for entry in self.phones.entries:
            e164 = getattr(entry.form.number, "e164", None)
            if e164:
                found.append((entry.form.kind.data, e164))
        return found

    def values(self, names) -> dict:
        """The cleaned values of the named fields ('' becomes None)."""
        result = {}
        for name in names:
            if name in self:
                value = self[name].data
                value = value.strip() if isinstance(value, str) else value
                result[name] = value if value not in ("",) else None
        return result


COMPANY_NAME = _lp("company", "Name")  # 名称; a person's or user's "Name" is 姓名


class CompanyForm(CustomerForm):
    industry = StringField(_l("Industry"), validators=[_length(60), PlainText()])
    size = SelectField(_l("Size"), **choice(SIZES, default=""))
    purchase_cycle = StringField(_l("Purchase cycle"), validators=[_length(60), PlainText()],
                                 description=_l("e.g. monthly, every spring"))
    website = StringField(_l("Website"), validators=[_length(300), Url()],
                          render_kw={"inputmode": "url"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.name.label.text = COMPANY_NAME


def find_field(form, name: str):
    """A field by its input name, including phone rows such as `phones-0-number`."""
    if name in form:
        return form[name]
    parts = name.split("-")
    if len(parts) == 3 and parts[0] == "phones" and parts[1].isdigit():
        index = int(parts[1])
        if index < len(form.phones.entries) and parts[2] in form.phones.entries[index].form:
            return form.phones.entries[index].form[parts[2]]
    return None


def validate_one(form, name: str):
    """Run one field's validators (including a `validate_<name>` method); the field or None."""
    field = find_field(form, name)
    if field is None or field.type in ("CSRFTokenField", "FieldList", "FormField"):
        return None
    inline = getattr(type(form), f"validate_{name}", None)
    field.validate(form, [inline] if inline else [])
    return field
