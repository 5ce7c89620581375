"""Custom fields: an admin's field definitions turned into FieldSpecs, and the rules for
changing them.

Values live in the record's `custom` JSON column under the field's key; a filterable field
gets an expression index on that key (SQLite JSON1, PostgreSQL JSONB), created in the same
transaction as the definition. No ALTER TABLE, no key-value rows. An archived field keeps
its values (shown in the history, back when restored) and leaves forms, lists and filters.
The definitions are read once per request (one small query) and cached on `g`.
"""

from __future__ import annotations

import re

from flask import g
from sqlalchemy import Index, func, select
from sqlalchemy.schema import CreateIndex, DropIndex

from crm.database import utcnow
from crm.extensions import db
from crm.models import FieldDefinition
from crm.records.fields import Bilingual, Choice, FieldSpec
from crm.records.kinds import CUSTOM_KINDS

MAX_FIELDS = 100
LABEL_LENGTH = 60
KEY_RE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
# Query and form arguments the lists and forms use themselves.
RESERVED = frozenset({
    "q", "sort", "after", "trash", "cols", "owner", "team", "tag", "province", "city",
    "version", "quick", "confirm_new", "csrf_token", "client_key", "phone", "phone_kind",
    "phones", "name", "id", "record", "custom", "field", "exclude", "edit", "history",
    "before", "created_after", "created_before", "contact_after", "contact_before", "quiet",
})
INDEXED_STYLES = frozenset({"equals", "range"})


class FieldRuleError(ValueError):
    """A definition change the rules refuse; `code` selects the message shown."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code, self.params = code, params


def _definitions(record_type: str) -> list[FieldDefinition]:
    cache = g.setdefault("_custom_definitions", {})
    if record_type not in cache:
        cache[record_type] = list(db.session.scalars(
            select(FieldDefinition).where(FieldDefinition.record_type == record_type)
            .order_by(FieldDefinition.position, FieldDefinition.id)))
    return cache[record_type]


def invalidate() -> None:
    """Forget the definitions read in this request (after an admin changed them)."""
    g.pop("_custom_definitions", None)
    g.pop("_custom_specs", None)


def specs_for(rtype, *, archived: bool = False) -> tuple[FieldSpec, ...]:
    """The custom fields of a type as specs: the active ones, or with `archived` only the
    archived ones (their values stay readable in the history)."""
    cache = g.setdefault("_custom_specs", {})
    if (rtype.key, archived) not in cache:
        rows = [d for d in _definitions(rtype.key) if (d.archived_at is not None) == archived]
        cache[(rtype.key, archived)] = tuple(spec_of(d) for d in rows)
    return cache[(rtype.key, archived)]


def spec_of(definition: FieldDefinition) -> FieldSpec:
    choices = tuple(Choice(c["value"], Bilingual(c.get("en", ""), c.get("zh", "")),
                           bool(c.get("retired"))) for c in definition.choices or ())
    return FieldSpec(
        key=definition.key, label=Bilingual(definition.label_en, definition.label_zh),
        kind=CUSTOM_KINDS[definition.kind], required=definition.required,
        choices=choices, custom=True, list_column=definition.list_column,
        filter=definition.filterable, section="more",
        archived=definition.archived_at is not None,
        max_length=200 if definition.kind in ("text", "email", "url") else None,
        options={"definition_id": definition.id})


def all_definitions(record_type: str) -> list[FieldDefinition]:
    return _definitions(record_type)


def reserved_keys(rtype) -> set[str]:
    """Keys a custom field may not take: the type's own fields and form/list arguments."""
    names = set(RESERVED)
    for spec in rtype.fields:
        names.add(spec.key)
        names.update(spec.kind.field_names(spec))
        names.update(f.arg for f in spec.kind.filters(spec))
    return names


def make_key(rtype, label_en: str) -> str:
    """A key from the English label ("Industry code" -> industry_code), made unique."""
    base = re.sub(r"[^a-z0-9]+", "_", (label_en or "").lower()).strip("_")[:30]
    base = base if re.match(r"^[a-z][a-z0-9_]+$", base or "") else "field"
    taken = reserved_keys(rtype) | {d.key for d in _definitions(rtype.key)}
    key, n = base, 2
    while key in taken:
        key, n = f"{base}_{n}", n + 1
    return key


def check_key(rtype, key: str, *, current: FieldDefinition | None = None) -> None:
    if not KEY_RE.match(key or ""):
        raise FieldRuleError("key_format")
    if key in reserved_keys(rtype):
        raise FieldRuleError("key_builtin", key=key)
    if any(d.key == key and d is not current for d in _definitions(rtype.key)):
        raise FieldRuleError("key_taken", key=key)


