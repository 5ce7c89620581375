"""Exporting a list view, for every record type: the list's filters and the user's scope,
every field (custom ones included) written by its kind, formulas neutralised, one audit
row per export, a bounded number of queries, and clear answers to what cannot be done."""

from __future__ import annotations

import csv
import io
from datetime import date

from flask_babel import force_locale
from openpyxl import load_workbook
from sqlalchemy import select

from crm.extensions import db
from crm.models import AuditLog
from tests import factories
from tests.conftest import sign_in


def _define_date_field(client, rtype) -> None:
    response = client.post(f"/admin/fields/{rtype.key}", data={
        "kind": "date", "label_en": "Contract signed", "label_zh": "签约日期"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]


def _csv(response) -> list[list[str]]:
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf"), "a byte-order mark, so Excel reads UTF-8"
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_a_manager_exports_the_filtered_list_of_the_team_only(
        app, client, make_user, rtype):
    admin = make_user("admin", team="Team A")
    sign_in(client, admin)
    _define_date_field(client, rtype)
    manager = make_user("manager", team="Team A")
    rep = make_user("rep", team="Team A")
    stranger = make_user("rep", team="Team B")
    title = rtype.title_field
    mine = factories.make(app, rtype, rep, **{title: "=HYPERLINK(\"http://x\")",
                                              "contract_signed": "2026-03-04"})
    also = factories.make(app, rtype, rep)
    hidden = factories.make(app, rtype, stranger)

    sign_in(client, manager)
    response = client.get(f"/{rtype.plural}/export?format=csv&owner={rep}")
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    assert response.headers["Content-Disposition"].startswith("attachment")
    table = _csv(response)
    header, rows = table[0], table[1:]
    with app.test_request_context(), force_locale("en"):  # "Owner", or the type's name
        owner = str(next(s for s in rtype.fields if s.key == "owner").label)
    assert header[0] == "ID" and "Contract signed" in header and owner in header
    ids = {int(r[0]) for r in rows}
    assert ids == {mine, also}, "the owner filter and the team's scope hold"
    assert hidden not in ids
    row = next(r for r in rows if int(r[0]) == mine)
    named = dict(zip(header, row, strict=True))
    assert named[str(rtype.name_label)] == "'=HYPERLINK(\"http://x\")", "formula neutralised"
    assert named["Contract signed"] == "2026-03-04"
    assert named[owner] == "Rep"

    with app.app_context():
        entry = db.session.scalars(select(AuditLog).where(AuditLog.action == "export")).one()
        assert entry.user_id == manager and entry.entity == rtype.entity
        assert entry.changes["rows"] == 2 and entry.changes["format"] == "csv"
        assert f"owner={rep}" in entry.changes["query"]
        db.session.remove()


def test_an_excel_export_keeps_days_as_days_and_formulas_as_text(
        app, client, make_user, rtype):
    admin = make_user("admin", team="Team A")
    sign_in(client, admin)
    _define_date_field(client, rtype)
    record = factories.make(app, rtype, admin, **{rtype.title_field: "=SUM(A1:A9)",
                                                  "contract_signed": "2026-03-04"})
    response = client.get(f"/{rtype.plural}/export?format=xlsx")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.get_data()), read_only=False).active
    header = [c.value for c in sheet[1]]
    row = {h: c for h, c in zip(header, sheet[2], strict=True)}
    assert row["ID"].value == record
    assert row[str(rtype.name_label)].value == "=SUM(A1:A9)"
    assert row[str(rtype.name_label)].data_type == "s", "text, never a formula"
    signed = row["Contract signed"].value
    assert signed.date() == date(2026, 3, 4), "a day stays a day, not text"


def test_every_phone_of_a_record_is_exported(app, client, make_user, rtype):
    if not rtype.has_kind("phones"):
        import pytest

        pytest.skip(f"{rtype.key} records have no phones")
    admin = make_user("admin", team="Team A")
    sign_in(client, admin)
    factories.make(app, rtype, admin, phone="+8613800138000", **{
        "phones-0-kind": "work", "phones-0-number": "+8613900139000"})
    table = _csv(client.get(f"/{rtype.plural}/export?format=csv"))
    cells = " ".join(table[1])
    assert "138 0013 8000" in cells and "139 0013 9000" in cells


def test_an_export_costs_the_same_queries_for_3_or_30_records(
        app, client, make_user, count_queries, rtype):
    admin = make_user("admin", team="Team A")
    sign_in(client, admin)
    for _ in range(3):
        factories.make(app, rtype, admin, tags="VIP, 华东")
    client.get(f"/{rtype.plural}/export?format=csv")  # warm caches (custom field specs)
    with count_queries() as few:
        assert client.get(f"/{rtype.plural}/export?format=csv").status_code == 200
    for _ in range(27):
        factories.make(app, rtype, admin, tags="VIP")
    with count_queries() as many:
        response = client.get(f"/{rtype.plural}/export?format=csv")
    assert len(_csv(response)) == 31
    assert many.count == few.count, many.statements


def test_what_cannot_be_exported_is_said_not_sent(app, client, make_user, rtype,
                                                  monkeypatch):
    manager = make_user("manager", team="Team A")
    sign_in(client, manager)
    for _ in range(3):
        factories.make(app, rtype, manager)
    response = client.get(f"/{rtype.plural}/export?format=pdf", follow_redirects=True)
    assert response.status_code == 200
    assert "Choose CSV or Excel (XLSX)" in response.get_data(as_text=True)

    monkeypatch.setitem(app.config["CRM"], "EXPORT_MAX_ROWS", 2)
    response = client.get(f"/{rtype.plural}/export?format=csv&sort=oldest")
    assert response.status_code == 302 and "sort=oldest" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "more than 2 records" in page and "Narrow it" in page
    with app.app_context():
        assert db.session.scalar(select(AuditLog.id).where(AuditLog.action == "export")) \
            is None, "nothing exported, nothing recorded"
        db.session.remove()


def test_the_list_offers_export_only_with_the_permission(client, login_as, rtype):
    login_as("rep", team="Team A")
    page = client.get(f"/{rtype.plural}").get_data(as_text=True)
    assert f"/{rtype.plural}/export" not in page
    assert client.get(f"/{rtype.plural}/export?format=csv").status_code == 404
    login_as("marketer", team="Team A")
    page = client.get(f"/{rtype.plural}?q=abc").get_data(as_text=True)
    assert f"/{rtype.plural}/export?format=xlsx&amp;q=abc" in page
