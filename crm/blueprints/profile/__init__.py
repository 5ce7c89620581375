"""The profile area."""

from flask import Blueprint

bp = Blueprint("profile", __name__)

from crm.blueprints.profile import views  # noqa: E402, F401
