"""Two-click entry on a phone: quick add, phone check on leaving the field, duplicate prompt."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.browser


def _sign_in(page, live_server, email):
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{live_server}/")


def _email(app, user_id):
    from crm.extensions import db
    from crm.models import User

    with app.app_context():
        email = db.session.get(User, user_id).email
        db.session.remove()
    return email


def test_phone_quick_add_twice_and_duplicate_prompt(app, live_server, page_for, make_user):
    email = _email(app, make_user("rep", name="Road Rep"))
    page = page_for("phone")
    _sign_in(page, live_server, email)
    page.goto(f"{live_server}/companies")
    page.click("#quick-add-open")
    page.wait_for_selector("#quick-add input[name=name]")
    page.fill("#quick-add input[name=phone]", "12345")
    page.fill("#quick-add input[name=name]", "字节跳动")  # leaving the phone field checks it
    page.wait_for_selector("#err-phone:has-text('too short')")
    page.fill("#quick-add input[name=phone]", "138 0013 8000")
    page.press("#quick-add input[name=phone]", "Enter")
    page.wait_for_selector("#record-rows tr:has-text('字节跳动')")
    # The cursor is on the name, ready for the next entry (waits at most 2 s for it).
    # (expect, not wait_for_function: polling a JS string needs eval, which our CSP blocks)
    expect(page.locator("#quick-add input[name=name]")).to_be_focused(timeout=2000)
    assert page.input_value("#quick-add input[name=name]") == ""
    page.fill("#quick-add input[name=name]", "北京字节跳动科技有限公司")
    page.press("#quick-add input[name=name]", "Enter")
    page.wait_for_selector("#dup-prompt")
    expect(page.locator("#dup-title")).to_be_focused()  # read out by a screen reader
    page.click("#dup-prompt button[name=confirm_new]")
    page.wait_for_selector("#record-rows tr:has-text('北京字节跳动科技有限公司')")
    assert page.locator("#record-rows tr[id^=company-]").count() == 2
    assert not page.is_visible("#record-rows tr.empty")
    assert page.console_errors == []
    screenshot(page, "companies-quick-add-phone")


def test_phone_customer_page_click_to_edit_and_photo_note(app, live_server, page_for,
                                                         make_user, tmp_path):
    from tests.blueprints.customer_helpers import make_company

    rep = make_user("rep", name="Road Rep")
    company = make_company(app, rep, "Acme", phones=["+8613800138000"], province="广东",
                           city="深圳", address="科技园 1 号", special_requests="只在下午联系")
    page = page_for("phone")
    _sign_in(page, live_server, _email(app, rep))
    page.goto(f"{live_server}/companies/{company}")
    assert page.is_visible("#special-requests")
    assert page.get_attribute("a.tel", "href") == "tel:+8613800138000"
    page.click("#all-fields > summary")  # the field list is folded on a phone
    page.click("#fld-website button.edit-field")
    page.fill("#fld-website input[name=website]", "not a url")
    page.press("#fld-website input[name=website]", "Enter")
    page.wait_for_selector("#fld-website .error:has-text('web address')")
    page.fill("#fld-website input[name=website]", "www.acme.cn")
    page.press("#fld-website input[name=website]", "Enter")
    page.wait_for_selector("#fld-website a:has-text('www.acme.cn')")
    photo = tmp_path / "visit.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    page.fill("#note-form textarea[name=body]", "拜访客户 <b>hello</b>")
    page.set_input_files("#note-photo", str(photo))
    page.click("#note-form button[type=submit]")
    page.wait_for_selector(".entry-note:has-text('visit.png')")
    assert page.is_visible(".entry-note:has-text('<b>hello</b>')")
    page.click("#history summary")  # the history loads when opened
    page.wait_for_selector("#history-body table.history td:has-text('www.acme.cn')")
    assert page.console_errors == []
    screenshot(page, "company-page-phone")


def test_phone_full_form_adds_phone_rows(app, live_server, page_for, make_user):
    """The full form: "add another phone" twice, a bad number refused, then all saved."""
    page = page_for("phone")
    _sign_in(page, live_server, _email(app, make_user("rep", name="Road Rep")))
    page.goto(f"{live_server}/contacts/new")
    page.fill("input[name=name]", "王芳")
    page.fill("input[name=phone]", "138 0013 8000")
    page.fill("input[name='phones-0-number']", "010 6552 9988")
    page.click("#add-phone")
    page.wait_for_selector("input[name='phones-1-number']")
    expect(page.locator("input[name='phones-1-number']")).to_be_focused(timeout=2000)
    page.keyboard.type("12345")
    page.click("#add-phone")  # leaving the field checks it
    page.wait_for_selector("#err-phones-1-number:has-text('too short')")
    # the new row takes the cursor (autofocus, again at htmx's settle): let it land before
    # typing elsewhere, or the late focus move swallows the change event of that field
    expect(page.locator("input[name='phones-2-number']")).to_be_focused()
    page.wait_for_timeout(100)
    page.fill("input[name='phones-1-number']", "+44 20 7946 0018")
    page.press("input[name='phones-1-number']", "Tab")  # leaving the number checks it
    # wait for that check's answer: swapped in while Save is pressed, it shifts the button
    expect(page.locator("#err-phones-1-number")).to_contain_text("Valid")
    page.select_option("select[name='phones-1-kind']", "work")
    page.click("#record-form button[type=submit].primary")
    page.wait_for_selector("a.tel")
    assert page.get_attribute("a.tel", "href") == "tel:+8613800138000"
    assert page.locator("a[href='tel:+861065529988']").count() == 1
    assert page.locator("a[href='tel:+442079460018']").count() == 1
    assert page.console_errors == []
    screenshot(page, "contact-form-phones-phone")


def test_phone_duplicate_of_another_reps_customer_asks_its_owner(app, live_server, page_for,
                                                                 make_user):
    from sqlalchemy import select

    from crm.extensions import db
    from crm.models import Notification
    from tests.blueprints.customer_helpers import make_company

    owner = make_user("rep", team="North", name="Owner Rep")
    make_company(app, owner, "杭州小鹿茶饮有限公司")
    page = page_for("phone")
    _sign_in(page, live_server, _email(app, make_user("rep", team="South", name="New Rep")))
    page.goto(f"{live_server}/companies")
    page.click("#quick-add-open")
    page.fill("#quick-add input[name=name]", "小鹿茶饮")
    page.press("#quick-add input[name=name]", "Enter")
    page.wait_for_selector("#dup-prompt")
    expect(page.locator("#dup-prompt")).to_contain_text("Owner Rep")
    page.click("#dup-prompt button:has-text('Ask the owner to transfer it to me')")
    expect(page.locator("#dup-prompt")).to_contain_text(
        "Asked: the owner and their manager are notified.")
    expect(page.locator("#quick-add input[name=name]")).to_have_value("小鹿茶饮")  # kept
    with app.app_context():
        assert db.session.scalars(select(Notification.user_id)).all() == [owner]
        db.session.remove()
    assert page.console_errors == []
