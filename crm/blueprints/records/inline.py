"""Click-to-edit on the record page: one field shown, its editor, and its save (the same
form and validators as the full form; a stale version answers 409 with what is stored)."""

from __future__ import annotations

from flask import abort, redirect, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from crm.blueprints.records.common import fragment, load
from crm.extensions import db
from crm.htmx import is_htmx, toast
from crm.records import forms, service
from crm.records.service import VersionConflict


def _spec(rtype):
    spec = rtype.spec(request.args.get("name", ""))
    if spec is None or not spec.inline or not spec.form:
        abort(404)
    return spec


def render_field(rtype, record, spec, *, editing=False, form=None, status=200, message=None):
    """The field alone; shown again (after a save or cancel), its edit button takes the
    focus the editor had."""
    body = render_template("records/_field.html", rtype=rtype, record=record, spec=spec,
                           editing=editing, form=form or forms.for_record(rtype, record),
                           message=message, focus=not editing)
    return fragment(body, status)


def field(rtype, record_id: int):
    """One field of the record page, shown (or in its editor with ?edit=1)."""
    spec = _spec(rtype)
    record = load(rtype, record_id)
    if not is_htmx():
        return redirect(rtype.url("show", record_id=record.id))
    return render_field(rtype, record, spec, editing=request.args.get("edit") == "1")


def save_field(rtype, record_id: int):
    """Save one field; 422 with the editor and its message when the value is refused."""
    spec = _spec(rtype)
    record = load(rtype, record_id)
    form = forms.bound(rtype)
    checked = [forms.validate_one(form, name) for name in spec.kind.field_names(spec)]
    if any(f is None or f.errors for f in checked):
        return render_field(rtype, record, spec, editing=True, form=form, status=422)
    try:
        service.update_field(record, request.form.get("version"), spec.key,
                             spec.kind.form_value(spec, form), user=current_user)
        db.session.commit()
    except (VersionConflict, StaleDataError):
        db.session.rollback()
        record = load(rtype, record_id)
        stored = spec.text(spec.get(record)) or "—"
        return render_field(rtype, record, spec, editing=True, form=form, status=409,
                            message=_("Someone else changed this record. Stored now: "
                                      "%(value)s", value=stored))
    if not is_htmx():
        return redirect(rtype.url("show", record_id=record.id))
    return toast(render_field(rtype, record, spec), _("Saved."))
