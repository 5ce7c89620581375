"""The admin area."""

from flask import Blueprint

bp = Blueprint("admin", __name__)

from crm.blueprints.admin import views  # noqa: E402, F401
