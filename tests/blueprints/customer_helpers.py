"""Helpers for the company and contact tests: create customers directly through the record
service, with the same values a form would give it."""

from __future__ import annotations

from crm.extensions import db
from crm.models import Company, Contact, User
from crm.records import registry, service
from crm.records.kinds import parse_tags


def customer_values(name: str, phones=(), email=None, **values) -> dict:
    """Service values from the shorthand the tests use (province/city, tag text, company_id)."""
    result = {"name": name, "email": email, "phone": [("mobile", p) for p in phones]}
    if "province" in values or "city" in values:
        result["region"] = (values.pop("province", None), values.pop("city", None))
    if "tags" in values:
        result["tags"] = parse_tags(values.pop("tags"))
    if "company_id" in values:
        result["company"] = values.pop("company_id")
    result.update(values)
    return result


def make_customer(app, model, owner_id: int, name: str, *, phones=(), email=None,
                  confirmed: bool = True, **values) -> int:
    """Create a company or person owned by `owner_id`; returns its id."""
    with app.app_context():
        owner = db.session.get(User, owner_id)
        record = service.create(registry.for_model(model),
                                customer_values(name, phones, email, **values),
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
