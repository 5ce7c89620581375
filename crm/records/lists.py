"""Record lists: search, filters from the field specs, sorts, and keyset pages.

Search matches `search_text` (folded name, pinyin full and initials, email, phone digits,
tags). Three or more characters use the full-text index: SQLite FTS5 with the trigram
tokenizer (a `<table>_fts` table), PostgreSQL a pg_trgm GIN index under LIKE. Shorter
queries fall back to a LIKE bounded by the page LIMIT. Pages use keyset pagination (no
OFFSET, no COUNT). The "load more" cursor is signed with the app's secret and bound to the
user, the record type and the list's filters, so it can only name a row that user was shown
in that list (and it is still read inside the user's scope); anything else is no cursor.
The owner, tags and links of a page come with it in a fixed number of queries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from flask import current_app
from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy import and_, bindparam, column, func, select, table, text, tuple_
from sqlalchemy.orm import joinedload, selectinload

from crm.extensions import db
from crm.ids import parse_id
from crm.services.normalize import fold_text, phone_digits
from crm.services.scope import apply_scope

PAGE_SIZE = 25
ID_SORTS = ("newest", "oldest")
_PHONE_CHARS = set("0123456789+-() .")


@dataclass
class ListQuery:
    """What a list shows; `args()` turns it back into query-string arguments."""

    filters: list = field(default_factory=list)  # the type's ListFilters
    values: dict = field(default_factory=dict)  # filter -> parsed value (set ones only)
    q: str = ""
    sort: str = "newest"
    trash: bool = False
    after: int | None = None  # the id of the last row shown (read from a signed cursor)
    cols: tuple[str, ...] = ()  # optional columns chosen by the user (custom field keys)
    bad_cursor: bool = False  # an `after` was sent that this user's list did not sign

    def args(self, **override) -> dict:
        """The non-empty arguments (for links, load more and saved views)."""
        result = {"q": self.q, "sort": self.sort if self.sort != "newest" else None,
                  "trash": 1 if self.trash else None, "after": self.after,
                  "cols": ",".join(self.cols) or None}
        for flt, value in self.values.items():
            result.update(flt.to_args(value))
        result.update(override)
        return {k: v for k, v in result.items() if v not in (None, "")}

    def query_string(self) -> str:
        return urlencode(self.args(after=None))

    @property
    def filtered(self) -> bool:
        return bool(self.args(after=None, sort=None))

    def value(self, arg: str):
        """The parsed value of the filter owning this argument (templates)."""
        return next((v for f, v in self.values.items() if arg in f.arg_names), None)


def filters_of(rtype) -> list:
    return [flt for spec in rtype.specs() if spec.filter for flt in spec.kind.filters(spec)]


def parse(rtype, args, user=None) -> ListQuery:
    """Read a ListQuery from request args; unusable values are ignored, never an error.
    `after` counts only as a cursor this list signed for `user` (see `cursor`)."""
    flts = filters_of(rtype)
    values = {}
    for flt in flts:
        value = flt.parse(args)
        if value is not None:
            values[flt] = value
    sorts = {*ID_SORTS, *(s.key for s in rtype.sorts)}
    known = [s.key for s in rtype.specs() if s.custom]
    raw = args.getlist("cols") if hasattr(args, "getlist") else [args.get("cols") or ""]
    chosen = {c for value in raw for c in (value or "").split(",")}
    cols = tuple(key for key in known if key in chosen)
    lq = ListQuery(filters=flts, values=values, q=(args.get("q") or "").strip()[:100],
                   sort=args.get("sort") if args.get("sort") in sorts else "newest",
                   trash=args.get("trash") == "1", cols=cols)
    if args.get("after"):
        lq.after = read_cursor(rtype, user, lq, args.get("after"))
        lq.bad_cursor = lq.after is None
    return lq


def _cursor_signer(rtype, user, lq: ListQuery) -> URLSafeSerializer:
    """Signs cursors for this user, record type and list (filters, search, sort, trash)."""
    return URLSafeSerializer(current_app.secret_key, salt="crm.list-cursor:"
                             f"{rtype.key}:{user.id}:{lq.query_string()}")


def cursor(rtype, user, lq: ListQuery, last_id: int) -> str:
    """The `after` argument of the next page: the last row's id, signed."""
    return _cursor_signer(rtype, user, lq).dumps(last_id)


def read_cursor(rtype, user, lq: ListQuery, token) -> int | None:
    """The row id in a cursor this list signed for this user, else None (tampered,
    another user's, another list's, or a bare id)."""
    if user is None or not isinstance(token, str) or len(token) > 200:
        return None
    try:
        value = _cursor_signer(rtype, user, lq).loads(token)
    except BadData:
        return None
    return parse_id(value)


def _search_term(q: str) -> str:
    digits = phone_digits(q)
    if len(digits) >= 3 and set(q) <= _PHONE_CHARS:
        return digits.removeprefix("86") if q.strip().startswith("+86") else digits
    return fold_text(q)


def _fts_table(model):
    return table(f"{model.__tablename__}_fts", column("rowid"))


def _fts_match(model, term: str):
    phrase = '"' + term.replace('"', '""') + '"'
    return text(f"{model.__tablename__}_fts MATCH :fts_phrase").bindparams(
        bindparam("fts_phrase", phrase))


def _uses_fts(term: str) -> bool:
    return db.engine.dialect.name == "sqlite" and len(term) >= 3


