"""What a screen reader hears: the one live region for messages (also after a redirect),
errors that stay until dismissed, the number of results after a search, and inline checks
that mark their field invalid."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from crm.records import registry
from tests import factories
from tests.browser.test_customers_quick_add import _email, _sign_in

pytestmark = pytest.mark.browser


def test_search_results_are_counted_in_a_live_region(app, live_server, page_for, make_user):
    rep = make_user("rep", name="Count Rep")
    company = registry.get("company")
    for name in ("Alpha Tea", "Beta Tea", "Gamma Steel"):
        factories.make(app, company, rep, name=name)
    page = page_for("desktop")
    _sign_in(page, live_server, _email(app, rep))
    page.goto(f"{live_server}/companies")
    region = page.locator(".result-count[role=status] #result-count")
    expect(region).to_have_text("3 companies")
    page.fill("#q", "tea")
    expect(region).to_have_text("2 companies")
    expect(page.locator("#record-table")).not_to_have_attribute("aria-busy", "true")
    assert page.console_errors == []


def test_messages_after_a_redirect_reach_the_live_region_and_errors_stay(
        app, live_server, page_for, make_user):
    rep = make_user("rep", name="Toast Rep")
    page = page_for("desktop")
    _sign_in(page, live_server, _email(app, rep))
    page.goto(f"{live_server}/companies/new")
    page.fill("#record-form input[name=name]", "Redirected Trading")
    page.click("#record-form button[type=submit].primary")
    page.wait_for_url("**/companies/*")
    expect(page.locator("#toasts[role=status] .toast")).to_contain_text(
        "Redirected Trading added.")
    page.goto(f"{live_server}/companies")
    page.evaluate("() => document.body.dispatchEvent(new CustomEvent('toast', {detail: "
                  "{value: [{message: 'Could not save', category: 'error'}]}}))")
    error = page.locator("#toasts .toast-error[role=alert]")
    expect(error).to_contain_text("Could not save")
    page.locator("#toasts .toast-close").click()
    expect(error).to_have_count(0)


def test_an_inline_check_marks_the_field_invalid_and_clears_it(app, live_server, page_for,
                                                               make_user):
    page = page_for("phone")
    _sign_in(page, live_server, _email(app, make_user("rep", name="Check Rep")))
    page.goto(f"{live_server}/companies/new")
    phone = page.locator("#record-form input[name=phone]")
    phone.fill("12ab")
    page.locator("#record-form input[name=email]").focus()  # leaving the field checks it
    expect(phone).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#err-phone")).to_contain_text("cannot contain letters")
    assert "err-phone" in phone.get_attribute("aria-describedby")
    phone.fill("138 0013 8000")
    page.locator("#record-form input[name=email]").focus()
    expect(page.locator("#err-phone")).to_contain_text("Valid")
    expect(phone).not_to_have_attribute("aria-invalid", "true")
