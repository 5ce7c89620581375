"""The customer page and its fragments, shared by companies and contacts (not a blueprint):
the 360° page, click-to-edit fields, inline validation, notes, attachments, history,
city options and saved views."""

from __future__ import annotations

import uuid

from flask import abort, flash, redirect, render_template, request, send_file
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError
from wtforms import HiddenField, TextAreaField
from wtforms.validators import Length, Optional, Regexp

from crm.blueprints.companies.forms import validate_one
from crm.blueprints.customer_area import Area, blank_form, edit_form, fragment, load
from crm.extensions import db
from crm.htmx import is_htmx, toast
from crm.models import Attachment, Company, Contact, Note, User
from crm.permissions import has_permission
from crm.services import (
    audit,
    completeness,
    customers,
    dedupe,
    notes,
    regions,
    saved_views,
    timeline,
)
from crm.services.phones import format_phone
from crm.services.records import VersionConflict
from crm.services.scope import get_scoped, scoped
from crm.validators import LENGTH_MESSAGE, PlainText, phone_region

UPLOAD_MESSAGES = {
    "too_large": lambda name: _("%(name)s is larger than %(mb)d MB. Choose a smaller file.",
                                name=name, mb=notes.max_upload_bytes() // 2**20),
    "type": lambda name: _("%(name)s is not an allowed file type. Use a photo (JPEG, PNG, "
                           "WebP, GIF, HEIC), PDF, text, Word, Excel or PowerPoint file.",
                           name=name),
    "empty": lambda name: _("%(name)s is empty.", name=name),
    "too_many": lambda name: _("Attach at most %(n)d files to one note.", n=notes.MAX_FILES),
}


class NoteForm(FlaskForm):
    body = TextAreaField(_l("Note"), validators=[
        Length(max=notes.MAX_BODY, message=LENGTH_MESSAGE), PlainText(multiline=True)])
    # A fresh random key per form; the browser sends it again when it retries (offline notes).
    client_key = HiddenField(validators=[Optional(), Regexp(
        r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
        message=_l("This form was damaged and has been reset. Send the note again."))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.client_key.data:
            self.client_key.data = str(uuid.uuid4())


def new(area: Area):
    """The full form page, or the quick-add row for htmx."""
    data = {}
    if area.model is Contact and request.args.get("company_id", type=int):
        company = db.session.scalar(scoped(Company, current_user).where(
            Company.id == request.args.get("company_id", type=int)))
        data["company"] = company.name if company else ""
    if is_htmx():
        return render_template("customers/_quick_add.html", area=area,
                               form=area.form_class(formdata=None), record=None,
                               candidates=None, conflict=None)
    return render_template("customers/form.html", area=area, form=blank_form(area, **data),
                           record=None, candidates=None, conflict=None)


def phone_row(area: Area):
    """One more phone row for the full form (type and number), with the next "add" button.

    `index` is the row's position among the extra phones; past the form's limit the answer is
    empty, so a stale button cannot grow the form beyond what a save accepts.
    """
    form = area.form_class(formdata=None)
    index, limit = request.args.get("index", type=int), form.phones.max_entries
    if index is None or not 0 <= index < limit:
        return fragment("", 200)
    for _i in range(index + 1):
        form.phones.append_entry()
    return render_template("customers/_phone_row.html", area=area, form=form,
                           entry=form.phones.entries[index], new=True,
                           next_index=index + 1 if index + 1 < limit else None)


def edit(area: Area, record_id: int):
    """The full edit form with the stored values and version."""
    record = load(area, record_id)
    return render_template("customers/form.html", area=area, form=edit_form(area, record),
                           record=record, candidates=None, conflict=None)


# Bookkeeping columns a person reading a customer's history does not need to see.
HISTORY_HIDDEN = frozenset({"id", "created_by", "team_id", "version", "created_at",
                            "updated_at", "deleted_at"})


def history_context(area: Area, record, before: int | None = None) -> dict:
    """One page of the record's history, with field labels and owners' names (not ids)."""
    rows, next_before = audit.page(entity=area.entity, entity_id=record.id, before=before,
                                   limit=20)
    more = area.url("history", record_id=record.id, before=next_before) if next_before else None
    owner_ids = {v for row in rows for v in (row.changes or {}).get("owner_id", ())
                 if isinstance(v, int)}
    users = dict(db.session.execute(select(User.id, User.name).where(User.id.in_(owner_ids)))
                 .all()) if owner_ids else {}
    return {"history_rows": rows, "history_more": more, "history_users": users,
            "history_fields": _history_labels(area), "history_hidden": HISTORY_HIDDEN}


def _history_labels(area: Area) -> dict[str, str]:
    """Column -> translated label, for the history."""
    return {name: str(label) for name, label in _labels(area).items()}


def _people(company: Company) -> list[Contact]:
    stmt = (scoped(Contact, current_user).where(Contact.company_id == company.id)
            .order_by(Contact.name).limit(50))
    return list(db.session.scalars(stmt))


_LABELS: dict[type, dict] = {}
# "region" is edited in place as one field: province and city (the city list follows).
REGION_FIELDS = ("province", "city")


def _labels(area: Area) -> dict:
    """Name -> lazy label of every form field and of the columns and in-place fields no form
    field names (owner, region...), read once per form class from a blank form."""
    labels = _LABELS.get(area.form_class)
    if labels is None:
        form = area.form_class(formdata=None, meta={"csrf": False})
        labels = {f.name: f.label.text for f in form if f.type != "CSRFTokenField"}
        labels.update({"region": _l("Province / city"), "owner_id": _l("Owner"),
                       "company_id": _l("Company"), "phone": _l("Main phone"),
                       "last_contact_at": _l("Last contact")})
        _LABELS[area.form_class] = labels
    return labels


def _field_labels(area: Area) -> dict:
    """The (lazy) labels of the click-to-edit fields."""
    labels = _labels(area)
    return {name: labels[name] for name in area.editable}


def inline_labels(area: Area) -> dict[str, tuple[str, str]]:
    """name -> (label, label of its edit button), translated once per page, not per field.

    The fields shown (not edited) need only their labels, so the customer page builds no
    edit form (with its phone formatting) for them.
    """
    labels = {}
    for name, label in _field_labels(area).items():
        text = str(label)
        labels[name] = (text, _("Edit %(field)s", field=text))
    return labels


def show(area: Area, record_id: int):
    """The customer page: key facts, people, timeline; the history loads when opened
    (`?history=1` renders it in the page, for a browser without JavaScript)."""
    record = load(area, record_id)
    history = history_context(area, record) if request.args.get("history") else {}
    return render_template(
        "customers/show.html", area=area, record=record,
        missing=completeness.missing(record),
        people=_people(record) if area.model is Company else [],
        entries=timeline.entries(area.entity, record.id), note_form=NoteForm(formdata=None),
        inline_labels=inline_labels(area), can_edit=has_permission(current_user, "customers.edit"),
        main_phone=format_phone(record.phone, phone_region()) if record.phone else None,
        map_url=regions.map_url(record.province, record.city, record.address), **history)


def history(area: Area, record_id: int):
    """The history table when the History section is opened, or more rows (`before`) for
    htmx; a direct GET goes to the customer page with the history shown."""
    record = load(area, record_id)
    if not is_htmx():
        return redirect(area.url("show", record_id=record.id, history=1) + "#history")
    before = request.args.get("before", type=int)
    ctx = history_context(area, record, before)
    if before is None:
        return render_template("audit/_history.html", **ctx)
    return render_template("audit/_rows.html", rows=ctx["history_rows"],
                           more_url=ctx["history_more"], **ctx)


def validate_field(area: Area):
    """Inline validation: the error slot of one field, checked by the form's own rules."""
    form = area.form_class()
    field = validate_one(form, request.args.get("field", ""))
    if field is None:
        abort(404)
    ok = None
    if getattr(field, "e164", None) and not field.errors:
        ok = _("Valid: %(number)s", number=format_phone(field.e164, phone_region()))
    return render_template("customers/_field_error.html", field=field, ok=ok,
                           candidates=_already_on_file(area, field,
                                                       request.args.get("exclude", type=int)))


def _already_on_file(area: Area, field, exclude: int | None) -> list:
    """Customers this one value already points to (the duplicate check's own rules), shown
    under the field as it is typed; saving still asks "is this the same customer?"."""
    data = field.data.strip() if isinstance(field.data, str) else ""
    if field.errors or not data:
        return []
    e164 = getattr(field, "e164", None)
    kw = {"exclude_id": exclude, "user": current_user, "limit": 3}
    if area.model is Company:
        if field.name == "name":
            return dedupe.find_company_duplicates(data, **kw)
        return dedupe.find_company_duplicates("", phones=[e164], **kw) if e164 else []
    if e164:
        return dedupe.find_contact_duplicates([e164], None, **kw)
    return dedupe.find_contact_duplicates([], data, **kw) if field.name == "email" else []


def cities(area: Area):
    """The city options of a province (dependent select)."""
    return render_template("customers/_city_options.html",
                           cities=regions.cities_of(request.args.get("province")),
                           selected=request.args.get("city", ""))


def _field_fragment(area, record, name, *, editing=False, form=None, status=200, message=None):
    body = render_template("customers/_field.html", area=area, record=record, name=name,
                           editing=editing, form=form or edit_form(area, record),
                           message=message, inline_labels=inline_labels(area))
    return fragment(body, status)


def field(area: Area, record_id: int):
    """Click-to-edit: one field shown (or its editor with ?edit=1)."""
    name = request.args.get("name", "")
    if name not in area.editable:
        abort(404)
    record = load(area, record_id)
    if not is_htmx():
        return redirect(area.url("show", record_id=record.id))
    return _field_fragment(area, record, name, editing=request.args.get("edit") == "1")


def save_field(area: Area, record_id: int):
    """Click-to-edit save: the same validators as the full form; 409 on a stale version."""
    name = request.args.get("name", "")
    if name not in area.editable:
        abort(404)
    record = load(area, record_id)
    form = area.form_class()
    checked = [validate_one(form, n) for n in (REGION_FIELDS if name == "region" else [name])]
    if any(f is None or f.errors for f in checked):
        return _field_fragment(area, record, name, editing=True, form=form, status=422)
    try:
        if name == "region":
            value = form.values(REGION_FIELDS)
        else:
            value = form.company_value if name == "company" else form.values([name])[name]
        customers.update_field(record, request.form.get("version"), name, value)
        db.session.commit()
    except (VersionConflict, StaleDataError):
        db.session.rollback()
        record = load(area, record_id)
        return _field_fragment(area, record, name, editing=True, form=form, status=409,
                               message=_("Someone else changed this customer. Stored now: "
                                         "%(value)s", value=_stored(record, name) or "—"))
    response = _field_fragment(area, record, name)
    return toast(response, _("Saved.")) if is_htmx() else redirect(
        area.url("show", record_id=record.id))


def _stored(record, name: str):
    if name == "tags":
        return ", ".join(t.name for t in record.tags)
    if name == "company":
        return record.company.name if record.company else None
    if name == "region":
        return " ".join(v for v in (record.province, record.city) if v)
    return getattr(record, name)


def _upload_error(refused: notes.UploadRefused) -> str:
    return UPLOAD_MESSAGES[refused.code](refused.filename)


def add_note(area: Area, record_id: int):
    """Add a note with files or photos; the timeline comes back (htmx) or the page reloads."""
    record = load(area, record_id)
    form = NoteForm()
    error = None
    try:
        files = notes.check_files(request.files.getlist("files"))
    except notes.UploadRefused as refused:
        files, error = [], _upload_error(refused)
    if not form.body.data.strip() and not files and not error:
        error = _("Write a note or attach a file.")
    if not form.validate() or error:
        if form.client_key.errors:
            form.client_key.data = str(uuid.uuid4())  # so that sending again works
        return _timeline_response(area, record, form, error, 422)
    key = form.client_key.data or None
    stored: list[str] = []
    if not notes.already_saved(record, key):  # else a retry of a note saved already
        try:
            _note, stored = notes.add_note(record, form.body.data, files, user=current_user,
                                           client_key=key)
            db.session.commit()
        except Exception as exc:
            db.session.rollback()
            notes.discard_files(stored)
            # the same note sent twice at once: the other request saved it
            if not (isinstance(exc, IntegrityError) and notes.already_saved(record, key)):
                raise
    if not is_htmx():
        flash(_("Note added."), "success")
        return redirect(area.url("show", record_id=record.id))
    return toast(_timeline_response(area, record, NoteForm(formdata=None), None, 200),
                 _("Note added."))


def _timeline_response(area, record, form, error, status):
    if not is_htmx():
        flash(error or _("Some fields need attention."), "error")
        return redirect(area.url("show", record_id=record.id))
    body = render_template("customers/_timeline.html", area=area, record=record,
                           note_form=form, note_error=error,
                           entries=timeline.entries(area.entity, record.id))
    return fragment(body, status)


def attachment(attachment_id: int):
    """Download a note's file, only if the user may see the customer; never inline."""
    row = db.session.scalar(select(Attachment).where(Attachment.id == attachment_id)
                            .options(joinedload(Attachment.note)))
    if row is None or row.note.deleted_at is not None:
        abort(404)
    note: Note = row.note
    if note.company_id:
        get_scoped(Company, note.company_id, current_user)
    else:
        get_scoped(Contact, note.contact_id, current_user)
    response = send_file(notes.storage_path(row.storage_key), mimetype=row.content_type,
                         as_attachment=True, download_name=row.filename, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def save_view(area: Area):
    """Save the current list filters under a name."""
    name = (request.form.get("name") or "").strip()
    if not name:
        flash(_("Give the view a name."), "error")
    else:
        try:
            saved_views.save(current_user.id, area.name, name, request.form.get("query", ""))
            db.session.commit()
            flash(_("View %(name)s saved.", name=name[:60]), "success")
        except OverflowError:
            db.session.rollback()
            flash(_("You have too many saved views; delete one first."), "error")
    query = saved_views.clean_query(request.form.get("query", ""))
    return redirect(area.url("index") + (f"?{query}" if query else ""))


def delete_view(area: Area, view_id: int):
    """Delete one of the user's saved views (someone else's answers 404)."""
    if not saved_views.delete(current_user.id, view_id):
        abort(404)
    db.session.commit()
    flash(_("View deleted."), "success")
    return redirect(area.url("index"))


def completeness_page():
    """Per rep: customers and the share at least 80% complete (companies and people)."""
    return render_template(
        "customers/completeness.html", good=completeness.GOOD,
        companies=completeness.per_rep(Company, current_user),
        contacts=completeness.per_rep(Contact, current_user))
