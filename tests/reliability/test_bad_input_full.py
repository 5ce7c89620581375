"""The generated bad-input checks of tests/test_bad_input.py at full size: 1,000 requests per
form, list and record route, so every field and argument gets 1,000 bad values.

Minutes, not seconds, so CI runs it once, on PostgreSQL: that is where a value beyond a
column's range or a NUL byte is refused by the database itself (SQLite stores either), so
it is the run that can find a 500. On SQLite tests/test_bad_input.py sends 40 per field and
tests/test_ids.py covers the 2^63 limit; CRM_BAD_INPUT_FULL=1 runs this file there too."""

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


@pytest.fixture(autouse=True)
def _postgresql_only(app):
    import os

    from crm.extensions import db

    with app.app_context():
        kind = db.engine.dialect.name
    if kind != "postgresql" and os.environ.get("CRM_BAD_INPUT_FULL") != "1":
        pytest.skip("the 1,000-value run is CI's PostgreSQL pass (CRM_BAD_INPUT_FULL=1 runs "
                    "it on SQLite)")


@pytest.mark.parametrize("form", FORMS, ids=[f[0] for f in FORMS])
def test_1000_bad_values_in_every_form_field(app, client, signed_in, form):  # noqa: F811
    check_form(app, client, signed_in, form, FULL)


@pytest.mark.parametrize("key", ["company", "contact"])
def test_1000_bad_values_in_every_list_argument(app, client, signed_in, key):  # noqa: F811
    check_list(app, client, key, FULL)


def test_1000_bad_values_in_notes_checks_and_record_arguments(app, client,
                                                              signed_in):  # noqa: F811
    check_record_routes(app, client, signed_in, FULL)
