"""Creating and editing records: the quick-add row, the full form, inline checks while
typing, delete and restore."""

from __future__ import annotations

import re

from flask import abort, flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy.orm.exc import StaleDataError

from crm.blueprints.records.common import fragment, load
from crm.database import commit_keeping_loaded
from crm.extensions import db
from crm.htmx import hx_location, is_htmx, toast
from crm.ids import id_arg
from crm.records import forms, service
from crm.records.service import DuplicateFound, VersionConflict
from crm.services import dedupe, regions, transfers
from crm.services.phones import PhoneError, format_phone, normalize_phone
from crm.validators import phone_region


def _quick() -> bool:
    return is_htmx() and request.form.get("quick") == "1"


def render_form(rtype, form, record=None, status: int = 200, **extra):
    """The full form page, or the quick-add fragment for an htmx quick-add post."""
    ctx = {"rtype": rtype, "form": form, "record": record, "candidates": None,
           "conflict": None, **extra}
    if _quick() and record is None:
        return render_template("records/_quick_add.html", **ctx), status
    return render_template("records/form.html", **ctx), status


def new(rtype):
    """The full form (prefilled from the query string), or the quick-add row for htmx."""
    if is_htmx():
        return render_template("records/_quick_add.html", rtype=rtype,
                               form=forms.form_class(rtype)(formdata=None), record=None,
                               candidates=None, conflict=None)
    data = {}
    for spec in rtype.form_specs():  # e.g. ?company_id=5 prefills a person's company
        data.update(spec.kind.prefill(spec, request.args))
    for spec in rtype.quick_specs():  # what was typed in the quick-add row ("Full form")
        for name in spec.kind.field_names(spec):
            if request.args.get(name):
                data[name] = request.args.get(name, "")[:200]
    return render_template("records/form.html", rtype=rtype, form=forms.blank(rtype, **data),
                           record=None, candidates=None, conflict=None)


def create(rtype):
    """Create a record from the full form or the quick-add row."""
    form = forms.bound(rtype)
    if not form.validate() or _phone_in_name(rtype, form):
        return render_form(rtype, form, status=422)
    try:
        record = service.create(rtype, form.values(), user=current_user,
                                confirmed=request.form.get("confirm_new") == "1")
        commit_keeping_loaded(db.session)
    except DuplicateFound as found:
        db.session.rollback()
        _record_reveal(found.candidates)
        return render_form(rtype, form, status=409, candidates=found.candidates,
                           paused=found.paused)
    message = _("%(name)s added.", name=record.name)
    if _quick():
        # The new row is drawn from the record as saved (owner, phones and tags are in the
        # session already): no reload.
        body = render_template("records/_quick_add.html", rtype=rtype,
                               form=forms.form_class(rtype)(formdata=None), record=None,
                               candidates=None, conflict=None, added=record)
        return toast(fragment(body, 201), message)
    flash(message, "success")
    if is_htmx():
        return hx_location(rtype.url("show", record_id=record.id))
    return redirect(rtype.url("show", record_id=record.id))


_TRAILING_NUMBER = re.compile(r"^(.*?)[\s,，:：;；/-]*(\+?\d[\d\s()-]{6,}\d)$")


def _phone_in_name(rtype, form) -> bool:
    """A name typed with the phone number at its end while the phone is empty: move the
    number into the phone field and ask to check both (True: the form answers 422)."""
    if "phone" not in form or (form.phone.data or "").strip():
        return False
    title = form[rtype.title_field]
    match = _TRAILING_NUMBER.match((title.data or "").strip())
    if not match or not match.group(1).strip():
        return False
    try:
        normalize_phone(match.group(2), phone_region())
    except PhoneError:
        return False
    title.data, form.phone.data = match.group(1).strip(), match.group(2).strip()
    form.phone.errors = [_("The number at the end of the name is now in the phone field. "
                           "Check both, then save again.")]
    return True


def edit(rtype, record_id: int):
    """The full edit form with the stored values and version."""
    record = load(rtype, record_id)
    return render_template("records/form.html", rtype=rtype,
                           form=forms.for_record(rtype, record), record=record,
                           candidates=None, conflict=None)


