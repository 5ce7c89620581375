"""RecordType: what the shared layer knows about one type of business record.

A record type names its model, its names in both languages, its fields (FieldSpecs), its
list (sorts; filters come from the fields), its permissions and templates, and the rules
only it has (derived columns, the duplicate check). Services, views, lists, forms, the
history and later import, export and the API read it; outside the type's own module no
code asks which type it is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l

from crm.records.fields import FieldSpec


def allowed(spec, user=None) -> bool:
    """Whether the user (the signed-in one by default) may change this field: a field with
    a `permission` option is changed only by roles holding it."""
    permission = spec.options.get("permission")
    if not permission:
        return True
    from flask_login import current_user

    from crm.permissions import has_permission

    return has_permission(user if user is not None else current_user, permission)


@dataclass(frozen=True)
class Sort:
    """A list order besides newest/oldest: `column` of the model, then id."""

    key: str
    label: Any
    column: str
    descending: bool = False


@dataclass(frozen=True)
class Permissions:
    view: str
    edit: str
    delete: str
    export: str


@dataclass(eq=False)
class RecordType:
    key: str  # "company": the record link's type, audit entity, saved views
    model: type
    plural: str  # "companies": URL segment and blueprint name
    label: Any  # "Company"
    label_plural: Any  # "Companies"
    label_lower: Any  # "company", inside sentences ("Add company")
    fields: tuple[FieldSpec, ...]
    permissions: Permissions
    title_field: str = "name"
    sorts: tuple[Sort, ...] = ()
    # (record, *, user, exclude_id, limit) -> candidates; None: no duplicate check
    duplicates: Callable | None = None
    identity: tuple[str, ...] = ()  # columns whose change re-runs the duplicate check
    # (field name, typed text, E.164 or None, *, user, exclude) -> records it points to,
    # shown under a field as it is typed; None: no such hint
    on_file: Callable | None = None
    derive: Callable | None = None  # (record) -> None: the type's own derived columns
    name_match: Callable | None = None  # (name) -> SQL condition finding a record by name
    show_sections: tuple[str, ...] = ()  # templates included on the record page
    show_context: Callable | None = None  # (record, user) -> extra context for them
    subtitle: Callable | None = None  # (record, user) -> the line under the record's name
    description: Any = ""  # one line on the home page card
    # n -> "23 companies" (a translated plural of the type); a plain form by default
    counted: Callable | None = None
    nav_order: int = 100
    empty_text: Any = _l("Nothing found. Change the search or the filters, or add one.")
    extra: dict = field(default_factory=dict)
    # (record, user) -> context of a section another area added (see add_section)
    section_contexts: list = field(default_factory=list)

    def add_section(self, template: str, context: Callable | None = None) -> None:
        """Another area shows a section on this type's record pages (tasks on a customer's
        page): its template and `context(record, user)` giving what the template reads."""
        if template not in self.show_sections:
            self.show_sections = (*self.show_sections, template)
            if context is not None:
                self.section_contexts.append(context)

    # ---- fields
    def specs(self, *, archived: bool = False) -> tuple[FieldSpec, ...]:
        """Built-in fields, then the custom fields an admin defined (not archived)."""
        from crm.records import custom

        return self.fields + custom.specs_for(self, archived=archived)

    def spec(self, key: str) -> FieldSpec | None:
        return next((s for s in self.specs() if s.key == key), None)

    def form_specs(self) -> tuple[FieldSpec, ...]:
        """The fields on this user's form (some only for roles that may change them)."""
        return tuple(s for s in self.specs() if s.form and allowed(s))

    def quick_specs(self) -> tuple[FieldSpec, ...]:
        """The quick-add row: the type's quick fields and every required custom field (it
        has no default, so a record without it could not be saved)."""
        return tuple(s for s in self.specs() if s.quick or (s.custom and s.required))

    def inline_specs(self) -> tuple[FieldSpec, ...]:
        return tuple(s for s in self.specs() if s.inline and s.form and allowed(s))

    def completeness_specs(self) -> tuple[FieldSpec, ...]:
        return tuple(s for s in self.fields if s.completeness)

    @property
    def title_spec(self) -> FieldSpec:
        return next(s for s in self.fields if s.key == self.title_field)

    @property
    def entity(self) -> str:
        """The audit log's name for records of this type (their table)."""
        return self.model.__tablename__

    @property
    def name_label(self):
        return self.title_spec.label

    def has_kind(self, kind_key: str) -> bool:
        return any(s.kind.key == kind_key for s in self.fields)

    def count_text(self, n: int) -> str:
        if self.counted:
            return self.counted(n)
        from flask_babel import format_decimal

        return f"{format_decimal(n)} {self.label_plural}"

    # ---- web
    def url(self, endpoint: str, **values) -> str:
        return url_for(f"{self.plural}.{endpoint}", **values)

    def find_by_name(self, name: str, user) -> int | None:
        """The id of the user's record with this name (a link typed by name), or None."""
        from sqlalchemy import select

        from crm.extensions import db
        from crm.services.scope import apply_scope

        model = self.model
        cond = self.name_match(name) if self.name_match else model.name == name.strip()
        stmt = apply_scope(select(model.id), model, user).where(cond).order_by(model.id)
        return db.session.scalar(stmt.limit(1))
