"""People: quick add, duplicates by phone or email, company link, scope, pages and fragments."""

from __future__ import annotations

import json

import pytest

from crm.models import Contact
from tests.blueprints.customer_helpers import count, fetch, make_company, make_contact


def test_list_page_and_rows_fragment(app, client, hx, login_as):
    rep = login_as("rep")
    company = make_company(app, rep, "Acme")
    make_contact(app, rep, "张伟", phones=["+8613900139000"], company_id=company)
    page = client.get("/contacts")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="quick-add-open"' in body
    assert "张伟" in body and "Acme" in body
    rows = hx.get("/contacts/rows?q=zw")
    assert rows.status_code == 200 and "张伟" in rows.get_data(as_text=True)
    assert "<html" not in rows.get_data(as_text=True)
    assert rows.headers["HX-Push-Url"] == "/contacts?q=zw"
    assert client.get("/contacts/rows?q=zw").status_code == 302


def test_quick_add_fragment_has_email(hx, client, login_as):
    login_as("rep")
    body = hx.get("/contacts/new").get_data(as_text=True)
    assert 'name="email"' in body and 'name="phone"' in body and "<html" not in body
    assert client.get("/contacts/new").status_code == 200


def test_quick_add_name_phone_email(app, hx, login_as):
    rep = login_as("rep")
    response = hx.post("/contacts", data={"name": "王芳", "phone": "139 0013 9000",
                                          "email": "Wang.Fang@Example.com", "quick": "1"})
    assert response.status_code == 201
    assert "王芳" in response.get_data(as_text=True)
    assert json.loads(response.headers["HX-Trigger"])["toast"]
    with app.app_context():
        from crm.extensions import db

        person = db.session.scalar(db.select(Contact))
        assert (person.phone, person.email_norm, person.owner_id, person.company_id) == (
            "+8613900139000", "wang.fang@example.com", rep, None)


def test_duplicate_phone_or_email_prompts(app, hx, login_as):
    rep = login_as("rep")
    make_contact(app, rep, "张伟", phones=["+8613900139000"], email="zw@example.com")
    by_phone = hx.post("/contacts", data={"name": "Zhang Wei", "phone": "13900139000",
                                          "quick": "1"})
    assert by_phone.status_code == 409 and 'id="dup-prompt"' in by_phone.get_data(as_text=True)
    by_email = hx.post("/contacts", data={"name": "Z", "email": "ZW@example.com ",
                                          "quick": "1"})
    assert by_email.status_code == 409 and "张伟" in by_email.get_data(as_text=True)
    assert count(app, Contact) == 1
    anyway = hx.post("/contacts", data={"name": "Z", "email": "zw@example.com", "quick": "1",
                                        "confirm_new": "1"})
    assert anyway.status_code == 201 and count(app, Contact) == 2


def test_person_belongs_to_a_company_in_scope(app, client, login_as, make_user):
    rep = login_as("rep")
    mine = make_company(app, rep, "北京字节跳动科技有限公司")
    make_company(app, make_user("rep"), "Globex")
    response = client.post("/contacts", data={"name": "李娜", "company": "字节跳动科技"})
    assert response.status_code == 302
    person_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[-1])
    assert fetch(app, Contact, person_id).company_id == mine
    refused = client.post("/contacts", data={"name": "李娜2", "company": "Globex"})
    assert refused.status_code == 422 and "No company called" in refused.get_data(as_text=True)
    page = client.get(f"/companies/{mine}").get_data(as_text=True)
    assert "李娜" in page


def test_bad_birthday_and_gender(app, client, login_as):
    login_as("rep")
    future = client.post("/contacts", data={"name": "A", "birthday": "2999-01-01"})
    assert future.status_code == 422 and "birthday between" in future.get_data(as_text=True)
    gender = client.post("/contacts", data={"name": "A", "gender": "x"})
    assert gender.status_code == 422
    assert count(app, Contact) == 0


