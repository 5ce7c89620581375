"""Who may use which route. Every view declares its access; undeclared routes are refused.

`access(...)` marks a view: `access.public` (anyone), `access.login` (any signed-in user) or
`access("perm", ...)` (a signed-in user whose role holds every named permission).
The check runs once in before_request, so a view can never forget it.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, current_app, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

ROLE_LABELS = {
    "admin": _l("Administrator"), "manager": _l("Manager"), "rep": _l("Sales rep"),
    "service": _l("Service agent"), "marketer": _l("Marketer"),
}

# Permissions held by each role. Export is its own permission (requirement F1).
ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    "admin": frozenset({
        "customers.view", "customers.edit", "customers.export", "customers.delete",
        "admin.users", "admin.system", "admin.fields", "audit.view", "reports.view",
        "customers.assign",
    }),
    "manager": frozenset({
        "customers.view", "customers.edit", "customers.export", "customers.delete",
        "reports.view", "customers.assign",
    }),
    "rep": frozenset({"customers.view", "customers.edit"}),
    "service": frozenset({"customers.view", "customers.edit"}),
    "marketer": frozenset({"customers.view", "customers.export"}),
}

# Data scope per role: own records, the team's, or all (requirement F1).
ROLE_SCOPE: dict[str, str] = {
    "admin": "all", "manager": "team", "rep": "own", "service": "team", "marketer": "team",
}

PUBLIC = "public"
LOGIN = "login"
ATTR = "_crm_access"


class _Access:
    """Decorator factory recording the access rule on the view function."""

    def __call__(self, *perms: str) -> Callable:
        def mark(view: Callable) -> Callable:
            setattr(view, ATTR, frozenset(perms))
            return view

        return mark

    def public(self, view: Callable) -> Callable:
        setattr(view, ATTR, PUBLIC)
        return view

    def login(self, view: Callable) -> Callable:
        setattr(view, ATTR, LOGIN)
        return view


access = _Access()


def has_permission(user, perm: str) -> bool:
    return bool(user and user.is_authenticated) and perm in ROLE_PERMISSIONS.get(user.role, ())


def rule_for(endpoint: str | None):
    """The declared rule of an endpoint, or None when it declares nothing."""
    if endpoint is None:
        return None
    if endpoint == "static" or endpoint.endswith(".static"):
        return PUBLIC
    view = current_app.view_functions.get(endpoint)
    return getattr(view, ATTR, None)


def enforce_access() -> None:
    """before_request: deny by default, 401 for anonymous users, 404 for missing rights."""
    if request.endpoint is None:
        return  # 404/405 are answered by routing
    rule = rule_for(request.endpoint)
    if rule is None:
        current_app.logger.error("route %s declares no access rule", request.endpoint)
        abort(404)
    if rule == PUBLIC:
        return
    if not current_user.is_authenticated:
        abort(401)
    if rule != LOGIN and not all(has_permission(current_user, p) for p in rule):
        abort(404)  # do not reveal what exists
