"""The record service on customers (derived keys, phones, tags, no half saves) and the list
engine (search with pinyin and phone digits, filters, keyset pages)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from crm.database import utcnow
from crm.extensions import db
from crm.models import Company, Phone, Tag, User
from crm.records import completeness, lists, service
from crm.records.customers import COMPANY, CONTACT
from crm.services.records import VersionConflict
from tests.blueprints.customer_helpers import customer_values, make_company, make_contact


@pytest.fixture
def rep(make_user):
    return make_user("rep", name="Li Na")


def _ids(app, rep_id, **args):
    with app.app_context():
        user = db.session.get(User, rep_id)
        rows, _next = lists.page(COMPANY, user, lists.parse(COMPANY, args))
        return [r.name for r in rows]


def test_create_sets_keys_blob_phones_and_tags(app, rep):
    company_id = make_company(app, rep, "北京字节跳动科技有限公司",
                              phones=["+8613800138000", "+8613800138000", "+862012345678"],
                              tags="VIP，华东、VIP", email=" Info@ByteDance.COM ")
    with app.app_context():
        company = db.session.get(Company, company_id)
        assert company.name_key == "字节跳动科技" and company.loose_key == "字节跳动"
        assert company.email_norm == "info@bytedance.com" and company.phone == "+8613800138000"
        assert "zjtd" in company.search_text and "zijietiaodong" in company.search_text
        assert "13800138000" in company.search_text
        phones = db.session.scalars(db.select(Phone).order_by(Phone.position)).all()
        assert [(p.e164, p.is_main) for p in phones] == [("+8613800138000", True),
                                                         ("+862012345678", False)]
        assert sorted(t.name for t in db.session.scalars(db.select(Tag))) == ["VIP", "华东"]
        assert 0 < company.completeness < 100


def test_create_refuses_duplicates_unless_confirmed_and_saves_nothing(app, rep):
    make_company(app, rep, "Acme Ltd")
    with app.app_context():
        user = db.session.get(User, rep)
        with pytest.raises(service.DuplicateFound) as found:
            service.create(COMPANY, customer_values("ACME Co., Ltd.", tags="newtag"), user=user)
        db.session.rollback()
        assert found.value.candidates[0].name == "Acme Ltd"
        assert db.session.query(Company).count() == 1
        assert db.session.query(Tag).count() == 0


def test_protected_fields_cannot_be_set(app, rep, make_user):
    other = make_user("rep")
    with app.app_context():
        user = db.session.get(User, rep)
        company = service.create(COMPANY, {"name": "Acme", "owner_id": other, "version": 9,
                                           "deleted_at": utcnow(), "record_id": 77}, user=user)
        db.session.commit()
        assert (company.owner_id, company.version, company.deleted_at) == (rep, 1, None)


def test_update_checks_the_version(app, rep):
    company_id = make_company(app, rep, "Acme")
    with app.app_context():
        user = db.session.get(User, rep)
        company = db.session.get(Company, company_id)
        with pytest.raises(VersionConflict):
            service.update(company, "0", {"name": "Other"}, user=user)


def test_completeness_lists_missing_fields_and_per_rep_share(app, rep):
    make_company(app, rep, "Full", phones=["+8613800138000"], email="a@b.cn", province="广东",
                 city="深圳", address="1 号", industry="IT", size="10-49", tier="high",
                 source="ad", website="acme.cn")
    make_company(app, rep, "Empty")
    with app.app_context():
        full = db.session.scalar(db.select(Company).where(Company.name == "Full"))
        empty = db.session.scalar(db.select(Company).where(Company.name == "Empty"))
        full, empty = (db.session.scalars(db.select(Company).where(Company.id == c.id)
                                          .options(db.selectinload(Company.phones))).one()
                       for c in (full, empty))
        assert full.completeness == 100 and completeness.missing(COMPANY, full) == []
        assert "phone" in [name for name, _label in completeness.missing(COMPANY, empty)]
        [row] = completeness.per_rep(COMPANY, db.session.get(User, rep))
        assert (row.owner_name, row.total, row.good, row.share) == ("Li Na", 2, 1, 50)


@pytest.mark.parametrize("query", ["zjtd", "zijie", "字节跳动", "字节", "ZiJie", "13800138000",
                                   "138 0013 8000", "+86 138 0013 8000", "0013"])
def test_search_finds_chinese_names_by_pinyin_and_phone(app, rep, query):
    make_company(app, rep, "北京字节跳动科技有限公司", phones=["+8613800138000"])
    make_company(app, rep, "Acme Trading")
    assert _ids(app, rep, q=query) == ["北京字节跳动科技有限公司"]


def test_search_english_email_and_short_queries(app, rep):
    make_company(app, rep, "Acme Trading", email="sales@acme.cn")
    make_company(app, rep, "Globex")
    assert _ids(app, rep, q="trad") == ["Acme Trading"]
    assert _ids(app, rep, q="sales@acme") == ["Acme Trading"]
    assert _ids(app, rep, q="gl") == ["Globex"]
    assert _ids(app, rep, q='"%_') == []


def test_filters(app, rep, make_user):
    make_company(app, rep, "A", tier="high", status="customer", province="广东", city="深圳",
                 tags="VIP")
    make_company(app, rep, "B", tier="low", source="ad")
    assert _ids(app, rep, tier="high") == ["A"]
    assert _ids(app, rep, status="customer") == ["A"]
    assert _ids(app, rep, source="ad") == ["B"]
    assert _ids(app, rep, province="广东", city="深圳") == ["A"]
    assert _ids(app, rep, tag="VIP") == ["A"]
    assert _ids(app, rep, owner=str(rep)) == ["B", "A"]
    today = date.today()
    assert _ids(app, rep, created_after=(today - timedelta(days=1)).isoformat()) == ["B", "A"]
    assert _ids(app, rep, created_before=(today - timedelta(days=1)).isoformat()) == []
    assert _ids(app, rep, contact_after=today.isoformat()) == []
    assert _ids(app, rep, tier="bogus", owner="x", created_after="never") == ["B", "A"]


def test_keyset_pages_in_every_sort(app, rep):
    for i in range(30):
        make_company(app, rep, f"Company {i:02d}")
    with app.app_context():
        user = db.session.get(User, rep)
        for sort in ("newest", "oldest", "name", "updated"):
            seen, after = [], None
            while True:
                lq = lists.parse(COMPANY, {"sort": sort})
                lq.after = after
                rows, after = lists.page(COMPANY, user, lq, limit=7)
                seen += [r.id for r in rows]
                if after is None:
                    break
            assert len(seen) == len(set(seen)) == 30, sort
        rows, _ = lists.page(COMPANY, user, lists.parse(COMPANY, {"sort": "name"}))
        assert rows[0].name == "Company 00"


def test_contacts_search_and_company(app, rep):
    company = make_company(app, rep, "Acme")
    make_contact(app, rep, "张伟", phones=["+8613900139000"], company_id=company)
    with app.app_context():
        user = db.session.get(User, rep)
        rows, _ = lists.page(CONTACT, user, lists.parse(CONTACT, {"q": "zw"}))
        assert [r.name for r in rows] == ["张伟"] and rows[0].company.name == "Acme"
