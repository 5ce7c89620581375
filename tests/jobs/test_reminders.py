"""The reminder sweep: due reminders become one notification each, whatever runs twice or
dies half-way; the clock → Redis → worker path delivers them; the bell and the
notifications page show them to their user only."""

from __future__ import annotations

from datetime import timedelta

import pytest
import redis
from rq import SimpleWorker
from sqlalchemy import func, select, update

from crm.database import utcnow
from crm.extensions import db
from crm.jobs import QUEUES, set_worker_app
from crm.jobs.claims import claim_due
from crm.jobs.reminders import deliver_due_reminders
from crm.jobs.system import run_sweeps
from crm.models import Note, Notification, Reminder
from crm.records import registry
from crm.services import follow_ups
from tests.blueprints.customer_helpers import make_company


def _due_reminders(app, user_id: int, company_id: int, n: int, *, minutes_ago=1) -> list[int]:
    """n reminders of `company_id` for `user_id`, due `minutes_ago`."""
    company = registry.get("company").model
    with app.app_context():
        link = db.session.scalar(select(company.record_id).where(company.id == company_id))
        rows = [Reminder(user_id=user_id, record_id=link, kind=follow_ups.NEXT_CONTACT,
                         due_at=utcnow() - timedelta(minutes=minutes_ago)) for _ in range(n)]
        db.session.add_all(rows)
        db.session.commit()
        ids = [r.id for r in rows]
        db.session.remove()
    return ids


def _notifications(app, user_id: int | None = None) -> list[Notification]:
    with app.app_context():
        stmt = select(Notification).order_by(Notification.id)
        if user_id is not None:
            stmt = stmt.where(Notification.user_id == user_id)
        rows = list(db.session.scalars(stmt))
        db.session.expunge_all()
        db.session.remove()
    return rows


def _pending(app) -> int:
    with app.app_context():
        count = db.session.scalar(select(func.count()).select_from(Reminder)
                                  .where(Reminder.handled_at.is_(None)))
        db.session.remove()
    return count


def test_each_due_reminder_notifies_once_however_often_the_sweep_runs(app, make_user):
    rep = make_user("rep")
    company = make_company(app, rep, "杭州小鹿茶饮有限公司")
    due = _due_reminders(app, rep, company, 3)
    _due_reminders(app, rep, company, 1, minutes_ago=-60)  # due in an hour: not yet
    with app.app_context():
        assert deliver_due_reminders("t1") == 3
        assert deliver_due_reminders("t1") == 0
        db.session.remove()
    found = _notifications(app, rep)
    assert sorted(n.source for n in found) == sorted(f"reminder:{i}" for i in due)
    assert all(n.params["name"] == "杭州小鹿茶饮有限公司" and n.params["id"] == company
               for n in found)
    assert _pending(app) == 1


def test_a_worker_killed_after_notifying_does_not_notify_twice(app, make_user):
    """The claim expires after the lease; the next worker takes it over, finds the
    notification already written, and only marks the reminder handled."""
    rep = make_user("rep")
    company = make_company(app, rep, "Harbour Logistics")
    (reminder_id,) = _due_reminders(app, rep, company, 1)
    with app.app_context():
        _token, ids = claim_due(Reminder)
        db.session.commit()
        assert ids == [reminder_id]
        follow_ups.remind(ids)  # then the worker dies: never marked handled
        db.session.commit()
        assert deliver_due_reminders("t2") == 0, "claimed by the dead worker, lease running"
        db.session.execute(update(Reminder).values(
            claimed_at=utcnow() - timedelta(minutes=11)))
        db.session.commit()
        assert deliver_due_reminders("t3") == 1
        db.session.remove()
    assert len(_notifications(app, rep)) == 1
    assert _pending(app) == 0


def test_a_reminder_of_a_record_in_the_trash_notifies_nobody(app, make_user, hx, login_as):
    rep = login_as("rep")
    company = make_company(app, rep, "Gone Ltd")
    _due_reminders(app, rep, company, 1)
    assert hx.post(f"/companies/{company}/delete").status_code in (200, 204, 302)
    with app.app_context():
        assert deliver_due_reminders("t4") == 1
        db.session.remove()
    assert _notifications(app) == []


@pytest.fixture
def worker_app(app):
    set_worker_app(app)
    yield app
    set_worker_app(None)


def test_the_clock_and_a_worker_deliver_due_reminders(worker_app, redis_url, make_user):
    app = worker_app
    rep = make_user("rep")
    company = make_company(app, rep, "Dalian Harbour")
    _due_reminders(app, rep, company, 2)
    with app.app_context():
        run_sweeps()
        db.session.remove()
    SimpleWorker(list(QUEUES), connection=redis.Redis.from_url(redis_url)).work(burst=True)
    assert len(_notifications(app, rep)) == 2
    assert _pending(app) == 0


def test_the_bell_counts_and_the_page_shows_and_reads_ones_own(app, client, login_as,
                                                               make_user):
    other = make_user("rep", team="Team B")
    rep = login_as("rep")
    company = make_company(app, rep, "Bell & Co")
    other_company = make_company(app, other, "Hidden Co")
    _due_reminders(app, rep, company, 2)
    _due_reminders(app, other, other_company, 1)
    with app.app_context():
        deliver_due_reminders("t5")
        db.session.remove()
    bell = client.get("/notifications/bell", headers={"HX-Request": "true"})
    assert bell.status_code == 200
    assert 'class="bell-count" aria-hidden="true">2<' in bell.get_data(as_text=True)
    page = client.get("/notifications").get_data(as_text=True)
    assert page.count(f'href="/companies/{company}"') == 2 and "Bell &amp; Co" in page
    assert "Hidden Co" not in page
    assert page.count('class="notification unread"') == 2
    bell = client.get("/notifications/bell", headers={"HX-Request": "true"})
    assert "bell-count" not in bell.get_data(as_text=True), "opening the page read them"
    assert client.get("/notifications").get_data(as_text=True).count(
        'class="notification unread"') == 0
    others = _notifications(app, other)
    assert len(others) == 1 and others[0].read_at is None


def test_a_follow_up_logged_on_the_page_reminds_through_the_sweep(app, hx, login_as):
    """End to end: the form's next contact, then (once due) the rep's notification."""
    rep = login_as("rep")
    company = make_company(app, rep, "Acme")
    with app.test_request_context():
        from flask_babel import get_timezone
        zone = get_timezone()
    soon = (utcnow() + timedelta(minutes=30)).astimezone(zone).strftime("%Y-%m-%dT%H:%M")
    assert hx.post(f"/companies/{company}/notes", data={
        "method": "call", "outcome": "follow_up", "body": "Call back about the price",
        "next_contact_at": soon}).status_code == 200
    with app.app_context():
        assert deliver_due_reminders("t6") == 0, "not due yet"
        db.session.execute(update(Reminder).values(due_at=utcnow() - timedelta(minutes=1)))
        db.session.commit()
        assert deliver_due_reminders("t7") == 1
        note_id = db.session.scalar(select(Note.id))
        reminder = db.session.scalars(select(Reminder)).one()
        assert reminder.note_id == note_id
        db.session.remove()
    (notification,) = _notifications(app, rep)
    assert notification.kind == "next_contact" and notification.params["name"] == "Acme"
