"""Stored duplicate keys: filled when a company is saved, and recomputed for every row by the
re-key command after the normaliser changed (as migration 0005d does)."""

from __future__ import annotations

from sqlalchemy import update

from crm.extensions import db
from crm.models import Company, Contact
from crm.services import dedupe
from crm.services.dedupe_keys import company_key_values
from tests.blueprints.customer_helpers import fetch, make_company, make_contact


def test_saving_a_company_stores_all_its_keys(app, make_user):
    company = fetch(app, Company, make_company(app, make_user("rep"), "星輝娛樂有限公司"))
    assert (company.name_key, company.sound_key) == ("星辉娱乐", "xinghuiyule")
    assert company.loose_sound_key == "xinghuiyule"


def test_rekey_recomputes_stale_keys_of_every_row(app, make_user):
    owner = make_user("rep")
    company = make_company(app, owner, "萬科企業股份有限公司")
    person = make_contact(app, owner, "张伟", email="Zhang.Wei@Example.com")
    with app.app_context():
        stale = {"name_key": "x", "loose_key": "x", "sound_key": "x", "loose_sound_key": "x"}
        db.session.execute(update(Company).values(stale))
        db.session.execute(update(Contact).values(email_norm="stale"))
        db.session.commit()
        assert dedupe.find_company_duplicates("万科企业") == []
    result = app.test_cli_runner().invoke(args=["rekey"])
    assert result.exit_code == 0 and "Re-keyed 2 records" in result.output
    assert fetch(app, Company, company).sound_key == company_key_values("万科企业")["sound_key"]
    assert fetch(app, Contact, person).email_norm == "zhang.wei@example.com"
    with app.app_context():
        assert [c.id for c in dedupe.find_company_duplicates("万科企业")] == [company]
