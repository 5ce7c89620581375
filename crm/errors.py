"""Error pages and fragments: a clear message for every status, never a stack trace."""

from __future__ import annotations

from flask import Flask, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from crm.extensions import db
from crm.htmx import hx_redirect_to_login, is_htmx, toast


def _messages() -> dict[int, str]:
    return {
        400: _("The request could not be understood. Reload the page and try again."),
        403: _("You are not allowed to do this."),
        404: _("This page does not exist, or you do not have access to it."),
        405: _("This action is not available here."),
        409: _("Someone else changed this record. Reload it and apply your change again."),
        413: _("The upload is too large. Choose a smaller file."),
        422: _("Some fields need attention."),
        429: _("Too many attempts. Wait a moment and try again."),
        500: _("Something went wrong on our side. Your data is safe; try again."),
        503: _("The service is temporarily unavailable. Try again shortly."),
    }


def render_error(code: int, message: str | None = None):
    message = message or _messages().get(code, _messages()[400])
    if is_htmx():
        body = render_template("errors/_error.html", code=code, message=message)
        return toast(make_response(body, code), message, "error")
    return render_template("errors/error.html", code=code, message=message), code


def _unauthorized(_exc):
    if is_htmx():
        return hx_redirect_to_login()
    if request.method == "GET" and request.blueprint != "api":
        expired = session.pop("_expired", False)
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?"),
                                expired=1 if expired else None))
    return render_error(401, _("Please sign in again."))


def _csrf(_exc):
    return render_error(400, _("The form expired or was sent from elsewhere. "
                               "Reload the page and submit it again."))


def _http(exc: HTTPException):
    return render_error(exc.code or 500)


def _internal(exc):
    db.session.rollback()
    return render_error(500)


def register(app: Flask) -> None:
    app.register_error_handler(401, _unauthorized)
    app.register_error_handler(CSRFError, _csrf)
    app.register_error_handler(HTTPException, _http)
    app.register_error_handler(500, _internal)
