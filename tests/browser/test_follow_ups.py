"""A follow-up on a phone: two taps (a way of contact, an outcome) and a next contact; the
reminder arrives on the bell once the sweep has run."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import update

from crm.database import utcnow
from crm.extensions import db
from crm.jobs.reminders import deliver_due_reminders
from crm.models import Reminder
from crm.records import registry
from tests import factories
from tests.browser.conftest import screenshot
from tests.browser.test_customers_quick_add import _email, _sign_in

pytestmark = pytest.mark.browser


def test_a_rep_logs_a_call_and_is_reminded_on_the_bell(app, live_server, page_for,
                                                       make_user):
    rep = make_user("rep", name="Road Rep")
    record_id = factories.make(app, registry.get("company"), rep, name="Harbour Tea")
    page = page_for("phone")
    _sign_in(page, live_server, _email(app, rep))
    page.goto(f"{live_server}/companies/{record_id}")
    outcome = page.locator("#note-form select[name=outcome]")
    expect(outcome).to_be_hidden()  # a plain note has no outcome
    page.click("#note-form label.chip-radio:has-text('Call')")
    expect(outcome).to_be_visible()
    outcome.select_option("no_answer")
    with app.test_request_context():
        from flask_babel import get_timezone
        zone = get_timezone()
    tomorrow = (utcnow() + timedelta(days=1)).astimezone(zone).strftime("%Y-%m-%dT%H:%M")
    page.fill("#note-form input[name=next_contact_at]", tomorrow)
    screenshot(page, "follow-up-phone")
    page.click("#note-form button[type=submit]")
    entry = page.locator(".entry-note").first
    expect(entry).to_contain_text("No answer")
    expect(entry).to_contain_text("Next contact:")
    expect(page.locator("#toasts")).to_contain_text("Follow-up logged.")
    expect(page.locator("#bell .bell-count")).to_have_count(0)

    with app.app_context():  # a day later: the clock's sweep finds the reminder due
        db.session.execute(update(Reminder).values(due_at=utcnow() - timedelta(minutes=1)))
        db.session.commit()
        assert deliver_due_reminders("browser") == 1
        db.session.remove()
    page.goto(f"{live_server}/companies")
    expect(page.locator("#bell .bell-count")).to_have_text("1")
    page.click("#bell")
    page.wait_for_url(f"{live_server}/notifications")
    link = page.locator(".notification.unread a")
    expect(link).to_have_text("Time to contact Harbour Tea (the next contact you planned).")
    link.click()
    page.wait_for_url(f"{live_server}/companies/{record_id}")
    expect(page.locator("#bell .bell-count")).to_have_count(0)  # read when shown
    assert page.console_errors == []


def test_my_day_on_a_phone_leads_with_what_to_do(app, live_server, page_for, make_user):
    rep = make_user("rep", name="Day Rep")
    company = registry.get("company")
    names = ["Overdue Tea", "Morning Tea", "Noon Tea"]
    ids = [factories.make(app, company, rep, name=n) for n in names]
    with app.app_context():
        links = dict(db.session.execute(
            company.model.__table__.select().with_only_columns(
                company.model.id, company.model.record_id)).all())
        for i, record_id in enumerate(ids):
            db.session.add(Reminder(user_id=rep, record_id=links[record_id],
                                    kind="next_contact",
                                    due_at=utcnow() + timedelta(minutes=i * 5 - 60)))
        db.session.commit()
        db.session.remove()
    page = page_for("phone")
    _sign_in(page, live_server, _email(app, rep))
    page.goto(f"{live_server}/")
    rows = page.locator("#plans-title + .day-list .day-item")
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text("Overdue")
    screenshot(page, "my-day-phone")
    call = rows.first.locator("a[href^='tel:']")
    box = call.bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44, box
    assert rows.nth(2).bounding_box()["y"] + 60 < 780, "three plans on the first screen"
    rows.first.locator("a:has-text('Log')").click()
    page.wait_for_url(f"{live_server}/companies/{ids[0]}#note-form")
    expect(page.locator("#note-form")).to_be_visible()
    assert page.console_errors == []
