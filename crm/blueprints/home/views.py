"""The home page."""

from flask import render_template

from crm.blueprints.home import bp
from crm.permissions import access


@bp.get("/")
@access.login
def index():
    """Home: where a signed-in user starts."""
    return render_template("home/index.html")
