"""Shared field validators: phone (with the E.164 result), email, URL, regions, plain text."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict
from wtforms import Form, StringField

from crm import validators
from crm.services.phones import MESSAGES


class _Form(Form):
    phone = StringField(validators=[validators.Phone()])
    email = StringField(validators=[validators.Email()])
    website = StringField(validators=[validators.Url()])
    province = StringField(validators=[validators.Province()])
    city = StringField(validators=[validators.City()])
    text = StringField(validators=[validators.PlainText()])


def test_phone_messages_are_all_marked_for_translation():
    assert set(validators.PHONE_MESSAGES) == set(MESSAGES.values())


@pytest.mark.parametrize("data, errors", [
    ({"phone": "138 0013 8000"}, set()),
    ({"phone": "+1 650 253 0000"}, set()),
    ({"phone": "12345"}, {"phone"}),
    ({"email": "a@b.cn", "website": "https://www.acme.cn/x?y=1"}, set()),
    ({"email": "a@b", "website": "javascript:alert(1)"}, {"email", "website"}),
    ({"province": "广东", "city": "深圳"}, set()),
    ({"province": "广东", "city": "杭州"}, {"city"}),
    ({"city": "深圳"}, {"city"}),
    ({"province": "Atlantis"}, {"province"}),
    ({"text": "<b>markup is fine</b>"}, set()),
    ({"text": "bell\x07"}, {"text"}),
])
def test_validators(app, data, errors):
    with app.test_request_context():
        form = _Form(MultiDict(data))
        form.validate()
        assert set(form.errors) == errors
        if data.get("phone") == "138 0013 8000":
            assert form.phone.e164 == "+8613800138000"


def test_phone_messages_name_the_region_in_the_users_language(app):
    from crm.services.phones import PhoneError
    from crm.validators import phone_message

    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        text = phone_message(PhoneError("too_short", region="CN"))
        assert "中国" in text and "CN" not in text
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert "region China" in phone_message(PhoneError("too_short", region="CN"))
