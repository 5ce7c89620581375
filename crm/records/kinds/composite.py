"""Kinds whose value is more than one column: the phones, the tags, province + city.

Phones and tags are children of the record (through the record link); a change to them is
recorded in the history as a change of the field ("Tags: A, B → A, B, C") by the service,
since no column of the record itself changes (`relation` marks these kinds).
"""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _lp
from markupsafe import Markup
from sqlalchemy import select
from wtforms import Form, FormField, SelectField, StringField
from wtforms.fields import FieldList
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, Length, ValidationError

from crm.records.kinds.base import Kind, clean, joined
from crm.services import regions
from crm.services.normalize import phone_digits
from crm.services.phones import PHONE_TYPES
from crm.validators import LENGTH_MESSAGE, City, Phone, PlainText, Province, phone_region

PHONE_LABELS = {"mobile": _l("Mobile"), "work": _l("Work"),
                "home": _lp("phone type", "Home"), "fax": _l("Fax")}
PHONE_ICON = Markup(  # the phone icon of templates/macros/icons.html
    '<svg class="icon" viewBox="0 0 24 24" width="1em" height="1em" aria-hidden="true" '
    'focusable="false"><path fill="currentColor" d="M6.6 10.8a15.1 15.1 0 0 0 6.6 6.6l2.2-2.2'
    'a1 1 0 0 1 1-.25 11.4 11.4 0 0 0 3.6.57 1 1 0 0 1 1 1V20a1 1 0 0 1-1 1A17 17 0 0 1 3 4a1 '
    '1 0 0 1 1-1h3.5a1 1 0 0 1 1 1c0 1.25.2 2.45.57 3.57a1 1 0 0 1-.25 1z"/></svg>')
MAX_TAGS = 20
TAG_LENGTH = 40
MAX_EXTRA_PHONES = 5
_TAG_SPLIT = re.compile(r"[,，、;；\n]+")
_CHOOSE = _l("Choose one of the options in the list.")


def parse_tags(text: str | None) -> list[str]:
    """Split "a, b，c、d" into distinct tag names, keeping the order typed."""
    names = (t.strip() for t in _TAG_SPLIT.split(text or ""))
    return list(dict.fromkeys(n for n in names if n))


def _phone_kind_field(label):
    return SelectField(label, choices=[SelectChoice(k, PHONE_LABELS[k]) for k in PHONE_TYPES],
                       default="mobile", validate_choice=False,
                       validators=[AnyOf(PHONE_TYPES, message=_CHOOSE)])


def _number_field(label):
    return StringField(label, validators=[Phone()],
                       render_kw={"type": "tel", "autocomplete": "tel", "inputmode": "tel"})


class PhoneEntry(Form):
    """One more phone of the full form: type and number."""

    kind = _phone_kind_field(_l("Type"))
    number = _number_field(_l("Phone"))


