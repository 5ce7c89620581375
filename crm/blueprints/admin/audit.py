"""Administration: the audit log, in words (field labels, names, translated actions)."""

from flask import render_template, request, url_for

from crm.blueprints.admin import bp
from crm.htmx import is_htmx
from crm.ids import id_arg
from crm.models.audit import ACTIONS
from crm.permissions import access
from crm.records import history
from crm.services import audit


@bp.get("/admin/audit")
@access("audit.view")
def audit_index():
    """The audit log, newest first, filtered by action, user or record; keyset pages."""
    entities = history.entity_labels()
    filters = {
        "action": request.args.get("action") if request.args.get("action") in ACTIONS else None,
        "entity": request.args.get("entity") if request.args.get("entity") in entities
        else None,
        "entity_id": id_arg(request.args, "entity_id"),
        "user_id": id_arg(request.args, "user_id"),
    }
    rows, next_before = audit.page(before=id_arg(request.args, "before"), **filters)
    shown = {k: v for k, v in filters.items() if v is not None}
    more_url = url_for("admin.audit_index", **shown, before=next_before) if next_before else None
    lines = history.lines(rows)
    if is_htmx() and request.args.get("before"):
        return render_template("audit/_rows.html", lines=lines, more_url=more_url)
    return render_template("admin/audit.html", lines=lines, more_url=more_url, filters=filters,
                           actions={a: str(history.ACTIONS.get(a, a)) for a in ACTIONS},
                           entities=entities)
