"""Completeness: which core fields of a record are filled, per record and per rep.

The core fields are the specs marked `completeness`. The score is stored on the record at
every save (lists and the per-rep report read the column, no recomputation). A rep's
share is the part of their records at or above 80%.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select

from crm.extensions import db
from crm.services.scope import apply_scope

GOOD = 80


def counted(rtype, record) -> tuple:
    """The specs that count for this record (a type may leave some out for some records,
    through its `completeness_skip(record) -> keys` rule)."""
    skip = rtype.extra.get("completeness_skip")
    skipped = skip(record) if skip else ()
    return tuple(s for s in rtype.completeness_specs() if s.key not in skipped)


def missing(rtype, record) -> list[tuple[str, str]]:
    """(key, label) of every empty core field."""
    return [(spec.key, spec.label) for spec in counted(rtype, record)
            if spec.is_empty(spec.get(record))]


def score(rtype, record) -> int:
    """Share of filled core fields, 0–100."""
    specs = counted(rtype, record)
    if not specs:
        return 100
    return round(100 * (len(specs) - len(missing(rtype, record))) / len(specs))


@dataclass
class RepCompleteness:
    owner_id: int | None
    owner_name: str
    total: int
    good: int

    @property
    def share(self) -> int:
        return round(100 * self.good / self.total) if self.total else 0


def per_rep(rtype, user) -> list[RepCompleteness]:
    """Per owner within the user's scope: records, and how many are at least 80% complete."""
    from crm.models import User

    model = rtype.model
    good = func.sum(case((model.completeness >= GOOD, 1), else_=0))
    stmt = apply_scope(
        select(model.owner_id, User.name, func.count(model.id), good)
        .outerjoin(User, User.id == model.owner_id)
        .group_by(model.owner_id, User.name).order_by(User.name), model, user)
    return [RepCompleteness(owner_id, name or "—", total, int(good_count or 0))
            for owner_id, name, total, good_count in db.session.execute(stmt)]
