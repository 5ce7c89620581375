"""Ids beyond the columns' range: a path id answers 404 and a query-string id is no id,
on every route, never a 500 (PostgreSQL refuses integers past 2^31-1, SQLite past 2^63-1)."""

from __future__ import annotations

import pytest
from werkzeug.routing import IntegerConverter

from crm.ids import ID_MAX, IdConverter, parse_id
from tests.blueprints.customer_helpers import count, make_company, make_contact

HUGE = [str(ID_MAX + 1), str(2**63), "9" * 40, "-1", "0", "1e3", "12abc", "١٢"]


@pytest.mark.parametrize("raw, expected", [
    ("1", 1), (str(ID_MAX), ID_MAX), (str(ID_MAX + 1), None), ("0", None), ("-5", None),
    ("9" * 400, None), ("١٢", None), ("", None), (None, None), ("1.0", None),
    (7, 7), (True, None), (2**40, None)])
def test_parse_id_accepts_only_ids_in_range(raw, expected):
    assert parse_id(raw) == expected


def test_every_integer_in_a_rule_is_a_bounded_id(app):
    """No rule accepts a number past the columns (`<id:...>`, or int with the same bounds
    where the admin's user and team routes still spell it out)."""
    for rule in app.url_map.iter_rules():
        for name, converter in (rule._converters or {}).items():
            if isinstance(converter, IntegerConverter):
                assert converter.min == 1 and converter.max == ID_MAX, (rule.rule, name)
    assert isinstance(app.url_map.converters["id"](app.url_map), IdConverter)


@pytest.mark.parametrize("huge", HUGE[:3])
def test_huge_path_ids_answer_404(app, client, login_as, huge):
    login_as("admin", team=None)
    for url in (f"/companies/{huge}", f"/contacts/{huge}/edit", f"/companies/{huge}/history",
                f"/attachments/{huge}", f"/companies/{huge}/field?field=name"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/companies/{huge}/delete").status_code == 404


@pytest.mark.parametrize("huge", HUGE)
def test_huge_query_ids_are_ignored(app, client, hx, login_as, huge):
    admin = login_as("admin", team=None)
    company = make_company(app, admin, "Acme Trading")
    make_contact(app, admin, "Wang Fang", company_id=company)
    pages = [f"/companies?after={huge}", f"/companies?owner={huge}",
             f"/contacts?sort=name&after={huge}", f"/contacts/new?company_id={huge}",
             f"/admin/audit?before={huge}", f"/admin/audit?entity_id={huge}",
             f"/admin/audit?user_id={huge}"]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
    history = hx.get(f"/companies/{company}/history?before={huge}")
    assert history.status_code == 200 and "Acme Trading" in history.text
    listed = hx.get(f"/companies/rows?owner={huge}")
    assert listed.status_code == 200 and "Acme Trading" in listed.text
    check = hx.post(f"/companies/validate?field=name&exclude={huge}",
                    data={"name": "Acme Trading"})
    assert check.status_code == 200 and "Acme Trading" in check.text


def test_huge_owner_on_the_form_is_refused_with_a_message(app, client, login_as):
    login_as("admin", team=None)
    response = client.post("/companies", data={"name": "Beta Ltd", "owner": str(2**40)})
    assert response.status_code == 422
    assert "Choose one of the people in the list." in response.text
    from crm.models import Company
    assert count(app, Company) == 0
