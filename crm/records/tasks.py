"""Tasks: their record type, described once (fields, list, permissions). What only tasks do
(complete, snooze, reopen, the due reminder, the open tasks on a customer's page) is in
crm/services/tasks.py and its routes in crm/blueprints/tasks/."""

from __future__ import annotations

from dataclasses import replace

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from crm.models import Task
from crm.records import common_fields, kinds, registry
from crm.records.customers import COMPANY, CONTACT, PERMISSIONS
from crm.records.fields import Choice, FieldSpec
from crm.records.types import RecordType, Sort
from crm.services import tasks

PRIORITIES = (Choice("high", _l("High")), Choice("normal", _l("Normal")),
              Choice("low", _l("Low")))
STATUSES = (Choice("open", _l("Open")), Choice("done", _l("Done")))

TASK_FIELDS = (
    FieldSpec("title", _l("Title"), kinds.TEXT, required=True, max_length=200, quick=True,
              inline=False, options={"required_message": _l("Enter what is to be done.")}),
    FieldSpec("due_at", _l("Due"), kinds.DATETIME, required=True, quick=True, filter=True,
              list_column=True,
              options={"filter_arg": "due", "card": "meta",
                       "overdue": ("status", "open"), "overdue_label": _l("Overdue")}),
    FieldSpec("priority", _l("Priority"), kinds.CHOICE, required=True, default="normal",
              choices=PRIORITIES, filter=True, list_column=True, options={"badge": True}),
    FieldSpec("status", _l("Status"), kinds.CHOICE, required=True, default="open",
              choices=STATUSES, filter=True, list_column=True,
              options={"badge": True, "card": "meta"}),
    FieldSpec("company", _l("Company"), kinds.LINK, list_column=True,
              options={"target": "company", "column": "company_id", "relation": "company"}),
    FieldSpec("contact", _l("Person"), kinds.LINK,
              options={"target": "contact", "column": "contact_id", "relation": "contact"}),
    replace(common_fields.OWNER, label=_l("Assignee")),
    common_fields.TEAM,
    FieldSpec("done_at", _l("Done at"), kinds.MOMENT, filter=True, form=False, inline=False,
              options={"filter_arg": "done"}),
    common_fields.CREATED,
)

TASK = registry.register(RecordType(
    key="task", model=Task, plural="tasks", label=_l("Task"), label_plural=_l("Tasks"),
    label_lower=_l("task"), fields=TASK_FIELDS, title_field="title",
    permissions=PERMISSIONS, derive=tasks.derive, show_context=tasks.page_context,
    nav_order=30,
    sorts=(Sort("due", _l("Due first"), "due_at"),
           Sort("updated", _l("Recently changed"), "updated_at", descending=True)),
    description=_l("What is to be done, by whom and when."),
    counted=lambda n: ngettext("%(num)d task", "%(num)d tasks", n),
    empty_text=_l("No tasks found. Change the search or the filters, or add one."),
    extra={"actions": ("tasks/_actions.html",), "row_actions": ("tasks/_row_action.html",)},
))

# A customer's page shows its open tasks and offers a task about it.
for _customer in (COMPANY, CONTACT):
    _customer.add_section("tasks/_customer_tasks.html", tasks.customer_tasks)
