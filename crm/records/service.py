"""Creating and changing records of any type, from their field specs: one place for the
rules a form, click-to-edit, the import and the API share (only known fields are set,
derived columns, children, duplicates, versions, audit of children).

Functions flush and never commit: the caller (a view, a job, a CLI command) commits once,
or rolls back on an exception. Nothing is written before the checks pass.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import or_
from sqlalchemy import update as sql_update
from sqlalchemy.orm.attributes import set_committed_value

from crm.database import utcnow
from crm.extensions import db
from crm.models import Record
from crm.records import completeness, registry
from crm.records.types import allowed
from crm.services import audit, dedupe
from crm.services.normalize import search_blob
from crm.services.records import VersionConflict, check_version

__all__ = ["DuplicateFound", "VersionConflict", "create", "restore", "touch", "trash",
           "update", "update_field"]


class DuplicateFound(Exception):
    """Possible duplicates exist and the user has not confirmed saving anyway."""

    def __init__(self, candidates: list, paused: bool = False):
        super().__init__(f"{len(candidates)} possible duplicates")
        self.candidates = candidates
        self.paused = paused  # other reps' customers left out (dedupe.screen)


def type_of(record):
    return registry.for_model(type(record))


def _real(user):
    """Flask-Login's proxy -> the User itself (relationships take the object)."""
    return user._get_current_object() if hasattr(user, "_get_current_object") else user


def new_record(rtype, user):
    """A blank record of this type owned by `user`, with its record link."""
    record = rtype.model(owner_id=user.id, team_id=user.team_id, created_by=user.id)
    record.record = Record(type=rtype.key)
    return record


def apply(rtype, record, values: dict, *, new: bool, user=None) -> None:
    """Set the fields named in `values` (unknown keys, and fields the user may not change,
    are ignored: mass-assignment guard). A change to the children (phones, tags) is written
    to the audit row of the record."""
    for spec in rtype.specs():
        if spec.key not in values or not allowed(spec, user):
            continue
        if getattr(spec.kind, "relation", False):
            old = [] if new else spec.get(record)
            spec.set(record, values[spec.key])
            if spec.get(record) != old:
                audit.record_field_change(record, spec.key,
                                          spec.kind.audit_value(spec, old),
                                          spec.kind.audit_value(spec, spec.get(record)))
                if not new:
                    record.updated_at = utcnow()  # the row itself changes: version + history
        else:
            spec.set(record, values[spec.key])


def refresh(rtype, record) -> None:
    """Recompute what is derived from the fields: search text, completeness, and the
    type's own derived columns (duplicate keys, for example)."""
    model = rtype.model
    if hasattr(model, "search_text"):  # built-in fields only: custom ones are not searched
        terms = [t for spec in rtype.fields if spec.search
                 for t in spec.kind.search_terms(spec, spec.get(record))]
        record.search_text = search_blob(*terms)
    if hasattr(model, "completeness"):
        record.completeness = completeness.score(rtype, record)
    if rtype.derive:
        rtype.derive(record)


def _identity(rtype, record) -> list:
    return [getattr(record, name) for name in rtype.identity]


def _check_duplicates(rtype, record, user, *, exclude_id=None) -> None:
    if rtype.duplicates is None:
        return
    found, paused = dedupe.screen(rtype.duplicates(record, user=user, exclude_id=exclude_id),
                                  user)
    if found:
        raise DuplicateFound(found, paused)


def create(rtype, values: dict, *, user, confirmed: bool = False):
    """Create a record owned by `user`; DuplicateFound unless confirmed. The record comes
    back with its owner and links loaded, ready to be shown without a reload."""
    record = new_record(rtype, user)
    with db.session.no_autoflush:
        apply(rtype, record, values, new=True, user=user)
        refresh(rtype, record)
        if not confirmed:
            _check_duplicates(rtype, record, user)
    db.session.add(record)
    db.session.flush()
    if record.owner_id == user.id:  # else the owner chosen on the form is loaded already
        set_committed_value(record, "owner", _real(user))
    for children in ("tags", "phones"):  # a type without such a field has none
        if children not in record.__dict__:
            set_committed_value(record, children, [])
    return record


def update(record, version, values: dict, *, user, confirmed: bool = False):
    """Save a full edit; VersionConflict when `version` is stale, DuplicateFound when what
    duplicates are matched on changed and matches another record, unless confirmed."""
    check_version(record, version)
    rtype = type_of(record)
    before = _identity(rtype, record)
    with db.session.no_autoflush:
        apply(rtype, record, values, new=False, user=user)
        refresh(rtype, record)
        if not confirmed and _identity(rtype, record) != before:
            _check_duplicates(rtype, record, user, exclude_id=record.id)
    db.session.flush()
    return record


def update_field(record, version, key: str, value, *, user) -> None:
    """Click-to-edit: one field (validated by the caller's form, like the full form)."""
    check_version(record, version)
    rtype = type_of(record)
    spec = rtype.spec(key)
    if spec is None or not spec.inline:
        raise KeyError(key)
    with db.session.no_autoflush:
        apply(rtype, record, {key: value}, new=False, user=user)
        refresh(rtype, record)
    db.session.flush()


TRASH_OWN_WITHIN = timedelta(hours=24)


def may_trash(rtype, record, user) -> bool:
    """Roles with the delete permission trash any record they see; anyone may trash (and
    take back) a record they created in the last 24 hours (a mistake, a double entry)."""
    from crm.permissions import has_permission

    if has_permission(user, rtype.permissions.delete):
        return True
    return record.created_by == user.id and record.created_at > utcnow() - TRASH_OWN_WITHIN


def trash(record, version=None) -> None:
    """Move to the trash (restorable with all its children)."""
    if version is not None:
        check_version(record, version)
    record.deleted_at = utcnow()
    db.session.flush()


def restore(record) -> None:
    record.deleted_at = None
    db.session.flush()


def touch(record, at=None) -> None:
    """Someone was in touch with this record now, or at `at` (a follow-up logged later);
    the last contact only moves forward.

    A plain UPDATE, not an edit: it must not bump the version (someone editing the record
    at the same time would get a conflict) nor write a history line.
    """
    model = type(record)
    if not hasattr(model, "last_contact_at"):
        return
    at = min(at or utcnow(), utcnow())
    changed = db.session.execute(
        sql_update(model).where(model.id == record.id, or_(
            model.last_contact_at.is_(None), model.last_contact_at < at))
        .values(last_contact_at=at).execution_options(synchronize_session=False)).rowcount
    if changed:
        set_committed_value(record, "last_contact_at", at)
