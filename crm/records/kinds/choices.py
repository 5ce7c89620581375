"""Choice kinds: one value from a list (a select), several values (checkboxes)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from wtforms import SelectField, SelectMultipleField, widgets
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, Optional, ValidationError

from crm.records.kinds.base import REQUIRED_MESSAGE, Kind, clean, joined, required

CHOOSE_MESSAGE = _l("Choose one of the options in the list.")
NONE = SelectChoice("", "—")


class ChoiceKind(Kind):
    key, label = "choice", _l("Choice")
    live_check = False
    filter_style = "equals"

    def field(self, spec):
        allowed = [c.value for c in spec.choices]
        checks = [required(spec)] if spec.required else [Optional()]
        return SelectField(spec.label, choices=self.options(spec, None), validate_choice=False,
                           default=spec.default or "", description=spec.hint or "",
                           validators=checks + [AnyOf([*allowed, ""], message=CHOOSE_MESSAGE)])

    def options(self, spec, current) -> list[SelectChoice]:
        """The offered choices, plus a retired one the record still holds (kept on save)."""
        shown = [SelectChoice(c.value, str(c.label)) for c in spec.choices
                 if not c.retired or c.value == current]
        empty = [] if spec.required and spec.default else [NONE]
        return empty + shown

    def prepare(self, form, spec) -> None:
        field = form[spec.key]
        if field.data and any(c.retired and c.value == field.data for c in spec.choices):
            field.choices = self.options(spec, field.data)

    def text(self, spec, value) -> str:
        return "" if value in (None, "") else spec.choice_label(value)

    def html_value(self, spec, value, rtype) -> Markup:
        if spec.options.get("badge"):
            return Markup('<span class="badge {}-{}">{}</span>').format(
                spec.key, value, self.text(spec, value))
        return super().html_value(spec, value, rtype)

    def search_terms(self, spec, value) -> list[str]:
        return []

    def parse_cell(self, spec, raw):
        """An import cell holds the label (either language) or the stored value."""
        text = self.cell_text(raw)
        if not text:
            if spec.required:
                raise ValueError(str(REQUIRED_MESSAGE))
            return None
        for choice in spec.choices:
            labels = {choice.value.casefold(), str(choice.label).casefold(),
                      *(getattr(choice.label, lang, "").casefold() for lang in ("en", "zh"))}
            if text.casefold() in labels:
                return choice.value
        raise ValueError(str(CHOOSE_MESSAGE))


class MultiChoiceKind(ChoiceKind):
    """Several choices, shown as checkboxes (easier on a phone than a multi-select)."""

    key, label, editor = "multi_choice", _l("Multiple choice"), "checks"
    filter_style = "has"

    def field(self, spec):
        checks = [required(spec)] if spec.required else [Optional()]
        return SelectMultipleField(
            spec.label, choices=[(c.value, str(c.label)) for c in spec.choices
                                 if not c.retired],
            validate_choice=False, description=spec.hint or "",
            widget=widgets.ListWidget(prefix_label=False),
            option_widget=widgets.CheckboxInput(), validators=checks + [_all_known(spec)])

    def prepare(self, form, spec) -> None:
        field, held = form[spec.key], set(form[spec.key].data or ())
        field.choices = [(c.value, str(c.label)) for c in spec.choices
                         if not c.retired or c.value in held]

    def form_value(self, spec, form):
        chosen = set(form[spec.key].data or ())
        return [c.value for c in spec.choices if c.value in chosen] or None

    def to_form(self, spec, value):
        return list(value or [])

    def from_json(self, raw):
        return list(raw) if isinstance(raw, list) else None

    def text(self, spec, value) -> str:
        return joined(spec.choice_label(v) for v in value or ())

    def parse_cell(self, spec, raw):
        parts = [p for p in (clean(x) for x in _split(self.cell_text(raw))) if p]
        values = [ChoiceKind.parse_cell(self, spec, p) for p in parts]
        if spec.required and not values:
            raise ValueError(str(REQUIRED_MESSAGE))
        return list(dict.fromkeys(values)) or None

    def export_cell(self, spec, value):
        return ", ".join(spec.choice_label(v) for v in value or ())


def _split(text: str) -> list[str]:
    import re

    return re.split(r"[,，、;；\n]+", text)


def _all_known(spec):
    known = {c.value for c in spec.choices}

    def check(form, field) -> None:
        if any(v not in known for v in field.data or ()):
            raise ValidationError(CHOOSE_MESSAGE)
    return check


CHOICE = ChoiceKind()
MULTI_CHOICE = MultiChoiceKind()
