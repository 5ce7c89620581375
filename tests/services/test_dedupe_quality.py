"""Precision and recall of the duplicate check over the labelled pairs of dedupe_pairs.py.

The first value of every pair is stored through the record service, the second is looked up
as a rep would type it; a pair counts as prompted when the stored record is among the
candidates. Thresholds are what the check reaches today: raise them when it gets better,
never lower them to let a change through.
"""

from __future__ import annotations

import pytest

from crm.extensions import db
from crm.models import Company, Contact, User
from crm.records import registry, service
from crm.services import dedupe
from crm.services.phones import PhoneError, normalize_phone
from tests.blueprints.customer_helpers import customer_values
from tests.services import dedupe_pairs

COMPANY_PRECISION, COMPANY_RECALL = 0.98, 0.96
PERSON_PRECISION, PERSON_RECALL = 1.00, 1.00


def _phone(raw: str) -> str | None:
    try:
        return normalize_phone(raw, "CN")
    except PhoneError:
        return None


def _store(model, values_by_key: dict, user) -> dict:
    ids = {}
    for key, values in values_by_key.items():
        record = service.create(registry.for_model(model), values, user=user, confirmed=True)
        db.session.flush()
        ids[key] = record.id
    db.session.commit()
    return ids


def _score(results: list[tuple[str, bool, bool]]) -> tuple[float, float, list]:
    """(precision, recall, wrong pairs) from (family, labelled same, prompted)."""
    hits = sum(1 for _f, same, prompted in results if same and prompted)
    prompts = sum(1 for _f, _s, prompted in results if prompted)
    positives = sum(1 for _f, same, _p in results if same)
    wrong = [r for r in results if r[1] != r[2]]
    return hits / max(prompts, 1), hits / max(positives, 1), wrong


@pytest.fixture
def admin(app, make_user):
    uid = make_user("admin", name="Admin")
    with app.app_context():
        yield db.session.get(User, uid)


def test_company_pairs_precision_and_recall(app, admin):
    pairs = [(family, *pair) for family, items in dedupe_pairs.COMPANY_FAMILIES.items()
             for pair in items]
    ids = _store(Company, {stored: customer_values(stored) for _f, stored, _t, _s in pairs},
                 admin)
    results = []
    for family, stored, typed, same in pairs:
        found = {c.id for c in dedupe.find_company_duplicates(typed)}
        results.append((f"{family}: {stored} / {typed}", same, ids[stored] in found))
    precision, recall, wrong = _score(results)
    print(f"companies: precision {precision:.2f}, recall {recall:.2f}, {len(results)} pairs")
    for label, same, _p in wrong:
        print("  missed" if same else "  false alarm", label)
    assert precision >= COMPANY_PRECISION and recall >= COMPANY_RECALL


def test_person_pairs_precision_and_recall(app, admin):
    phones = {stored: customer_values(f"P{i}", phones=[e] if (e := _phone(stored)) else [])
              for i, (stored, _t, _s) in enumerate(dedupe_pairs.PHONE_PAIRS)}
    emails = {stored: customer_values(f"E{i}", email=stored)
              for i, (stored, _t, _s) in enumerate(dedupe_pairs.EMAIL_PAIRS)}
    phone_ids, email_ids = _store(Contact, phones, admin), _store(Contact, emails, admin)
    results = []
    for stored, typed, same in dedupe_pairs.PHONE_PAIRS:
        e164 = _phone(typed)
        found = {c.id for c in dedupe.find_contact_duplicates([e164], None)} if e164 else set()
        results.append((f"phone: {stored} / {typed}", same, phone_ids[stored] in found))
    for stored, typed, same in dedupe_pairs.EMAIL_PAIRS:
        found = {c.id for c in dedupe.find_contact_duplicates([], typed)}
        results.append((f"email: {stored} / {typed}", same, email_ids[stored] in found))
    precision, recall, wrong = _score(results)
    print(f"people: precision {precision:.2f}, recall {recall:.2f}, {len(results)} pairs")
    for label, same, _p in wrong:
        print("  missed" if same else "  false alarm", label)
    assert precision >= PERSON_PRECISION and recall >= PERSON_RECALL
