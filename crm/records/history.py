"""Audit rows as people read them: field labels instead of columns, names instead of ids,
choice labels instead of codes, translated actions and record types.

Used by a record's History and by the admin audit log. Names (owners, teams, linked
records) are looked up once per page, not once per row.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from crm.records import registry
from crm.records.fields import FieldSpec

ACTIONS = {"login": _l("Signed in"), "login_failed": _l("Sign-in failed"),
           "logout": _l("Signed out"), "create": _l("Created"), "update": _l("Changed"),
           "delete": _l("Moved to the trash"), "restore": _l("Restored"),
           "export": _l("Exported"), "admin": _l("Administration"),
           "lookup": _l("Duplicate check showed another rep's customer"),
           "transfer_request": _l("Asked for the customer to be transferred")}
# Bookkeeping columns a person reading a history does not need to see.
HIDDEN = frozenset({"id", "created_by", "version", "created_at", "updated_at", "deleted_at",
                    "team_id", "record_id", "password_hash"})


def _other_entities() -> dict[str, tuple]:
    """Labels and fields of audited rows that are not business records."""
    from crm.records.other_entities import OTHER_ENTITIES

    return OTHER_ENTITIES


@dataclass
class Change:
    label: str
    old: str | None
    new: str | None


@dataclass
class Line:
    row: object  # the AuditLog row
    action: str
    entity: str
    changes: list[Change]


def entity_labels() -> dict[str, str]:
    """Audit entity -> its translated name (a select on the audit log page)."""
    labels = {t.entity: str(t.label) for t in registry.all_types()}
    labels.update({key: str(label) for key, (label, _specs) in _other_entities().items()})
    return labels


def _specs_by_column(entity: str) -> dict[str, FieldSpec]:
    rtype = next((t for t in registry.all_types() if t.entity == entity), None)
    if rtype is None:
        specs = _other_entities().get(entity, (None, ()))[1]
    else:
        specs = rtype.specs() + rtype.specs(archived=True)
    mapped = {}
    for spec in specs:
        for name in spec.kind.audit_names(spec):
            mapped[name] = spec
    return mapped


def _label(spec: FieldSpec, name: str) -> str:
    return str(spec.kind.audit_names(spec).get(name, spec.label))


def lines(rows) -> list[Line]:
    """The rows, each with its changes in words."""
    by_entity = {e: _specs_by_column(e) for e in {r.entity for r in rows if r.entity}}
    names = _names(rows, by_entity)
    result = []
    for row in rows:
        specs = by_entity.get(row.entity, {})
        changes = []
        for name, pair in (row.changes or {}).items():
            if name in HIDDEN or not isinstance(pair, list | tuple) or len(pair) != 2:
                continue
            spec = specs.get(name)
            changes.append(_change(spec, name, pair, names))
        result.append(Line(row, str(ACTIONS.get(row.action, row.action)),
                           entity_labels().get(row.entity, row.entity or ""), changes))
    return result


def _change(spec, name: str, pair, names: dict) -> Change:
    if spec is None:
        return Change(name, _plain(pair[0]), _plain(pair[1]))
    shown = names.get(id(spec), {})
    old, new = (_text(spec, v, shown) for v in pair)
    return Change(_label(spec, name), old, new)


def _text(spec, value, names: dict) -> str | None:
    if value is None or value == "" or value == []:
        return None
    if isinstance(value, int) and value in names:
        return names[value]
    return spec.kind.audit_text(spec, value)


def _plain(value) -> str | None:
    return None if value is None else str(value)


def _names(rows, by_entity) -> dict[int, dict]:
    """id(spec) -> {stored id: name} for every spec whose values are ids of other rows."""
    wanted: dict[int, tuple] = {}
    ids = defaultdict(set)
    for row in rows:
        specs = by_entity.get(row.entity, {})
        for name, pair in (row.changes or {}).items():
            spec = specs.get(name)
            if spec is not None and hasattr(spec.kind, "names") and isinstance(pair, list):
                wanted[id(spec)] = spec
                ids[id(spec)].update(v for v in pair if isinstance(v, int))
    return {key: spec.kind.names(spec, ids[key]) for key, spec in wanted.items() if ids[key]}

