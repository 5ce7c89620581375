"""View logic shared by the companies and contacts areas (not a blueprint).

Each area's views.py declares its routes and access rules and calls these functions with its
`Area`; the functions parse the form, call a service and pick the page or the fragment.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, flash, g, make_response, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _lp
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.exc import StaleDataError

from crm.database import commit_keeping_loaded
from crm.extensions import db
from crm.htmx import hx_location, is_htmx, toast
from crm.models import Contact
from crm.services import customer_lists, customers, saved_views
from crm.services.customers import DuplicateFound
from crm.services.phones import format_phone
from crm.services.records import VersionConflict
from crm.services.scope import scoped
from crm.validators import phone_region


@dataclass(frozen=True)
class Area:
    name: str  # blueprint and URL prefix: "companies"
    entity: str  # audit entity and timeline kind: "company"
    model: type
    form_class: type
    fields: frozenset[str]  # fields a form may set
    editable: tuple[str, ...]  # click-to-edit fields on the customer page
    title: str  # "Companies" (lazy translation)
    singular: str  # "company"
    # "Name" of this kind of record: 名称 for a company, 姓名 for a person (lazy translation)
    name_label: str = _l("Name")

    def url(self, endpoint: str, **kwargs) -> str:
        return url_for(f"{self.name}.{endpoint}", **kwargs)

    def validate_attrs(self, field_name: str, record=None) -> dict:
        """htmx attributes that check a field on change into its error slot. `record`: the
        record being edited, left out when looking for customers already on file."""
        params = {"field": field_name, "exclude": record.id} if record else {"field": field_name}
        return {"hx-post": self.url("validate_field", **params), "hx-trigger": "change",
                "hx-target": f"#err-{field_name}", "hx-swap": "outerHTML"}


def load(area: Area, record_id: int, *, include_deleted: bool = False):
    """The record with owner, phones and tags, in the user's scope, or 404.

    Phones come joined to the record (a handful per record; saves a round trip on every
    customer page, edit and quick add). Tags stay a second query: SQLite cannot use the
    indexes for a LEFT JOIN to the nested company_tag/tag join and reads them all.
    """
    model = area.model
    options = [joinedload(model.owner), joinedload(model.phones), selectinload(model.tags)]
    if model is Contact:
        options.append(joinedload(Contact.company))
    stmt = (scoped(model, current_user, include_deleted=include_deleted)
            .where(model.id == record_id).options(*options))
    return db.session.scalars(stmt).unique().one_or_none() or abort(404)


def form_data(area: Area, record) -> dict:
    """The stored record as form data (for the edit form and conflict display)."""
    data = {name: getattr(record, name) for name in area.fields if hasattr(record, name)}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    phones = list(record.phones)
    if phones:
        data["phone"] = format_phone(phones[0].e164, phone_region())
        data["phone_kind"] = phones[0].kind
    data["phones"] = [{"kind": p.kind, "number": format_phone(p.e164, phone_region())}
                      for p in phones[1:]]
    data["tags"] = ", ".join(t.name for t in record.tags)
    if isinstance(record, Contact):
        data["company"] = record.company.name if record.company else ""
    return data


def edit_form(area: Area, record):
    form = area.form_class(formdata=None, data=form_data(area, record))
    if len(form.phones.entries) < 3:
        form.phones.append_entry()
    return form


def blank_form(area: Area, **data):
    form = area.form_class(formdata=None, data=data)
    form.phones.append_entry()
    return form


def values_from(area: Area, form) -> dict:
    values = form.values(area.fields)
    if hasattr(form, "company_value"):
        values["company_id"] = form.company_value
    return values


def render_form(area: Area, form, record=None, status: int = 200, **extra):
    """The full form page, or the quick-add fragment for an htmx quick-add post."""
    ctx = {"area": area, "form": form, "record": record, "candidates": None,
           "conflict": None, **extra}
    if is_htmx() and request.form.get("quick") == "1" and record is None:
        return render_template("customers/_quick_add.html", **ctx), status
    return render_template("customers/form.html", **ctx), status


def create(area: Area):
    """Create a record from the full form or the quick-add row."""
    form = area.form_class()
    if not form.validate():
        return render_form(area, form, status=422)
    try:
        record = customers.create(area.model, values_from(area, form), form.phone_list(),
                                  form.tags.data, user=current_user,
                                  confirmed=request.form.get("confirm_new") == "1")
        commit_keeping_loaded(db.session)
    except DuplicateFound as found:
        db.session.rollback()
        return render_form(area, form, status=409, candidates=found.candidates)
    message = _("%(name)s added.", name=record.name)
    if is_htmx() and request.form.get("quick") == "1":
        # The new row is drawn from the record as saved (owner, phones and tags are in the
        # session already): no reload.
        body = render_template("customers/_quick_add.html", area=area,
                               form=area.form_class(formdata=None), record=None,
                               candidates=None, conflict=None, added=record)
        return toast(fragment(body, 201), message)
    flash(message, "success")
    if is_htmx():
        return hx_location(area.url("show", record_id=record.id))
    return redirect(area.url("show", record_id=record.id))


def fragment(body: str, status: int):
    """A response whose headers (toast, push URL) the caller adds."""
    return make_response(body, status)


def conflict_rows(area: Area, record, form) -> list[tuple[str, str, str]]:
    """(label, stored, submitted) for every field where the two versions differ."""
    stored = form_data(area, record)
    rows = []
    for name in [*area.fields, "phone", "tags", "company"]:
        if name not in form or name == "company_id":
            continue
        theirs = stored.get(name, "")
        mine = form[name].data
        if str(theirs or "").strip() != str(mine or "").strip():
            rows.append((str(form[name].label.text), str(theirs or ""), str(mine or "")))
    return rows


def update(area: Area, record_id: int):
    """Save the full edit form (409 on a stale version or an unconfirmed duplicate)."""
    record = load(area, record_id)
    form = area.form_class()
    if not form.validate():
        return render_form(area, form, record, status=422)
    try:
        customers.update(record, request.form.get("version"), values_from(area, form),
                         form.phone_list(), form.tags.data, user=current_user,
                         confirmed=request.form.get("confirm_new") == "1")
        db.session.commit()
    except DuplicateFound as found:
        db.session.rollback()
        return render_form(area, form, load(area, record_id), status=409,
                           candidates=found.candidates)
    except (VersionConflict, StaleDataError):
        db.session.rollback()
        record = load(area, record_id)
        return render_form(area, form, record, status=409,
                           conflict=conflict_rows(area, record, form))
    flash(_("%(name)s saved.", name=record.name), "success")
    if is_htmx():
        return hx_location(area.url("show", record_id=record.id))
    return redirect(area.url("show", record_id=record.id))


def delete(area: Area, record_id: int):
    """Move to the trash; an htmx row delete removes the row and offers nothing else."""
    record = load(area, record_id)
    customers.soft_delete(record)
    db.session.commit()
    message = _("%(name)s moved to the trash.", name=record.name)
    if is_htmx():
        return toast(fragment("", 200), message)
    flash(message, "success")
    return redirect(area.url("index"))


def restore(area: Area, record_id: int):
    """Take a record out of the trash."""
    record = load(area, record_id, include_deleted=True)
    customers.restore(record)
    db.session.commit()
    flash(_("%(name)s restored.", name=record.name), "success")
    if is_htmx():
        return hx_location(area.url("show", record_id=record.id))
    return redirect(area.url("show", record_id=record.id))


def list_context(area: Area) -> dict:
    lq = customer_lists.parse(request.args)
    rows, next_after = customer_lists.page(area.model, current_user, lq)
    more_url = area.url("rows", **lq.args(after=next_after)) if next_after else None
    return {"area": area, "rows": rows, "lq": lq, "more_url": more_url}


def index(area: Area):
    """The list page: search, filters, saved views, quick add and the first page of rows."""
    return render_template(
        "customers/index.html", **list_context(area),
        views=saved_views.views_for(current_user.id, area.name),
        owners=customer_lists.owner_choices(current_user),
        teams=customer_lists.team_choices(current_user))


def rows(area: Area):
    """List rows for active search, filters and load more; a direct GET gets the page."""
    if not is_htmx():
        return redirect(area.url("index", **request.args))
    ctx = list_context(area)
    response = fragment(render_template("customers/_rows.html", **ctx), 200)
    if not ctx["lq"].after:
        response.headers["HX-Push-Url"] = area.url("index", **ctx["lq"].args())
    return response



def template_labels() -> dict:
    """Display labels of choice values, for the customer templates (a context processor)."""
    from crm.blueprints.companies import forms
    from crm.services import regions

    return {"TIER_LABELS": forms.TIER_LABELS, "STATUS_LABELS": forms.STATUS_LABELS,
            "SOURCE_LABELS": forms.SOURCE_LABELS, "PHONE_LABELS": forms.PHONE_LABELS,
            "GENDER_LABELS": forms.GENDER_LABELS, "PROVINCES": regions.PROVINCES,
            "CITIES_OF": regions.cities_of, "customer_row_labels": row_labels}


# Column headings of a list row (data-label, shown on narrow screens) and its other texts.
ROW_TEXTS = {"name": _l("Name"), "company_name": _lp("company", "Name"), "phone": _l("Phone"),
             "owner": _l("Owner"),
             "status": _l("Status"), "tier": _l("Tier"), "city": _l("City"),
             "last_contact": _l("Last contact"), "complete": _l("Complete"),
             "in_trash": _l("In the trash"), "restore": _l("Restore")}


def row_labels() -> dict:
    """Every label a list row shows, translated once per request (not once per row).

    `status_of` and `tier_of` map choice values to their labels; the other keys are row
    texts. The rows template computes it once before its loop; a row rendered alone calls it
    too. Cached on `g` under the request's locale (an app context may outlive a request).
    """
    locale = str(get_locale())
    cached = g.get("_customer_row_labels")
    if cached is None or cached[0] != locale:
        from crm.blueprints.companies import forms

        labels = {key: str(text) for key, text in ROW_TEXTS.items()}
        labels["status_of"] = {k: str(v) for k, v in forms.STATUS_LABELS.items()}
        labels["tier_of"] = {k: str(v) for k, v in forms.TIER_LABELS.items()}
        cached = g._customer_row_labels = (locale, labels)
    return cached[1]


def phone_filter(e164: str | None) -> str:
    """Jinja filter: a stored E.164 number in the user's national or international format."""
    return format_phone(e164, phone_region()) if e164 else ""