def create(rtype, values: dict, *, user) -> FieldDefinition:
    """Add a custom field to a type (at most MAX_FIELDS, archived ones included)."""
    if len(_definitions(rtype.key)) >= MAX_FIELDS:
        raise FieldRuleError("too_many", n=MAX_FIELDS)
    if values["kind"] not in CUSTOM_KINDS:
        raise FieldRuleError("kind")
    key = values.get("key") or make_key(rtype, values["label_en"])
    check_key(rtype, key)
    position = db.session.scalar(select(func.coalesce(func.max(FieldDefinition.position), 0))
                                 .where(FieldDefinition.record_type == rtype.key)) + 1
    definition = FieldDefinition(
        record_type=rtype.key, key=key, kind=values["kind"], position=position,
        created_by=user.id, **_settable(values, None))
    db.session.add(definition)
    db.session.flush()
    invalidate()
    sync_index(rtype, definition)
    return definition


def _settable(values: dict, current: FieldDefinition | None) -> dict:
    kind = values.get("kind") or (current.kind if current else "text")
    has_choices = CUSTOM_KINDS[kind].filter_style in ("equals", "has") and kind != "checkbox" \
        and kind != "phone"
    return {"label_en": values["label_en"][:LABEL_LENGTH],
            "label_zh": (values.get("label_zh") or values["label_en"])[:LABEL_LENGTH],
            "required": bool(values.get("required")),
            "filterable": bool(values.get("filterable")),
            "list_column": bool(values.get("list_column")),
            "choices": merge_choices(current.choices if current else [],
                                     values.get("choices") or []) if has_choices else None}


def update(rtype, definition: FieldDefinition, version, values: dict) -> None:
    """Change labels, choices and flags (the key and kind stay: stored values use them)."""
    from crm.services.records import check_version

    check_version(definition, version)
    for name, value in _settable({**values, "kind": definition.kind}, definition).items():
        setattr(definition, name, value)
    db.session.flush()
    invalidate()
    sync_index(rtype, definition)


def set_archived(rtype, definition: FieldDefinition, archived: bool) -> None:
    definition.archived_at = utcnow() if archived else None
    db.session.flush()
    invalidate()
    sync_index(rtype, definition)


def move(rtype, definition: FieldDefinition, step: int) -> None:
    """Move a field up (-1) or down (+1) among its type's fields."""
    rows = _definitions(rtype.key)
    index = rows.index(definition)
    other = index + step
    if 0 <= other < len(rows):
        rows[index], rows[other] = rows[other], rows[index]
        for position, row in enumerate(rows, start=1):
            row.position = position
        db.session.flush()
    invalidate()


def merge_choices(old: list, lines: list[tuple[str, str]]) -> list[dict]:
    """New choice labels (en, zh) per line; a line keeps the value of the old choice with
    the same English or Chinese label, so stored values keep their meaning. Old choices
    no longer listed stay as retired (their label still shows on records holding them)."""
    old = [dict(c) for c in old or ()]
    used, result = set(), []
    counter = max((int(c["value"][1:]) for c in old if c["value"][1:].isdigit()), default=0)
    for en, zh in lines:
        match = next((c for c in old if c["value"] not in used and
                      (c.get("en") == en or (zh and c.get("zh") == zh))), None)
        if match is None:
            counter += 1
            match = {"value": f"c{counter}"}
        used.add(match["value"])
        result.append({"value": match["value"], "en": en, "zh": zh or en, "retired": False})
    result += [{**c, "retired": True} for c in old if c["value"] not in used]
    return result


def index_name(rtype, key: str) -> str:
    return f"ix_cf_{rtype.model.__tablename__}_{key}"[:63]


def sync_index(rtype, definition: FieldDefinition, *, bind=None) -> None:
    """An expression index on the field's key while it is filterable and active."""
    from crm.records.filters import custom_sql

    kind = CUSTOM_KINDS[definition.kind]
    table = rtype.model.__table__
    wanted = definition.filterable and definition.archived_at is None \
        and kind.filter_style in INDEXED_STYLES
    bind = bind if bind is not None else db.session.connection()
    expr = custom_sql(table.c.custom, definition.key, kind.sql_type(), bind.dialect.name)
    index = Index(index_name(rtype, definition.key), expr)
    try:
        bind.execute(CreateIndex(index, if_not_exists=True) if wanted
                     else DropIndex(index, if_exists=True))
    finally:
        table.indexes.discard(index)  # not part of the models' metadata (see migrations/env.py)
