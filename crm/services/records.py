"""Record helpers shared by every area: optimistic-lock checks and safe field assignment."""

from __future__ import annotations

from crm.models.mixins import PROTECTED_FIELDS


class VersionConflict(Exception):
    """The form was based on an older version of the record than the one stored."""

    def __init__(self, record, submitted: int | None):
        super().__init__(f"stale version {submitted} of {record!r}")
        self.record = record
        self.submitted = submitted


def check_version(record, submitted: int | str | None) -> None:
    """Raise VersionConflict unless the form carried the record's current version."""
    try:
        submitted_int = int(submitted) if submitted not in (None, "") else None
    except (TypeError, ValueError):
        submitted_int = None
    if submitted_int != record.version:
        raise VersionConflict(record, submitted_int)


def assign(record, values: dict, allowed: frozenset[str] | set[str]) -> None:
    """Set only the allowed, unprotected fields (mass-assignment guard)."""
    for key, value in values.items():
        if key in allowed and key not in PROTECTED_FIELDS:
            setattr(record, key, value)
