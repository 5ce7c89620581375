"""Jinja setup: strict undefined outside production, globals and filters every page uses."""

from __future__ import annotations

import hashlib
import os
from datetime import datetime

from flask import Flask, current_app, url_for
from flask_login import current_user
from jinja2 import StrictUndefined

from crm.config import LANGUAGES, ROLES
from crm.i18n import LANGUAGE_NAMES, format_moment, ui_language
from crm.permissions import has_permission
from crm.records.kinds.base import EMPTY
from crm.records.kinds.composite import PHONE_LABELS
from crm.services import follow_ups, regions


def _can(perm: str) -> bool:
    return has_permission(current_user, perm)


def _when(value: datetime | None, seconds: bool = False) -> str:
    return format_moment(value, seconds)


def record_url(type_key: str, record_id: int, endpoint: str = "show") -> str:
    """The page of a record of any type (e.g. a duplicate candidate, a linked record)."""
    from crm.records import registry

    return url_for(f"{registry.get(type_key).plural}.{endpoint}", record_id=record_id)


def validate_attrs(rtype, name: str, record=None) -> dict:
    """htmx attributes that check a field on change into its error slot. `record`: the
    record being edited, left out when looking for records already on file."""
    params = {"field": name, "exclude": record.id} if record else {"field": name}
    return {"hx-post": rtype.url("validate_field", **params), "hx-trigger": "change",
            "hx-target": f"#err-{name}", "hx-swap": "outerHTML"}


def phone_filter(e164: str | None) -> str:
    """A stored E.164 number in the user's national or international format."""
    from crm.services.phones import format_phone
    from crm.validators import phone_region

    return format_phone(e164, phone_region()) if e164 else ""


def row_labels(rtype) -> dict:
    """The labels a list row shows, translated once per request (not once per row)."""
    from flask import g
    from flask_babel import get_locale
    from flask_babel import gettext as _

    cache = g.setdefault("_row_labels", {})
    key = (rtype.key, str(get_locale()))
    if key not in cache:
        labels = {spec.key: str(spec.label) for spec in rtype.specs()}
        labels.update(_in_trash=_("In the trash"), _complete=_("Complete"),
                      _restore=_("Restore"), _completeness=bool(rtype.completeness_specs()),
                      _base=rtype.url("index") + "/")  # + id: a record's page
        cache[key] = labels
    return cache[key]


def field_texts(rtype, record) -> dict:
    """What every click-to-edit field of one record page shares, made once per page."""
    from flask_babel import gettext as _

    return {"url": rtype.url("field", record_id=record.id), "edit": _("Edit %(field)s")}


def tag_suggestions() -> list[str]:
    from flask import g

    from crm.records.kinds.composite import suggestions

    if "_tag_suggestions" not in g:
        g._tag_suggestions = suggestions()
    return g._tag_suggestions


def transfer_request(candidate) -> dict:
    """Where and with what reference the duplicate prompt asks for another rep's customer."""
    from crm.records import registry
    from crm.services import transfers

    rtype = registry.get(candidate.kind)
    return {"url": url_for(f"{rtype.plural}.request_transfer"),
            "ref": transfers.reference(rtype, candidate.id, current_user)}


def record_types() -> list:
    from crm.records import registry

    return registry.all_types()


_static_versions: dict[tuple[str, float], str] = {}


def static_version(filename: str) -> str | None:
    """A short hash of a static file's content (None when there is no such file): put in
    its URL, a changed file gets a new URL, so browsers may keep each version for a year."""
    folder = current_app.static_folder or ""
    path = os.path.realpath(os.path.join(folder, filename))
    if not path.startswith(os.path.realpath(folder) + os.sep):
        return None
    try:
        key = (path, os.stat(path).st_mtime)
    except OSError:
        return None
    if key not in _static_versions:
        with open(path, "rb") as fh:
            _static_versions[key] = hashlib.sha256(fh.read()).hexdigest()[:12]
    return _static_versions[key]


def _version_static_urls(endpoint: str, values: dict) -> None:
    """url_defaults: every url_for('static', filename=...) carries ?v=<content hash>."""
    if endpoint == "static" and "v" not in values and "filename" in values:
        version = static_version(values["filename"])
        if version:
            values["v"] = version


def register(app: Flask) -> None:
    app.url_defaults(_version_static_urls)
    if app.debug or app.testing:
        app.jinja_env.undefined = StrictUndefined
    app.jinja_env.globals.update(can=_can, ui_language=ui_language, LANGUAGES=LANGUAGES,
                                 LANGUAGE_NAMES=LANGUAGE_NAMES, ROLES=ROLES,
                                 record_url=record_url, validate_attrs=validate_attrs,
                                 record_types=record_types, row_labels=row_labels,
                                 field_texts=field_texts, tag_suggestions=tag_suggestions,
                                 PROVINCES=regions.PROVINCES, CITIES_OF=regions.cities_of,
                                 PHONE_LABELS=PHONE_LABELS, EMPTY_HTML=EMPTY,
                                 follow_up_methods=follow_ups.METHODS,
                                 follow_up_outcomes=follow_ups.OUTCOMES,
                                 no_location=follow_ups.NO_LOCATION,
                                 point_url=regions.point_url,
                                 transfer_request=transfer_request)
    app.jinja_env.filters["when"] = _when
    app.jinja_env.filters["phone"] = phone_filter
