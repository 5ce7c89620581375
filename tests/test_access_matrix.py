"""Deny by default: every route declares who may use it, generated from the URL map."""

from __future__ import annotations

import pytest

from crm import create_app
from crm.permissions import ATTR, LOGIN, PUBLIC, ROLE_PERMISSIONS, rule_for
from tests.conftest import CrmClient, sign_in

ROLES = sorted(ROLE_PERMISSIONS)


def _endpoints(app):
    return sorted({r.endpoint for r in app.url_map.iter_rules()})


def _sample_url(rule) -> str:
    values = {arg: "company" if arg == "type_key" else 1 for arg in rule.arguments}
    return rule.build(values)[1]


def test_every_route_declares_its_access(app):
    with app.test_request_context():
        missing = [e for e in _endpoints(app) if rule_for(e) is None]
    assert missing == [], f"routes without an access rule: {missing}"


def test_an_undeclared_route_is_refused(app, make_user):
    """A view someone forgets to mark answers 404, even for an admin."""
    other = create_app({"TESTING": True,
                        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                        "CRM": dict(app.config["CRM"])})
    other.add_url_rule("/__undeclared", "undeclared", lambda: "secret")
    other.test_client_class = CrmClient
    client = other.test_client()
    sign_in(client, make_user("admin"))
    response = client.get("/__undeclared")
    assert response.status_code == 404 and b"secret" not in response.data


def _rules(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def test_anonymous_users_reach_only_public_routes(app, client):
    for rule, method in _rules(app):
        with app.test_request_context():
            declared = rule_for(rule.endpoint)
        if declared == PUBLIC:
            continue
        response = client.open(_sample_url(rule), method=method)
        assert response.status_code in (302, 401), (rule.rule, method, response.status_code)


@pytest.mark.parametrize("role", ROLES)
def test_roles_without_the_permission_get_404(app, client, login_as, role):
    login_as(role)
    held = ROLE_PERMISSIONS[role]
    for rule, method in _rules(app):
        view = app.view_functions[rule.endpoint]
        declared = getattr(view, ATTR, None)
        if declared in (PUBLIC, LOGIN) or declared is None or declared <= held:
            continue
        response = client.open(_sample_url(rule), method=method)
        assert response.status_code == 404, (role, rule.rule, method, response.status_code)