def test_scope_rep_cannot_reach_another_reps_person(app, client, login_as, make_user):
    theirs = make_contact(app, make_user("rep"), "Theirs")
    login_as("rep")
    for url in (f"/contacts/{theirs}", f"/contacts/{theirs}/edit",
                f"/contacts/{theirs}/field?name=email"):
        assert client.get(url).status_code == 404
    assert client.post(f"/contacts/{theirs}", data={"name": "x", "version": "1"}
                       ).status_code == 404
    login_as("manager")
    assert client.get(f"/contacts/{theirs}").status_code == 200


def test_show_edit_update_and_field(app, client, hx, login_as):
    rep = login_as("rep")
    person = make_contact(app, rep, "张伟", phones=["+8613900139000"])
    page = client.get(f"/contacts/{person}")
    assert page.status_code == 200 and 'href="tel:+8613900139000"' in page.get_data(as_text=True)
    assert client.get(f"/contacts/{person}/edit").status_code == 200
    saved = client.post(f"/contacts/{person}", data={
        "name": "张伟", "phone": "13900139000", "job_title": "采购经理", "gender": "male",
        "birthday": "1990-05-01", "version": "1"})
    assert saved.status_code == 302
    assert fetch(app, Contact, person).job_title == "采购经理"
    field = hx.post(f"/contacts/{person}/field?name=job_title",
                    data={"job_title": "总经理", "version": "2"})
    assert field.status_code == 200 and "总经理" in field.get_data(as_text=True)
    history = hx.get(f"/contacts/{person}/history")
    assert history.status_code == 200 and "总经理" in history.get_data(as_text=True)


def test_contacts_list_query_count_is_flat(app, client, login_as, count_queries):
    rep = login_as("rep")
    company = make_company(app, rep, "Acme")
    for i in range(5):
        make_contact(app, rep, f"P{i}", company_id=company, tags="a")
    client.get("/contacts")
    with count_queries() as five:
        client.get("/contacts")
    for i in range(5, 50):
        make_contact(app, rep, f"P{i}", company_id=company, tags="a")
    with count_queries() as fifty:
        client.get("/contacts")
    assert five.count == fifty.count


def test_validate_company_field(app, hx, login_as):
    rep = login_as("rep")
    make_company(app, rep, "Acme Ltd")
    unknown = hx.post("/contacts/validate?field=company", data={"company": "Nobody"})
    assert "No company called" in unknown.get_data(as_text=True)
    known = hx.post("/contacts/validate?field=company", data={"company": "ACME"})
    assert known.status_code == 200 and "No company" not in known.get_data(as_text=True)


def test_click_to_edit_company_in_scope_only(app, client, hx, login_as, make_user):
    rep = login_as("rep")
    mine = make_company(app, rep, "北京字节跳动科技有限公司")
    theirs = make_company(app, make_user("rep"), "Globex")
    person = make_contact(app, rep, "张伟")
    page = client.get(f"/contacts/{person}").get_data(as_text=True)
    assert 'id="fld-company"' in page and "Individual customer" in page
    editor = hx.get(f"/contacts/{person}/field?name=company&edit=1").get_data(as_text=True)
    assert 'name="company"' in editor
    other = hx.post(f"/contacts/{person}/field?name=company",
                    data={"company": "Globex", "version": "1"})
    assert other.status_code == 422 and "No company called Globex" in other.get_data(as_text=True)
    good = hx.post(f"/contacts/{person}/field?name=company",
                   data={"company": "字节跳动科技有限公司", "version": "1"})  # normalised match
    assert good.status_code == 200
    assert f'href="/companies/{mine}"' in good.get_data(as_text=True)
    stored = fetch(app, Contact, person)
    assert stored.company_id == mine and stored.version == 2 and theirs != mine
    alone = hx.post(f"/contacts/{person}/field?name=company", data={"company": "", "version": "2"})
    assert alone.status_code == 200 and "Individual customer" in alone.get_data(as_text=True)
    assert fetch(app, Contact, person).company_id is None
    company_page = client.get(f"/companies/{mine}").get_data(as_text=True)
    assert "张伟" not in company_page.split('class="card people"')[-1].split("</section>")[0]