class PhonesKind(Kind):
    """The record's phones: the main one (quick add shows only it) and up to five more."""

    key, label, editor = "phones", _l("Phones"), "phones"
    custom = False
    relation = True

    def form_fields(self, spec) -> dict:
        return {"phone": _number_field(spec.label),
                "phone_kind": _phone_kind_field(_l("Phone type")),
                "phones": FieldList(FormField(PhoneEntry), min_entries=0,
                                    max_entries=MAX_EXTRA_PHONES)}

    def field_names(self, spec) -> tuple[str, ...]:
        return ("phone",)

    def form_value(self, spec, form) -> list[tuple[str, str]]:
        found = []
        if getattr(form.phone, "e164", None):
            found.append((form.phone_kind.data, form.phone.e164))
        for entry in form.phones.entries:
            e164 = getattr(entry.form.number, "e164", None)
            if e164:
                found.append((entry.form.kind.data, e164))
        return _distinct(found)

    def form_data(self, spec, record) -> dict:
        from crm.services.phones import format_phone

        phones = list(record.phones)
        main = phones[0] if phones else None
        return {"phone": format_phone(main.e164, phone_region()) if main else "",
                "phone_kind": main.kind if main else "mobile",
                "phones": [{"kind": p.kind, "number": format_phone(p.e164, phone_region())}
                           for p in phones[1:]]}

    def get(self, spec, record) -> list[tuple[str, str]]:
        """The phones; on a list row (phones not loaded) the main phone kept on the record."""
        if "phones" not in record.__dict__ and spec.options.get("main_column") \
                and record.id is not None:
            main = getattr(record, spec.options["main_column"])
            return [("main", main)] if main else []
        return [(p.kind, p.e164) for p in record.phones]

    def set(self, spec, record, value) -> None:
        from crm.models import Phone as PhoneRow
        from crm.services.phones import base_number

        value = _distinct(value or [])
        record.phones = [PhoneRow(kind=kind, e164=e164, is_main=i == 0, position=i)
                         for i, (kind, e164) in enumerate(value)]
        if spec.options.get("main_column"):  # the number lists show and dial, no extension
            main = base_number(value[0][1]) if value else None
            setattr(record, spec.options["main_column"], main)

    def text(self, spec, value) -> str:
        from crm.services.phones import format_phone

        return joined(format_phone(e164, phone_region()) for _k, e164 in value or ())

    def export_load_option(self, spec, model):
        from sqlalchemy.orm import selectinload

        return selectinload(model.phones)  # every phone, not only the main one

    def html_value(self, spec, value, rtype) -> Markup:
        """The main phone as a call link (the record page lists the others)."""
        from crm.services.phones import format_phone

        e164 = value[0][1]
        return Markup('<a class="call" href="tel:{}">{}<span class="num">{}</span></a>').format(
            e164, PHONE_ICON, format_phone(e164, phone_region()))

    def audit_value(self, spec, value):
        return [e164 for _kind, e164 in value or ()] or None

    def audit_text(self, spec, raw) -> str:
        from crm.services.phones import format_phone

        numbers = [raw] if isinstance(raw, str) else raw or ()  # the main phone column
        return joined(format_phone(e, phone_region()) for e in numbers)

    def search_terms(self, spec, value) -> list[str]:
        terms = []
        for _kind, e164 in value or ():
            digits = phone_digits(e164.split(";")[0])  # not the extension
            national = digits[2:] if e164.startswith("+86") else digits
            terms.append(f"{digits} {national}")
        return terms

    def parse_cell(self, spec, raw) -> list[tuple[str, str]]:
        from crm.services.phones import PhoneError, normalize_phone
        from crm.validators import phone_message

        found = []
        for part in re.split(r"[,，;；/、\n]+", self.cell_text(raw)):
            if part.strip():
                try:
                    found.append(("mobile", normalize_phone(part, phone_region())))
                except PhoneError as error:
                    raise ValueError(phone_message(error)) from None
        return _distinct(found)

    def filters(self, spec) -> list:
        return []


def _distinct(phones) -> list[tuple[str, str]]:
    """Each number once, in the order typed (the first one is the main phone)."""
    seen: dict[str, tuple[str, str]] = {}
    for kind, e164 in phones:
        seen.setdefault(e164, (kind, e164))
    return list(seen.values())


class TagsKind(Kind):
    key, label, editor = "tags", _l("Tags"), "tags"
    custom = False
    relation = True
    filter_style = "tag"

    def validators(self, spec) -> list:
        return [Length(max=400, message=LENGTH_MESSAGE), PlainText(), _tag_rules]

    def render_kw(self, spec) -> dict:
        return {"maxlength": 400, "autocomplete": "off"}

    def form_value(self, spec, form) -> list[str]:
        return parse_tags(form[spec.key].data)

    def to_form(self, spec, value):
        return ", ".join(value or ())

    def get(self, spec, record) -> list[str]:
        return [t.name for t in record.tags]

    def set(self, spec, record, value) -> None:
        names = [n[:TAG_LENGTH] for n in value or ()][:MAX_TAGS]
        record.tags = _tag_rows(names)

    def text(self, spec, value) -> str:
        return joined(value or ())

    def html_value(self, spec, value, rtype) -> Markup:
        """Each tag a badge that opens the list of records with that tag."""
        from urllib.parse import quote

        from crm.records.fields import _request_cache

        base = _request_cache("list_url", rtype.key, lambda: rtype.url("index")) + "?tag="
        return Markup(" ").join(Markup('<a class="badge" href="{}">{}</a>').format(
            base + quote(name), name) for name in value)

    def audit_value(self, spec, value):
        return list(value) or None

    def audit_text(self, spec, raw) -> str:
        return joined(raw or ())

    def search_terms(self, spec, value) -> list[str]:
        return list(value or ())

    def parse_cell(self, spec, raw) -> list[str]:
        names = parse_tags(self.cell_text(raw))
        if len(names) > MAX_TAGS or any(len(n) > TAG_LENGTH for n in names):
            raise ValueError(str(_l("Use at most %(n)d tags of at most %(len)d characters.",
                                    n=MAX_TAGS, len=TAG_LENGTH)))
        return names


