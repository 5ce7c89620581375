"""The duplicate finder on Chinese and English name variants, phones and emails, across scope."""

from __future__ import annotations

import pytest

from crm.extensions import db
from crm.models import User
from crm.services import dedupe
from tests.blueprints.customer_helpers import make_company, make_contact


@pytest.fixture
def owner(app, make_user):
    return make_user("rep", name="Li Na")


@pytest.mark.parametrize("stored, typed", [
    ("北京字节跳动科技有限公司", "字节跳动"),
    ("字节跳动（北京）有限公司", "北京字节跳动科技有限公司"),
    ("上海华为技术有限公司", "华为技术有限公司"),
    ("深圳市腾讯计算机系统有限公司", "腾讯计算机系统"),
    ("阿里巴巴（中国）网络技术有限公司", "阿里巴巴网络技术有限公司"),
    ("ＡＣＭＥ　Ｔｒａｄｉｎｇ", "Acme Trading"),
    ("Acme Trading Co., Ltd.", "ACME TRADING LTD"),
    ("Acme Trading Co., Ltd.", "acme-trading, inc."),
    ("Acme (Shanghai) Trading Limited", "Acme Trading"),
    ("Globex Technologies", "Globex"),
])
def test_normalised_variants_are_found(app, owner, stored, typed):
    company = make_company(app, owner, stored)
    with app.app_context():
        found = dedupe.find_company_duplicates(typed)
        assert [c.id for c in found] == [company]
        assert found[0].reason == "name" and found[0].owner_name == "Li Na"


@pytest.mark.parametrize("stored, typed", [
    ("Acme Trading", "Acme Tradng"),
    ("Northwind Traders", "Northwind Trader"),
    ("杭州西湖龙井茶叶合作社", "杭州西湖龙井茶合作社"),
])
def test_close_names_are_found_by_fuzzy_match(app, owner, stored, typed):
    company = make_company(app, owner, stored)
    with app.app_context():
        found = dedupe.find_company_duplicates(typed)
        assert [c.id for c in found] == [company] and found[0].reason == "similar"


@pytest.mark.parametrize("stored, typed", [
    ("Acme Trading", "Globex Trading"),
    ("字节跳动", "字节科技"),
    ("中山大学", "大学"),
])
def test_different_companies_are_not_duplicates(app, owner, stored, typed):
    make_company(app, owner, stored)
    with app.app_context():
        assert dedupe.find_company_duplicates(typed) == []


def test_a_company_with_the_same_phone_is_found(app, owner):
    """A phone is the surest sign of the same customer, whatever name was typed."""
    company = make_company(app, owner, "深圳市大疆创新科技有限公司",
                           phones=["+8675526656677", "+8613800138000"])
    make_contact(app, owner, "王芳", phones=["+8613900139000"])  # a person's phone: not a company
    with app.app_context():
        found = dedupe.find_company_duplicates("DJI", phones=["+8613800138000"])
        assert [(c.id, c.reason) for c in found] == [(company, "phone")]
        assert dedupe.find_company_duplicates("DJI", phones=["+8613900139000"]) == []
        assert dedupe.find_company_duplicates("DJI", phones=["+8613800138000"],
                                              exclude_id=company) == []
        both = dedupe.find_company_duplicates("大疆创新", phones=["+8675526656677"])
        assert [(c.id, c.reason) for c in both] == [(company, "name")]  # one row per company


def test_deleted_and_excluded_records_are_ignored(app, owner):
    company = make_company(app, owner, "Acme")
    with app.app_context():
        assert dedupe.find_company_duplicates("Acme", exclude_id=company) == []


def test_out_of_scope_candidate_shows_only_name_and_owner(app, owner, make_user):
    make_company(app, owner, "Acme", phones=["+8613800138000"])
    other_id = make_user("rep", name="Other")
    with app.app_context():
        other = db.session.get(User, other_id)
        found = dedupe.find_company_duplicates("ACME Ltd", user=other)
        assert found[0].name == "Acme" and found[0].owner_name == "Li Na"
        assert found[0].phone is None and found[0].can_open is False
        mine = dedupe.find_company_duplicates("ACME Ltd", user=db.session.get(User, owner))
        assert mine[0].phone == "+8613800138000" and mine[0].can_open is True


