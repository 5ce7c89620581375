"""The demo loader creates realistic customers once, with near-duplicates the finder catches."""

from __future__ import annotations

from crm.models import Company, Contact, Note
from crm.services import dedupe, demo


def test_demo_customers_are_loaded_once(db):
    summary = demo.load()
    assert "companies" in summary and "people" in summary
    companies = db.session.query(Company).count()
    assert companies >= 55 and db.session.query(Contact).count() == 150
    assert db.session.query(Note).count() == 25
    assert len(dedupe.find_company_duplicates("字节跳动")) >= 2
    assert "customers already present" in demo.load()
    assert db.session.query(Company).count() == companies
