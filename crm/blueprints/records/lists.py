"""The list of a record type: the page, rows for live search and load more, saved views."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, send_file
from flask_babel import format_datetime, format_decimal
from flask_babel import gettext as _
from flask_login import current_user

from crm.blueprints.records.common import fragment
from crm.errors import render_error
from crm.extensions import db
from crm.htmx import is_htmx
from crm.records import custom, export, lists
from crm.services import audit, saved_views


def list_context(rtype, *, first_page: bool = False) -> dict:
    lq = lists.parse(rtype, request.args, current_user)
    if first_page:  # the page always starts at the top, whatever `after` a URL carries
        lq.after = None
    rows, next_after = lists.page(rtype, current_user, lq)
    more_url = rtype.url("rows", **lq.args(
        after=lists.cursor(rtype, current_user, lq, next_after))) if next_after else None
    columns = [s for s in rtype.specs() if s.list_column or s.key in lq.cols]
    ctx = {"rtype": rtype, "rows": rows, "lq": lq, "more_url": more_url, "columns": columns}
    if not lq.after:  # the first page says how many match (one capped count, always)
        ctx["count_text"] = count_text(rtype, lists.count(rtype, current_user, lq))
        ctx["views"] = saved_views.views_for(current_user.id, rtype)
    return ctx


def presets(rtype, lq) -> list[tuple[str, str, bool]]:
    """(label, URL, showing now) of the one-tap filters above the list."""
    current = lq.args(after=None, sort=None)
    found = []
    for flt in lq.filters:
        for label, args in flt.presets():
            args = {k: v for k, v in args.items() if v is not None}
            found.append((label, rtype.url("index", **args), current == args))
    return found


def count_text(rtype, matched: int) -> str:
    """"23 companies", or "10,000+ companies" past the count's cap."""
    if matched > lists.COUNT_CAP:
        return _("%(count)s+ %(what)s", count=format_decimal(lists.COUNT_CAP),
                 what=rtype.label_plural)
    return rtype.count_text(matched)


def _ignored_filters(rtype) -> list[str]:
    """Labels of archived custom fields this URL (a saved view) still filters on."""
    args = set(request.args)
    return [str(spec.label) for spec in custom.specs_for(rtype, archived=True)
            if any(name in args for f in spec.kind.filters(spec) for name in f.arg_names)]


def index(rtype):
    """The list page: search, filters, saved views, quick add and the first page of rows."""
    ctx = list_context(rtype, first_page=True)
    return render_template(
        "records/index.html", **ctx, presets=presets(rtype, ctx["lq"]),
        owners=lists.owner_choices(current_user), teams=lists.team_choices(current_user),
        optional_columns=[s for s in rtype.specs() if s.custom and not s.list_column],
        ignored=_ignored_filters(rtype))


def rows(rtype):
    """List rows for live search, filters and load more; a direct GET gets the page."""
    if not is_htmx():
        return redirect(rtype.url("index", **request.args))
    if lists.parse(rtype, request.args, current_user).bad_cursor:
        return render_error(400, _("This list changed since it was loaded. Reload the page "
                                   "to see it from the top."))
    ctx = list_context(rtype)
    if ctx["lq"].after:  # load more: the next rows
        return fragment(render_template("records/_rows.html", **ctx))
    response = fragment(render_template("records/_table.html", **ctx))
    response.headers["HX-Push-Url"] = rtype.url("index", **ctx["lq"].args())
    return response


def save_view(rtype):
    """Save the current list filters under a name."""
    name = (request.form.get("name") or "").strip()
    if not name:
        flash(_("Give the view a name."), "error")
    else:
        try:
            saved_views.save(current_user.id, rtype, name, request.form.get("query", ""))
            db.session.commit()
            flash(_("View %(name)s saved.", name=name[:60]), "success")
        except OverflowError:
            db.session.rollback()
            flash(_("You have too many saved views; delete one first."), "error")
    query = saved_views.clean_query(rtype, request.form.get("query", ""))
    return redirect(rtype.url("index") + (f"?{query}" if query else ""))


def delete_view(rtype, view_id: int):
    """Delete one of the user's saved views (someone else's answers 404)."""
    if not saved_views.delete(current_user.id, view_id):
        abort(404)
    db.session.commit()
    flash(_("View deleted."), "success")
    return redirect(rtype.url("index"))



def export_list(rtype):
    """The list as it is filtered, as a CSV or XLSX download (export permission, the user's
    scope, one audit row per export)."""
    fmt = request.args.get("format", "csv")
    if fmt not in export.FORMATS:
        return _export_refused(rtype, _("Choose CSV or Excel (XLSX) as the export format."))
    lq = lists.parse(rtype, request.args)
    try:
        exported = export.export(rtype, current_user, lq, fmt)
    except export.TooMany as too_many:
        return _export_refused(rtype, _(
            "This list has more than %(limit)s records, more than one export may hold. "
            "Narrow it with the search or the filters, then export again.",
            limit=format_decimal(too_many.limit)))
    audit.record(db.session, "export", entity=rtype.entity,
                 summary=f"{exported.rows} {rtype.plural}, {fmt}",
                 changes={"format": fmt, "rows": exported.rows, "query": lq.query_string()})
    db.session.commit()
    stamp = format_datetime(None, "yyyyMMdd-HHmm")
    return send_file(exported.file, mimetype=exported.mimetype, as_attachment=True,
                     download_name=f"{rtype.plural}-{stamp}.{fmt}", max_age=0)


def _export_refused(rtype, message: str):
    """Back to the list, with the same filters, saying why."""
    flash(message, "error")
    return redirect(rtype.url("index", **{k: v for k, v in request.args.items()
                                          if k != "format"}))
