"""Helpers for the company and contact tests: create customers directly through the service."""

from __future__ import annotations

from crm.extensions import db
from crm.models import Company, Contact, User
from crm.services import customers


def make_customer(app, model, owner_id: int, name: str, *, phones=(), email=None,
                  confirmed: bool = True, **values) -> int:
    """Create a company or person owned by `owner_id`; returns its id."""
    with app.app_context():
        owner = db.session.get(User, owner_id)
        record = customers.create(model, {"name": name, "email": email, **values},
                                  [("mobile", p) for p in phones], values.pop("tags", None),
                                  user=owner, confirmed=confirmed)
        db.session.commit()
        record_id = record.id
        db.session.remove()
    return record_id


def make_company(app, owner_id: int, name: str, **kw) -> int:
    return make_customer(app, Company, owner_id, name, **kw)


def make_contact(app, owner_id: int, name: str, **kw) -> int:
    return make_customer(app, Contact, owner_id, name, **kw)


def fetch(app, model, record_id: int):
    """The stored record (detached, columns loaded)."""
    with app.app_context():
        record = db.session.get(model, record_id)
        if record is not None:
            db.session.expunge(record)
        db.session.remove()
    return record


def count(app, model) -> int:
    with app.app_context():
        total = db.session.query(model).count()
        db.session.remove()
    return total
