"""The record page in a browser: tags as chips with suggestions, and delete that asks once
and can be undone from its message."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from crm.records import registry
from tests import factories
from tests.browser.test_customers_quick_add import _email, _sign_in

pytestmark = pytest.mark.browser


def test_tags_are_chips_with_suggestions(app, live_server, page_for, make_user):
    rep = make_user("rep", name="Chip Rep")
    company = registry.get("company")
    factories.make(app, company, rep, name="Other Co", tags="重点客户")
    record_id = factories.make(app, company, rep, name="Chip Trading", tags="VIP")
    page = page_for("phone")
    _sign_in(page, live_server, _email(app, rep))
    page.goto(f"{live_server}/companies/{record_id}")
    page.click("#all-fields > summary")  # the field list is folded on a phone
    page.click("#fld-tags .field-label")  # the row itself opens the editor
    adder = page.locator("#fld-tags .chips input")
    expect(adder).to_be_focused()
    expect(page.locator("#fld-tags .chip-tag")).to_have_text(["VIP×"])
    options = page.locator("#fld-tags datalist option")
    assert "重点客户" in [options.nth(i).get_attribute("value") for i in range(options.count())]
    adder.type("华东")
    adder.press("Enter")
    expect(page.locator("#fld-tags .chip-tag")).to_have_count(2)
    page.click("#fld-tags .chip-tag:has-text('VIP') button")  # remove VIP
    adder.type("新客户")  # typed, not yet added: saving takes it too
    page.click("#fld-tags button[type=submit]")
    expect(page.locator("#fld-tags .field-value a.badge")).to_have_text(["华东", "新客户"])
    expect(page.locator("#fld-tags .edit-field")).to_be_focused()
    assert page.console_errors == []


def test_delete_asks_once_and_its_message_undoes_it(app, live_server, page_for, make_user):
    rep = make_user("rep", name="Undo Rep")
    record_id = factories.make(app, registry.get("company"), rep, name="Oops Trading")
    page = page_for("desktop")
    _sign_in(page, live_server, _email(app, rep))
    page.goto(f"{live_server}/companies/{record_id}")
    questions = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    page.click("button.danger")
    assert questions == ["Move Oops Trading to the trash? You can undo it."]
    expect(page).to_have_url(f"{live_server}/companies/{record_id}")  # said no: still there
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("button.danger")
    page.wait_for_url(f"{live_server}/companies")
    toast = page.locator("#toasts .toast:has-text('Oops Trading moved to the trash')")
    expect(toast).to_be_visible()
    toast.locator("button.toast-action").click()
    page.wait_for_url(f"{live_server}/companies/{record_id}")
    expect(page.locator("h1")).to_contain_text("Oops Trading")
    assert page.console_errors == []
