"""G1 on a phone: notes written offline are kept and sent later; voice input into notes."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.browser.test_customers_quick_add import _email, _sign_in

pytestmark = pytest.mark.browser


def _bodies(app, company_id: int) -> list[str]:
    from crm.extensions import db
    from crm.models import Company, Note

    with app.app_context():
        bodies = list(db.session.scalars(db.select(Note.body).where(
            Note.record_id == db.select(Company.record_id).where(
                Company.id == company_id).scalar_subquery()).order_by(Note.id)))
        db.session.remove()
    return bodies


def _on_company_page(app, live_server, page_for, make_user, init_script: str = ""):
    """A rep signed in on a phone, on the page of their company "Acme": (page, company id)."""
    from tests.blueprints.customer_helpers import make_company

    rep = make_user("rep", name="Road Rep")
    company = make_company(app, rep, "Acme")
    page = page_for("phone")
    if init_script:
        page.add_init_script(init_script)
    _sign_in(page, live_server, _email(app, rep))
    page.goto(f"{live_server}/companies/{company}")
    return page, company


def _write_offline(page, text: str) -> None:
    page.fill("#note-form textarea[name=body]", text)
    page.click("#note-form button[type=submit]")
    page.wait_for_selector(f"#offline-pending li:has-text('{text[:10]}')")


def test_phone_note_written_offline_is_sent_once_when_back_online(app, live_server, page_for,
                                                                   make_user):
    page, company = _on_company_page(app, live_server, page_for, make_user)
    page.context.set_offline(True)
    _write_offline(page, "Visit notes: wants 200 units")
    assert page.input_value("#note-form textarea[name=body]") == ""
    assert page.is_visible(".toast-warning")
    # a second note offline, then the page is reloaded later (the queue is on the device)
    _write_offline(page, "Second offline note")
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


# The browser's speech service is outside world we cannot run here: a stand-in recognizer
# that "hears" a fixed sentence when started.
FAKE_RECOGNITION = """
window.webkitSpeechRecognition = window.SpeechRecognition = function () {
  var self = this;
  window.__voiceStarted = 0;
  this.start = function () {
    window.__voiceStarted += 1;
    window.__voiceLang = self.lang;
    setTimeout(function () {
      var result = [{transcript: " wants a quote by Friday "}];
      result.isFinal = true;
      self.onresult({resultIndex: 0, results: [result]});
    }, 50);
  };
  this.stop = function () { setTimeout(function () { self.onend && self.onend(); }, 0); };
};
"""


def test_phone_voice_input_appends_to_the_note(app, live_server, page_for, make_user):
    page, _company = _on_company_page(app, live_server, page_for, make_user, FAKE_RECOGNITION)
    page.fill("#note-form textarea[name=body]", "Called:")
    page.click("#note-voice")
    assert page.get_attribute("#note-voice", "aria-pressed") == "true"
    expect(page.locator("#note-form textarea[name=body]")).to_have_value(re.compile("quote"))
    assert page.input_value("#note-form textarea[name=body]") == "Called: wants a quote by Friday"
    assert page.evaluate("window.__voiceLang") == "en-US"
    page.click("#note-voice")  # tap again: stops
    expect(page.locator("#note-voice")).to_have_attribute("aria-pressed", "false")
    page.click("#note-form button[type=submit]")
    page.wait_for_selector(".entry-note:has-text('wants a quote by Friday')")
    # the timeline came back from the server: the button is offered again
    expect(page.locator("#note-voice")).to_be_visible()
    assert page.console_errors == []


def test_voice_button_hidden_where_the_browser_cannot_listen(app, live_server, page_for,
                                                             make_user):
    page, _company = _on_company_page(app, live_server, page_for, make_user,
                                      "delete window.webkitSpeechRecognition; "
                                      "delete window.SpeechRecognition;")
    page.wait_for_selector("#note-form textarea")
    assert page.locator("#note-voice").count() == 1 and not page.is_visible("#note-voice")


def test_phone_offline_note_whose_customer_is_gone_is_kept_until_discarded(
        app, live_server, page_for, make_user):
    from crm.extensions import db
    from crm.models import Company

    page, company = _on_company_page(app, live_server, page_for, make_user)
    page.context.set_offline(True)
    _write_offline(page, "Price list promised for Monday")
    with app.app_context():  # meanwhile a manager moved the customer to the trash
        db.session.get(Company, company).deleted_at = db.func.now()
        db.session.commit()
        db.session.remove()
    page.context.set_offline(False)  # the send answers 404: the note stays on the phone
    page.goto(f"{live_server}/")  # (sent again from here if the page left before the answer)
    banner = page.locator("#offline-failed")
    expect(banner).to_be_visible()
    expect(banner.locator("li")).to_contain_text("Price list promised for Monday")
    assert _bodies(app, company) == []
    screenshot(page, "note-offline-failed-phone")
    banner.locator("button[data-discard]").click()
    expect(banner).to_be_hidden()
    assert page.evaluate("localStorage.getItem('qiao.offlineNotes')") == "[]"
    page.reload()
    expect(page.locator("#offline-failed")).to_be_hidden()
    faults = [e for e in page.console_errors
              if not any(x in e for x in ("ERR_INTERNET_DISCONNECTED", "htmx:sendError",
                                          "htmx:afterRequest", "status of 404"))]
    assert faults == [], faults
