"""Generated bad input on the main forms and lists: huge and negative numbers, control
characters and NUL, invalid UTF-8 percent-encoding, 10,000-character text and emoji in every
form field and query argument. No answer is a server error, and an answer of 4xx writes
nothing (the row counts stay the same).

Every field and argument gets a bad value in each request. Here each form and list gets
EXAMPLES requests (CRM_BAD_INPUT_EXAMPLES, default 40, a few seconds each);
tests/reliability/test_bad_input_full.py runs the same checks with 1,000 per form and list
(1,000 bad values per field) in `make test` and CI. Hypothesis runs derandomized (the same
values every time) and keeps no example database.
"""

from __future__ import annotations

import os
import re
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crm.extensions import db
from crm.models import (
    Attachment,
    AuditLog,
    Company,
    Contact,
    Note,
    Record,
    Reminder,
    SavedView,
)
from crm.records import lists, registry
from tests.blueprints.customer_helpers import make_company, make_contact

EXAMPLES = int(os.environ.get("CRM_BAD_INPUT_EXAMPLES", "40"))


def _settings(examples: int):
    return settings(max_examples=examples, deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck))
COUNTED = (Company, Contact, Record, Note, Attachment, SavedView, AuditLog, Reminder)

_CONTROL = st.characters(min_codepoint=0, max_codepoint=31) | st.sampled_from("\x7f\x85")
_EMOJI = st.sampled_from(["😀", "👍🏽", "🇨🇳", "👨‍👩‍👧", "\u200d", "\ufe0f", "𠀀"])
_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)

# Each value is already percent-encoded, so invalid UTF-8 can be sent as it is. Text of
# 10,000 characters is one value in forty (every field still gets it many times).
_LONG = st.sampled_from(["a", "字", "😀"]).map(lambda c: quote(c * 10_000, safe=""))
_SHORT = st.one_of(
    st.sampled_from([2**31 - 1, 2**31, 2**32, 2**53 + 1, 2**63 - 1, 2**63, 2**64]).map(str),
    st.integers(min_value=2**31 - 2, max_value=10**40).map(str),
    st.integers(max_value=-1).map(str),
    st.sampled_from(["0", "-0", "1e309", "NaN", "inf", "9" * 400, "0x10", "١٢٣", "1.5"]).map(
        lambda v: quote(v, safe="")),
    st.lists(_CONTROL, min_size=1, max_size=4).map("".join).flatmap(
        lambda c: _TEXT.map(lambda t: t[:10] + c + t[10:])).map(lambda v: quote(v, safe="")),
    st.just("%00"),
    st.sampled_from(["%FF", "%C3%28", "%E4%B8", "%ED%A0%80", "%F8%88%80%80%80", "%", "%G1",
                     "%C0%AF", "abc%FE%FFdef"]),
    st.lists(_EMOJI, min_size=1, max_size=8).map("".join).map(lambda v: quote(v, safe="")),
    _TEXT.map(lambda v: quote(v, safe="")),
)
BAD = st.integers(0, 39).flatmap(lambda n: _LONG if n == 0 else _SHORT)


def _counts(app) -> tuple[int, ...]:
    with app.app_context():
        result = tuple(db.session.query(m).count() for m in COUNTED)
        db.session.remove()
    return result


