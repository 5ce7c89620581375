"""The admin area: users, teams, the audit log, the System page and custom fields."""

from flask import Blueprint

bp = Blueprint("admin", __name__)

from crm.blueprints.admin import audit, email, fields, system, teams, users  # noqa: E402, F401
