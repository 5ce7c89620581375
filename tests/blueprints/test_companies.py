"""Companies: quick add, full form, validation, duplicates, scope, lists, customer page."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from crm.extensions import db
from crm.models import Company, Phone
from tests.blueprints.customer_helpers import count, fetch, make_company


def test_list_page_has_quick_add_and_rows(app, client, login_as):
    rep = login_as("rep")
    make_company(app, rep, "字节跳动", phones=["+8613800138000"])
    response = client.get("/companies")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert 'id="quick-add-open"' in body
    assert "字节跳动" in body and 'href="tel:+8613800138000"' in body
    assert "<html" in body


def test_rows_fragment_pushes_the_list_url(app, hx, login_as):
    rep = login_as("rep")
    make_company(app, rep, "Acme Trading")
    response = hx.get("/companies/rows?q=acme")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "Acme Trading" in body and "<html" not in body
    assert response.headers["HX-Push-Url"] == "/companies?q=acme"
    assert "HX-Request" in response.headers["Vary"]


def test_rows_direct_get_goes_to_the_page(client, login_as):
    login_as("rep")
    response = client.get("/companies/rows?q=acme")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/companies?q=acme")


def test_new_page_and_quick_add_fragment(client, hx, login_as):
    login_as("rep")
    page = client.get("/companies/new")
    assert page.status_code == 200 and 'id="record-form"' in page.get_data(as_text=True)
    fragment = hx.get("/companies/new")
    body = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "<html" not in body
    assert 'id="quick-add"' in body and 'name="name"' in body and 'name="phone"' in body
    assert 'id="err-phone"' in body


def test_quick_add_minimal_post_saves_and_returns_a_fresh_row(app, hx, login_as):
    rep = login_as("rep")
    response = hx.post("/companies", data={"name": "字节跳动", "phone": "138 0013 8000",
                                           "quick": "1"})
    assert response.status_code == 201
    body = response.get_data(as_text=True)
    assert 'id="quick-add"' in body and 'hx-swap-oob="afterbegin:#record-rows"' in body
    assert "字节跳动" in body
    toast = json.loads(response.headers["HX-Trigger"])["toast"]
    assert "字节跳动" in toast[0]["message"]
    with app.app_context():
        from crm.extensions import db

        company = db.session.scalar(db.select(Company))
        assert (company.owner_id, company.created_by, company.phone) == (
            rep, rep, "+8613800138000")
        assert company.team_id is not None and company.status == "potential"
        assert db.session.scalar(db.select(Phone.e164)) == "+8613800138000"


def test_minimal_post_without_quick_flag_redirects(app, client, login_as):
    login_as("rep")
    response = client.post("/companies", data={"name": "Acme", "phone": "+1 650 253 0000"})
    assert response.status_code == 302
    assert "/companies/" in response.headers["Location"]
    assert count(app, Company) == 1


def test_invalid_phone_is_refused_with_a_message(app, hx, login_as):
    login_as("rep")
    response = hx.post("/companies", data={"name": "Acme", "phone": "12345", "quick": "1"})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert 'id="err-phone"' in body and "too short" in body
    assert count(app, Company) == 0


@pytest.mark.parametrize("data, message", [
    ({"name": ""}, "Enter a name."),
    ({"name": "x" * 201}, "at most 200"),
    ({"name": "Acme", "email": "not-an-email"}, "valid email"),
    ({"name": "Acme", "province": "火星"}, "Unknown province"),
    ({"name": "Acme", "province": "广东", "city": "杭州"}, "Unknown city"),
    ({"name": "Acme", "website": "javascript:alert(1)"}, "web address"),
    ({"name": "Acme", "tier": "platinum"}, "Choose one of the options"),
    ({"name": "Acme\x00"}, "control characters"),
])
def test_bad_input_answers_422_naming_the_problem(app, client, login_as, data, message):
    login_as("rep")
    response = client.post("/companies", data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count(app, Company) == 0


def test_validate_field_fragment_for_phone(hx, client, login_as):
    login_as("rep")
    ok = hx.post("/companies/validate?field=phone", data={"phone": "138 0013 8000"})
    assert ok.status_code == 200
    assert 'id="err-phone"' in ok.get_data(as_text=True)
    assert "138 0013 8000" in ok.get_data(as_text=True) and "ok" in ok.get_data(as_text=True)
    bad = hx.post("/companies/validate?field=phone", data={"phone": "12345"})
    assert "too short" in bad.get_data(as_text=True)
    full = client.post("/companies/validate?field=email", data={"email": "x@"})
    assert full.status_code == 200 and 'id="err-email"' in full.get_data(as_text=True)
    assert hx.post("/companies/validate?field=nope", data={}).status_code == 404


def test_duplicate_prompt_then_create_anyway(app, hx, login_as):
    rep = login_as("rep")
    make_company(app, rep, "北京字节跳动科技有限公司", phones=["+8613800138000"])
    data = {"name": "字节跳动（北京）有限公司", "phone": "", "quick": "1"}
    response = hx.post("/companies", data=data)
    assert response.status_code == 409
    body = response.get_data(as_text=True)
    assert 'id="dup-prompt"' in body and "北京字节跳动科技有限公司" in body
    assert 'name="confirm_new" value="1"' in body
    assert count(app, Company) == 1
    again = hx.post("/companies", data={**data, "confirm_new": "1"})
    assert again.status_code == 201
    assert count(app, Company) == 2


def test_quick_add_with_a_known_phone_prompts_with_the_reason(app, hx, login_as):
    rep = login_as("rep")
    make_company(app, rep, "Shenzhen Bridge Tech", phones=["+8613800138000"])
    response = hx.post("/companies", data={"name": "桥科技", "phone": "138 0013 8000",
                                           "quick": "1"})
    assert response.status_code == 409
    body = response.get_data(as_text=True)
    assert "Shenzhen Bridge Tech" in body and "Same phone" in body
    assert count(app, Company) == 1


def test_duplicate_prompt_names_the_reason_and_leads_with_opening_it(app, hx, login_as):
    """A rep sees why the CRM thinks it is the same customer, in words, and opening the one
    on file is the main button; creating anyway stays possible."""
    rep = login_as("rep")
    company = make_company(app, rep, "星辉娱乐有限公司", phones=["+862161234567"])
    body = hx.post("/companies", data={"name": "星晖娱乐", "phone": "", "quick": "1"}
                   ).get_data(as_text=True)
    assert "Sounds the same: 晖/辉" in body
    assert f'class="button primary" href="/companies/{company}"' in body
    assert "Open this customer" in body and 'class="primary" id="confirm-new"' not in body
    body = hx.post("/companies", data={"name": "星輝娛樂", "phone": "", "quick": "1"}
                   ).get_data(as_text=True)
    assert "Same name in traditional characters" in body
    body = hx.post("/companies", data={"name": "Globex", "phone": "021 6123 4567 转 12",
                                       "quick": "1"}).get_data(as_text=True)
    assert "Same phone, extension 12" in body


def test_a_branch_typed_names_its_parent_without_blocking(app, hx, login_as):
    rep = login_as("rep")
    parent = make_company(app, rep, "顺丰速运有限公司")
    hint = hx.post("/companies/validate?field=name", data={"name": "顺丰速运有限公司大连分公司"})
    body = hint.get_data(as_text=True)
    assert "Parent company on file:" in body and f'href="/companies/{parent}"' in body
    assert "Already on file" not in body
    saved = hx.post("/companies", data={"name": "顺丰速运有限公司大连分公司", "quick": "1"})
    assert saved.status_code < 300 and count(app, Company) == 2


def test_bad_names_and_phones_get_a_message_never_a_500(app, hx, login_as):
    login_as("rep")
    for name in ("!!!", "有限公司", "😀", "x" * 200):
        assert hx.post("/companies", data={"name": name, "quick": "1"}).status_code in (201, 422)
    response = hx.post("/companies", data={"name": "Initech", "phone": "转 36", "quick": "1"})
    assert response.status_code == 422
    assert "Type the number before the extension" in response.get_data(as_text=True)
    two_ats = hx.post("/companies", data={"name": "Umbrella", "email": "a@b@example.com"})
    assert two_ats.status_code == 422 and "Enter a valid email" in two_ats.get_data(as_text=True)
    wide_email = "ｗａｎｇ＠ｅｘａｍｐｌｅ．ｃｏｍ"
    assert hx.post("/companies", data={"name": "Hooli", "email": wide_email}).status_code < 300
    with app.app_context():
        assert db.session.scalar(select(Company.email).where(Company.name == "Hooli")) == \
            "wang@example.com"


def test_duplicate_of_another_reps_company_shows_name_and_owner_only(app, client, login_as,
                                                                     make_user):
    other = make_user("rep", name="Other Rep")
    theirs = make_company(app, other, "Acme Trading Co., Ltd.", phones=["+8613800138000"])
    login_as("rep")
    response = client.post("/companies", data={"name": "ACME TRADING LTD"})
    assert response.status_code == 409
    body = response.get_data(as_text=True)
    assert "Acme Trading Co., Ltd." in body and "Other Rep" in body
    assert f"/companies/{theirs}" not in body and "138" not in body


def test_scope_rep_cannot_see_or_change_another_reps_company(app, client, login_as, make_user):
    other = make_user("rep")
    theirs = make_company(app, other, "Theirs Ltd")
    login_as("rep")
    assert client.get(f"/companies/{theirs}").status_code == 404
    assert client.get(f"/companies/{theirs}/edit").status_code == 404
    assert client.get(f"/companies/{theirs}/history").status_code == 404
    assert client.post(f"/companies/{theirs}", data={"name": "Mine", "version": "1"}
                       ).status_code == 404
    assert client.post(f"/companies/{theirs}/field?name=industry",
                       data={"industry": "x", "version": "1"}).status_code == 404
    assert client.post(f"/companies/{theirs}/notes", data={"body": "hi"}).status_code == 404
    assert "Theirs Ltd" not in client.get("/companies").get_data(as_text=True)
    assert fetch(app, Company, theirs).name == "Theirs Ltd"


def test_scope_manager_sees_team_admin_sees_all(app, client, login_as, make_user):
    team_rep = make_user("rep", team="North")
    other_rep = make_user("rep", team="South")
    north = make_company(app, team_rep, "North Co")
    south = make_company(app, other_rep, "South Co")
    login_as("manager", team="North")
    assert client.get(f"/companies/{north}").status_code == 200
    assert client.get(f"/companies/{south}").status_code == 404
    login_as("admin", team=None)
    assert client.get(f"/companies/{south}").status_code == 200


def test_marketer_cannot_create(client, login_as):
    login_as("marketer")
    assert client.post("/companies", data={"name": "Acme"}).status_code == 404


def test_show_page_key_facts(app, client, login_as):
    rep = login_as("rep")
    company = make_company(app, rep, "Acme", phones=["+8613800138000"], province="广东",
                           city="深圳", address="科技园 1 号", special_requests="Call after 3pm")
    body = client.get(f"/companies/{company}").get_data(as_text=True)
    assert 'href="tel:+8613800138000"' in body and "uri.amap.com" in body
    assert 'id="special-requests"' in body and "Call after 3pm" in body
    assert 'id="completeness"' in body and "Missing:" in body
    assert 'capture="environment"' in body and 'id="history"' in body


def test_markup_is_stored_as_text_and_shown_escaped(app, client, login_as):
    login_as("rep")
    payload = "<script>alert(1)</script>"
    response = client.post("/companies", data={"name": payload, "special_requests": payload},
                           follow_redirects=True)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert payload not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    listing = client.get("/companies").get_data(as_text=True)
    assert payload not in listing


def test_edit_and_update(app, client, login_as):
    rep = login_as("rep")
    company = make_company(app, rep, "Acme", phones=["+8613800138000"])
    page = client.get(f"/companies/{company}/edit")
    assert page.status_code == 200 and 'name="version" value="1"' in page.get_data(as_text=True)
    response = client.post(f"/companies/{company}", data={
        "name": "Acme Group", "phone": "13800138000", "phones-0-kind": "work",
        "phones-0-number": "+44 20 7946 0018", "version": "1", "tags": "VIP, 华东"})
    assert response.status_code == 302
    stored = fetch(app, Company, company)
    assert stored.name == "Acme Group" and stored.version == 2


def test_stale_version_answers_409_with_both_versions(app, client, login_as):
    rep = login_as("rep")
    company = make_company(app, rep, "Acme", industry="Retail")
    client.post(f"/companies/{company}", data={"name": "Acme", "industry": "Food",
                                               "version": "1"})
    response = client.post(f"/companies/{company}", data={"name": "Acme",
                                                           "industry": "Mining", "version": "1"})
    assert response.status_code == 409
    body = response.get_data(as_text=True)
    assert 'id="version-conflict"' in body and "Food" in body and "Mining" in body
    assert fetch(app, Company, company).industry == "Food"


def test_click_to_edit_field(app, client, hx, login_as):
    rep = login_as("rep")
    company = make_company(app, rep, "Acme")
    editor = hx.get(f"/companies/{company}/field?name=website&edit=1")
    assert editor.status_code == 200 and 'name="website"' in editor.get_data(as_text=True)
    assert client.get(f"/companies/{company}/field?name=website").status_code == 302
    bad = hx.post(f"/companies/{company}/field?name=website",
                  data={"website": "not a url", "version": "1"})
    assert bad.status_code == 422 and "web address" in bad.get_data(as_text=True)
    good = hx.post(f"/companies/{company}/field?name=website",
                   data={"website": "www.acme.cn", "version": "1"})
    assert good.status_code == 200 and "www.acme.cn" in good.get_data(as_text=True)
    assert "toast" in good.headers["HX-Trigger"]
    stale = hx.post(f"/companies/{company}/field?name=industry",
                    data={"industry": "Mining", "version": "1"})
    assert stale.status_code == 409
    assert fetch(app, Company, company).industry is None
    assert hx.get(f"/companies/{company}/field?name=owner_id").status_code == 404


def test_delete_and_restore(app, client, hx, login_as):
    manager = login_as("manager")
    company = make_company(app, manager, "Acme")
    response = hx.post(f"/companies/{company}/delete")
    assert response.status_code == 200 and "toast" in response.headers["HX-Trigger"]
    assert fetch(app, Company, company).deleted_at is not None
    assert client.get(f"/companies/{company}").status_code == 404
    assert "Acme" not in client.get("/companies").get_data(as_text=True)
    trash = client.get("/companies?trash=1").get_data(as_text=True)
    assert "Acme" in trash and f"/companies/{company}/restore" in trash
    restored = client.post(f"/companies/{company}/restore")
    assert restored.status_code == 302
    assert fetch(app, Company, company).deleted_at is None


def test_rep_cannot_delete_a_customer_created_before_today(app, client, login_as):
    """A rep trashes only what they created in the last 24 hours (tests/records covers it
    for every record type); an older customer stays."""
    from datetime import timedelta

    from sqlalchemy import update

    from crm.database import utcnow
    from crm.extensions import db

    rep = login_as("rep")
    company = make_company(app, rep, "Acme")
    with app.app_context():
        db.session.execute(update(Company).where(Company.id == company)
                           .values(created_at=utcnow() - timedelta(hours=25)))
        db.session.commit()
        db.session.remove()
    assert client.post(f"/companies/{company}/delete").status_code == 404
    assert fetch(app, Company, company).deleted_at is None


def test_history_fragment_and_page(app, client, hx, login_as):
    rep = login_as("rep")
    company = make_company(app, rep, "Acme")
    fragment = hx.get(f"/companies/{company}/history")
    assert fragment.status_code == 200 and "create" in fragment.get_data(as_text=True)
    assert "<html" not in fragment.get_data(as_text=True)
    page = client.get(f"/companies/{company}/history")
    assert page.status_code == 302 and page.headers["Location"].endswith("?history=1#history")


def test_history_is_read_only_when_opened(app, client, login_as, count_queries):
    """Most visits never open the History section: the page does not read the audit log
    (it loads on toggle); ?history=1 shows it in the page for a browser without JavaScript."""
    rep = login_as("rep")
    company = make_company(app, rep, "Acme")
    client.get(f"/companies/{company}")
    with count_queries() as queries:
        body = client.get(f"/companies/{company}").get_data(as_text=True)
    assert not [s for s in queries.statements if "audit_log" in s]
    assert f'hx-get="/companies/{company}/history"' in body and 'hx-trigger="toggle once"' in body
    assert f'href="/companies/{company}?history=1#history"' in body
    shown = client.get(f"/companies/{company}?history=1").get_data(as_text=True)
    assert '<details class="card" id="history" open>' in shown and "create" in shown


def test_cities_fragment(client, hx, login_as):
    login_as("rep")
    response = hx.get("/companies/cities?province=广东")
    assert response.status_code == 200 and "深圳" in response.get_data(as_text=True)
    assert "杭州" not in response.get_data(as_text=True)
    assert client.get("/companies/cities?province=nowhere").status_code == 200


def test_list_query_count_does_not_grow_with_rows(app, client, login_as, count_queries):
    rep = login_as("rep")
    for i in range(5):
        make_company(app, rep, f"Small {i}", phones=[f"+86138001380{i:02d}"], tags="VIP")
    client.get("/companies")
    with count_queries() as five:
        assert client.get("/companies").status_code == 200
    for i in range(5, 50):
        make_company(app, rep, f"Big {i}", phones=[f"+86138001380{i:02d}"], tags="VIP")
    with count_queries() as fifty:
        assert client.get("/companies").status_code == 200
    assert fifty.count == five.count


def test_customer_page_query_count_is_fixed(app, client, login_as, count_queries):
    rep = login_as("rep")
    company = make_company(app, rep, "Acme", phones=["+8613800138000"], tags="a, b, c")
    client.get(f"/companies/{company}")
    with count_queries() as queries:
        client.get(f"/companies/{company}")
    assert queries.count <= 15


def test_completeness_per_rep_page(app, client, login_as, make_user):
    rep = make_user("rep", name="Rita")
    make_company(app, rep, "Full", phones=["+8613800138000"], email="a@b.cn", province="广东",
                 city="深圳", address="1 号", industry="IT", size="10-49", tier="high",
                 source="ad", website="acme.cn")
    make_company(app, rep, "Empty")
    login_as("manager")
    body = client.get("/companies/completeness").get_data(as_text=True)
    assert "Rita" in body and "50%" in body


def test_validate_field_runs_the_forms_own_rules(hx, login_as):
    login_as("rep")
    tags = ", ".join(f"t{i}" for i in range(21))
    response = hx.post("/companies/validate?field=tags", data={"tags": tags})
    assert response.status_code == 200 and "at most 20 tags" in response.get_data(as_text=True)
    extra = hx.post("/companies/validate?field=phones-0-number",
                    data={"phones-0-number": "12345", "phones-0-kind": "work"})
    assert 'id="err-phones-0-number"' in extra.get_data(as_text=True)
    assert "too short" in extra.get_data(as_text=True)
    city = hx.post("/companies/validate?field=city", data={"province": "浙江", "city": "深圳"})
    assert "Unknown city" in city.get_data(as_text=True)


def test_htmx_and_full_page_variants_of_the_write_endpoints(app, client, hx, login_as):
    manager = login_as("manager")
    company = make_company(app, manager, "Acme")
    updated = hx.post(f"/companies/{company}", data={"name": "Acme Group", "version": "1"})
    assert updated.status_code == 204
    assert updated.headers["HX-Location"] == f"/companies/{company}"
    saved = client.post(f"/companies/{company}/field?name=industry",
                        data={"industry": "Retail", "version": "2"})
    assert saved.status_code == 302 and fetch(app, Company, company).industry == "Retail"
    deleted = client.post(f"/companies/{company}/delete")
    assert deleted.status_code == 302 and deleted.headers["Location"].endswith("/companies")
    restored = hx.post(f"/companies/{company}/restore")
    assert restored.status_code == 204
    assert restored.headers["HX-Location"] == f"/companies/{company}"
    created = hx.post("/companies", data={"name": "Globex"})
    assert created.status_code == 204 and created.headers["HX-Location"].startswith(
        "/companies/")
    invalid = hx.post(f"/companies/{company}", data={"name": "", "version": "4"})
    assert invalid.status_code == 422 and 'id="record-form"' in invalid.get_data(as_text=True)


def test_update_to_a_duplicate_name_prompts_and_save_anyway_works(app, client, login_as):
    rep = login_as("rep")
    make_company(app, rep, "字节跳动")
    other = make_company(app, rep, "Globex")
    data = {"name": "北京字节跳动有限公司", "version": "1"}
    prompt = client.post(f"/companies/{other}", data=data)
    assert prompt.status_code == 409 and 'id="dup-prompt"' in prompt.get_data(as_text=True)
    assert "Save anyway" in prompt.get_data(as_text=True)
    assert fetch(app, Company, other).name == "Globex"
    saved = client.post(f"/companies/{other}", data={**data, "confirm_new": "1"})
    assert saved.status_code == 302 and fetch(app, Company, other).name == data["name"]


def test_add_another_phone_row_fragment_counts_up_to_the_limit(hx, client, login_as):
    login_as("rep")
    form = client.get("/companies/new").get_data(as_text=True)
    # the new form has one spare row (index 0), so the button asks for row 1
    assert 'name="phones-0-number"' in form and 'hx-get="/companies/phone-row?index=1"' in form
    row = hx.get("/companies/phone-row?index=1")
    body = row.get_data(as_text=True)
    assert row.status_code == 200 and "<html" not in body
    assert 'name="phones-1-number"' in body and 'name="phones-1-kind"' in body
    assert "autofocus" in body and 'type="tel"' in body
    assert 'hx-get="/companies/phone-row?index=2"' in body
    last = hx.get("/companies/phone-row?index=4").get_data(as_text=True)
    assert 'name="phones-4-number"' in last and "phone-row?index=5" not in last
    for bad in ("index=5", "index=-1", "index=x", ""):
        response = hx.get(f"/companies/phone-row?{bad}")
        assert response.status_code == 200 and "phone-row" not in response.get_data(as_text=True)


def test_marketer_cannot_add_phone_rows(hx, login_as):
    login_as("marketer")
    assert hx.get("/companies/phone-row?index=1").status_code in (403, 404)


def test_full_form_saves_several_typed_phones_main_first(app, client, login_as):
    login_as("rep")
    response = client.post("/companies", data={
        "name": "Many Phones Ltd", "phone": "138 0013 8000", "phone_kind": "work",
        "phones-0-kind": "fax", "phones-0-number": "010 6552 9988",
        "phones-1-kind": "mobile", "phones-1-number": "",  # cleared: no phone
        "phones-2-kind": "home", "phones-2-number": "+44 20 7946 0018"})
    assert response.status_code == 302
    with app.app_context():
        from crm.extensions import db

        company = db.session.query(Company).filter_by(name="Many Phones Ltd").one()
        phones = db.session.query(Phone).filter_by(record_id=company.record_id) \
            .order_by(Phone.position).all()
        stored = [(p.kind, p.e164, p.is_main) for p in phones]
        db.session.remove()
    assert stored == [("work", "+8613800138000", True), ("fax", "+861065529988", False),
                      ("home", "+442079460018", False)]
    edit = client.get(f"/companies/{company.id}/edit").get_data(as_text=True)
    # two extra phones shown, one spare row, and the button asks for the fourth
    assert 'value="+86 10 6552 9988"' in edit or "6552 9988" in edit
    assert 'name="phones-2-number"' in edit and "phone-row?index=3" in edit


def test_history_shows_field_labels_and_owner_names(app, hx, login_as, make_user):
    from crm.extensions import db

    login_as("admin", team=None)
    rep = make_user("rep", name="First Rep")
    company = make_company(app, rep, "Acme", industry="Retail")
    second = make_user("rep", name="Second Rep")
    with app.app_context():  # a reassignment (the manager's future "transfer" action)
        record = db.session.get(Company, company)
        record.industry = "Food"
        record.status = "customer"
        record.owner_id = second
        db.session.commit()
        db.session.remove()
    body = hx.get(f"/companies/{company}/history").get_data(as_text=True)
    assert "<b>Industry</b>: <del>Retail</del> → Food" in body
    assert "<b>Owner</b>: <del>First Rep</del> → Second Rep" in body
    assert "<b>Status</b>: <del>Potential</del> → Customer" in body
    assert "<b>owner_id</b>" not in body and "<b>id</b>" not in body
    assert "<b>created_by</b>" not in body and "<b>version</b>" not in body


def test_click_to_edit_tags(app, client, hx, login_as):
    rep = login_as("rep")
    company = make_company(app, rep, "Acme")
    editor = hx.get(f"/companies/{company}/field?name=tags&edit=1").get_data(as_text=True)
    assert 'name="tags"' in editor
    too_many = ", ".join(f"t{i}" for i in range(25))
    bad = hx.post(f"/companies/{company}/field?name=tags", data={"tags": too_many,
                                                                 "version": "1"})
    assert bad.status_code == 422 and "at most 20 tags" in bad.get_data(as_text=True)
    good = hx.post(f"/companies/{company}/field?name=tags",
                   data={"tags": "VIP，华东、 VIP", "version": "1"})
    body = good.get_data(as_text=True)
    assert good.status_code == 200 and body.count('class="badge"') == 2
    assert 'href="/companies?tag=VIP"' in body and "华东" in body
    stored = fetch(app, Company, company)
    assert stored.version == 2 and "华东" in stored.search_text
    # the list finds it by the new tag, and the tags can be cleared again
    assert "Acme" in client.get("/companies?tag=华东").get_data(as_text=True)
    cleared = hx.post(f"/companies/{company}/field?name=tags", data={"tags": "", "version": "2"})
    assert cleared.status_code == 200 and 'class="badge"' not in cleared.get_data(as_text=True)
    assert "Acme" not in client.get("/companies?tag=VIP").get_data(as_text=True).split(
        "record-rows")[-1]
    stale = hx.post(f"/companies/{company}/field?name=tags", data={"tags": "X", "version": "1"})
    assert stale.status_code == 409 and "Stored now: —" in stale.get_data(as_text=True)


def test_fields_say_as_typed_when_the_customer_is_already_on_file(app, client, hx, login_as,
                                                                   make_user):
    rep = login_as("rep")
    mine = make_company(app, rep, "北京字节跳动科技有限公司", phones=["+8613800138000"])
    make_company(app, make_user("rep", name="Other Rep"), "Globex Trading")
    name = hx.post("/companies/validate?field=name", data={"name": "字节跳动（北京）有限公司"})
    body = name.get_data(as_text=True)
    assert "Already on file" in body and f'href="/companies/{mine}"' in body
    phone = hx.post("/companies/validate?field=phone", data={"phone": "138 0013 8000"})
    assert f'href="/companies/{mine}"' in phone.get_data(as_text=True)
    theirs = hx.post("/companies/validate?field=name", data={"name": "GLOBEX TRADING LTD"})
    body = theirs.get_data(as_text=True)
    assert "Globex Trading" in body and "(Other Rep)" in body and "href=" not in body
    fresh = hx.post("/companies/validate?field=name", data={"name": "Initech"})
    assert "Already on file" not in fresh.get_data(as_text=True)
    # editing the company itself: it is not its own duplicate
    edit = client.get(f"/companies/{mine}/edit").get_data(as_text=True)
    assert f"/companies/validate?field=name&amp;exclude={mine}" in edit
    itself = hx.post(f"/companies/validate?field=name&exclude={mine}",
                     data={"name": "北京字节跳动科技有限公司"})
    assert "Already on file" not in itself.get_data(as_text=True)


def test_click_to_edit_province_and_city_together(app, hx, login_as):
    rep = login_as("rep")
    company = make_company(app, rep, "Acme")
    editor = hx.get(f"/companies/{company}/field?name=region&edit=1").get_data(as_text=True)
    assert 'name="province"' in editor and 'name="city"' in editor
    assert 'hx-get="/companies/cities"' in editor
    wrong = hx.post(f"/companies/{company}/field?name=region",
                    data={"province": "广东", "city": "杭州", "version": "1"})
    assert wrong.status_code == 422 and "Unknown city" in wrong.get_data(as_text=True)
    unknown = hx.post(f"/companies/{company}/field?name=region",
                      data={"province": "Atlantis", "city": "", "version": "1"})
    assert unknown.status_code == 422 and "Unknown province" in unknown.get_data(as_text=True)
    good = hx.post(f"/companies/{company}/field?name=region",
                   data={"province": "广东", "city": "深圳", "version": "1"})
    assert good.status_code == 200 and "广东 深圳" in good.get_data(as_text=True)
    assert "Province / city" in good.get_data(as_text=True)
    stored = fetch(app, Company, company)
    assert (stored.province, stored.city, stored.version) == ("广东", "深圳", 2)
    stale = hx.post(f"/companies/{company}/field?name=region",
                    data={"province": "浙江", "city": "杭州", "version": "1"})
    assert stale.status_code == 409 and "Stored now: 广东 深圳" in stale.get_data(as_text=True)


def test_a_phone_number_at_the_end_of_the_name_moves_to_the_phone(app, hx, login_as):
    login_as("rep")
    response = hx.post("/companies", data={"name": "华为 138 0013 8000", "phone": "",
                                           "quick": "1"})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'value="华为"' in body and 'value="138 0013 8000"' in body
    assert "now in the phone field" in body
    assert count(app, Company) == 0
    kept = hx.post("/companies", data={"name": "Room 1208", "phone": "", "quick": "1"})
    assert kept.status_code == 201  # a short number is part of the name


def test_the_full_form_takes_what_the_quick_add_row_had(client, login_as):
    login_as("rep")
    page = client.get("/companies/new?name=Acme+Trading&phone=138+0013+8000&csrf_token=x")
    body = page.get_data(as_text=True)
    assert 'value="Acme Trading"' in body and 'value="138 0013 8000"' in body
