"""The health area."""

from flask import Blueprint

bp = Blueprint("health", __name__)

from crm.blueprints.health import views  # noqa: E402, F401
