"""Tasks on a phone (360 px): add one from a customer's page (the customer prefilled), then
mark it done from My day with one tap."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from crm.database import utcnow
from crm.extensions import db
from crm.models import Task
from crm.records import registry
from tests import factories
from tests.browser.conftest import screenshot
from tests.browser.test_customers_quick_add import _email, _sign_in

pytestmark = pytest.mark.browser


def test_a_rep_adds_a_task_from_a_customer_and_completes_it_from_my_day(
        app, live_server, page_for, make_user):
    rep = make_user("rep", name="Road Rep")
    record_id = factories.make(app, registry.get("company"), rep, name="Harbour Tea")
    page = page_for("phone")
    _sign_in(page, live_server, _email(app, rep))
    page.goto(f"{live_server}/companies/{record_id}")
    tasks = page.locator("section.customer-tasks")
    expect(tasks).to_contain_text("No open tasks.")
    tasks.get_by_role("link", name="Add task").click()
    expect(page.locator("#record-form input[name=company]")).to_have_value("Harbour Tea")
    page.fill("#record-form input[name=title]", "Bring the tea samples")
    with app.test_request_context():
        from flask_babel import get_timezone
        zone = get_timezone()
    due = (utcnow() - timedelta(hours=1)).astimezone(zone).strftime("%Y-%m-%dT%H:%M")
    page.fill("#record-form input[name=due_at]", due)
    page.click("#record-form button[type=submit]")
    expect(page.locator("h1")).to_contain_text("Bring the tea samples")

    page.goto(f"{live_server}/companies/{record_id}")
    expect(page.locator("section.customer-tasks")).to_contain_text("Bring the tea samples")

    page.goto(f"{live_server}/")
    row = page.locator("li[id^=day-task-]", has_text="Bring the tea samples")
    expect(row).to_contain_text("Overdue")
    screenshot(page, "my-day-task-phone")
    done = row.get_by_role("button", name="Mark Bring the tea samples done")
    box = done.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 360, "the button is on screen"
    done.click()
    expect(row).to_have_count(0)
    expect(page.locator("#toasts")).to_contain_text("Bring the tea samples done.")
    with app.app_context():
        status = db.session.scalar(select(Task.status).where(Task.title ==
                                                             "Bring the tea samples"))
        db.session.remove()
    assert status == "done"
    assert page.console_errors == []
