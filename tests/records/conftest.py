"""The contract suite runs for every registered record type, the throw-away one included."""

from __future__ import annotations

import pytest

from crm.records import load_builtin_types, registry
from tests.records import gadget  # noqa: F401 - registers the third type

load_builtin_types()


def pytest_generate_tests(metafunc):
    if "rtype" in metafunc.fixturenames:
        types = registry.all_types()
        metafunc.parametrize("rtype", types, ids=[t.key for t in types])


@pytest.fixture
def rep(login_as):
    return login_as("rep", team="Team A")
