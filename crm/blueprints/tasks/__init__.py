"""Tasks: the generic record routes (crm/blueprints/records/) plus what only tasks have:
complete, snooze and reopen."""

from crm.blueprints.records import blueprint_for
from crm.records.tasks import TASK

bp = blueprint_for(TASK)

from crm.blueprints.tasks import views  # noqa: E402, F401
