"""A visit check-in on a phone (360 px): one tap with the location permission granted logs
a visit with where the phone is; refused, it is logged without a location and the rep is
told why."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from crm.extensions import db
from crm.models import Note
from crm.records import registry
from tests import factories
from tests.browser.test_customers_quick_add import _email, _sign_in

pytestmark = pytest.mark.browser


def _notes(app, record_id):
    from crm.models import Company

    with app.app_context():
        link = db.session.get(Company, record_id).record_id
        found = [(n.check_in, n.method, n.latitude, n.longitude, n.location_accuracy)
                 for n in db.session.scalars(select(Note).where(Note.record_id == link))]
        db.session.remove()
    return found


def test_a_check_in_with_the_location_granted(app, live_server, page_for, make_user):
    rep = make_user("rep", name="Geo Rep")
    record_id = factories.make(app, registry.get("company"), rep, name="Lakeside Tea")
    page = page_for("phone")
    page.context.grant_permissions(["geolocation"], origin=live_server)
    page.context.set_geolocation({"latitude": 31.2304, "longitude": 121.4737, "accuracy": 25})
    _sign_in(page, live_server, _email(app, rep))
    page.goto(f"{live_server}/companies/{record_id}")
    page.click("#check-in")
    expect(page.locator("#toasts")).to_contain_text("Checked in.")
    entry = page.locator(".entry-note").first
    expect(entry).to_contain_text("Checked in")
    expect(entry).to_contain_text("within 25 m")
    link = entry.locator("a.map")
    expect(link).to_have_attribute(
        "href", "https://uri.amap.com/marker?position=121.473700,31.230400&coordinate=wgs84")
    assert _notes(app, record_id) == [("located", "visit", 31.2304, 121.4737, 25.0)]
    assert page.console_errors == []


def test_a_check_in_with_the_location_refused_is_saved_without_one(
        app, live_server, page_for, make_user):
    rep = make_user("rep", name="No Geo Rep")
    record_id = factories.make(app, registry.get("company"), rep, name="Hillside Tea")
    page = page_for("phone")
    page.context.clear_permissions()
    _sign_in(page, live_server, _email(app, rep))
    page.goto(f"{live_server}/companies/{record_id}")
    page.click("#check-in")
    expect(page.locator("#toasts")).to_contain_text("Location permission refused")
    expect(page.locator("#toasts")).to_contain_text("Checked in without a location.")
    expect(page.locator(".entry-note").first).to_contain_text("No location: location refused")
    assert _notes(app, record_id) == [("denied", "visit", None, None, None)]
    # the next note is an ordinary one, not another check-in
    page.fill("#note-form textarea[name=body]", "Left a catalogue")
    page.click("#note-form button[type=submit]")
    expect(page.locator(".entry-note").first).to_contain_text("Left a catalogue")
    assert sorted(n[0] or "" for n in _notes(app, record_id)) == ["", "denied"]
    assert page.console_errors == []


def test_on_a_phone_the_record_page_leads_with_action(app, live_server, page_for, make_user):
    rep = make_user("rep", name="Bar Rep")
    record_id = factories.make(app, registry.get("company"), rep, name="Riverside Tea")
    page = page_for("phone")
    _sign_in(page, live_server, _email(app, rep))
    page.goto(f"{live_server}/companies/{record_id}")
    bar = page.locator("#action-bar")
    expect(bar).to_be_visible()
    box = bar.bounding_box()
    assert box["y"] + box["height"] <= 740 and box["y"] > 500, box  # in reach, no scrolling
    actions = bar.locator(".action:visible")
    expect(actions).to_have_count(4)
    for i in range(4):
        size = actions.nth(i).bounding_box()
        assert size["width"] >= 44 and size["height"] >= 44, size
    expect(bar.locator("a[href^='tel:']")).to_have_count(1)
    expect(page.locator("#all-fields")).not_to_have_attribute("open", "")
    # the follow-up form comes before the folded field list
    form_top = page.locator("#note-form").bounding_box()["y"]
    assert form_top < page.locator("#all-fields").bounding_box()["y"] + 800
    page.mouse.wheel(0, 3000)
    bar.locator("[data-log]").click()
    focused = page.evaluate("document.activeElement.closest('#note-form') !== null")
    assert focused
    top = page.locator("#note-form").bounding_box()["y"]
    header = page.locator("header").first.bounding_box()
    assert header["y"] + header["height"] <= top < 600, (header, top)
    expect(bar).to_be_visible()
    assert page.console_errors == []


def test_on_a_desktop_the_record_page_is_unchanged(app, live_server, page_for, make_user):
    rep = make_user("rep", name="Desk Rep")
    record_id = factories.make(app, registry.get("company"), rep, name="Desk Tea")
    page = page_for("desktop")
    _sign_in(page, live_server, _email(app, rep))
    page.goto(f"{live_server}/companies/{record_id}")
    expect(page.locator("#action-bar")).to_be_hidden()
    expect(page.locator("#all-fields")).to_have_attribute("open", "")
    facts = page.locator(".key-facts").bounding_box()["y"]
    assert facts < page.locator("#timeline").bounding_box()["y"]
    assert page.console_errors == []


def test_a_check_in_made_offline_keeps_its_place_and_time(app, live_server, browser,
                                                          make_user):
    from datetime import UTC, datetime, timedelta

    from flask_babel import get_timezone

    from tests.browser.conftest import VIEWPORTS

    rep = make_user("rep", name="Offline Geo Rep")
    record_id = factories.make(app, registry.get("company"), rep, name="Mountain Tea")
    with app.test_request_context():
        zone = str(get_timezone())
    # the phone's clock is in the installation's time zone, as a rep's phone in China is
    context = browser.new_context(**VIEWPORTS["phone"], locale="en-US", timezone_id=zone)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.context.grant_permissions(["geolocation"], origin=live_server)
    page.context.set_geolocation({"latitude": 22.5431, "longitude": 114.0579, "accuracy": 40})
    _sign_in(page, live_server, _email(app, rep))
    page.goto(f"{live_server}/companies/{record_id}")
    page.context.set_offline(True)
    tapped = datetime.now(UTC)
    page.click("#check-in")
    page.wait_for_selector("#offline-pending li:has-text('Check in')")
    assert _notes(app, record_id) == []
    page.wait_for_timeout(1500)
    page.context.set_offline(False)  # the browser fires "online": the check-in is sent
    page.wait_for_selector(".entry-note:has-text('Checked in')")
    assert _notes(app, record_id) == [("located", "visit", 22.5431, 114.0579, 40.0)]
    with app.app_context():
        happened = db.session.scalars(select(Note.happened_at)).one()
        db.session.remove()
    # the minute of the tap, not of the send
    assert tapped - timedelta(minutes=1) <= happened <= tapped + timedelta(seconds=1)
    context.close()
