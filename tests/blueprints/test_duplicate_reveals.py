"""Duplicate lookups that show another rep's customer (name and owner only, by design) are
audited, one row per lookup that showed one, and limited per user: over the limit the form
still works and says the check is paused, and shows no other rep's customer."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from crm.extensions import db
from crm.models import AuditLog, Company
from tests.blueprints.customer_helpers import count, make_company

PAUSED = "customers is paused for a few minutes"


@pytest.fixture
def small_limit(app, monkeypatch):
    monkeypatch.setitem(app.config["CRM"], "DUPLICATE_REVEALS_PER_USER", 3)
    return 3


def _lookups(app) -> list[AuditLog]:
    with app.app_context():
        rows = db.session.scalars(select(AuditLog).where(AuditLog.action == "lookup")
                                  .order_by(AuditLog.id)).all()
        db.session.expunge_all()
        return rows


def test_lookups_that_show_another_reps_customer_are_audited_and_limited(
        app, hx, login_as, make_user, small_limit):
    rep = login_as("rep")
    other = make_user("rep", name="Other Rep")
    theirs = make_company(app, other, "Globex Trading")
    make_company(app, rep, "Initech")

    def check(name):
        return hx.post("/companies/validate?field=name", data={"name": name}).get_data(
            as_text=True)

    assert "Already on file" in check("Initech") and not _lookups(app)  # my own: no row
    assert "Already on file" not in check("Umbrella") and not _lookups(app)  # no match
    for _ in range(small_limit):
        body = check("GLOBEX TRADING LTD")
        assert "Globex Trading" in body and "(Other Rep)" in body and PAUSED not in body
    rows = _lookups(app)
    assert len(rows) == small_limit
    assert {(r.user_id, r.entity, r.entity_id) for r in rows} == {(rep, "company", theirs)}
    assert rows[0].summary == "Globex Trading (Other Rep)"
    # over the limit: no other rep's customer, no row, and the note on every lookup
    body = check("GLOBEX TRADING LTD")
    assert "Globex Trading" not in body and "Other Rep" not in body and PAUSED in body
    assert PAUSED in check("Umbrella")
    mine = check("Initech")
    assert "Already on file" in mine and PAUSED in mine
    assert len(_lookups(app)) == small_limit
    # the form still works: saving a name only another rep has is not stopped
    saved = hx.post("/companies", data={"name": "Globex Trading", "quick": "1"})
    assert saved.status_code == 201
    assert count(app, Company) == 3


def test_the_save_prompt_is_audited_and_paused_too(app, hx, login_as, make_user, small_limit):
    login_as("rep")
    make_company(app, make_user("rep", name="Other Rep"), "Globex Trading")
    for _ in range(small_limit):
        prompt = hx.post("/companies", data={"name": "Globex Trading"})
        assert prompt.status_code == 409
        assert "Other Rep" in prompt.get_data(as_text=True)
    assert len(_lookups(app)) == small_limit  # kept although the save was rolled back
    # paused: the only match is another rep's, so nothing is shown and the save goes on
    saved = hx.post("/companies", data={"name": "Globex Trading"})
    assert saved.status_code == 204 and saved.headers.get("HX-Location")
    assert count(app, Company) == 2
    assert len(_lookups(app)) == small_limit
