"""The one duplicate check for companies and people (forms, import, API, lead conversion).

Customers belong to the company, not to the rep, so the check looks across ALL records,
not only the user's scope. What it shows depends on the scope: a candidate the user may see
comes with its main phone, last contact and a link; an out-of-scope candidate shows only its
name and owner (so the rep can ask the owner) and `can_open` is False, so no link is drawn
(the detail URL would answer 404 anyway).

Companies match when they already have one of the phones typed, when their normalised name
(legal suffixes, region prefixes or brackets, width, case, spaces, punctuation removed) or
loose key (generic words like 科技 dropped) is equal, or when the normalised names are close
by fuzzy match. The fuzzy step only compares
names sharing the first two characters of the key (an index range scan), so it stays fast on
large tables; a typo in the first two characters is not found by it.
People match on any phone (E.164) or the normalised email.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from rapidfuzz import fuzz
from sqlalchemy import func, or_, select, union

from crm.database import utcnow
from crm.extensions import db
from crm.models import AuditLog, Company, Contact, Phone, User
from crm.services import audit, limits
from crm.services.normalize import loose_company_key, normalize_company_name, normalize_email
from crm.services.scope import can_see

FUZZY_THRESHOLD = 88
# One wrong character in a short Chinese name already costs 17 points (茶叶/茶业).
FUZZY_THRESHOLD_LONG = 80
FUZZY_POOL = 200
MAX_CANDIDATES = 5


@dataclass
class Candidate:
    """A possible duplicate, reduced to what the user may see."""

    kind: str  # "company" or "contact"
    id: int
    name: str
    owner_name: str | None
    phone: str | None
    last_contact_at: datetime | None
    can_open: bool
    reason: str  # "name", "similar", "phone", "email"
    score: int


def _candidate(kind: str, record, owner_name: str | None, reason: str, score: int,
               user) -> Candidate:
    visible = user is None or can_see(record, user)
    return Candidate(
        kind=kind, id=record.id, name=record.name, owner_name=owner_name,
        phone=record.phone if visible else None,
        last_contact_at=record.last_contact_at if visible else None,
        can_open=visible, reason=reason, score=score)


def _with_owner(model, condition, exclude_id: int | None, limit: int):
    stmt = (select(model, User.name).outerjoin(User, User.id == model.owner_id)
            .where(model.deleted_at.is_(None), condition).limit(limit))
    if exclude_id:
        stmt = stmt.where(model.id != exclude_id)
    return db.session.execute(stmt).all()


def _prefix(column, key: str):
    start = key[:2]
    return (column >= start) & (column < start + "\uffff")


def _similar_ids(key: str, loose: str, exclude_id: int | None, skip: set[int]) -> dict[int, int]:
    """Ids of companies whose keys are close to `key`/`loose` (by fuzzy ratio) -> score.

    Only the keys of a bounded pool sharing the first two characters are read.
    """
    pool = db.session.execute(
        select(Company.id, Company.name_key, Company.loose_key)
        .where(or_(_prefix(Company.name_key, key), _prefix(Company.loose_key, loose)),
               Company.deleted_at.is_(None))
        .limit(FUZZY_POOL)).all()
    threshold = FUZZY_THRESHOLD_LONG if len(key) >= 5 else FUZZY_THRESHOLD
    scores = {}
    for company_id, name_key, loose_key in pool:
        if company_id in skip or company_id == exclude_id:
            continue
        score = max(fuzz.ratio(key, name_key), fuzz.ratio(loose, loose_key))
        if score >= threshold:
            scores[company_id] = int(score)
    return scores


def find_company_duplicates(name: str, *, phones: list[str] | tuple = (),
                            exclude_id: int | None = None, user=None,
                            limit: int = MAX_CANDIDATES) -> list[Candidate]:
    """Companies that are probably the same customer as `name` (or that already have one of
    these phones, E.164), best match first."""
    key, loose = normalize_company_name(name or ""), loose_company_key(name or "")
    found: dict[int, Candidate] = {}
    if key:
        exact = or_(Company.name_key == key, Company.loose_key == loose)
        for company, owner in _with_owner(Company, exact, exclude_id, limit):
            found[company.id] = _candidate("company", company, owner, "name", 100, user)
    phones = [p for p in phones if p]
    if phones and len(found) < limit:
        holders = select(Phone.record_id).where(Phone.e164.in_(phones))
        for company, owner in _with_owner(Company, Company.record_id.in_(holders), exclude_id,
                                          limit):
            found.setdefault(company.id,
                             _candidate("company", company, owner, "phone", 100, user))
    if key and len(found) < limit:
        scores = _similar_ids(key, loose, exclude_id, set(found))
        best = sorted(scores, key=lambda i: (-scores[i], i))[:limit - len(found)]
        if best:
            for company, owner in _with_owner(Company, Company.id.in_(best), None, limit):
                found[company.id] = _candidate("company", company, owner, "similar",
                                               scores[company.id], user)
    return sorted(found.values(), key=lambda c: (-c.score, c.id))[:limit]


def find_contact_duplicates(phones: list[str], email: str | None, *,
                            exclude_id: int | None = None, user=None,
                            limit: int = MAX_CANDIDATES) -> list[Candidate]:
    """People who already have one of these phones (E.164) or this email."""
    phones = [p for p in phones if p]
    email_norm = normalize_email(email or "")
    # One indexed lookup per kind of key, combined by UNION: an OR of an IN-subquery and an
    # equality makes PostgreSQL scan every contact instead of using either index.
    lookups = []
    if phones:
        lookups.append(select(Contact.id.label("id"))
                       .join(Phone, Phone.record_id == Contact.record_id)
                       .where(Phone.e164.in_(phones)))
    if email_norm:
        lookups.append(select(Contact.id.label("id")).where(Contact.email_norm == email_norm))
    if not lookups:
        return []
    ids = lookups[0] if len(lookups) == 1 else union(*lookups)
    found = []
    for contact, owner in _with_owner(Contact, Contact.id.in_(ids), exclude_id, limit):
        reason = "email" if email_norm and contact.email_norm == email_norm else "phone"
        found.append(_candidate("contact", contact, owner, reason, 100, user))
    return sorted(found, key=lambda c: c.id)


# --- what another rep's customers reveal ------------------------------------------------
# An out-of-scope candidate shows its name and owner by design (so the rep asks the owner
# instead of adding a duplicate); typing names one after another would list another team's
# customers. So each lookup that showed one is an audit row ("lookup"), and a user whose
# lookups showed DUPLICATE_REVEALS_PER_USER of them within the window gets no more for a few
# minutes: the form still works, the prompt says the check is paused.


def _reveal_limits() -> tuple[int, int]:
    cfg = current_app.config["CRM"]
    return (int(cfg["DUPLICATE_REVEALS_PER_USER"]),
            int(cfg["DUPLICATE_REVEALS_WINDOW_MINUTES"]) * 60)


def _reveals(user_id: int, seconds: int) -> int:
    since = utcnow() - timedelta(seconds=seconds)
    return db.session.scalar(select(func.count()).select_from(AuditLog).where(
        AuditLog.user_id == user_id, AuditLog.action == "lookup",
        AuditLog.at >= since)) or 0


def screen(candidates: list, user) -> tuple[list, bool]:
    """The candidates `user` may be shown, and whether the check of other reps' customers is
    paused for them. Once paused, every lookup says so (with or without a match, so the
    note itself tells nothing) until the window has passed."""
    if user is None:
        return candidates, False
    limit, seconds = _reveal_limits()
    name = f"reveals:{user.id}"
    paused = limits.paused(name)
    if not paused and any(not c.can_open for c in candidates) and (
            _reveals(user.id, seconds) >= limit):
        limits.pause(name, seconds)
        paused = True
    if paused:
        return [c for c in candidates if c.can_open], True
    return candidates, False


def record_reveal(candidates: list, user) -> bool:
    """Add the audit row of a lookup that showed another rep's customer (the caller
    commits); False when it showed none."""
    hidden = [c for c in candidates if not c.can_open]
    if user is None or not hidden:
        return False
    audit.record(db.session, "lookup", entity=hidden[0].kind, entity_id=hidden[0].id,
                 summary="; ".join(f"{c.name} ({c.owner_name or '—'})" for c in hidden)[:300],
                 user_id=user.id)
    return True