def suggestions(limit: int = 40) -> list[str]:
    """The tags most used on records, for the tag editor to offer."""
    from sqlalchemy import func

    from crm.extensions import db
    from crm.models import Tag, record_tag

    stmt = (select(Tag.name).join(record_tag, record_tag.c.tag_id == Tag.id)
            .group_by(Tag.id, Tag.name).order_by(func.count().desc(), Tag.name).limit(limit))
    return list(db.session.scalars(stmt))


def _tag_rules(form, field) -> None:
    names = parse_tags(field.data)
    if len(names) > MAX_TAGS:
        raise ValidationError(_l("Use at most %(n)d tags.", n=MAX_TAGS))
    if any(len(n) > TAG_LENGTH for n in names):
        raise ValidationError(_l("A tag may have at most %(n)d characters.", n=TAG_LENGTH))


def _tag_rows(names: list[str]) -> list:
    """The Tag rows of these names, created when missing. INSERT ... ON CONFLICT DO NOTHING
    (both databases): another request creating the same tag at the same moment is no error,
    and no savepoint flushes the record half-changed."""
    from crm.extensions import db
    from crm.models import Tag

    if not names:
        return []
    with db.session.no_autoflush:
        existing = {t.name: t for t in db.session.scalars(
            select(Tag).where(Tag.name.in_(names)))}
        missing = [n for n in names if n not in existing]
        if missing:
            db.session.execute(_insert_ignore(Tag.__table__).values([{"name": n}
                                                                      for n in missing]))
            existing.update({t.name: t for t in db.session.scalars(
                select(Tag).where(Tag.name.in_(missing)))})
    return [existing[name] for name in names]


def _insert_ignore(table):
    from crm.extensions import db

    if db.engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table).on_conflict_do_nothing()


class RegionKind(Kind):
    """Province and city, chosen together (the city list follows the province)."""

    key, label, editor = "region", _l("Province / city"), "region"
    custom = False
    filter_style = "region"

    def form_fields(self, spec) -> dict:
        return {"province": SelectField(_l("Province"), validate_choice=False,
                                        validators=[Province()]),
                "city": SelectField(_l("City"), validate_choice=False, validators=[City()])}

    def field_names(self, spec) -> tuple[str, ...]:
        return ("province", "city")

    def audit_names(self, spec) -> dict:
        return {"province": _l("Province"), "city": _l("City"), spec.key: spec.label}

    def audit_text(self, spec, raw) -> str:
        return str(raw)  # province and city are recorded one by one, as text

    def prepare(self, form, spec) -> None:
        empty = [SelectChoice("", "—")]
        form.province.choices = empty + [SelectChoice(p, p) for p in regions.PROVINCES]
        form.city.choices = empty + [SelectChoice(c, c)
                                     for c in regions.cities_of(form.province.data)]

    def form_value(self, spec, form) -> tuple:
        return (clean(form.province.data), clean(form.city.data))

    def form_data(self, spec, record) -> dict:
        return {"province": record.province or "", "city": record.city or ""}

    def get(self, spec, record) -> tuple:
        return (record.province, record.city)

    def set(self, spec, record, value) -> None:
        record.province, record.city = value or (None, None)

    def is_empty(self, value) -> bool:
        return not value or not any(value)

    def text(self, spec, value) -> str:
        return " ".join(v for v in value or () if v)

    def search_terms(self, spec, value) -> list[str]:
        return []

    def parse_cell(self, spec, raw) -> tuple:
        parts = [p for p in re.split(r"[\s/,，-]+", self.cell_text(raw)) if p]
        province, city = (parts + [None, None])[:2]
        if province and not regions.is_known(province, city):
            raise ValueError(str(_l("Unknown province or city: choose them from the list "
                                    "of the form.")))
        return (province, city)


PHONES = PhonesKind()
TAGS = TagsKind()
REGION = RegionKind()