def test_phone_and_email_say_as_typed_when_the_person_is_on_file(app, hx, login_as):
    rep = login_as("rep")
    person = make_contact(app, rep, "张伟", phones=["+8613800138000"], email="zw@example.com")
    phone = hx.post("/contacts/validate?field=phone", data={"phone": "138 0013 8000"})
    assert "Already on file" in phone.get_data(as_text=True)
    assert f'href="/contacts/{person}"' in phone.get_data(as_text=True)
    email = hx.post("/contacts/validate?field=email", data={"email": "ZW@Example.com"})
    assert f'href="/contacts/{person}"' in email.get_data(as_text=True)
    row = hx.post("/contacts/validate?field=phones-0-number",
                  data={"phones-0-number": "+86 138 0013 8000", "phones-0-kind": "work"})
    assert f'href="/contacts/{person}"' in row.get_data(as_text=True)
    assert "Already on file" not in hx.post("/contacts/validate?field=email",
                                            data={"email": "new@example.com"}).get_data(
                                                as_text=True)


def test_a_persons_page_says_job_title_at_company_only_for_a_visible_company(
        app, client, login_as, make_user):
    from tests.blueprints.customer_helpers import make_company, make_contact

    rep = login_as("rep", team="Team A")
    other = make_user("rep", team="Team B")
    mine = make_company(app, rep, "Acme Trading")
    theirs = make_company(app, other, "Hidden Holdings")
    seen = make_contact(app, rep, "张伟", job_title="采购经理", company_id=mine)
    page = client.get(f"/contacts/{seen}").get_data(as_text=True)
    assert '<p class="subtitle">采购经理 at Acme Trading</p>' in page
    hidden = make_contact(app, rep, "李娜", job_title="CFO", company_id=theirs)
    page = client.get(f"/contacts/{hidden}").get_data(as_text=True)
    assert '<p class="subtitle">CFO</p>' in page and "Hidden Holdings" not in page


def _link_to_hidden_company(app, login_as, make_user, *, trashed: bool):
    """A rep's person whose company was moved to another team (or to the trash) later."""
    from crm.database import utcnow
    from crm.extensions import db
    from crm.models import Company, User

    rep = login_as("rep", team="North")
    other = make_user("rep", team="South")
    company = make_company(app, rep, "Zenith Hidden Holdings")
    person = make_contact(app, rep, "张伟", job_title="CFO", company_id=company)
    with app.app_context():
        row = db.session.get(Company, company)
        if trashed:
            row.deleted_at = utcnow()
        else:
            row.owner_id, row.team_id = other, db.session.get(User, other).team_id
        db.session.commit()
        db.session.remove()
    return company, person


@pytest.mark.parametrize("trashed", [False, True], ids=["out_of_scope", "in_the_trash"])
def test_a_hidden_company_is_named_nowhere_on_the_persons_pages(
        app, client, hx, login_as, make_user, trashed):
    company, person = _link_to_hidden_company(app, login_as, make_user, trashed=trashed)
    pages = [client.get(f"/contacts/{person}"), client.get(f"/contacts/{person}/edit"),
             hx.get(f"/contacts/{person}/field?name=company&edit=1"),
             hx.get(f"/contacts/{person}/field?name=company"), client.get("/contacts")]
    if not trashed:  # the trash is the rep's own: its history may name it
        pages.append(hx.get(f"/contacts/{person}/history"))
    for response in pages:
        assert response.status_code == 200, response.request.path
        assert "Zenith" not in response.text, response.request.path
        assert f"/companies/{company}" not in response.text, response.request.path


def test_saving_the_form_keeps_a_company_the_user_cannot_see(app, client, login_as, make_user):
    """The form shows the hidden company's field empty; saving it must not unlink it."""
    company, person = _link_to_hidden_company(app, login_as, make_user, trashed=False)
    response = client.post(f"/contacts/{person}", data={"name": "张伟", "company": "",
                                                        "job_title": "CEO", "version": "1"})
    assert response.status_code == 302
    stored = fetch(app, Contact, person)
    assert stored.job_title == "CEO" and stored.company_id == company
