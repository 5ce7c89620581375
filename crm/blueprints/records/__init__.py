"""One web layer for every record type: `blueprint_for(rtype)` gives a type its blueprint
with the list, form, record page and fragment routes, each with the access rule named by
the type's permissions. An area adds only what is special (companies: the completeness
report). The "records" blueprint serves what belongs to no single type (attachments).

URLs follow one pattern: /<plural> (list), /<plural>/rows, /<plural>/new, POST /<plural>,
/<plural>/<id>, /<plural>/<id>/edit, POST /<plural>/<id>, /<plural>/<id>/field,
/<plural>/<id>/history, POST /<plural>/<id>/notes|delete|restore, /<plural>/views,
/<plural>/export?format=csv|xlsx (the list's filters).
Ids outside 1..2^31-1 answer 404 before any query (`crm.ids`).
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint

from crm.blueprints.records import detail, editing, inline, lists, notes
from crm.permissions import access

ID = "<id:record_id>"
_BLUEPRINTS: dict[str, Blueprint] = {}

bp = Blueprint("records", __name__)


@bp.get("/attachments/<id:attachment_id>")
@access.login
def attachment(attachment_id: int):
    """Download a note's file (the record it belongs to decides who may)."""
    return notes.attachment(attachment_id)


def _routes(rtype) -> list[tuple[str, str, str, Callable, str]]:
    """(rule, endpoint, method, handler, permission) of every generic route."""
    p, base = rtype.permissions, f"/{rtype.plural}"
    routes = [
        (base, "index", "GET", lists.index, p.view),
        (f"{base}/rows", "rows", "GET", lists.rows, p.view),
        (f"{base}/new", "new", "GET", editing.new, p.edit),
        (base, "create", "POST", editing.create, p.edit),
        (f"{base}/validate", "validate_field", "POST", editing.validate_field, p.edit),
        (f"{base}/{ID}", "show", "GET", detail.show, p.view),
        (f"{base}/{ID}/edit", "edit", "GET", editing.edit, p.edit),
        (f"{base}/{ID}", "update", "POST", editing.update, p.edit),
        (f"{base}/{ID}/field", "field", "GET", inline.field, p.view),
        (f"{base}/{ID}/field", "save_field", "POST", inline.save_field, p.edit),
        # who may trash which record is decided per record (service.may_trash)
        (f"{base}/{ID}/delete", "delete", "POST", editing.delete, p.edit),
        (f"{base}/{ID}/restore", "restore", "POST", editing.restore, p.edit),
        (f"{base}/{ID}/notes", "add_note", "POST", notes.add_note, p.edit),
        (f"{base}/{ID}/history", "history", "GET", detail.history, p.view),
        # a record the user may not see, named by the duplicate prompt's signed reference
        (f"{base}/transfer-request", "request_transfer", "POST", editing.request_transfer,
         p.view),
        (f"{base}/export", "export", "GET", lists.export_list, p.export),
        (f"{base}/views", "save_view", "POST", lists.save_view, p.view),
        (f"{base}/views/<id:view_id>/delete", "delete_view", "POST",
         lists.delete_view, p.view),
    ]
    if rtype.has_kind("region"):
        routes.append((f"{base}/cities", "cities", "GET", editing.cities, p.view))
    if rtype.has_kind("phones"):
        routes.append((f"{base}/phone-row", "phone_row", "GET", editing.phone_row, p.edit))
    return routes


def _view(rtype, handler: Callable, permission: str) -> Callable:
    def view(**kwargs):
        return handler(rtype, **kwargs)

    view.__doc__ = handler.__doc__
    view.__name__ = handler.__name__
    return access(permission)(view)


def blueprint_for(rtype) -> Blueprint:
    """The blueprint of a record type (made once; an area may add routes to it)."""
    if rtype.key not in _BLUEPRINTS:
        blueprint = Blueprint(rtype.plural, __name__)
        for rule, endpoint, method, handler, permission in _routes(rtype):
            blueprint.add_url_rule(rule, endpoint, _view(rtype, handler, permission),
                                   methods=[method])
        _BLUEPRINTS[rtype.key] = blueprint
    return _BLUEPRINTS[rtype.key]
