"""My day, the home page: the rep's plans due today and overdue (closed by a later
follow-up), customers due for a touch by tier, the team's overdue plans for a manager, and
recently opened records — only what the user may see, never from the trash."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select, update

from crm.database import utcnow
from crm.extensions import db
from crm.models import Reminder
from crm.records import registry
from tests import factories

COMPANY = "company"


def _company(app, owner, name, **values) -> int:
    return factories.make(app, registry.get(COMPANY), owner, name=name, **values)


def _plan(app, user_id, company_id, due_in: timedelta, *, done=False) -> None:
    model = registry.get(COMPANY).model
    with app.app_context():
        link = db.session.scalar(select(model.record_id).where(model.id == company_id))
        db.session.add(Reminder(user_id=user_id, record_id=link, kind="next_contact",
                                due_at=utcnow() + due_in, done_at=utcnow() if done else None))
        db.session.commit()
        db.session.remove()


def _last_contact(app, company_id, days_ago) -> None:
    model = registry.get(COMPANY).model
    with app.app_context():
        db.session.execute(update(model).where(model.id == company_id).values(
            last_contact_at=None if days_ago is None else utcnow() - timedelta(days=days_ago)))
        db.session.commit()
        db.session.remove()


def _section(page: str, title: str) -> str:
    found = re.search(rf'<h2 id="{title}-title">.*?</section>', page, re.S)
    return found.group(0) if found else ""


def test_plans_due_today_and_overdue_oldest_first(app, client, login_as):
    rep = login_as("rep")
    late = _company(app, rep, "Late Tea")
    today = _company(app, rep, "Today Tea")
    later = _company(app, rep, "Tomorrow Tea")
    done = _company(app, rep, "Done Tea")
    trashed = _company(app, rep, "Trashed Tea")
    _plan(app, rep, late, -timedelta(days=1))
    _plan(app, rep, today, timedelta(minutes=1))
    _plan(app, rep, later, timedelta(days=2))
    _plan(app, rep, done, -timedelta(hours=2), done=True)
    _plan(app, rep, trashed, -timedelta(hours=3))
    assert client.post(f"/companies/{trashed}/delete").status_code in (200, 302)
    page = client.get("/").get_data(as_text=True)
    plans = _section(page, "plans")
    assert plans.index("Late Tea") < plans.index("Today Tea")
    assert "Tomorrow Tea" not in plans and "Done Tea" not in plans
    assert "Trashed Tea" not in plans
    assert plans.count("Overdue") == 1
    assert f'href="/companies/{late}#note-form"' in plans, "one tap to log"
    assert 'href="tel:+86' in plans, "one tap to call"


def test_a_follow_up_on_the_record_takes_it_off_the_day(app, client, hx, login_as):
    rep = login_as("rep")
    company = _company(app, rep, "Call Back Co")
    _plan(app, rep, company, -timedelta(hours=1))
    assert "Call Back Co" in _section(client.get("/").get_data(as_text=True), "plans")
    assert hx.post(f"/companies/{company}/notes", data={
        "method": "call", "outcome": "reached", "body": "Done"}).status_code == 200
    assert "Call Back Co" not in _section(client.get("/").get_data(as_text=True), "plans")


def test_a_plain_note_does_not_take_it_off(app, client, hx, login_as):
    rep = login_as("rep")
    company = _company(app, rep, "Noted Co")
    _plan(app, rep, company, -timedelta(hours=1))
    assert hx.post(f"/companies/{company}/notes", data={"body": "Their office moved"}
                   ).status_code == 200
    assert "Noted Co" in _section(client.get("/").get_data(as_text=True), "plans")


def test_customers_due_for_a_touch_by_tier(app, client, login_as, make_user):
    rep = login_as("rep")
    other = make_user("rep")
    stale_high = _company(app, rep, "Stale High", tier="high")
    fresh_high = _company(app, rep, "Fresh High", tier="high")
    never_low = _company(app, rep, "Never Low", tier="low")
    fresh_low = _company(app, rep, "Recent Low", tier="low")
    not_mine = _company(app, other, "Someone Elses", tier="high")
    _last_contact(app, stale_high, 8)
    _last_contact(app, fresh_high, 2)
    _last_contact(app, never_low, None)
    _last_contact(app, fresh_low, 20)
    _last_contact(app, not_mine, 30)
    touch = _section(client.get("/").get_data(as_text=True), "touch")
    assert touch.index("Never Low") < touch.index("Stale High"), "never contacted first"
    assert "Never contacted" in touch
    assert "Fresh High" not in touch and "Recent Low" not in touch
    assert "Someone Elses" not in touch


def test_a_manager_sees_the_teams_overdue_plans_a_rep_does_not(app, client, login_as,
                                                               make_user):
    rep = make_user("rep", team="North", name="Wang Wei")
    stranger = make_user("rep", team="South", name="Li Na")
    mine = _company(app, rep, "North Harbour")
    theirs = _company(app, stranger, "South Harbour")
    _plan(app, rep, mine, -timedelta(hours=5))
    _plan(app, stranger, theirs, -timedelta(hours=5))
    login_as("manager", team="North")
    team = _section(client.get("/").get_data(as_text=True), "team")
    assert "North Harbour" in team and "Wang Wei" in team
    assert "South Harbour" not in team
    login_as("rep", team="North")
    assert 'id="team-title"' not in client.get("/").get_data(as_text=True)


def test_recently_opened_records_newest_first_in_scope(app, client, login_as, make_user):
    rep = login_as("rep")
    first = _company(app, rep, "First Opened")
    second = _company(app, rep, "Second Opened")
    for record_id in (first, second, first):
        assert client.get(f"/companies/{record_id}").status_code == 200
    recent = _section(client.get("/").get_data(as_text=True), "recent")
    assert recent.index("First Opened") < recent.index("Second Opened")
    assert recent.count(">First Opened</a>") == 1
    model = registry.get(COMPANY).model
    other = make_user("rep")
    with app.app_context():  # reassigned to someone else: no longer the rep's to see
        db.session.execute(update(model).where(model.id == second).values(owner_id=other))
        db.session.commit()
        db.session.remove()
    assert "Second Opened" not in _section(client.get("/").get_data(as_text=True), "recent")


def test_an_unreadable_touch_setting_is_ignored(app, client, login_as, monkeypatch):
    rep = login_as("rep")
    _last_contact(app, _company(app, rep, "Quiet Co", tier="high"), 100)
    monkeypatch.setitem(app.config["CRM"], "TOUCH_DAYS", "high:soon,,:3,mid:-1")
    page = client.get("/")
    assert page.status_code == 200 and 'id="touch-title"' not in page.get_data(as_text=True)
