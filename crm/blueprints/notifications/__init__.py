"""Notifications: the bell's unread count and the list of one's notifications."""

from flask import Blueprint

bp = Blueprint("notifications", __name__)

from crm.blueprints.notifications import views  # noqa: E402, F401
