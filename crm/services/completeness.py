"""Completeness: which core fields of a customer are filled, per record and per rep.

The score is stored on the record at every save (lists and the per-rep report read the
column, no recomputation). A rep's share is the part of their customers at or above 80%.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _lp
from sqlalchemy import case, func, select

from crm.extensions import db
from crm.models import Company, User
from crm.services.scope import apply_scope

GOOD = 80

COMPANY_FIELDS = {
    "name": _lp("company", "Name"), "phone": _l("Phone"), "email": _l("Email"),
    "province": _l("Province"), "city": _l("City"), "address": _l("Address"),
    "industry": _l("Industry"), "size": _l("Size"), "tier": _l("Tier"),
    "source": _l("Source"), "website": _l("Website"),
}
CONTACT_FIELDS = {
    "name": _l("Name"), "phone": _l("Phone"), "email": _l("Email"),
    "gender": _l("Gender"), "job_title": _l("Job title"), "birthday": _l("Birthday"),
    "province": _l("Province"), "city": _l("City"), "address": _l("Address"),
    "tier": _l("Tier"), "source": _l("Source"),
}


def _fields(record) -> dict:
    return COMPANY_FIELDS if isinstance(record, Company) else CONTACT_FIELDS


def missing(record) -> list[tuple[str, str]]:
    """(field, label) of every empty core field."""
    return [(name, label) for name, label in _fields(record).items()
            if getattr(record, name, None) in (None, "")]


def score(record) -> int:
    """Share of filled core fields, 0–100."""
    fields = _fields(record)
    return round(100 * (len(fields) - len(missing(record))) / len(fields))


@dataclass
class RepCompleteness:
    owner_id: int | None
    owner_name: str
    total: int
    good: int

    @property
    def share(self) -> int:
        return round(100 * self.good / self.total) if self.total else 0


def per_rep(model, user) -> list[RepCompleteness]:
    """Per owner within the user's scope: customers, and how many are at least 80% complete."""
    good = func.sum(case((model.completeness >= GOOD, 1), else_=0))
    stmt = apply_scope(
        select(model.owner_id, User.name, func.count(model.id), good)
        .outerjoin(User, User.id == model.owner_id)
        .group_by(model.owner_id, User.name).order_by(User.name), model, user)
    return [RepCompleteness(owner_id, name or "—", total, int(good_count or 0))
            for owner_id, name, total, good_count in db.session.execute(stmt)]

