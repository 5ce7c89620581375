"""List filters, made from the field specs: each reads its query arguments, writes them back
for links and saved views, and adds a WHERE condition. Unusable values are ignored, never
an error (a list URL is often typed or shared by hand).

Custom values are compared through the same SQL expression the expression index of a
filterable custom field is built on (`value_sql`), so the filter uses the index.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation

from sqlalchemy import (
    Float,
    Numeric,
    String,
    cast,
    exists,
    func,
    literal_column,
    or_,
    select,
)

from crm.extensions import db
from crm.ids import id_arg


def dialect() -> str:
    return db.engine.dialect.name


def custom_sql(column, key: str, sql_type: str, dialect_name: str):
    """The SQL expression of one key of a `custom` JSON column, typed for comparison.

    The key is part of the SQL text (keys are checked: [a-z][a-z0-9_]*): an expression
    index only serves queries whose expression is written the same way, parameters included.
    """
    if dialect_name == "postgresql":
        expr = column.op("->>", return_type=String)(literal_column(f"'{key}'"))
        return cast(expr, Numeric) if sql_type == "number" else expr
    expr = func.json_extract(column, literal_column(f"'$.{key}'"))
    return cast(expr, Float) if sql_type == "number" else expr


def value_sql(spec, model):
    """The SQL expression of a field's stored value: its column, or its key in `custom`."""
    if spec.custom:
        return custom_sql(model.__table__.c.custom, spec.key, spec.kind.sql_type(), dialect())
    return getattr(model, spec.column)


def _bool_sql(value: bool):
    if dialect() == "postgresql":
        return "true" if value else "false"
    return 1 if value else 0


class ListFilter:
    """One filter of a list; `widget` names its macro in templates/records/_filters.html."""

    widget = "text"

    def __init__(self, spec, arg: str | None = None):
        self.spec, self.arg = spec, arg or spec.key

    @property
    def label(self):
        return self.spec.label

    @property
    def arg_names(self) -> tuple[str, ...]:
        return (self.arg,)

    def parse(self, args):
        raw = (args.get(self.arg) or "").strip()
        return raw[:100] or None

    def to_args(self, value) -> dict:
        return {self.arg: value}

    def condition(self, model, value):
        return value_sql(self.spec, model).contains(value, autoescape=True)

    def presets(self) -> list[tuple[str, dict]]:
        """(label, query args) of the one-tap filters this filter offers above the list."""
        return []


class Equals(ListFilter):
    widget = "select"

    def options(self) -> list[tuple[str, str]]:
        if self.spec.kind.sql_type() == "bool":
            from flask_babel import gettext as _

            return [("1", _("Yes")), ("0", _("No"))]
        return [(c.value, str(c.label)) for c in self.spec.choices]

    def values(self) -> set[str]:
        if self.spec.kind.sql_type() == "bool":
            return {"1", "0"}
        return {c.value for c in self.spec.choices}

    def parse(self, args):
        raw = args.get(self.arg) or ""
        return raw if raw in self.values() else None

    def condition(self, model, value):
        if self.spec.kind.sql_type() == "bool":
            return value_sql(self.spec, model) == _bool_sql(value == "1")
        return value_sql(self.spec, model) == value


class Has(Equals):
    """A multiple-choice field holds this value."""

    def condition(self, model, value):
        column = model.__table__.c.custom
        if dialect() == "postgresql":
            import json

            needle = literal_column(f"'{json.dumps({self.spec.key: [value]})}'::jsonb")
            return column.op("@>")(needle)
        each = func.json_each(column, literal_column(f"'$.{self.spec.key}'"))
        return exists(select(literal_column("1")).select_from(each.table_valued("value"))
                      .where(literal_column("value") == value))


class NumberRange(ListFilter):
    widget = "number_range"

    @property
    def arg_names(self) -> tuple[str, ...]:
        return (f"{self.arg}_min", f"{self.arg}_max")

    def parse(self, args):
        low, high = (_number(args.get(name)) for name in self.arg_names)
        return (low, high) if low is not None or high is not None else None

    def to_args(self, value) -> dict:
        return {name: (str(v) if v is not None else None)
                for name, v in zip(self.arg_names, value, strict=True)}

    def condition(self, model, value):
        expr, (low, high) = value_sql(self.spec, model), value
        conds = ([expr >= low] if low is not None else []) + \
            ([expr <= high] if high is not None else [])
        return conds[0] if len(conds) == 1 else conds[0] & conds[1]


