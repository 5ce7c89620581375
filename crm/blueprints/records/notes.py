"""Notes and follow-ups on a record's timeline, with photos and files, and downloading those
files."""

from __future__ import annotations

import uuid

from flask import abort, flash, redirect, render_template, send_file
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from wtforms import (
    DateTimeLocalField,
    HiddenField,
    RadioField,
    SelectField,
    TextAreaField,
    ValidationError,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Length, Optional, Regexp

from crm.blueprints.records.common import fragment, load
from crm.database import utcnow
from crm.extensions import db
from crm.htmx import is_htmx, toast
from crm.i18n import local_to_utc
from crm.models import Attachment, Record
from crm.permissions import has_permission
from crm.records import registry
from crm.services import follow_ups, notes, timeline
from crm.services.scope import scoped
from crm.validators import LENGTH_MESSAGE, PlainText

CHOOSE = _l("Choose one of the options in the list.")
UPLOAD_MESSAGES = {
    "too_large": lambda name: _("%(name)s is larger than %(mb)d MB. Choose a smaller file.",
                                name=name, mb=notes.max_upload_bytes() // 2**20),
    "type": lambda name: _("%(name)s is not an allowed file type. Use a photo (JPEG, PNG, "
                           "WebP, GIF, HEIC), PDF, text, Word, Excel or PowerPoint file.",
                           name=name),
    "empty": lambda name: _("%(name)s is empty.", name=name),
    "too_many": lambda name: _("Attach at most %(n)d files to one note.", n=notes.MAX_FILES),
}


_KEY_DAMAGED = _l("This form was damaged and has been reset. Send the note again.")


class NoteForm(FlaskForm):
    """A note, or with a method a follow-up: when, what came of it, and the next contact
    (typed in the installation's time zone)."""

    method = RadioField(_l("What happened"), default="", validate_choice=False,
                        choices=[SelectChoice("", _l("Note")),
                                 *(SelectChoice(k, v) for k, v in follow_ups.METHODS.items())],
                        validators=[AnyOf(["", *follow_ups.METHODS], message=CHOOSE)])
    body = TextAreaField(_l("Note"), validators=[
        Length(max=notes.MAX_BODY, message=LENGTH_MESSAGE), PlainText(multiline=True)])
    outcome = SelectField(_l("Outcome"), default="", validate_choice=False,
                          choices=[SelectChoice("", "—"),
                                   *(SelectChoice(k, v) for k, v in follow_ups.OUTCOMES.items())],
                          validators=[AnyOf(["", *follow_ups.OUTCOMES], message=CHOOSE)])
    happened_at = DateTimeLocalField(_l("When"), validators=[Optional()],
                                     format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"])
    next_contact_at = DateTimeLocalField(_l("Next contact"), validators=[Optional()],
                                         format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"])
    # A fresh random key per form; the browser sends it again when it retries (offline notes).
    # A post without the field gets one; a blank or malformed key is refused.
    client_key = HiddenField(validators=[
        DataRequired(message=_KEY_DAMAGED),
        Regexp(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
               message=_KEY_DAMAGED)])
    # A visit check-in (the "Check in" button): where the phone was, filled in by app.js
    # from the browser's Geolocation API, or why it gave no location.
    check_in = HiddenField()
    latitude = HiddenField()
    longitude = HiddenField()
    accuracy = HiddenField()
    location_error = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.client_key.raw_data:
            self.client_key.data = str(uuid.uuid4())
        if self.method.data is None:
            self.method.data = ""
        self.location = None
        if self.is_check_in() and not self.method.data:
            self.method.data = "visit"

    def is_check_in(self) -> bool:
        return bool(self.check_in.data or self.latitude.data or self.longitude.data)

    def location_problem(self) -> str | None:
        """Check the check-in's location (kept as `self.location`); a message saying what
        is wrong, or None."""
        if not self.is_check_in():
            return None
        again = _("Check in again.")
        try:
            lat = follow_ups.parse_coordinate(self.latitude.data, follow_ups.LATITUDE)
        except ValueError:
            return _("The latitude must be a number from -90 to 90.") + " " + again
        try:
            lng = follow_ups.parse_coordinate(self.longitude.data, follow_ups.LONGITUDE)
        except ValueError:
            return _("The longitude must be a number from -180 to 180.") + " " + again
        try:
            acc = follow_ups.parse_coordinate(self.accuracy.data, follow_ups.ACCURACY)
        except ValueError:
            return _("The accuracy must be from 0 to 100000 metres.") + " " + again
        if (lat is None) != (lng is None) or (acc is not None and lat is None):
            return _("The location needs both latitude and longitude.") + " " + again
        reason = self.location_error.data or ""
        if lat is None and reason and reason not in follow_ups.NO_LOCATION:
            return _("The reason for a missing location is not one this page sends.") \
                + " " + again
        if lat is None:
            self.location = {"check_in": reason or "unavailable"}
        else:
            self.location = {"check_in": follow_ups.LOCATED, "latitude": lat,
                             "longitude": lng, "location_accuracy": acc}
        return None

    def validate_happened_at(self, field) -> None:
        moment = local_to_utc(field.data)
        if moment is not None and moment > utcnow() + follow_ups.FUTURE_SLACK:
            raise ValidationError(_l("This time has not come yet. Log what happened, and put "
                                     "what is planned under Next contact."))
        if moment is not None and moment.year < 2000:
            raise ValidationError(_l("Check the year of this time."))

    def validate_next_contact_at(self, field) -> None:
        moment = local_to_utc(field.data)
        if moment is None:
            return
        if moment <= utcnow():
            raise ValidationError(_l("The next contact is in the past. Choose a later time."))
        if moment > utcnow() + follow_ups.FURTHEST_NEXT:
            raise ValidationError(_l("Plan the next contact within two years."))

    def validate_outcome(self, field) -> None:
        if field.data and not self.method.data:
            raise ValidationError(_l("Choose how you were in touch (call, visit...) to log "
                                     "an outcome."))

    def follow_up(self) -> dict:
        """The follow-up's values for the service (empty for a plain note, which keeps no
        outcome or time but may still plan the next contact)."""
        values = {"next_contact_at": local_to_utc(self.next_contact_at.data)}
        if self.method.data:
            values.update(method=self.method.data, outcome=self.outcome.data or None,
                          happened_at=local_to_utc(self.happened_at.data) or utcnow())
        if self.location:
            values.update(self.location)
        return values




def add_note(rtype, record_id: int):
    """Add a note with files or photos; the timeline comes back (htmx) or the page reloads."""
    record = load(rtype, record_id)
    form = NoteForm()
    error = None
    try:
        files = notes.check_files(_uploads())
    except notes.UploadRefused as refused:
        files, error = [], UPLOAD_MESSAGES[refused.code](refused.filename)
    error = error or form.location_problem()
    if not (form.body.data or "").strip() and not files and not error \
            and not form.is_check_in():
        if form.method.data and form.method.data in follow_ups.METHODS:
            if not form.outcome.data:
                error = _("Say what came of it: write a summary or choose an outcome.")
        else:
            error = _("Write a note or attach a file.")
    if not form.validate() or error:
        if form.client_key.errors:
            form.client_key.data = str(uuid.uuid4())  # so that sending again works
        for name in ("check_in", "latitude", "longitude", "accuracy", "location_error"):
            form[name].data = ""  # a check-in is tapped again, not resent with the next note
        return _timeline_response(rtype, record, form, error, 422)
    if notes.key_used_elsewhere(record, form.client_key.data) \
            or not _save_once(record, form, files):
        form.client_key.data = str(uuid.uuid4())
        return _timeline_response(rtype, record, form, _(
            "This note was already sent for another customer, so it was not added here. "
            "Send it again to add it to this customer."), 422)
    done = _("Follow-up logged.") if form.method.data else _("Note added.")
    if form.location:
        done = _("Checked in.") if form.location["check_in"] == follow_ups.LOCATED \
            else _("Checked in without a location.")
    if not is_htmx():
        flash(done, "success")
        return redirect(rtype.url("show", record_id=record.id))
    return toast(_timeline_response(rtype, record, NoteForm(formdata=None), None, 200), done)


def _uploads():
    from flask import request

    return request.files.getlist("files")


def _save_once(record, form, files) -> bool:
    """Save the note unless a note with its key is saved already (a retried send); False
    when the key was taken meanwhile by a note on another record."""
    key = form.client_key.data or None
    if notes.already_saved(record, key):
        return True
    stored: list[str] = []
    try:
        _note, stored = notes.add_note(record, form.body.data or "", files, user=current_user,
                                       client_key=key, follow_up=form.follow_up())
        db.session.commit()
    except Exception as exc:
        db.session.rollback()
        notes.discard_files(stored)
        if not isinstance(exc, IntegrityError):
            raise
        # the same note sent twice at once: the other request saved it (or another record's)
        if notes.already_saved(record, key):
            return True
        if notes.key_used_elsewhere(record, key):
            return False
        raise
    return True


def _timeline_response(rtype, record, form, error, status):
    if not is_htmx():
        flash(error or _("Some fields need attention."), "error")
        return redirect(rtype.url("show", record_id=record.id))
    body = render_template("records/_timeline.html", rtype=rtype, record=record,
                           note_form=form, note_error=error, focus_note=True,
                           entries=timeline.entries(record))
    return fragment(body, status)


def attachment(attachment_id: int):
    """Download a note's file, only if the user may see its record; never inline."""
    row = db.session.scalar(select(Attachment).where(Attachment.id == attachment_id)
                            .options(joinedload(Attachment.note)))
    if row is None or row.note.deleted_at is not None:
        abort(404)
    kind = db.session.scalar(select(Record.type).where(Record.id == row.note.record_id))
    rtype = registry.find(kind)
    if rtype is None or not has_permission(current_user, rtype.permissions.view):
        abort(404)
    model = rtype.model
    if db.session.scalar(scoped(model, current_user).where(
            model.record_id == row.note.record_id).with_only_columns(model.id)) is None:
        abort(404)
    response = send_file(notes.storage_path(row.storage_key), mimetype=row.content_type,
                         as_attachment=True, max_age=0,
                         download_name=notes.clean_filename(row.filename))
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
