"""What every record handler needs: loading a record in scope, fragment responses."""

from __future__ import annotations

from flask import abort, make_response
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload

from crm.extensions import db
from crm.services.scope import scoped


def load(rtype, record_id: int, *, include_deleted: bool = False):
    """The record with owner, phones, tags and links, in the user's scope, or 404.

    Phones come joined to the record (a handful per record; saves a round trip on every
    record page, edit and quick add). Tags stay a second query: SQLite cannot use the
    indexes for a LEFT JOIN to the nested record_tag/tag join and reads them all.
    """
    model = rtype.model
    options = [joinedload(model.owner), joinedload(model.phones), selectinload(model.tags)]
    for spec in rtype.fields:
        option = spec.kind.load_option(spec, model)
        if option is not None:
            options.append(option)
    stmt = (scoped(model, current_user, include_deleted=include_deleted)
            .where(model.id == record_id).options(*options))
    return db.session.scalars(stmt).unique().one_or_none() or abort(404)


def fragment(body: str, status: int = 200):
    """A response whose headers (toast, push URL) the caller adds."""
    return make_response(body, status)
