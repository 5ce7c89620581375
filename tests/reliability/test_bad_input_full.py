"""The generated bad-input checks of tests/test_bad_input.py at full size: 1,000 requests per
form, list and record route, so every field and argument gets 1,000 bad values (minutes,
not seconds: it runs with the slower harnesses in `make test` and CI)."""

from __future__ import annotations

import pytest

from tests.test_bad_input import (
    FORMS,
    check_form,
    check_list,
    check_record_routes,
    signed_in,  # noqa: F401 - the fixture
)

FULL = 1000


@pytest.mark.parametrize("form", FORMS, ids=[f[0] for f in FORMS])
def test_1000_bad_values_in_every_form_field(app, client, signed_in, form):  # noqa: F811
    check_form(app, client, signed_in, form, FULL)


@pytest.mark.parametrize("key", ["company", "contact"])
def test_1000_bad_values_in_every_list_argument(app, client, signed_in, key):  # noqa: F811
    check_list(app, client, key, FULL)


def test_1000_bad_values_in_notes_checks_and_record_arguments(app, client,
                                                              signed_in):  # noqa: F811
    check_record_routes(app, client, signed_in, FULL)