def _fields(html: str) -> list[str]:
    """The names of a page's form fields (all of them, as the browser would send them)."""
    names = re.findall(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"', html)
    return sorted(set(names) - {"csrf_token"})


def _body(names, values) -> str:
    return "&".join(f"{quote(n, safe='')}={v}" for n, v in zip(names, values, strict=True))


def _check(app, before, response, what: str) -> None:
    assert response.status_code < 500, (what, response.status_code)
    if 400 <= response.status_code < 500:
        assert _counts(app) == before, (what, response.status_code)


def _post(client, url: str, body: str, hx: bool = False):
    headers = {"HX-Request": "true"} if hx else {}
    return client.post(url, data=body.encode("ascii"), headers=headers,
                       content_type="application/x-www-form-urlencoded")


@pytest.fixture
def signed_in(app, client, login_as, make_user):
    """A manager (who may change owners) with a company and a person to edit."""
    user = login_as("manager", team="North")
    make_user("rep", team="North")
    company = make_company(app, user, "Acme Trading")
    person = make_contact(app, user, "张伟", company_id=company)
    return {"company": company, "person": person}


FORMS = [("companies", "/companies/new", "/companies"),
         ("contacts", "/contacts/new", "/contacts"),
         ("company_edit", "/companies/{company}/edit", "/companies/{company}"),
         ("person_edit", "/contacts/{person}/edit", "/contacts/{person}")]


@pytest.mark.parametrize("form", FORMS, ids=[f[0] for f in FORMS])
def test_bad_values_in_every_form_field(app, client, signed_in, form):
    check_form(app, client, signed_in, form, EXAMPLES)


def check_form(app, client, signed_in, form, examples: int) -> None:
    _key, page, action = (part.format(**signed_in) for part in form)
    names = _fields(client.get(page).text)
    assert len(names) >= 8, names

    @_settings(examples)
    @given(values=st.lists(BAD, min_size=len(names), max_size=len(names)))
    def post(values):
        before = _counts(app)
        _check(app, before, _post(client, action, _body(names, values)), action)

    post()


def _list_args(rtype) -> list[str]:
    names = {"q", "sort", "trash", "after", "cols"}
    for flt in lists.filters_of(rtype):
        names.update(flt.arg_names)
    return sorted(names)


@pytest.mark.parametrize("key", ["company", "contact"])
def test_bad_values_in_every_list_argument(app, client, signed_in, key):
    check_list(app, client, key, EXAMPLES)


def check_list(app, client, key: str, examples: int) -> None:
    rtype = registry.get(key)
    with app.app_context():
        names = _list_args(rtype)
    assert len(names) >= 10, names

    @_settings(examples)
    @given(values=st.lists(BAD, min_size=len(names), max_size=len(names)), rows=st.booleans())
    def get(values, rows):
        url = f"/{rtype.plural}{'/rows' if rows else ''}?{_body(names, values)}"
        response = client.get(url, headers={"HX-Request": "true"} if rows else {})
        assert response.status_code < 500, url

    get()


def test_bad_values_in_notes_checks_and_record_arguments(app, client, signed_in):
    check_record_routes(app, client, signed_in, EXAMPLES)


def check_record_routes(app, client, signed_in, examples: int) -> None:
    """The note form, the inline field check, click-to-edit and the record's arguments."""
    company, person = signed_in["company"], signed_in["person"]

    @_settings(examples)
    @given(values=st.lists(BAD, min_size=12, max_size=12))
    def send(values):
        before = _counts(app)
        note = _post(client, f"/companies/{company}/notes",
                     _body(["body", "client_key", "method", "outcome", "happened_at",
                            "next_contact_at"], values[:2] + values[8:12]), hx=True)
        _check(app, before, note, "note")
        check = _post(client, f"/contacts/validate?field=email&exclude={values[2]}",
                      _body(["email"], values[3:4]), hx=True)
        _check(app, before, check, "validate")
        before = _counts(app)
        field = _post(client, f"/contacts/{person}/field?name=company",
                      _body(["company", "version"], values[4:6]), hx=True)
        _check(app, before, field, "field")
        for url in (f"/companies/{company}/history?before={values[6]}",
                    f"/contacts/new?company_id={values[7]}",
                    f"/admin/audit?before={values[6]}&entity_id={values[7]}",
                    f"/notifications?before={values[6]}", f"/calendar/{values[7]}.ics",
                    f"/companies/export?format=csv&owner={values[6]}&q={values[7]}"):
            response = client.get(url, headers={"HX-Request": "true"})
            assert response.status_code < 500, url

    send()
