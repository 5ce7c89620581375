"""The record page (key facts, click-to-edit fields, the type's own sections, timeline)
and its history."""

from __future__ import annotations

from flask import redirect, render_template, request
from flask_login import current_user

from crm.blueprints.records.common import load
from crm.blueprints.records.notes import NoteForm
from crm.htmx import is_htmx
from crm.ids import id_arg
from crm.permissions import has_permission
from crm.records import completeness, service
from crm.records import history as record_history
from crm.services import audit, my_day, regions, timeline
from crm.services.phones import format_phone
from crm.validators import phone_region


def history_context(rtype, record, before: int | None = None) -> dict:
    """One page of the record's history, in words (labels, names, choice labels)."""
    rows, next_before = audit.page(entity=rtype.entity, entity_id=record.id, before=before,
                                   limit=20)
    more = rtype.url("history", record_id=record.id, before=next_before) if next_before \
        else None
    return {"history_lines": record_history.lines(rows), "history_more": more}


def show(rtype, record_id: int):
    """The record page; the history loads when opened (`?history=1` renders it in the
    page, for a browser without JavaScript)."""
    record = load(rtype, record_id)
    my_day.remember_opened(current_user, record)
    ctx = history_context(rtype, record) if request.args.get("history") else {}
    if rtype.show_context:
        ctx.update(rtype.show_context(record, current_user))
    for section_context in rtype.section_contexts:
        ctx.update(section_context(record, current_user))
    main = record.phones[0].e164 if record.phones else None
    return render_template(
        "records/show.html", rtype=rtype, record=record,
        missing=completeness.missing(rtype, record) if hasattr(record, "completeness") else [],
        entries=timeline.entries(record), note_form=NoteForm(formdata=None),
        inline_specs=rtype.inline_specs(),
        can_edit=has_permission(current_user, rtype.permissions.edit),
        can_trash=service.may_trash(rtype, record, current_user),
        main_phone=format_phone(main, phone_region()) if main else None,
        subtitle=rtype.subtitle(record, current_user) if rtype.subtitle else None,
        map_url=map_url(rtype, record), **ctx)


def map_url(rtype, record) -> str | None:
    """A map link for a record with a province and city (or None)."""
    if not rtype.has_kind("region"):
        return None
    return regions.map_url(record.province, record.city, getattr(record, "address", None))


def history(rtype, record_id: int):
    """The history table when the History section is opened, or more rows (`before`) for
    htmx; a direct GET goes to the record page with the history shown."""
    record = load(rtype, record_id)
    if not is_htmx():
        return redirect(rtype.url("show", record_id=record.id, history=1) + "#history")
    before = id_arg(request.args, "before")
    ctx = history_context(rtype, record, before)
    if before is None:
        return render_template("audit/_history.html", **ctx)
    return render_template("audit/_rows.html", lines=ctx["history_lines"],
                           more_url=ctx["history_more"])
