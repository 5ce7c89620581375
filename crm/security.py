"""Security headers on every response: a CSP with no inline script, no sniffing, no framing."""

from __future__ import annotations

import re

from flask import Flask, Response, has_request_context, request
from flask.sessions import SecureCookieSessionInterface
from flask_babel import gettext as _
from werkzeug.middleware.proxy_fix import ProxyFix

# C0 control characters other than tab, newline and carriage return, and DEL: never valid
# in a CRM field, and PostgreSQL refuses NUL in text outright.
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


def headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Permissions-Policy"] = "geolocation=(self), camera=(self), microphone=(self)"
    if request.endpoint != "static":
        # Customer data never lands in a shared or browser cache.
        response.headers["Cache-Control"] = "no-store"
    elif response.status_code == 200 and _current_version_asked():
        # A versioned URL never changes content: a new file gets a new URL.
        response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    if request.is_secure:
        response.headers["Strict-Transport-Security"] = "max-age=31536000"
    return response


def _current_version_asked() -> bool:
    from crm.templating import static_version

    asked = request.args.get("v")
    filename = (request.view_args or {}).get("filename")
    return bool(asked and filename and asked == static_version(filename))


class SessionInterface(SecureCookieSessionInterface):
    """Mark the session cookie Secure whenever the request came over HTTPS."""

    def get_cookie_secure(self, app) -> bool:
        configured = bool(app.config["SESSION_COOKIE_SECURE"])
        return configured or (has_request_context() and request.is_secure)


def reject_control_characters():
    """before_request: refuse input carrying control characters, naming the field."""
    from crm.errors import render_error

    for source in (request.args, request.form):
        for name, value in source.items(multi=True):
            if CONTROL_CHARS.search(name) or CONTROL_CHARS.search(value):
                return render_error(422, _(
                    "The field “%(field)s” contains control characters (such as NUL). "
                    "Remove them and submit again.", field=CONTROL_CHARS.sub("?", name)[:40]))
    return None


def install(app: Flask) -> None:
    """Session cookies, proxy trust (CRM_TRUSTED_PROXIES hops), and the header hook."""
    app.session_interface = SessionInterface()
    hops = int(app.config["CRM"]["TRUSTED_PROXIES"])
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    app.after_request(headers)