def update(rtype, record_id: int):
    """Save the full edit form (409 on a stale version or an unconfirmed duplicate)."""
    record = load(rtype, record_id)
    form = forms.bound(rtype)
    if not form.validate():
        return render_form(rtype, form, record, status=422)
    try:
        service.update(record, request.form.get("version"), form.values(), user=current_user,
                       confirmed=request.form.get("confirm_new") == "1")
        db.session.commit()
    except DuplicateFound as found:
        db.session.rollback()
        _record_reveal(found.candidates)
        return render_form(rtype, form, load(rtype, record_id), status=409,
                           candidates=found.candidates, paused=found.paused)
    except (VersionConflict, StaleDataError):
        db.session.rollback()
        record = load(rtype, record_id)
        return render_form(rtype, form, record, status=409,
                           conflict=forms.conflicts(rtype, record, form))
    flash(_("%(name)s saved.", name=record.name), "success")
    if is_htmx():
        return hx_location(rtype.url("show", record_id=record.id))
    return redirect(rtype.url("show", record_id=record.id))


def delete(rtype, record_id: int):
    """Move to the trash; the message offers to undo it."""
    record = load(rtype, record_id)
    if not service.may_trash(rtype, record, current_user):
        abort(404)
    service.trash(record)
    db.session.commit()
    message = _("%(name)s moved to the trash.", name=record.name)
    undo = "undo|" + rtype.url("restore", record_id=record.id)
    if is_htmx():
        return toast(fragment(""), message, undo)
    flash(message, undo)
    return redirect(rtype.url("index"))


def restore(rtype, record_id: int):
    """Take a record out of the trash."""
    record = load(rtype, record_id, include_deleted=True)
    if record.deleted_at is None or not service.may_trash(rtype, record, current_user):
        abort(404)
    service.restore(record)
    db.session.commit()
    flash(_("%(name)s restored.", name=record.name), "success")
    if is_htmx():
        return hx_location(rtype.url("show", record_id=record.id))
    return redirect(rtype.url("show", record_id=record.id))


def phone_row(rtype):
    """One more phone row for the full form (type and number), with the next "add" button.

    `index` is the row's position among the extra phones; past the form's limit the answer is
    empty, so a stale button cannot grow the form beyond what a save accepts.
    """
    form = forms.form_class(rtype)(formdata=None)
    index, limit = request.args.get("index", type=int), form.phones.max_entries
    if index is None or not 0 <= index < limit:
        return fragment("")
    for _i in range(index + 1):
        form.phones.append_entry()
    return render_template("records/_phone_row.html", rtype=rtype, form=form,
                           entry=form.phones.entries[index], new=True,
                           next_index=index + 1 if index + 1 < limit else None)


def validate_field(rtype):
    """Inline validation: the error slot of one field, checked by the form's own rules, and
    the records the value already points to."""
    form = forms.bound(rtype)
    field = forms.validate_one(form, request.args.get("field", ""))
    if field is None:
        abort(404)
    ok = None
    if getattr(field, "e164", None) and not field.errors:
        ok = _("Valid: %(number)s", number=format_phone(field.e164, phone_region()))
    data = field.data.strip() if isinstance(field.data, str) else ""
    candidates, paused = [], False
    if rtype.on_file and data and not field.errors:
        candidates, paused = dedupe.screen(rtype.on_file(
            field.name, data, getattr(field, "e164", None), user=current_user,
            exclude=id_arg(request.args, "exclude")), current_user)
        _record_reveal(candidates)
    return render_template("records/_field_error.html", field=field, ok=ok, rtype=rtype,
                           candidates=candidates, paused=paused)


def _record_reveal(candidates: list) -> None:
    """Audit a lookup that showed another rep's customer (its own commit: a refused save
    rolled back)."""
    if dedupe.record_reveal(candidates, current_user):
        db.session.commit()


def cities(rtype):
    """The city options of a province (dependent select)."""
    return render_template("records/_city_options.html",
                           cities=regions.cities_of(request.args.get("province")),
                           selected=request.args.get("city", ""))


def request_transfer(rtype):
    """Ask the owner (and their managers) of a customer the duplicate check showed, which
    this user may not open, to transfer it (`ref`: the prompt's signed reference); says
    nothing more about the record."""
    record_id = transfers.record_of(rtype, request.form.get("ref", ""), current_user)
    record = db.session.get(rtype.model, record_id) if record_id else None
    if record is None or record.deleted_at is not None:
        abort(404)
    try:
        added = transfers.request_transfer(rtype, record, current_user)
    except transfers.Refused as refused:
        message = (_("This customer is already yours.") if refused.code == "own" else
                   _("You have sent many transfer requests today. Ask your manager instead."))
        if not is_htmx():
            flash(message, "error")
            return redirect(rtype.url("index"))
        return fragment(Markup('<span class="error" role="alert">{}</span>').format(message), 422)
    db.session.commit()
    message = (_("Asked: the owner and their manager are notified.") if added else
               _("You asked for this customer already; the owner was notified then."))
    if not is_htmx():
        flash(message, "success")
        return redirect(rtype.url("index"))
    return toast(fragment(Markup('<span class="muted">{}</span>').format(message)), message)