def search_condition(model, q: str):
    """The WHERE clause of a search on `model` (full-text index when possible)."""
    term = _search_term(q)
    if not term:
        return None
    if _uses_fts(term):
        fts = _fts_table(model)
        return model.id.in_(select(fts.c.rowid).where(_fts_match(model, term)))
    return model.search_text.contains(term, autoescape=True)


def _fts_drives(model, lq: ListQuery) -> bool:
    """Whether the full-text index itself yields the page in id order (SQLite, id sorts):
    reading matches newest first and stopping at the page size is far cheaper than
    collecting every match of a common word ("有限公司") before filtering and sorting."""
    return bool(lq.q) and hasattr(model, "search_text") and lq.sort in ID_SORTS \
        and _uses_fts(_search_term(lq.q))


def _conditions(model, lq: ListQuery) -> list:
    conds = [flt.condition(model, value) for flt, value in lq.values.items()]
    if lq.q and hasattr(model, "search_text") and not _fts_drives(model, lq):
        cond = search_condition(model, lq.q)
        if cond is not None:
            conds.append(cond)
    return conds


def _order_and_cursor(rtype, lq: ListQuery, id_column, user):
    """ORDER BY of the sort and the keyset condition after the cursor row (one PK lookup,
    inside the user's scope)."""
    model = rtype.model
    sort = next((s for s in rtype.sorts if s.key == lq.sort), None)
    if sort is None:
        descending = lq.sort != "oldest"
        cond = None
        if lq.after:
            cond = id_column < lq.after if descending else id_column > lq.after
        return [id_column.desc() if descending else id_column.asc()], cond
    sort_column = getattr(model, sort.column)
    order = ([sort_column.desc(), model.id.desc()] if sort.descending
             else [sort_column.asc(), model.id.asc()])
    cond = None
    if lq.after:
        value = db.session.scalar(apply_scope(select(sort_column), model, user,
                                              include_deleted=lq.trash)
                                  .where(model.id == lq.after))
        if value is not None:
            pair, cursor = tuple_(sort_column, model.id), tuple_(value, lq.after)
            cond = pair < cursor if sort.descending else pair > cursor
        else:
            cond = model.id.is_(None)  # a cursor outside the user's scope shows nothing
    return order, cond


def load_options(rtype, model, specs=None) -> list:
    """Eager loads of what a row shows: owner, tags, and what its columns need (the list's
    columns, or the given fields: an export loads every field's)."""
    options = [joinedload(model.owner), selectinload(model.tags)]
    shown = specs if specs is not None else [s for s in rtype.fields if s.list_column]
    for spec in shown:
        option = spec.kind.load_option(spec, model) if specs is None \
            else spec.kind.export_load_option(spec, model)
        if option is not None:
            options.append(option)
    return options


def _matching(rtype, user, lq: ListQuery):
    """The select of the records the list shows (scope, trash, filters, search) and the id
    column its order and cursor use (the full-text rowid when the index drives)."""
    model = rtype.model
    stmt, id_column = select(model), model.id
    if _fts_drives(model, lq):
        fts = _fts_table(model)
        stmt = (select(model).join_from(fts, model, model.id == fts.c.rowid)
                .where(_fts_match(model, _search_term(lq.q))))
        id_column = fts.c.rowid
    stmt = apply_scope(stmt, model, user, include_deleted=lq.trash)
    conds = _conditions(model, lq)
    if lq.trash:
        conds.append(model.deleted_at.isnot(None))
    return (stmt.where(and_(*conds)) if conds else stmt), id_column


def page(rtype, user, lq: ListQuery, limit: int = PAGE_SIZE,
         options: list | None = None) -> tuple[list, int | None]:
    """One page of the list in the user's scope and the cursor of the next page."""
    model = rtype.model
    stmt, id_column = _matching(rtype, user, lq)
    order, cursor_cond = _order_and_cursor(rtype, lq, id_column, user)
    if cursor_cond is not None:
        stmt = stmt.where(cursor_cond)
    if options is None:
        options = load_options(rtype, model)
    stmt = stmt.options(*options).order_by(*order).limit(limit + 1)
    rows = list(db.session.scalars(stmt).unique())
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (rows[-1].id if more and rows else None)


COUNT_CAP = 10_000


def count(rtype, user, lq: ListQuery, cap: int = COUNT_CAP) -> int:
    """How many records the list matches, counted up to `cap` + 1 (never the whole table)."""
    stmt, _id = _matching(rtype, user, lq)
    capped = stmt.with_only_columns(rtype.model.id).limit(cap + 1).subquery()
    return db.session.scalar(select(func.count()).select_from(capped))


def owner_choices(user) -> list[tuple[int, str]]:
    """Users whose records the user may filter by (self, the team, or everyone)."""
    from crm.models import User
    from crm.services.scope import scope_of

    stmt = select(User.id, User.name).where(User.is_active.is_(True)).order_by(User.name)
    scope = scope_of(user)
    if scope == "own" or (scope == "team" and user.team_id is None):
        stmt = stmt.where(User.id == user.id)
    elif scope == "team":
        stmt = stmt.where(User.team_id == user.team_id)
    return [(uid, name) for uid, name in db.session.execute(stmt)]


def team_choices(user) -> list[tuple[int, str]]:
    """Teams to filter by: only for users who see every team."""
    from crm.models import Team
    from crm.services.scope import scope_of

    if scope_of(user) != "all":
        return []
    return [(tid, name) for tid, name in db.session.execute(
        select(Team.id, Team.name).order_by(Team.name))]
