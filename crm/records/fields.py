"""Field specs: every field of a record type described once.

A `FieldSpec` names the field (key, label in both languages, kind, choices, limits) and
where it shows up (form section, quick add, list column, filter, completeness, search,
click-to-edit). Its `Kind` knows everything that depends on the kind of value: the form
field and its validation, reading and writing the stored value (a column, a relation, or a
key of the record's `custom` JSON), the text shown in the UI, history and exports, the
import parse, and the list filter. Forms, the record page, lists, completeness, the history
and the audit log read these specs; nothing else names a field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import g, has_request_context

from crm.i18n import ui_language


def _request_cache(name: str, key, compute):
    """A value computed once per request (its language is the request's) and kept on `g`;
    computed every time outside a request."""
    if not has_request_context():
        return compute()
    cache = g.setdefault(f"_records_{name}", {})
    if key not in cache:
        cache[key] = compute()
    return cache[key]


class Bilingual:
    """A label a business user typed in both languages; str() picks the UI language."""

    def __init__(self, en: str, zh: str):
        self.en, self.zh = en, zh or en

    def __str__(self) -> str:
        return self.zh if ui_language() == "zh_CN" else self.en

    def __html__(self) -> str:  # Jinja escapes str(); __html__ marks it as text, not markup
        from markupsafe import escape

        return str(escape(str(self)))

    def __eq__(self, other) -> bool:
        return isinstance(other, Bilingual) and (self.en, self.zh) == (other.en, other.zh)

    def __hash__(self) -> int:
        return hash((self.en, self.zh))


@dataclass(frozen=True)
class Choice:
    """One option of a choice field: the stored value and its label."""

    value: str
    label: Any  # lazy gettext string or Bilingual
    retired: bool = False  # no longer offered; stored values still show their label


@dataclass(frozen=True, eq=False)
class FieldSpec:
    """One field of a record type. `options` carries what only some kinds need (the column
    of a relation, a link's target type, a filter's argument prefix...)."""

    key: str
    label: Any
    kind: Any  # a crm.records.kinds Kind
    required: bool = False
    max_length: int | None = None
    choices: tuple[Choice, ...] = ()
    default: Any = None
    custom: bool = False  # stored in the record's `custom` JSON, defined by an admin
    form: bool = True  # on the full form
    quick: bool = False  # in the quick-add row
    inline: bool = True  # click-to-edit on the record page
    list_column: bool = False  # a column of the list by default
    filter: bool = False  # a list filter
    completeness: bool = False  # counted in the completeness score
    search: bool = False  # part of the record's search text
    section: str = "basics"  # form fieldset: basics, classification, address, business, more
    hint: Any = None
    archived: bool = False
    options: dict = field(default_factory=dict)

    @property
    def column(self) -> str:
        """The model attribute holding a built-in field's value."""
        return self.options.get("column", self.key)

    def choice_label(self, value) -> str:
        """The label of a stored choice value, translated once per request (lists show it on
        every row)."""
        labels = _request_cache("choice_labels", id(self), lambda: {
            c.value: str(c.label) for c in self.choices})
        return labels.get(value, "" if value is None else str(value))

    def offered_choices(self) -> tuple[Choice, ...]:
        return tuple(c for c in self.choices if not c.retired)

    def get(self, record):
        return self.kind.get(self, record)

    def set(self, record, value) -> None:
        self.kind.set(self, record, value)

    def text(self, value) -> str:
        """The value as plain text (history, conflicts, exports, messages)."""
        return self.kind.text(self, value)

    def html(self, record, rtype):
        """The record's value as shown on a page or a list row (escaped markup)."""
        return self.kind.html(self, record, rtype)

    def is_empty(self, value) -> bool:
        return self.kind.is_empty(value)