def test_contact_duplicates_by_phone_or_email(app, owner):
    person = make_contact(app, owner, "张伟", phones=["+8613800138000"],
                          email="Zhang.Wei@Example.com")
    with app.app_context():
        by_phone = dedupe.find_contact_duplicates(["+8613800138000"], None)
        by_email = dedupe.find_contact_duplicates([], "  zhang.wei@example.COM ")
        assert [c.id for c in by_phone] == [person] and by_phone[0].reason == "phone"
        assert [c.id for c in by_email] == [person] and by_email[0].reason == "email"
        assert dedupe.find_contact_duplicates(["+8613900139000"], "x@example.com") == []
        assert dedupe.find_contact_duplicates([], None) == []


def test_a_phone_with_an_extension_matches_the_number(app, owner):
    """"021 6123 4567 转 36" is the switchboard of the person stored with 021 6123 4567."""
    person = make_contact(app, owner, "王芳", phones=["+862161234567"])
    company = make_company(app, owner, "Acme", phones=["+862161234567;ext=12"])
    with app.app_context():
        found = dedupe.find_contact_duplicates(["+862161234567;ext=36"], None)
        assert [(c.id, c.reason, c.detail) for c in found] == [(person, "phone", "36")]
        by_company = dedupe.find_company_duplicates("Globex", phones=["+862161234567"])
        assert [c.id for c in by_company] == [company]
        assert dedupe.find_contact_duplicates(["+8621612345670"], None) == []


def test_the_reason_names_what_was_ignored_or_heard(app, owner):
    make_company(app, owner, "星辉娱乐有限公司")
    with app.app_context():
        same = dedupe.find_company_duplicates("星辉娱乐")
        assert (same[0].reason, same[0].detail) == ("name", "有限公司")
        heard = dedupe.find_company_duplicates("星晖娱乐")
        assert (heard[0].reason, heard[0].detail) == ("sound", "晖/辉")
        assert dedupe.find_company_duplicates("星輝娛樂")[0].reason == "traditional"


@pytest.mark.parametrize("typed", ["!!!", "有限公司", "😀😀", "Ltd.", "x" * 200, "字" * 200])
def test_bad_names_give_no_prompt_and_no_error(app, owner, typed):
    make_company(app, owner, "星辉娱乐有限公司")
    with app.app_context():
        assert dedupe.find_company_duplicates(typed) == []


def test_a_branch_is_not_a_duplicate_but_names_its_parent(app, owner):
    parent = make_company(app, owner, "招商银行股份有限公司")
    with app.app_context():
        assert dedupe.find_company_duplicates("招商银行股份有限公司北京分行") == []
        found = dedupe.find_parent_companies("招商银行股份有限公司北京分行")
        assert [(c.id, c.reason) for c in found] == [(parent, "parent")]
        assert dedupe.find_parent_companies("招商银行") == []


def test_the_check_reads_by_index_only(app, owner):
    """Every statement of a company and a person check uses an index: no scan of the
    company, contact or phone table (on PostgreSQL with sequential scans priced out)."""
    from sqlalchemy import event

    make_company(app, owner, "星辉娱乐有限公司", phones=["+862161234567"])
    with app.app_context():
        engine, seen = db.engine, []

        def capture(_conn, _cursor, statement, parameters, _context, _many):
            if statement.lstrip().upper().startswith("SELECT"):
                seen.append((statement, parameters))

        event.listen(engine, "before_cursor_execute", capture)
        try:
            dedupe.find_company_duplicates("星晖娱乐", phones=["+862161234567;ext=3"])
            dedupe.find_contact_duplicates(["+862161234567"], "a.b@gmail.com")
        finally:
            event.remove(engine, "before_cursor_execute", capture)
        assert seen
        postgres = engine.dialect.name == "postgresql"
        conn = db.session.connection()
        if postgres:
            conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
        for statement, parameters in seen:
            explain = "EXPLAIN " if postgres else "EXPLAIN QUERY PLAN "
            plan = " | ".join(str(row[-1]) for row in
                              conn.exec_driver_sql(explain + statement, parameters)) + " "
            for table in ("company", "contact", "phone"):
                assert f"Seq Scan on {table} " not in plan and f"SCAN {table} " not in plan
