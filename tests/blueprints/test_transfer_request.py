"""Asking for another rep's customer from the duplicate prompt: its owner and their
managers are notified once, the request is audited, and nothing more about the record is
revealed to the one who asks."""

from __future__ import annotations

import html
import json
import re

from sqlalchemy import select

from crm.extensions import db
from crm.models import AuditLog, Notification
from crm.services import transfers
from tests.blueprints.customer_helpers import make_company
from tests.conftest import sign_in


def _notified(app) -> list[tuple[int, str]]:
    with app.app_context():
        rows = [(n.user_id, n.kind) for n in db.session.scalars(
            select(Notification).order_by(Notification.user_id))]
        db.session.remove()
    return rows


def test_a_rep_asks_the_owner_and_managers_from_the_prompt(app, client, hx, make_user):
    owner = make_user("rep", team="North", name="Owner Rep")
    manager = make_user("manager", team="North", name="North Manager")
    make_user("manager", team="South", name="South Manager")
    asker = make_user("rep", team="South", name="Asking Rep")
    theirs = make_company(app, owner, "Harbour Tea Co., Ltd.", phones=["+8613800138000"])
    sign_in(client, asker)
    prompt = hx.post("/companies", data={"name": "Harbour Tea", "quick": "1"})
    assert prompt.status_code == 409
    body = prompt.get_data(as_text=True)
    button = re.search(r'hx-post="([^"]+)"\s+hx-vals=\'([^\']+)\'[^>]*>([^<]+)<', body)
    assert button and button.group(3) == "Ask the owner to transfer it to me"
    url, ref = button.group(1), json.loads(html.unescape(button.group(2)))["ref"]
    assert url == "/companies/transfer-request"
    assert f"/companies/{theirs}" not in body, "no link, no id: a signed reference"

    asked = hx.post(url, data={"ref": ref})
    assert asked.status_code == 200
    text = asked.get_data(as_text=True)
    assert "the owner and their manager are notified" in text
    assert "138" not in text, "nothing about the record comes back"
    assert _notified(app) == sorted([(owner, "transfer_request"),
                                     (manager, "transfer_request")])
    again = hx.post(url, data={"ref": ref})
    assert "You asked for this customer already" in again.get_data(as_text=True)
    assert len(_notified(app)) == 2, "asked twice, notified once"
    with app.app_context():
        entry = db.session.scalars(select(AuditLog).where(
            AuditLog.action == "transfer_request")).one()
        assert entry.user_id == asker and entry.entity_id == theirs
        db.session.remove()

    sign_in(client, owner)
    page = client.get("/notifications").get_data(as_text=True)
    assert html.unescape(page).count("Asking Rep asks for Harbour Tea Co., Ltd. to be "
                                     "transferred to them") == 1
    assert f'href="/companies/{theirs}"' in page


def _ref(app, record_id: int, user_id: int) -> str:
    from crm.models import User
    from crm.records import registry

    with app.test_request_context():
        user = db.session.get(User, user_id)
        ref = transfers.reference(registry.get("company"), record_id, user)
        db.session.remove()
    return ref


def _ask(hx, ref: str):
    return hx.post("/companies/transfer-request", data={"ref": ref})


def test_asking_for_ones_own_a_missing_or_trashed_customer(app, hx, client, login_as,
                                                           make_user):
    rep = login_as("rep")
    mine = make_company(app, rep, "Mine Ltd")
    refused = _ask(hx, _ref(app, mine, rep))
    assert refused.status_code == 422
    assert "already yours" in refused.get_data(as_text=True)
    assert _ask(hx, _ref(app, 999999, rep)).status_code == 404
    gone = make_company(app, rep, "Gone Ltd")
    client.post(f"/companies/{gone}/delete")
    assert _ask(hx, _ref(app, gone, rep)).status_code == 404
    assert _notified(app) == []


def test_a_reference_is_the_users_own_and_cannot_be_made_up(app, hx, login_as, make_user):
    owner = make_user("rep", team="North")
    theirs = make_company(app, owner, "Guarded Ltd")
    someone = make_user("rep", team="South")
    login_as("rep", team="South")
    for ref in ("", str(theirs), _ref(app, theirs, someone), _ref(app, theirs, owner) + "x"):
        assert _ask(hx, ref).status_code == 404, ref
    assert _notified(app) == []


def test_a_rep_cannot_flood_owners_with_requests(app, hx, login_as, make_user, monkeypatch):
    owner = make_user("rep", team="North")
    companies = [make_company(app, owner, f"Flood {i}") for i in range(3)]
    asker = login_as("rep", team="South")
    monkeypatch.setattr(transfers, "PER_DAY", 2)
    assert [_ask(hx, _ref(app, c, asker)).status_code for c in companies] == [200, 200, 422]
    assert len(_notified(app)) == 2
