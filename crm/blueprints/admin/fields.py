"""Administration: custom fields of each record type (add, edit labels and choices,
reorder, archive and restore), without code or database changes."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from crm.blueprints.admin import bp
from crm.blueprints.admin.forms import FieldForm
from crm.extensions import db
from crm.models import FieldDefinition
from crm.permissions import access
from crm.records import custom, registry
from crm.records.kinds import CUSTOM_KINDS
from crm.services.records import VersionConflict

ID = "<id:field_id>"
RULES = {
    "key_format": lambda p: _("Use 2 to 40 lowercase letters, digits and underscores, "
                              "starting with a letter."),
    "key_builtin": lambda p: _("%(key)s is already a field of this record type, or a word "
                               "the lists use. Choose another key.", key=p["key"]),
    "key_taken": lambda p: _("Another field already has the key %(key)s (archived fields "
                             "count too).", key=p["key"]),
    "too_many": lambda p: _("A record type can have at most %(n)d custom fields, archived "
                            "ones included. Restore an archived field and reuse it.",
                            n=p["n"]),
    "kind": lambda p: _("Choose one of the kinds in the list."),
}


def _type(type_key: str):
    return registry.find(type_key) or abort(404)


def _definition(rtype, field_id: int) -> FieldDefinition:
    row = db.session.get(FieldDefinition, field_id)
    if row is None or row.record_type != rtype.key:
        abort(404)
    return row


def _page(rtype, form, status=200, editing=None):
    return render_template("admin/fields.html", rtype=rtype, form=form, editing=editing,
                           types=registry.all_types(), kinds=CUSTOM_KINDS,
                           definitions=custom.all_definitions(rtype.key),
                           max_fields=custom.MAX_FIELDS), status


@bp.get("/admin/fields")
@access("admin.fields")
def fields_index():
    """Custom fields: the first record type's page."""
    return redirect(url_for("admin.fields_of", type_key=registry.all_types()[0].key))


@bp.get("/admin/fields/<type_key>")
@access("admin.fields")
def fields_of(type_key: str):
    """One record type's custom fields, and the form to add one."""
    return _page(_type(type_key), FieldForm(formdata=None))


def _values(form: FieldForm) -> dict:
    return {"kind": form.kind.data, "key": (form.key.data or "").strip() or None,
            "label_en": form.label_en.data.strip(),
            "label_zh": (form.label_zh.data or "").strip(),
            "choices": form.choice_lines(), "required": form.required.data,
            "filterable": form.filterable.data, "list_column": form.list_column.data}


def _refused(form, error: custom.FieldRuleError) -> None:
    target = form.key if error.code.startswith("key") else form.kind
    if error.code == "too_many":
        target = form.label_en
    target.errors = [*target.errors, RULES[error.code](error.params)]


@bp.post("/admin/fields/<type_key>")
@access("admin.fields")
def fields_create(type_key: str):
    """Add a custom field."""
    rtype = _type(type_key)
    form = FieldForm()
    if not form.validate():
        return _page(rtype, form, 422)
    try:
        definition = custom.create(rtype, _values(form), user=current_user)
        db.session.commit()
    except custom.FieldRuleError as error:
        db.session.rollback()
        _refused(form, error)
        return _page(rtype, form, 422)
    flash(_("Field %(label)s added.", label=definition.label_en), "success")
    return redirect(url_for("admin.fields_of", type_key=rtype.key))


@bp.get(f"/admin/fields/<type_key>/{ID}/edit")
@access("admin.fields")
def fields_edit(type_key: str, field_id: int):
    """Edit a field's labels, choices and flags."""
    rtype = _type(type_key)
    row = _definition(rtype, field_id)
    lines = "\n".join(f"{c['en']} / {c['zh']}" for c in row.choices or () if not c["retired"])
    form = FieldForm(formdata=None, obj=row, editing=True, data={"choices": lines})
    return _page(rtype, form, editing=row)


@bp.post(f"/admin/fields/<type_key>/{ID}")
@access("admin.fields")
def fields_update(type_key: str, field_id: int):
    """Save a field's labels, choices and flags (409 when someone changed it meanwhile)."""
    rtype = _type(type_key)
    row = _definition(rtype, field_id)
    form = FieldForm(editing=True)
    form.kind.data = row.kind
    if not form.validate():
        return _page(rtype, form, 422, editing=row)
    try:
        custom.update(rtype, row, request.form.get("version"), _values(form))
        db.session.commit()
    except VersionConflict:
        db.session.rollback()
        flash(_("Someone else changed this field meanwhile. Here it is as stored now."),
              "error")
        return redirect(url_for("admin.fields_edit", type_key=rtype.key, field_id=field_id))
    flash(_("Field %(label)s saved.", label=row.label_en), "success")
    return redirect(url_for("admin.fields_of", type_key=rtype.key))


@bp.post(f"/admin/fields/<type_key>/{ID}/archive")
@access("admin.fields")
def fields_archive(type_key: str, field_id: int):
    """Archive a field: it leaves forms, lists and filters; its values are kept."""
    return _set_archived(type_key, field_id, True)


@bp.post(f"/admin/fields/<type_key>/{ID}/restore")
@access("admin.fields")
def fields_restore(type_key: str, field_id: int):
    """Bring an archived field back, with the values records kept."""
    return _set_archived(type_key, field_id, False)


def _set_archived(type_key: str, field_id: int, archived: bool):
    rtype = _type(type_key)
    row = _definition(rtype, field_id)
    custom.set_archived(rtype, row, archived)
    db.session.commit()
    flash(_("Field %(label)s archived. Its values are kept.", label=row.label_en) if archived
          else _("Field %(label)s restored.", label=row.label_en), "success")
    return redirect(url_for("admin.fields_of", type_key=rtype.key))


@bp.post(f"/admin/fields/<type_key>/{ID}/move")
@access("admin.fields")
def fields_move(type_key: str, field_id: int):
    """Move a field up or down on the forms and pages."""
    rtype = _type(type_key)
    row = _definition(rtype, field_id)
    custom.move(rtype, row, -1 if request.form.get("direction") == "up" else 1)
    db.session.commit()
    return redirect(url_for("admin.fields_of", type_key=rtype.key))
