"""G1: a note written on a phone without a connection is kept and sent when back online."""

from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot
from tests.browser.test_customers_quick_add import _email, _sign_in

pytestmark = pytest.mark.browser


def _bodies(app, company_id: int) -> list[str]:
    from crm.extensions import db
    from crm.models import Note

    with app.app_context():
        bodies = list(db.session.scalars(db.select(Note.body).where(
            Note.company_id == company_id).order_by(Note.id)))
        db.session.remove()
    return bodies


def test_phone_note_written_offline_is_sent_once_when_back_online(app, live_server, page_for,
                                                                   make_user):
    from tests.blueprints.customer_helpers import make_company

    rep = make_user("rep", name="Road Rep")
    company = make_company(app, rep, "Acme")
    page = page_for("phone")
    _sign_in(page, live_server, _email(app, rep))
    page.goto(f"{live_server}/companies/{company}")
    page.context.set_offline(True)
    page.fill("#note-form textarea[name=body]", "Visit notes: wants 200 units")
    page.click("#note-form button[type=submit]")
    page.wait_for_selector("#offline-pending li:has-text('wants 200 units')")
    assert page.input_value("#note-form textarea[name=body]") == ""
    assert page.is_visible(".toast-warning")
    # a second note offline, then the page is reloaded later (the queue is on the device)
    page.fill("#note-form textarea[name=body]", "Second offline note")
    page.click("#note-form button[type=submit]")
    page.wait_for_selector("#offline-pending li:has-text('Second offline note')")
    screenshot(page, "note-offline-phone")
    assert _bodies(app, company) == []
    page.context.set_offline(False)  # the browser fires "online"
    page.wait_for_selector(".entry-note:has-text('wants 200 units')")
    page.wait_for_selector(".entry-note:has-text('Second offline note')")
    page.wait_for_selector("#offline-pending", state="hidden")
    assert _bodies(app, company) == ["Visit notes: wants 200 units", "Second offline note"]
    page.reload()  # nothing is sent twice
    page.wait_for_selector(".entry-note:has-text('Second offline note')")
    assert page.locator(".entry-note").count() == 2
    assert _bodies(app, company) == ["Visit notes: wants 200 units", "Second offline note"]
    # offline, Chromium and htmx report the failed sends; nothing else may appear
    expected = ("ERR_INTERNET_DISCONNECTED", "htmx:sendError", "htmx:afterRequest")
    faults = [e for e in page.console_errors if not any(x in e for x in expected)]
    assert faults == [], faults
