"""The list on a 360 px phone: compact cards, one-tap presets, saved views that follow live
filtering, and quick add that keeps what is typed while a slow save is under way."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import update

from crm.database import utcnow
from crm.extensions import db
from crm.models import Company
from crm.records import registry
from tests import factories
from tests.browser.test_customers_quick_add import _email, _sign_in

pytestmark = pytest.mark.browser


def _companies(app, owner: int, n: int) -> list[int]:
    company = registry.get("company")
    return [factories.make(app, company, owner, name=f"Card Company {i:02d}",
                           phone=f"138 0013 {8000 + i}", tags="VIP") for i in range(n)]


def test_seven_cards_fit_a_phone_screen_and_a_card_opens_its_record(app, live_server,
                                                                    page_for, make_user):
    rep = make_user("rep", name="Card Rep")
    ids = _companies(app, rep, 12)
    page = page_for("phone")
    page.set_viewport_size({"width": 360, "height": 780})  # the phone screen
    _sign_in(page, live_server, _email(app, rep))
    page.goto(f"{live_server}/companies")
    cards = page.locator("#record-rows tr[id^=company-]")
    expect(cards).to_have_count(12)
    height = page.viewport_size["height"]
    visible = [box for box in (cards.nth(i).bounding_box() for i in range(12))
               if box["y"] + box["height"] <= height]
    assert len(visible) >= 7, f"{len(visible)} cards fit a {height} px screen"
    call = cards.first.locator("a.call")
    box = call.bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44
    assert call.get_attribute("href").startswith("tel:+86")
    first = cards.first.bounding_box()
    page.mouse.click(first["x"] + first["width"] * 0.4, first["y"] + first["height"] * 0.8)
    page.wait_for_url(f"{live_server}/companies/{ids[-1]}")
    assert page.console_errors == []


def test_presets_filter_in_one_tap(app, live_server, page_for, make_user):
    rep = make_user("rep", name="Preset Rep")
    ids = _companies(app, rep, 3)
    with app.app_context():
        db.session.execute(update(Company).where(Company.id == ids[0])
                           .values(last_contact_at=utcnow() - timedelta(days=45)))
        db.session.execute(update(Company).where(Company.id == ids[1])
                           .values(last_contact_at=utcnow()))
        db.session.commit()
        db.session.remove()
    page = page_for("phone")
    _sign_in(page, live_server, _email(app, rep))
    page.goto(f"{live_server}/companies")
    page.click(".presets a:has-text('Not contacted for 30 days')")
    page.wait_for_url("**quiet=30")
    expect(page.locator(".presets a[aria-current=true]")).to_have_text(
        "Not contacted for 30 days")
    rows = page.locator("#record-rows tr[id^=company-]")
    expect(rows).to_have_count(2)  # 45 days ago, and never
    page.click(".presets a:has-text('Never contacted')")
    page.wait_for_url("**quiet=never")
    expect(rows).to_have_count(1)
    expect(page.locator(f"#company-{ids[2]}")).to_be_visible()


def test_saved_views_follow_live_filtering(app, live_server, page_for, make_user):
    rep = make_user("rep", name="View Rep")
    _companies(app, rep, 3)
    page = page_for("phone")
    _sign_in(page, live_server, _email(app, rep))
    page.goto(f"{live_server}/companies")
    expect(page.locator(".save-view")).to_have_count(0)
    page.fill("#q", "Company 01")
    expect(page.locator("#result-count")).to_have_text("1 company")
    form = page.locator(".save-view")
    expect(form).to_be_visible()  # without reloading the page
    expect(page.locator("#saved-views a.button:has-text('Clear')")).to_be_visible()
    form.locator("input[name=name]").fill("Company one")
    form.locator("button").click()
    page.wait_for_url("**q=Company*")
    active = page.locator(".saved-view.active a[aria-current=true]")
    expect(active).to_have_text("Company one")


def test_typing_during_a_slow_quick_add_is_kept(app, live_server, page_for, make_user):
    rep = make_user("rep", name="Fast Rep")
    page = page_for("phone")
    _sign_in(page, live_server, _email(app, rep))
    page.goto(f"{live_server}/companies")
    page.click("#quick-add-open")
    name = page.locator("#quick-add input[name=name]")
    expect(name).to_be_focused()
    held = []
    page.route("**/companies", lambda route: held.append(route)
               if route.request.method == "POST" else route.continue_())
    name.type("Slow Link Trading")
    page.keyboard.press("Enter")
    expect(page.locator("#quick-add[aria-busy=true]")).to_have_count(1)
    for _ in range(500):  # until the save is held at the route (each call lets it arrive)
        if held:
            break
        page.evaluate("() => 1")
    assert held, "the save never reached the network"
    page.keyboard.type(" Next One")  # the rep goes on typing the next name
    held[0].continue_()
    page.wait_for_selector("#record-rows tr:has-text('Slow Link Trading')")
    new_name = page.locator("#quick-add input[name=name]")
    expect(new_name).to_have_value("Next One")
    expect(new_name).to_be_focused()
    page.unroute("**/companies")
    assert page.console_errors == []
