"""The demo loader creates realistic customers once, with near-duplicates the finder catches."""

from __future__ import annotations

from crm.models import Company, Contact, Note
from crm.services import dedupe, demo


def test_demo_customers_are_loaded_once(db):
    summary = demo.load().summary
    assert "companies" in summary and "people" in summary
    companies = db.session.query(Company).count()
    assert companies >= 55 and db.session.query(Contact).count() == 150
    assert db.session.query(Note).count() == 25
    assert len(dedupe.find_company_duplicates("字节跳动")) >= 2
    assert "customers already present" in demo.load().summary
    assert db.session.query(Company).count() == companies


def test_demo_password_is_random_and_renewed_at_each_load(db):
    from crm.services import auth

    first = demo.load()
    assert len(first.password) >= auth.MIN_PASSWORD_LENGTH
    assert {role for _, role in first.users} == {"manager", "rep", "service", "marketer"}
    second = demo.load()
    assert second.password != first.password
    for email, _ in second.users:
        user = auth.find_user(email)
        assert auth.verify_password(user.password_hash, second.password)
        assert not auth.verify_password(user.password_hash, first.password)
        assert not auth.verify_password(user.password_hash, "demo-pass-2026")
