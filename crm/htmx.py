"""htmx header helpers: request detection, HX-Trigger events, toasts from flashes, Vary."""

from __future__ import annotations

import json

from flask import Response, get_flashed_messages, url_for

from crm.extensions import htmx


def is_htmx() -> bool:
    """An htmx request that wants a fragment (a history restore wants the full page)."""
    return bool(htmx) and not htmx.history_restore_request


def hx_trigger(response: Response, event: str, detail: object = True) -> Response:
    """Add an event to HX-Trigger, merging with events already set."""
    raw = response.headers.get("HX-Trigger")
    events = json.loads(raw) if raw and raw.startswith("{") else ({raw: True} if raw else {})
    if event == "toast" and "toast" in events:
        events["toast"] = list(events["toast"]) + list(detail)
    else:
        events[event] = detail
    # ASCII only: HTTP header values are Latin-1 and a Chinese toast must not break the response.
    response.headers["HX-Trigger"] = json.dumps(events, ensure_ascii=True)
    return response


def toast(response: Response, message: str, category: str = "success") -> Response:
    return hx_trigger(response, "toast", [{"message": str(message), "category": category}])


def hx_location(path: str, response: Response | None = None) -> Response:
    """Client-side navigation without a full reload (htmx follows HX-Location)."""
    response = response or Response(status=204)
    response.headers["HX-Location"] = path
    return response


def hx_redirect_to_login() -> Response:
    """What an anonymous htmx request gets: 401 and a full redirect to the login page."""
    response = Response("", status=401)
    response.headers["HX-Redirect"] = url_for("auth.login")
    return response


def after_request(response: Response) -> Response:
    """Vary on HX-Request; turn pending flashes into toasts on fragment responses."""
    response.vary.add("HX-Request")
    navigating = "HX-Redirect" in response.headers or "HX-Location" in response.headers
    if is_htmx() and not navigating:
        for category, message in get_flashed_messages(with_categories=True):
            toast(response, message, category)
    return response
