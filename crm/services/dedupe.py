"""The one duplicate check for companies and people (forms, import, API, lead conversion).

Customers belong to the company, not to the rep, so the check looks across ALL records,
not only the user's scope. What it shows depends on the scope: a candidate the user may see
comes with its main phone, last contact and a link; an out-of-scope candidate shows only its
name and owner (so the rep can ask the owner) and `can_open` is False, so no link is drawn
(the detail URL would answer 404 anyway).

Companies match when they already have one of the phones typed (whatever the extension),
or when one of their stored keys equals the typed name's (crm/services/company_names.py: the
normalised name, the loose key without generic words, and the pinyin of both, so 晖/辉 and
"Zijie Tiaodong" meet), each an indexed equality lookup combined by UNION, or when the
normalised names are close by fuzzy match. The fuzzy step only compares names sharing the
first two characters of the key (an index range scan); the pinyin keys reach a sound-alike
typo in the first characters. A name found by its keys is dropped when the two names say
they are different firms (`conflict`: two cities or districts, numbers, a branch); a branch
instead names its parent (`find_parent_companies`), without blocking.
People match on any phone (E.164, extensions ignored) or the normalised email.
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
from crm.services.company_names import CompanyKeys, company_keys, to_simplified
from crm.services.normalize import normalize_email
from crm.services.phones import EXTENSION_MARK, base_number
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
    # "name", "traditional", "sound", "similar", "phone", "email"
    reason: str
    score: int
    # what the reason names: the ignored suffix (有限公司), the two sounds (晖/辉), an extension
    detail: str = ""


def _candidate(kind: str, record, owner_name: str | None, reason: str, score: int,
               user, detail: str = "") -> Candidate:
    visible = user is None or can_see(record, user)
    return Candidate(
        kind=kind, id=record.id, name=record.name, owner_name=owner_name,
        phone=record.phone if visible else None,
        last_contact_at=record.last_contact_at if visible else None,
        can_open=visible, reason=reason, score=score, detail=detail)


def _with_owner(model, condition, exclude_id: int | None, limit: int):
    stmt = (select(model, User.name).outerjoin(User, User.id == model.owner_id)
            .where(model.deleted_at.is_(None), condition).limit(limit))
    if exclude_id:
        stmt = stmt.where(model.id != exclude_id)
    return db.session.execute(stmt).all()


def _prefix(column, key: str):
    start = key[:2]
    return (column >= start) & (column < start + "\uffff")


def _similar_ids(keys: CompanyKeys, exclude_id: int | None, skip: set[int]) -> dict[int, int]:
    """Ids of companies whose keys are close to `key`/`loose` (by fuzzy ratio) -> score.

    Only the keys of a bounded pool sharing the first two characters are read.
    """
    key, loose = keys.key, keys.loose
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


def _phone_holders(phones: list[str]):
    """Records with one of these numbers, whatever their extensions: per number an indexed
    equality lookup and a range lookup ("+862161234567;ext=..."), combined by UNION."""
    lookups = []
    for base in dict.fromkeys(base_number(p) for p in phones):
        lookups.append(select(Phone.record_id).where(Phone.e164 == base))
        lookups.append(select(Phone.record_id).where(
            Phone.e164 >= base + EXTENSION_MARK, Phone.e164 < base + EXTENSION_MARK + "~"))
    return union(*lookups)


def _extension(phones: list[str]) -> str:
    """The extension typed with the first number that has one ("36"), for the reason."""
    return next((p.split(EXTENSION_MARK)[1] for p in phones if EXTENSION_MARK in p), "")


def _key_lookups(keys: CompanyKeys):
    """One indexed equality lookup per key, combined by UNION (an OR of them would make
    PostgreSQL scan the table)."""
    pairs = [(Company.name_key, keys.key), (Company.loose_key, keys.loose),
             (Company.sound_key, keys.sound)]
    if len(keys.loose) >= (6 if keys.loose.isascii() else 3):
        # two-character names share their sound too often (中原/中远) to match on it alone
        pairs.append((Company.loose_sound_key, keys.loose_sound))
    return union(*(select(Company.id.label("id")).where(column == value)
                   for column, value in pairs if value))


def conflict(typed: CompanyKeys, other: CompanyKeys) -> bool:
    """Names that look alike but say they are different firms: two different cities or
    districts, different numbers, or a branch against its parent (or another branch)."""
    a, b = typed.parts, other.parts
    if a.city and b.city and a.city != b.city:
        return True
    if a.district and b.district and a.district != b.district:
        return True
    return typed.numbers != other.numbers or a.branch != b.branch


def _sounds(typed: str, other: str) -> str:
    """"晖/辉" for names that differ only in characters that sound alike."""
    if len(typed) != len(other) or typed.isascii() or other.isascii():
        return ""
    return "、".join(f"{x}/{y}" for x, y in zip(typed, other, strict=True) if x != y)


def _why(name: str, typed: CompanyKeys, other: CompanyKeys) -> tuple[str, str]:
    """The reason code and its detail for a candidate found by its keys."""
    if typed.key == other.key or typed.loose == other.loose:
        if to_simplified(name) != name:
            return "traditional", ""
        ignored = typed.parts.ignored or other.parts.ignored
        return "name", ignored[0] if ignored else ""
    return "sound", _sounds(typed.key, other.key)


def find_company_duplicates(name: str, *, phones: list[str] | tuple = (),
                            exclude_id: int | None = None, user=None,
                            limit: int = MAX_CANDIDATES) -> list[Candidate]:
    """Companies that are probably the same customer as `name` (or that already have one of
    these phones, E.164), best match first."""
    typed = company_keys(name or "")
    found: dict[int, Candidate] = {}
    if typed.key:
        rows = _with_owner(Company, Company.id.in_(_key_lookups(typed)), exclude_id, limit * 2)
        _add_by_name(found, rows, name, typed, user, score=100)
    phones = [p for p in phones if p]
    if phones:  # a phone is the surest sign, whatever the names say
        holders = _phone_holders(phones)
        for company, owner in _with_owner(Company, Company.record_id.in_(holders), exclude_id,
                                          limit):
            found.setdefault(company.id, _candidate("company", company, owner, "phone", 100,
                                                    user, _extension(phones)))
    if typed.key and len(found) < limit:
        scores = _similar_ids(typed, exclude_id, set(found))
        best = sorted(scores, key=lambda i: (-scores[i], i))[:limit]
        if best:
            rows = _with_owner(Company, Company.id.in_(best), None, limit)
            _add_by_name(found, rows, name, typed, user, scores=scores)
    return sorted(found.values(), key=lambda c: (-c.score, c.id))[:limit]


def _add_by_name(found: dict, rows, name: str, typed: CompanyKeys, user, score: int = 0,
                 scores: dict | None = None) -> None:
    """Add the companies found by name, unless their names say they are another firm."""
    for company, owner in rows:
        other = company_keys(company.name)
        if company.id in found or conflict(typed, other):
            continue
        reason, detail = _why(name, typed, other) if scores is None else ("similar", "")
        found[company.id] = _candidate("company", company, owner, reason,
                                       scores[company.id] if scores else score, user, detail)


def find_parent_companies(name: str, *, exclude_id: int | None = None, user=None,
                          limit: int = MAX_CANDIDATES) -> list[Candidate]:
    """For a branch (招商银行北京分行, "Acme Beijing Branch"): the companies on file that are
    its parent. A branch is a customer of its own, so this never blocks a save."""
    typed = company_keys(name or "")
    if not typed.parts.branch or not _compact_core(typed):
        return []
    parent = company_keys(typed.parts.core)
    lookups = union(select(Company.id.label("id")).where(Company.name_key == parent.key),
                    select(Company.id.label("id")).where(Company.loose_key == parent.loose))
    found = []
    for company, owner in _with_owner(Company, Company.id.in_(lookups), exclude_id, limit):
        if not company_keys(company.name).parts.branch:
            found.append(_candidate("company", company, owner, "parent", 100, user))
    return sorted(found, key=lambda c: c.id)


def _compact_core(keys: CompanyKeys) -> bool:
    return any(ch.isalnum() for ch in keys.parts.core)


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
                       .where(Contact.record_id.in_(_phone_holders(phones))))
    if email_norm:
        lookups.append(select(Contact.id.label("id")).where(Contact.email_norm == email_norm))
    if not lookups:
        return []
    ids = lookups[0] if len(lookups) == 1 else union(*lookups)
    found = []
    for contact, owner in _with_owner(Contact, Contact.id.in_(ids), exclude_id, limit):
        reason = "email" if email_norm and contact.email_norm == email_norm else "phone"
        detail = _extension(phones) if reason == "phone" else ""
        found.append(_candidate("contact", contact, owner, reason, 100, user, detail))
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
