"""Companies: B2B customer accounts."""

from flask import Blueprint

bp = Blueprint("companies", __name__)

from crm.blueprints.companies import views  # noqa: E402, F401
