"""Forms built from field specs: the full form, the quick-add row, click-to-edit and
inline validation all use the same form class of a record type, so one rule checks a value
everywhere. Classes are cached per type and set of custom field definitions.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

SECTIONS = (("basics", _l("Basics")), ("classification", _l("Classification")),
            ("address", _l("Address")), ("business", _l("Business")), ("more", _l("More")))
_CLASSES: dict[tuple, type] = {}


class RecordForm(FlaskForm):
    """A record type's form; `specs` are the fields it holds."""

    specs: tuple = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for spec in self.specs:
            spec.kind.prepare(self, spec)

    def values(self, specs=None) -> dict:
        """Field key -> the cleaned value of every spec given (all by default)."""
        return {spec.key: spec.kind.form_value(spec, self) for spec in (specs or self.specs)}

    def spec_of(self, name: str):
        """The spec owning a form input name (`phones-0-number` belongs to the phones)."""
        base = name.split("-")[0]
        return next((s for s in self.specs
                     if base in s.kind.field_names(s) or base in s.kind.form_fields(s)), None)

    def sections(self) -> list[tuple[str, object, list]]:
        """(key, legend, specs) of each fieldset that has fields."""
        grouped = [(key, legend, [s for s in self.specs if s.section == key])
                   for key, legend in SECTIONS]
        return [group for group in grouped if group[2]]


def form_class(rtype) -> type[RecordForm]:
    """The form class of a type with its current custom fields."""
    specs = rtype.form_specs()
    signature = (rtype.key, tuple(s.key for s in specs),
                 tuple((s.key, s.kind.key, s.required, s.options.get("definition_id"),
                        tuple(s.choices), str(s.label)) for s in specs if s.custom))
    cls = _CLASSES.get(signature)
    if cls is None:
        attrs = {"specs": specs}
        for spec in specs:
            attrs.update(spec.kind.form_fields(spec))
        cls = type(f"{rtype.key.title()}Form", (RecordForm,), attrs)
        if len(_CLASSES) > 200:  # custom fields edited often: keep the cache bounded
            _CLASSES.clear()
        _CLASSES[signature] = cls
    return cls


def blank(rtype, **data) -> RecordForm:
    """An empty form (defaults shown), with one extra phone row ready."""
    form = form_class(rtype)(formdata=None, data=data)
    _extra_phone_row(form)
    return form


def bound(rtype) -> RecordForm:
    """The form with the request's data."""
    return form_class(rtype)()


def for_record(rtype, record) -> RecordForm:
    """The form holding a stored record's values."""
    form = form_class(rtype)(formdata=None, data=record_data(rtype, record))
    _extra_phone_row(form, upto=3)
    return form


def record_data(rtype, record) -> dict:
    data = {}
    for spec in rtype.form_specs():
        data.update(spec.kind.form_data(spec, record))
    return data


def _extra_phone_row(form, upto: int = 1) -> None:
    if "phones" in form and len(form.phones.entries) < upto:
        form.phones.append_entry()


def validate_one(form, name: str):
    """Run one input's validators (a phone row such as `phones-0-number` included);
    returns the field, or None when the form has no such input."""
    field = _find(form, name)
    if field is None or field.type in ("CSRFTokenField", "FieldList", "FormField"):
        return None
    field.validate(form)
    return field


def _find(form, name: str):
    if name in form:
        return form[name]
    parts = name.split("-")
    if len(parts) == 3 and parts[0] == "phones" and parts[1].isdigit() and "phones" in form:
        index = int(parts[1])
        if index < len(form.phones.entries) and parts[2] in form.phones.entries[index].form:
            return form.phones.entries[index].form[parts[2]]
    return None


def conflicts(rtype, record, form) -> list[tuple[str, str, str]]:
    """(label, stored, submitted) of every field where the stored record and the form
    differ (a version conflict shows both)."""
    rows = []
    for spec in rtype.form_specs():
        stored = spec.text(spec.get(record))
        try:
            mine = spec.text(spec.kind.form_value(spec, form))
        except (TypeError, ValueError, AttributeError):
            mine = ""
        if stored.strip() != mine.strip():
            rows.append((str(spec.label), stored, mine))
    return rows
