"""The personal calendar feed: a secret URL shown once, the user's open planned contacts as
iCalendar (escaped and folded as RFC 5545 says), a new URL or turning it off revokes the
old one, and nobody else's plans."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select, update

from crm.database import utcnow
from crm.extensions import db
from crm.models import Reminder, User
from crm.records import registry
from tests import factories


def _plan(app, user_id, record_id, due_in, *, done=False) -> int:
    model = registry.get("company").model
    with app.app_context():
        link = db.session.scalar(select(model.record_id).where(model.id == record_id))
        row = Reminder(user_id=user_id, record_id=link, kind="next_contact",
                       due_at=(utcnow() + due_in).replace(microsecond=0),
                       done_at=utcnow() if done else None)
        db.session.add(row)
        db.session.commit()
        plan_id = row.id
        db.session.remove()
    return plan_id


def _turn_on(client) -> str:
    page = client.post("/profile/calendar").get_data(as_text=True)
    return re.search(r'id="calendar-url" readonly value="([^"]+)"', page).group(1)


def _unfold(body: str) -> list[str]:
    return body.replace("\r\n ", "").split("\r\n")


def test_the_feed_lists_the_users_open_plans(app, client, login_as, make_user):
    rep = login_as("rep")
    other = make_user("rep")
    company = registry.get("company")
    long_name = "上海浦东新区陆家嘴金融贸易区国际航运物流服务有限公司, Shanghai; branch"
    mine = factories.make(app, company, rep, name=long_name)
    done = factories.make(app, company, rep, name="Done Co")
    theirs = factories.make(app, company, other, name="Their Co")
    plan = _plan(app, rep, mine, timedelta(days=1))
    _plan(app, rep, done, timedelta(days=2), done=True)
    _plan(app, other, theirs, timedelta(days=1))
    url = _turn_on(client)
    assert url.startswith("http://localhost/calendar/") and url.endswith(".ics")
    path = url.removeprefix("http://localhost")
    client.post("/logout")  # a calendar app has no session: the secret is the key
    response = client.get(path)
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    body = response.get_data(as_text=True)
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n")), "folded"
    lines = _unfold(body)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR"
    assert lines.count("BEGIN:VEVENT") == 1
    assert f"UID:reminder-{plan}@localhost" in lines
    summary = next(line for line in lines if line.startswith("SUMMARY:"))
    assert summary == ("SUMMARY:Contact 上海浦东新区陆家嘴金融贸易区国际航运物流服务有限公司\\, "
                       "Shanghai\\; branch")
    assert f"URL:http://localhost/companies/{mine}" in lines
    assert "Their Co" not in body and "Done Co" not in body


def test_a_new_address_or_turning_it_off_revokes_the_old(app, client, login_as):
    rep = login_as("rep")
    first = _turn_on(client).removeprefix("http://localhost")
    assert client.get(first).status_code == 200
    assert 'id="calendar-url"' not in client.get("/profile").get_data(as_text=True), \
        "shown once"
    second = _turn_on(client).removeprefix("http://localhost")
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200
    with app.app_context():
        stored = db.session.scalar(select(User.calendar_token_hash).where(User.id == rep))
        db.session.remove()
    assert stored and stored not in second, "only a digest of the secret is kept"
    assert client.post("/profile/calendar/revoke").status_code == 302
    assert client.get(second).status_code == 404
    assert client.get("/calendar/" + "x" * 300 + ".ics").status_code == 404


def test_a_deactivated_users_feed_is_gone(app, client, login_as):
    rep = login_as("rep")
    path = _turn_on(client).removeprefix("http://localhost")
    with app.app_context():
        db.session.execute(update(User).where(User.id == rep).values(is_active=False))
        db.session.commit()
        db.session.remove()
    assert client.get(path).status_code == 404


def test_the_feed_speaks_the_users_language(app, client, login_as):
    rep = login_as("rep")
    with app.app_context():
        db.session.execute(update(User).where(User.id == rep).values(language="zh_CN"))
        db.session.commit()
        db.session.remove()
    record = factories.make(app, registry.get("company"), rep, name="小鹿茶饮")
    _plan(app, rep, record, timedelta(hours=3))
    body = client.get(_turn_on(client).removeprefix("http://localhost")).get_data(as_text=True)
    assert "SUMMARY:联系小鹿茶饮" in _unfold(body)
