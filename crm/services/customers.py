"""Creating and changing companies and people: one place for the rules a form, the import
and the API share (protected fields, derived keys, phones, tags, duplicates, versions).

Functions take plain values (already validated by a form or the API schema) and never
commit half: they raise before touching the session, or the caller commits everything once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy import update as sql_update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from crm.database import utcnow
from crm.extensions import db
from crm.models import Company, Contact, Phone, Tag
from crm.services import completeness, dedupe
from crm.services.normalize import (
    loose_company_key,
    normalize_company_name,
    normalize_email,
    phone_digits,
    search_blob,
)
from crm.services.records import assign, check_version

COMMON_FIELDS = frozenset({
    "name", "email", "province", "city", "address", "tier", "source", "status",
    "special_requests",
})
COMPANY_FIELDS = COMMON_FIELDS | {"industry", "size", "purchase_cycle", "website"}
CONTACT_FIELDS = COMMON_FIELDS | {"gender", "birthday", "job_title", "company_id"}
MAX_TAGS = 20
TAG_LENGTH = 40
_TAG_SPLIT = re.compile(r"[,，、;；\n]+")


class DuplicateFound(Exception):
    """Possible duplicates exist and the user has not confirmed creating a new record."""

    def __init__(self, candidates: list[dedupe.Candidate]):
        super().__init__(f"{len(candidates)} possible duplicates")
        self.candidates = candidates


def parse_tags(text: str | None) -> list[str]:
    """Split "a, b，c、d" into distinct tag names, keeping the order typed."""
    names = (t.strip() for t in _TAG_SPLIT.split(text or ""))
    return list(dict.fromkeys(n for n in names if n))


def _tags(names: Iterable[str]) -> list[Tag]:
    names = list(names)
    if not names:
        return []
    existing = {t.name: t for t in db.session.scalars(select(Tag).where(Tag.name.in_(names)))}
    return [existing.get(name) or _new_tag(name) for name in names]


def _new_tag(name: str) -> Tag:
    """Create a tag; if another request created it meanwhile, use that one."""
    try:
        with db.session.begin_nested():
            tag = Tag(name=name)
            db.session.add(tag)
        return tag
    except IntegrityError:
        return db.session.scalar(select(Tag).where(Tag.name == name))


def _national_digits(e164: str) -> str:
    digits = phone_digits(e164)
    return digits[2:] if e164.startswith("+86") else digits


def refresh_derived(record, phones: list[tuple[str, str]], tag_names: list[str]) -> None:
    """Recompute the keys, the search blob, the main phone and the completeness score."""
    record.email_norm = normalize_email(record.email or "") or None
    record.phone = phones[0][1] if phones else None
    if isinstance(record, Company):
        record.name_key = normalize_company_name(record.name)
        record.loose_key = loose_company_key(record.name)
    numbers = [f"{phone_digits(e)} {_national_digits(e)}" for _kind, e in phones]
    record.search_text = search_blob(record.name, record.email or "", *numbers, *tag_names)
    record.completeness = completeness.score(record)


def _set_phones(record, phones: list[tuple[str, str]]) -> None:
    """Replace the record's phones; the first one is the main phone."""
    seen: set[str] = set()
    rows = []
    for kind, e164 in phones:
        if e164 in seen:
            continue
        seen.add(e164)
        rows.append(Phone(kind=kind, e164=e164, is_main=not rows, position=len(rows)))
    record.phones = rows


