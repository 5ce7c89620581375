"""The home page, and the icon browsers ask for at the site root."""

from flask import redirect, render_template, url_for

from crm.blueprints.home import bp
from crm.permissions import access


@bp.get("/")
@access.login
def index():
    """Home: where a signed-in user starts."""
    return render_template("home/index.html")


@bp.get("/favicon.ico")
@access.public
def favicon():
    """Browsers fetch /favicon.ico whatever the page links (e.g. for a download): the icon."""
    response = redirect(url_for("static", filename="favicon.svg"), 301)
    response.cache_control.max_age = 86400
    response.cache_control.public = True
    return response