class DayRange(NumberRange):
    """Between two days (inclusive); for moments the days are UTC days."""

    widget = "day_range"

    @property
    def arg_names(self) -> tuple[str, ...]:
        return (f"{self.arg}_after", f"{self.arg}_before")

    def parse(self, args):
        start, end = (_day(args.get(name)) for name in self.arg_names)
        return (start, end) if start or end else None

    def to_args(self, value) -> dict:
        return {name: (v.isoformat() if v else None)
                for name, v in zip(self.arg_names, value, strict=True)}

    def presets(self) -> list[tuple[str, dict]]:
        if not self.spec.options.get("this_week"):
            return []
        from flask_babel import gettext as _

        today = date.today()
        monday = today - timedelta(days=today.weekday())
        return [(_("Created this week"), self.to_args((monday, None)))]

    def condition(self, model, value):
        start, end = value
        low = datetime.combine(start, time.min, tzinfo=UTC) if start else None
        high = datetime.combine(end, time.max, tzinfo=UTC) if end else None
        if self.spec.custom:  # stored as ISO text: compare as text
            low = low.isoformat() if low else None
            high = (end.isoformat() + "\uffff") if end else None
            if self.spec.kind.key == "date":
                low = start.isoformat() if start else None
        return NumberRange.condition(self, model, (low, high))


class Quiet(ListFilter):
    """Not contacted for N days (never contacted included), or never contacted at all."""

    widget = "quiet"
    DAYS = ("7", "30", "90")

    def __init__(self, spec, arg: str | None = None):
        super().__init__(spec, "quiet")

    def options(self) -> list[tuple[str, str]]:
        from flask_babel import gettext as _

        return [*((d, _("Not contacted for %(n)s days", n=d)) for d in self.DAYS),
                ("never", _("Never contacted"))]

    def parse(self, args):
        raw = args.get(self.arg) or ""
        return raw if raw in (*self.DAYS, "never") else None

    def condition(self, model, value):
        from crm.database import utcnow

        column = getattr(model, self.spec.column)
        if value == "never":
            return column.is_(None)
        return or_(column.is_(None), column < utcnow() - timedelta(days=int(value)))

    def presets(self) -> list[tuple[str, dict]]:
        return [(label, {self.arg: value}) for value, label in self.options()]


class PastDue(ListFilter):
    """A moment already passed while another field still holds a value (a task due before
    now and still open): spec option `overdue` = (field key, value), `overdue_label`."""

    widget = "select"

    def __init__(self, spec, arg: str | None = None):
        super().__init__(spec, "overdue")

    @property
    def label(self):
        return self.spec.options["overdue_label"]

    def options(self) -> list[tuple[str, str]]:
        return [("1", str(self.label))]

    def parse(self, args):
        return "1" if args.get(self.arg) == "1" else None

    def condition(self, model, value):
        from crm.database import utcnow

        key, held = self.spec.options["overdue"]
        return (getattr(model, key) == held) & (value_sql(self.spec, model) < utcnow())

    def presets(self) -> list[tuple[str, dict]]:
        return [(str(self.label), {self.arg: "1"})]


class Region(ListFilter):
    widget = "region"
    arg_names = ("province", "city")

    def parse(self, args):
        province, city = ((args.get(n) or "").strip() for n in self.arg_names)
        return (province[:20], city[:30]) if province or city else None

    def to_args(self, value) -> dict:
        return {"province": value[0] or None, "city": value[1] or None}

    def condition(self, model, value):
        province, city = value
        conds = ([model.province == province] if province else []) + \
            ([model.city == city] if city else [])
        return conds[0] if len(conds) == 1 else conds[0] & conds[1]


class TagFilter(ListFilter):
    widget = "tag"

    def __init__(self, spec, arg: str | None = None):
        super().__init__(spec, arg or "tag")

    def parse(self, args):
        return (args.get(self.arg) or "").strip()[:40] or None

    def condition(self, model, value):
        from crm.models import Tag, record_tag

        return model.record_id.in_(select(record_tag.c.record_id)
                                   .join(Tag, Tag.id == record_tag.c.tag_id)
                                   .where(Tag.name == value))


class UserFilter(ListFilter):
    """The owner (or team) by id; the choices offered are those the user may see."""

    widget = "user"

    def parse(self, args):
        return id_arg(args, self.arg)

    def condition(self, model, value):
        return getattr(model, self.spec.column) == value


def _number(raw):
    try:
        value = Decimal(str(raw).strip()) if raw not in (None, "") else None
    except InvalidOperation:
        return None
    return value if value is not None and value.is_finite() and abs(value) < 10**15 else None


def _day(raw) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except (TypeError, ValueError):
        return None


STYLES = {"contains": ListFilter, "equals": Equals, "has": Has, "range": NumberRange,
          "region": Region, "tag": TagFilter, "owner": UserFilter, "team": UserFilter}


def filters_for(spec) -> list[ListFilter]:
    """The filters a field offers on a list (none unless its spec says `filter`)."""
    style = spec.kind.filter_style
    if style == "range" and spec.kind.key in ("date", "datetime"):
        found = [DayRange(spec, spec.options.get("filter_arg"))]
        return found + ([PastDue(spec)] if spec.options.get("overdue") else [])
    factory = STYLES.get(style)
    return [factory(spec, spec.options.get("filter_arg"))] if factory else []
