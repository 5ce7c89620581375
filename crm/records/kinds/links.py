"""Kinds that point at other rows: a link to another record (a person's company), the
owner and team of a record, and the read-only moments (created, last contact)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select
from wtforms import SelectField, StringField
from wtforms.validators import Length, ValidationError

from crm.ids import parse_id
from crm.records.kinds.base import Kind
from crm.records.kinds.basic import DateTimeKind
from crm.validators import LENGTH_MESSAGE, PlainText


class LinkKind(Kind):
    """A link to a record of another type, typed by its name and matched in the user's
    scope. Options: `target` (record type key), `column` (the id column, e.g. company_id),
    `relation` (the relationship attribute, e.g. company)."""

    key, label = "link", _l("Link to a record")
    custom = False
    filter_style = "none"

    def field(self, spec):
        return StringField(spec.label, description=spec.hint or "",
                           validators=[Length(max=200, message=LENGTH_MESSAGE), PlainText(),
                                       _resolve(spec)])

    def form_value(self, spec, form):
        return getattr(form[spec.key], "link_id", None)

    def to_form(self, spec, value):
        return ""

    def form_data(self, spec, record) -> dict:
        """The linked record's name, only if the viewer may see it (else the field is empty,
        and saving it empty keeps the link: see `set`)."""
        target = self.visible_target(spec, record)
        return {spec.key: target.name if target is not None else ""}

    def prefill(self, spec, args) -> dict:
        """?company_id=5 on a new person's form: that company, if the user may see it."""
        from crm.extensions import db
        from crm.records import registry
        from crm.services.scope import scoped

        target_id = parse_id(args.get(spec.column))
        if target_id is None:
            return {}
        model = registry.get(spec.options["target"]).model
        name = db.session.scalar(scoped(model, current_user).where(model.id == target_id)
                                 .with_only_columns(model.name))
        return {spec.key: name} if name else {}

    def get(self, spec, record):
        return getattr(record, spec.column)

    def set(self, spec, record, value) -> None:
        from crm.extensions import db
        from crm.records import registry

        if not value and getattr(record, spec.column) is not None and _viewer() is not None \
                and self.visible_target(spec, record) is None:
            return  # a link the user may not see was shown empty: it stays as it is
        model = registry.get(spec.options["target"]).model
        setattr(record, spec.options["relation"], db.session.get(model, value) if value else None)

    def load_option(self, spec, model):
        from sqlalchemy.orm import joinedload

        return joinedload(getattr(model, spec.options["relation"]))

    def html(self, spec, record, rtype) -> Markup:
        """The linked record as a link, when the viewer may see it."""
        from crm.records.kinds.base import EMPTY
        from crm.templating import record_url

        target = self.visible_target(spec, record)
        if target is not None:
            return Markup('<a href="{}">{}</a>').format(
                record_url(spec.options["target"], target.id), target.name)
        empty = spec.options.get("empty_text")
        return Markup('<span class="muted">{}</span>').format(empty) if empty else EMPTY

    def visible_target(self, spec, record):
        """The linked record if the viewer may see it (in scope, not in the trash)."""
        from crm.services.scope import can_see

        target = getattr(record, spec.options["relation"])
        if target is None or target.deleted_at is not None or not can_see(target, current_user):
            return None
        return target

    def text(self, spec, value) -> str:
        if value is None:
            return ""
        return self.names(spec, [value]).get(value) or str(_l("(not visible to you)"))

    def export_values(self, spec, records) -> list:
        """The linked record's name, only where the exporting user may see it."""
        targets = (self.visible_target(spec, record) for record in records)
        return [target.name if target is not None else "" for target in targets]

    def names(self, spec, ids) -> dict:
        """Names of the linked records the viewer may see (the trash included: it is theirs
        to open); the history and a conflict never name another's record."""
        from crm.extensions import db
        from crm.records import registry
        from crm.services.scope import apply_scope

        model = registry.get(spec.options["target"]).model
        stmt = select(model.id, model.name).where(model.id.in_(ids))
        if _viewer() is not None:
            stmt = apply_scope(stmt, model, _viewer(), include_deleted=True)
        return dict(db.session.execute(stmt).all())

    def search_terms(self, spec, value) -> list[str]:
        return []

    def filters(self, spec) -> list:
        return []


