"""Contacts: people, employees of a company or individual customers."""

from flask import Blueprint

bp = Blueprint("contacts", __name__)

from crm.blueprints.contacts import views  # noqa: E402, F401
