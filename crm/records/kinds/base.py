"""The Kind base: what every kind of field does, with the defaults of a one-line text field.

A kind is stateless; everything about one field comes from its FieldSpec. Subclasses
override only what differs: the form field, the stored form of a value (a column, or JSON
in `custom`), the text shown, the import parse, the list filter.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from werkzeug.datastructures import MultiDict
from wtforms import Form, StringField
from wtforms.validators import DataRequired, Length, Optional

from crm.validators import LENGTH_MESSAGE, PlainText

REQUIRED_MESSAGE = _l("Fill in this field.")
EMPTY = Markup('<span class="muted">—</span>')


def joined(items) -> str:
    """Items as a list in the user's language: "A, B" in English, "A、B" in Chinese."""
    from flask import has_request_context
    from flask_babel import gettext as _

    return (_(", ") if has_request_context() else ", ").join(items)


def required(spec) -> DataRequired:
    """The check of a required field, with the spec's own message if it has one."""
    return DataRequired(spec.options.get("required_message") or REQUIRED_MESSAGE)


def clean(value):
    """A form value as stored: text trimmed, '' as None."""
    value = value.strip() if isinstance(value, str) else value
    return None if value == "" else value


class Kind:
    key = "text"
    label = _l("Text")
    custom = True  # offered for custom fields
    editor = "field"  # editor macro in templates/macros/fields.html
    default_length = 200
    filter_style = "contains"  # how a list filter on this kind compares (see filters.py)
    live_check = True  # checked on the server when the user leaves the input

    # ---- form
    def form_fields(self, spec) -> dict:
        """Form attribute name -> unbound WTForms field."""
        return {spec.key: self.field(spec)}

    def field_names(self, spec) -> tuple[str, ...]:
        """The form inputs of this field (inline validation, focus, conflicts)."""
        return (spec.key,)

    def field(self, spec):
        return StringField(spec.label, validators=self.validators(spec),
                           description=spec.hint or "", render_kw=self.render_kw(spec))

    def render_kw(self, spec) -> dict:
        return {"maxlength": spec.max_length or self.default_length}

    def validators(self, spec) -> list:
        checks = [required(spec)] if spec.required else [Optional()]
        return checks + [Length(max=spec.max_length or self.default_length,
                                message=LENGTH_MESSAGE), PlainText()]

    def prepare(self, form, spec) -> None:
        """Called when a form is built (dependent choices, for example)."""

    def form_value(self, spec, form):
        return clean(form[spec.key].data)

    def form_data(self, spec, record) -> dict:
        return {spec.key: self.to_form(spec, spec.get(record))}

    def to_form(self, spec, value):
        return "" if value is None else value

    def prefill(self, spec, args) -> dict:
        """Form data a new record's form takes from the query string (none by default)."""
        return {}

    # ---- storage
    def get(self, spec, record):
        if spec.custom:
            return self.from_json((record.custom or {}).get(spec.key))
        return getattr(record, spec.column)

    def set(self, spec, record, value) -> None:
        if not spec.custom:
            setattr(record, spec.column, value)
            return
        values = dict(record.custom or {})  # a new dict: the JSON column sees the change
        if self.is_empty(value):
            values.pop(spec.key, None)
        else:
            values[spec.key] = self.to_json(value)
        record.custom = values

    def to_json(self, value):
        return value

    def from_json(self, raw):
        return raw

    def is_empty(self, value) -> bool:
        return value is None or value == "" or value == [] or value == ()

    # ---- text
    def text(self, spec, value) -> str:
        return "" if self.is_empty(value) else str(value)

    def audit_value(self, spec, value):
        """The value as written into an audit row (JSON)."""
        return None if self.is_empty(value) else self.to_json(value)

    def html(self, spec, record, rtype) -> Markup:
        """The value as shown on a record page or in a list cell (plain text by default)."""
        value = self.get(spec, record)
        if self.is_empty(value):
            return EMPTY
        return self.html_value(spec, value, rtype)

    def html_value(self, spec, value, rtype) -> Markup:
        return escape(self.text(spec, value))

    def audit_names(self, spec) -> dict:
        """Names this field's changes carry in audit rows -> their labels."""
        return {spec.key: spec.label, spec.column: spec.label}

    def audit_text(self, spec, raw) -> str:
        """An audit row's value as shown in the history."""
        try:
            return self.text(spec, self.from_json(raw))
        except (TypeError, ValueError):
            return str(raw)

    def search_terms(self, spec, value) -> list[str]:
        return [] if self.is_empty(value) else [str(value)]

    # ---- import and export
    def parse_cell(self, spec, raw):
        """An import cell -> value, checked by the form's own validators; ValueError(message)
        when it is not acceptable."""
        form_class = type("CellForm", (Form,), self.form_fields(spec))
        form = form_class(formdata=MultiDict({spec.key: self.cell_text(raw)}))
        self.prepare(form, spec)
        field = form[spec.key]
        if not field.validate(form):
            raise ValueError(" ".join(str(e) for e in field.errors))
        return self.form_value(spec, form)

    def cell_text(self, raw) -> str:
        return "" if raw is None else str(raw).strip()

    def export_cell(self, spec, value):
        """The value in an export: text, or a number or day a spreadsheet keeps as such."""
        return self.text(spec, value)

    def export_values(self, spec, records) -> list:
        """The cells of a batch of records (one query per batch at most, never per row)."""
        return [self.export_cell(spec, self.get(spec, record)) for record in records]

    def export_load_option(self, spec, model):
        """The eager load an export of this field needs."""
        return self.load_option(spec, model)

    # ---- lists
    def filters(self, spec) -> list:
        from crm.records.filters import filters_for

        return filters_for(spec)

    def load_option(self, spec, model):
        """The eager load a page showing this field needs (a link's record), or None."""
        return None

    def sql_type(self) -> str:
        """How a custom value is compared in SQL: text, number or bool."""
        return "text"