def _dedupe_phones(phones: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return list({e164: (kind, e164) for kind, e164 in reversed(phones)}.values())[::-1]


def _check_duplicates(record, phones, *, confirmed: bool, user, exclude_id=None) -> None:
    if confirmed:
        return
    if isinstance(record, Company):
        found = dedupe.find_company_duplicates(record.name, phones=[e for _k, e in phones],
                                               exclude_id=exclude_id, user=user)
    else:
        found = dedupe.find_contact_duplicates([e for _k, e in phones], record.email,
                                               exclude_id=exclude_id, user=user)
    if found:
        raise DuplicateFound(found)


def _save(record, values: dict, allowed, phones, tag_text, *, confirmed, user,
          is_new: bool) -> None:
    phones = _dedupe_phones(phones)
    tag_names = [n[:TAG_LENGTH] for n in parse_tags(tag_text)][:MAX_TAGS]
    assign(record, values, allowed)
    refresh_derived(record, phones, tag_names)
    dupes_matter = is_new or _identity_changed(record)
    with db.session.no_autoflush:
        if dupes_matter:
            _check_duplicates(record, phones, confirmed=confirmed, user=user,
                              exclude_id=record.id)
        _set_phones(record, phones)
        record.tags = _tags(tag_names)


def _identity_changed(record) -> bool:
    """Whether a saved change touches what duplicates are matched on."""
    from sqlalchemy import inspect

    state = inspect(record)
    keys = ("name_key", "phone") if isinstance(record, Company) else ("email_norm", "phone")
    return any(state.attrs[k].history.has_changes() for k in keys)


def _new(model, user):
    record = model(owner_id=user.id, team_id=user.team_id, created_by=user.id)
    return record


def create(model, values: dict, phones: list[tuple[str, str]], tag_text: str | None, *,
           user, confirmed: bool = False):
    """Create a company or a person owned by `user`; raises DuplicateFound unless confirmed.

    The caller commits (and rolls back on an exception).
    """
    record = _new(model, user)
    allowed = COMPANY_FIELDS if model is Company else CONTACT_FIELDS
    _save(record, values, allowed, phones, tag_text, confirmed=confirmed, user=user,
          is_new=True)
    db.session.add(record)
    db.session.flush()
    _mark_links_loaded(record, user)
    return record


def _mark_links_loaded(record, user) -> None:
    """Set the new record's owner and company as loaded, so the caller can show the record
    right after commit without reloading it (both objects are in the session already)."""
    # `user` may be Flask-Login's proxy; the relationship takes the User itself
    owner = user._get_current_object() if hasattr(user, "_get_current_object") else user
    set_committed_value(record, "owner", owner)  # the creator owns the new record
    if isinstance(record, Contact):
        company = db.session.get(Company, record.company_id) if record.company_id else None
        set_committed_value(record, "company", company)


def update(record, version, values: dict, phones: list[tuple[str, str]],
           tag_text: str | None, *, user, confirmed: bool = False):
    """Save a full edit; raises VersionConflict when `version` is stale, DuplicateFound when the
    new name/phone/email matches another record and the user has not confirmed."""
    check_version(record, version)
    allowed = COMPANY_FIELDS if isinstance(record, Company) else CONTACT_FIELDS
    _save(record, values, allowed, phones, tag_text, confirmed=confirmed, user=user,
          is_new=False)
    db.session.flush()
    return record


def update_field(record, version, name: str, value) -> None:
    """Click-to-edit: change one plain field or the tags (same validation done by the
    caller's form)."""
    check_version(record, version)
    allowed = COMPANY_FIELDS if isinstance(record, Company) else CONTACT_FIELDS
    tag_names = [t.name for t in record.tags]
    if name == "tags":
        tag_names = [n[:TAG_LENGTH] for n in parse_tags(value)][:MAX_TAGS]
        with db.session.no_autoflush:
            record.tags = _tags(tag_names)
    elif name == "region":  # {"province": ..., "city": ...}, checked together by the form
        assign(record, {"province": value.get("province"), "city": value.get("city")},
               allowed)
    elif name == "company" and isinstance(record, Contact):
        # `value`: the id of a company the caller's form found in the user's scope, or None
        record.company = db.session.get(Company, value) if value else None
    elif name in allowed and name != "name":
        assign(record, {name: value}, allowed)
    else:
        raise KeyError(name)
    phones = [(p.kind, p.e164) for p in record.phones]
    refresh_derived(record, phones, tag_names)  # the search text holds the tags
    db.session.flush()


def soft_delete(record, version=None) -> None:
    """Move to the trash (restorable with all links)."""
    if version is not None:
        check_version(record, version)
    record.deleted_at = utcnow()
    db.session.flush()


def restore(record) -> None:
    record.deleted_at = None
    db.session.flush()


def touch_contact(record) -> None:
    """Record that someone was in touch with this customer now (notes, follow-ups).

    A plain UPDATE, not an edit of the record: it must not bump the version (someone editing
    the customer at the same time would get a conflict) nor write a history line.
    """
    now = utcnow()
    db.session.execute(sql_update(type(record)).where(type(record).id == record.id)
                       .values(last_contact_at=now))
    set_committed_value(record, "last_contact_at", now)
