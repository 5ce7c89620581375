"""Customer lists: search, filters, sorting and keyset pages for companies and people.

Search matches `search_text` (folded name, pinyin full and initials, email, phone digits,
tags). Three or more characters use the full-text index: SQLite FTS5 with the trigram
tokenizer, PostgreSQL a pg_trgm GIN index under LIKE. Shorter queries fall back to a LIKE
match bounded by the page LIMIT. Pages use keyset pagination (no OFFSET, no COUNT); the
owner, company and tags of a page come with it in a fixed number of queries.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, time
from urllib.parse import urlencode

from sqlalchemy import and_, bindparam, column, select, table, text, tuple_
from sqlalchemy.orm import joinedload, selectinload

from crm.extensions import db
from crm.models import Company, Contact, Tag
from crm.models.customer import SOURCES, STATUSES, TIERS, company_tag, contact_tag
from crm.services.normalize import fold_text, phone_digits
from crm.services.scope import apply_scope

PAGE_SIZE = 25
SORTS = ("newest", "oldest", "name", "updated")
_PHONE_CHARS = set("0123456789+-() .")


@dataclass
class ListQuery:
    """What a list shows: every field is a query-string argument."""

    q: str = ""
    owner: int | None = None
    team: int | None = None
    tag: str = ""
    tier: str = ""
    status: str = ""
    source: str = ""
    province: str = ""
    city: str = ""
    contact_after: date | None = None
    contact_before: date | None = None
    created_after: date | None = None
    created_before: date | None = None
    sort: str = "newest"
    trash: bool = False  # the deleted records (restorable) instead of the live ones
    after: int | None = None

    def args(self, **override) -> dict:
        """The non-empty arguments (for links, load more and saved views)."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update(override)
        values["trash"] = 1 if values["trash"] else None
        return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in values.items()
                if v not in (None, "") and not (k == "sort" and v == "newest")}

    def query_string(self) -> str:
        return urlencode(self.args(after=None))

    @property
    def filtered(self) -> bool:
        return bool(self.args(after=None, sort="newest"))


def _int(raw) -> int | None:
    try:
        value = int(raw)
    except (TypeError, ValueError):
        return None
    return value if 0 < value < 2**31 else None


def _date(raw) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except (TypeError, ValueError):
        return None


def _choice(raw, choices) -> str:
    return raw if raw in choices else ""


def parse(args) -> ListQuery:
    """Read a ListQuery from request args; unusable values are ignored, never an error."""
    return ListQuery(
        q=(args.get("q") or "").strip()[:100], owner=_int(args.get("owner")),
        team=_int(args.get("team")), tag=(args.get("tag") or "").strip()[:40],
        tier=_choice(args.get("tier"), TIERS), status=_choice(args.get("status"), STATUSES),
        source=_choice(args.get("source"), SOURCES),
        province=(args.get("province") or "")[:20], city=(args.get("city") or "")[:30],
        contact_after=_date(args.get("contact_after")),
        contact_before=_date(args.get("contact_before")),
        created_after=_date(args.get("created_after")),
        created_before=_date(args.get("created_before")),
        sort=_choice(args.get("sort"), SORTS) or "newest", after=_int(args.get("after")),
        trash=args.get("trash") == "1",
    )


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


def _start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _end(day: date) -> datetime:
    return datetime.combine(day, time.max, tzinfo=UTC)


def _tag_condition(model, name: str):
    assoc = company_tag if model is Company else contact_tag
    key = assoc.c.company_id if model is Company else assoc.c.contact_id
    return model.id.in_(select(key).join(Tag, Tag.id == assoc.c.tag_id).where(Tag.name == name))


def _conditions(model, lq: ListQuery) -> list:
    conds = []
    for attribute, value in ((model.owner_id, lq.owner), (model.team_id, lq.team),
                          (model.tier, lq.tier), (model.status, lq.status),
                          (model.source, lq.source), (model.province, lq.province),
                          (model.city, lq.city)):
        if value not in (None, ""):
            conds.append(attribute == value)
    if lq.tag:
        conds.append(_tag_condition(model, lq.tag))
    if lq.contact_after:
        conds.append(model.last_contact_at >= _start(lq.contact_after))
    if lq.contact_before:
        conds.append(model.last_contact_at <= _end(lq.contact_before))
    if lq.created_after:
        conds.append(model.created_at >= _start(lq.created_after))
    if lq.created_before:
        conds.append(model.created_at <= _end(lq.created_before))
    if lq.q and not _fts_drives(lq):
        cond = search_condition(model, lq.q)
        if cond is not None:
            conds.append(cond)
    return conds


def _fts_drives(lq: ListQuery) -> bool:
    """Whether the full-text index itself yields the page in id order (SQLite, id sorts).

    Reading matches newest first and stopping at the page size is far cheaper than
    collecting every match of a common word ("有限公司") before filtering and sorting.
    """
    return bool(lq.q) and lq.sort in ("newest", "oldest") and _uses_fts(_search_term(lq.q))


def _order_and_cursor(model, lq: ListQuery, id_column):
    """ORDER BY of the sort and the keyset condition after the cursor row (one PK lookup)."""
    sort_column = {"name": model.name, "updated": model.updated_at}.get(lq.sort)
    if sort_column is None:
        descending = lq.sort != "oldest"
        order = [id_column.desc() if descending else id_column.asc()]
        cond = None
        if lq.after:
            cond = id_column < lq.after if descending else id_column > lq.after
        return order, cond
    descending = lq.sort == "updated"
    order = ([sort_column.desc(), model.id.desc()] if descending
             else [sort_column.asc(), model.id.asc()])
    cond = None
    if lq.after:
        value = db.session.scalar(select(sort_column).where(model.id == lq.after))
        if value is not None:
            pair, cursor = tuple_(sort_column, model.id), tuple_(value, lq.after)
            cond = pair < cursor if descending else pair > cursor
    return order, cond


def page(model, user, lq: ListQuery, limit: int = PAGE_SIZE) -> tuple[list, int | None]:
    """One page of the list in the user's scope and the cursor of the next page."""
    stmt, id_column = select(model), model.id
    if _fts_drives(lq):
        fts = _fts_table(model)
        stmt = (select(model).join_from(fts, model, model.id == fts.c.rowid)
                .where(_fts_match(model, _search_term(lq.q))))
        id_column = fts.c.rowid
    stmt = apply_scope(stmt, model, user, include_deleted=lq.trash)
    conds = _conditions(model, lq)
    if lq.trash:
        conds.append(model.deleted_at.isnot(None))
    order, cursor_cond = _order_and_cursor(model, lq, id_column)
    if cursor_cond is not None:
        conds.append(cursor_cond)
    if conds:
        stmt = stmt.where(and_(*conds))
    options = [joinedload(model.owner), selectinload(model.tags)]
    if model is Contact:
        options.append(joinedload(Contact.company))
    stmt = stmt.options(*options).order_by(*order).limit(limit + 1)
    rows = list(db.session.scalars(stmt).unique())
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (rows[-1].id if more and rows else None)


def quick_match(model, user, q: str, limit: int = 10) -> list:
    """A few in-scope records for a type-ahead (name, main phone)."""
    cond = search_condition(model, q)
    if cond is None:
        return []
    stmt = apply_scope(select(model), model, user).where(cond).order_by(model.id.desc())
    return list(db.session.scalars(stmt.limit(limit)))



def owner_choices(user) -> list[tuple[int, str]]:
    """Users whose customers the user may filter by (self, the team, or everyone)."""
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
