"""The registry of record types, by key ("company", "contact"...)."""

from __future__ import annotations

from crm.records.types import RecordType

_TYPES: dict[str, RecordType] = {}


def register(record_type: RecordType) -> RecordType:
    """Add a record type (its module does this at import)."""
    _TYPES[record_type.key] = record_type
    return record_type


def unregister(key: str) -> None:
    """Remove a record type (tests that register a throw-away type)."""
    _TYPES.pop(key, None)


def get(key: str) -> RecordType:
    """The record type of this key; KeyError for an unknown key."""
    return _TYPES[key]


def find(key: str | None) -> RecordType | None:
    return _TYPES.get(key or "")


def all_types() -> list[RecordType]:
    """Every registered type, in navigation order."""
    return sorted(_TYPES.values(), key=lambda t: (t.nav_order, t.key))


def for_model(model) -> RecordType:
    return next(t for t in _TYPES.values() if t.model is model)