def _viewer():
    """The signed-in user of this request, or None (a command, a job)."""
    from flask import has_request_context

    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user
    return None


def _resolve(spec):
    """Find the named record among the user's; keep its id on the field."""

    def check(form, field) -> None:
        from crm.records import registry

        field.link_id = None
        name = (field.data or "").strip()
        if not name:
            return
        target = registry.get(spec.options["target"])
        found = target.find_by_name(name, current_user)
        if found is None:
            raise ValidationError(_l("No %(what)s called %(name)s among your customers. Add "
                                     "it first, or leave this empty.",
                                     what=target.label_lower, name=name[:60]))
        field.link_id = found
    return check


class OwnerKind(Kind):
    """The user who owns the record: shown by name, a filter of the list, and changed by
    those whose role may assign records (to a user they see; the team follows the owner)."""

    key, label = "owner", _l("Owner")
    custom = False
    filter_style = "owner"
    live_check = False

    def field(self, spec):
        return SelectField(spec.label, validate_choice=False, description=spec.hint or "",
                           validators=[_known_owner])

    def prepare(self, form, spec) -> None:
        from crm.records.lists import owner_choices

        field = form[spec.key]
        if not field.data:  # a new record (or a post without the field): the user's own
            field.data = str(current_user.id)
        field.choices = [(str(uid), name) for uid, name in owner_choices(current_user)]
        if field.data and str(field.data) not in {c[0] for c in field.choices}:
            field.choices.append((str(field.data), self.text(spec, parse_id(field.data))))

    def form_value(self, spec, form):
        return parse_id(form[spec.key].data)

    def to_form(self, spec, value):
        return "" if value is None else str(value)

    def set(self, spec, record, value) -> None:
        from crm.extensions import db
        from crm.models import User

        if value is None or value == record.owner_id:
            return
        owner = db.session.get(User, value)
        record.owner, record.team_id = owner, owner.team_id if owner else None

    def html(self, spec, record, rtype) -> Markup:
        from markupsafe import escape

        from crm.records.kinds.base import EMPTY

        relation = getattr(record, spec.key, None)  # the loaded user or team
        return escape(relation.name) if relation is not None else EMPTY

    def text(self, spec, value) -> str:
        return "" if value is None else self.names(spec, [value]).get(value, f"#{value}")

    def export_values(self, spec, records) -> list:
        """Names of the batch's owners (or teams) in one query."""
        ids = [self.get(spec, record) for record in records]
        names = self.names(spec, {i for i in ids if i is not None}) if any(ids) else {}
        return [names.get(i, "") if i is not None else "" for i in ids]

    def names(self, spec, ids) -> dict:
        from crm.extensions import db
        from crm.models import User

        return dict(db.session.execute(select(User.id, User.name)
                                       .where(User.id.in_(ids))).all())

    def search_terms(self, spec, value) -> list[str]:
        return []


def _known_owner(form, field) -> None:
    """Only someone the user may assign to (their team, or everyone for an admin)."""
    from crm.records.lists import owner_choices

    if parse_id(field.data) not in {uid for uid, _name in owner_choices(current_user)}:
        raise ValidationError(_l("Choose one of the people in the list."))


class TeamKind(OwnerKind):
    key, label = "team", _l("Team")
    filter_style = "team"

    def names(self, spec, ids) -> dict:
        from crm.extensions import db
        from crm.models import Team

        return dict(db.session.execute(select(Team.id, Team.name)
                                       .where(Team.id.in_(ids))).all())


class MomentKind(DateTimeKind):
    """A moment the system keeps (created, last contact): shown and filtered, not typed."""

    key = "moment"
    custom = False

    def filters(self, spec) -> list:
        from crm.records.filters import DayRange, Quiet

        found = [DayRange(spec, spec.options["filter_arg"])]
        return found + ([Quiet(spec)] if spec.options.get("quiet") else [])


LINK = LinkKind()
OWNER = OwnerKind()
TEAM = TeamKind()
MOMENT = MomentKind()
