"""Customers: companies, people, their phones, tags, notes and audit rows (bulk, chunked)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import Connection, Table, select

from crm.bench_data.custom import values as custom_values
from crm.bench_data.fake import INDUSTRIES, Fake
from crm.bench_data.loading import (
    NEAR_DUPLICATE_SHARE,
    SCALES,
    LoadContext,
    insert_batches,
    next_id,
    pick_owner,
    stamps,
    table,
)
from crm.database import utcnow

TAGS = ("VIP", "重点客户", "老客户", "展会 2026", "渠道伙伴", "Key account", "待回访", "高意向")
STATUS_WEIGHTS = (("potential", 50), ("intent", 20), ("customer", 25), ("churned", 5))
_STATUSES = [s for s, w in STATUS_WEIGHTS for _ in range(w)]
JOB_TITLES = ("总经理", "采购经理", "销售总监", "财务", "行政主管", "技术总监", "CEO",
              "Purchasing Manager", "Sales Director", "Office Manager", "董事长", "项目经理")
NOTES = ("电话沟通，客户对报价感兴趣，下周再跟进。", "已发送产品资料和报价单。",
         "客户要求上门演示，待约时间。",
         "Sent the quotation by email; waiting for their purchasing team.",
         "Met at the trade fair, interested in the spring order.", "老客户回访，满意度高。",
         "Price too high for now, call again next quarter.", "已寄样品，请对方确认收货。")
DERIVED = ("email_norm", "phone", "name_key", "loose_key", "sound_key", "loose_sound_key",
           "search_text", "completeness")


def customer_keys(model, row: dict, phones: list[tuple[str, str]], tags: list[str]) -> dict:
    """The derived columns, computed by the record service itself on a transient record."""
    from crm.models import Phone, Tag
    from crm.records import registry, service

    columns = model.__table__.c
    record = model(**{k: v for k, v in row.items() if k in columns and k not in DERIVED})
    record.phones = [Phone(kind=k, e164=e, position=i) for i, (k, e) in enumerate(phones)]
    record.tags = [Tag(name=name) for name in tags]
    service.refresh(registry.for_model(model), record)
    keys = {k: getattr(record, k) for k in DERIVED if k in columns}
    keys["phone"] = phones[0][1] if phones else None
    return keys


@dataclass
class Drafts:
    """Rows of the link tables, collected while the customers are generated."""

    phones: list[dict] = field(default_factory=list)
    records: list[dict] = field(default_factory=list)
    tags: list[tuple[int, int]] = field(default_factory=list)  # (record link id, tag index)
    notes: list[dict] = field(default_factory=list)
    audit: list[dict] = field(default_factory=list)

    def history(self, ctx: LoadContext, kind: str, row: dict, notes_mean: float) -> None:
        """The audit row of the record's creation and a few notes on its timeline."""
        from datetime import timedelta

        rng = ctx.fake.rng
        created = {k: [None, row[k]] for k in ("name", "phone", "email", "city", "status")
                   if row.get(k)}
        self.audit.append({"at": row["created_at"], "user_id": row["created_by"],
                           "action": "create", "entity": kind, "entity_id": row["id"],
                           "changes": created, "summary": row["name"][:300], "ip": None})
        self.records.append({"id": row["record_id"], "type": kind,
                             "created_at": row["created_at"]})
        count = min(int(rng.expovariate(1 / notes_mean)), 20) if notes_mean else 0
        for n in range(count):
            at = min(utcnow(), row["created_at"] + timedelta(days=(n + rng.random()) * 20))
            self.notes.append({"record_id": row["record_id"], "body": rng.choice(NOTES),
                               "created_by": row["owner_id"], "created_at": at,
                               "updated_at": at, "deleted_at": None})

    def add(self, ctx: LoadContext, record_id: int, numbers: list[str],
            tag_share: float) -> tuple[list[tuple[str, str]], list[str]]:
        """Record the phones and tags of one customer; returns them as the service takes them."""
        kinds = [("work" if not e.startswith("+861") else "mobile", e) for e in numbers]
        for position, (kind, e164) in enumerate(kinds):
            self.phones.append({"record_id": record_id, "kind": kind, "e164": e164,
                                "is_main": position == 0, "position": position})
        rng = ctx.fake.rng
        picked = sorted({rng.randrange(len(TAGS)) for _ in range(rng.choice((1, 2)))}) \
            if rng.random() < tag_share else []
        self.tags.extend((record_id, t) for t in picked)
        return kinds, [TAGS[t] for t in picked]


def _customer_row(ctx: LoadContext, row_id: int, record_id: int, fraction: float, name: str,
                  province: str, city: str, handle: str) -> dict:
    fake, rng = ctx.fake, ctx.fake.rng
    owner_id, team_id = pick_owner(ctx)
    row = {"id": row_id, "record_id": record_id, "name": name, "province": province,
           "city": city, "custom": None,
           "email": fake.email(handle, row_id) if rng.random() < 0.7 else None,
           "address": fake.address(province, city) if rng.random() < 0.6 else None,
           "tier": rng.choice((None, "high", "mid", "mid", "low")),
           "source": rng.choice((None, "ad", "referral", "website", "event", "import", "other")),
           "status": rng.choice(_STATUSES), "special_requests": None,
           "last_contact_at": None, "owner_id": owner_id, "team_id": team_id,
           "created_by": owner_id, "deleted_at": None, **stamps(fraction, rng)}
    if rng.random() < 0.6:
        row["last_contact_at"] = row["updated_at"]
    if rng.random() < 0.005:
        row["deleted_at"] = row["updated_at"]  # a little trash, as in real data
    return row


def _company_rows(ctx: LoadContext, chunk: Chunk, drafts: Drafts) -> Iterator[dict]:
    from crm.models import Company

    fake, rng = ctx.fake, ctx.fake.rng
    seen: set[str] = set()
    earlier: list[tuple[str, str, str, str]] = []
    for n in range(chunk.count):
        if earlier and rng.random() < NEAR_DUPLICATE_SHARE:
            base_name, province, city, phone = rng.choice(earlier)
            name = fake.near_duplicate_company(base_name)
        else:
            name, province, city = fake.company()
            while name in seen:
                name, province, city = fake.company()
            seen.add(name)
            phone = fake.landline(province, city) if rng.random() < 0.6 else fake.mobile()
            if len(earlier) < 5000:
                earlier.append((name, province, city, phone))
        row_id, record_id = chunk.first_id + n, chunk.first_record_id + n
        brand = "".join(ch for ch in name if ch.isascii() and ch.isalpha())[:12].lower()
        row = _customer_row(ctx, row_id, record_id, chunk.fraction(n), name, province, city,
                            brand or f"info{row_id}")
        if _SHARED.get("custom_values"):
            row["custom"] = custom_values(rng)
        row.update(industry=rng.choice(INDUSTRIES), purchase_cycle=None,
                   size=rng.choice(("1-9", "10-49", "50-199", "200-999", "1000+", None)),
                   website=f"https://www.{brand}{row_id}.cn" if brand else None)
        numbers = [phone] + ([fake.mobile()] if rng.random() < 0.3 else [])
        phones, tags = drafts.add(ctx, record_id, numbers, 0.2)
        row.update(customer_keys(Company, row, phones, tags))
        drafts.history(ctx, "company", row, 1.0)
        yield row


def _contact_rows(ctx: LoadContext, chunk: Chunk, companies: list[tuple[int, int, int]],
                  drafts: Drafts) -> Iterator[dict]:
    from crm.models import Contact

    fake, rng = ctx.fake, ctx.fake.rng
    earlier: list[tuple[str, str, str, str, str]] = []
    for n in range(chunk.count):
        row_id, record_id = chunk.first_id + n, chunk.first_record_id + n
        if earlier and rng.random() < NEAR_DUPLICATE_SHARE:
            base, handle, province, city, phone = rng.choice(earlier)
            name = fake.near_duplicate_person(base)
        else:
            name, handle = fake.person()
            province, city = fake.place()
            phone = fake.mobile()
            if len(earlier) < 5000:
                earlier.append((name, handle, province, city, phone))
        row = _customer_row(ctx, row_id, record_id, chunk.fraction(n), name, province, city,
                            handle)
        company = rng.choice(companies) if companies and rng.random() < 0.7 else None
        if company:  # a company's employee: same owner and team as the company
            row.update(company_id=company[0], owner_id=company[1], team_id=company[2],
                       created_by=company[1])
        else:
            row["company_id"] = None
        row.update(gender=rng.choice((None, "female", "male")), birthday=None,
                   job_title=rng.choice(JOB_TITLES) if company else None)
        numbers = [phone] + ([fake.mobile()] if rng.random() < 0.15 else [])
        phones, tags = drafts.add(ctx, record_id, numbers, 0.1)
        row.update(customer_keys(Contact, row, phones, tags))
        drafts.history(ctx, "contact", row, 0.3)
        yield row


def _ensure_tags(conn: Connection, tag_t: Table) -> list[int]:
    """The ids of TAGS, creating those that do not exist yet."""
    existing = dict(conn.execute(select(tag_t.c.name, tag_t.c.id)
                                 .where(tag_t.c.name.in_(TAGS))).all())
    first = next_id(conn, tag_t)
    missing = [name for name in TAGS if name not in existing]
    insert_batches(conn, tag_t, ({"id": first + i, "name": n} for i, n in enumerate(missing)))
    existing.update({n: first + i for i, n in enumerate(missing)})
    return [existing[name] for name in TAGS]


def load_customers(ctx: LoadContext) -> str:
    """Companies, people (70% employees of a company), their phones and tags."""
    tbl = {name: table(name) for name in ("record", "company", "contact", "phone", "tag",
                                          "record_tag", "note", "audit_log")}
    if any(t is None for t in tbl.values()):
        return ""
    conn = ctx.conn
    tag_ids = _ensure_tags(conn, tbl["tag"])
    _SHARED.update(owners=ctx.owners, companies=[], custom_values=ctx.custom_values)
    totals = {}
    first_record = next_id(conn, tbl["record"])
    for kind, count in (("company", ctx.scale.companies), ("contact", ctx.scale.people)):
        first = next_id(conn, tbl[kind])
        chunks = [Chunk(kind, ctx.seed * 10_000 + n, first + offset, first_record + offset,
                        offset, min(CHUNK, count - offset), count)
                  for n, offset in enumerate(range(0, count, CHUNK))]
        first_record += count
        for rows, drafts in _in_parallel(_make_chunk, chunks):
            insert_batches(conn, tbl["record"], drafts.records)
            totals[kind] = totals.get(kind, 0) + insert_batches(conn, tbl[kind], rows)
            if kind == "company":
                _SHARED["companies"].extend((r["id"], r["owner_id"], r["team_id"]) for r in rows)
            totals["phone"] = totals.get("phone", 0) + insert_batches(conn, tbl["phone"],
                                                                      drafts.phones)
            insert_batches(conn, tbl["record_tag"], ({"record_id": rid, "tag_id": tag_ids[t]}
                                                     for rid, t in drafts.tags))
            totals["note"] = totals.get("note", 0) + insert_batches(conn, tbl["note"],
                                                                    drafts.notes)
            insert_batches(conn, tbl["audit_log"], drafts.audit)
        ctx.echo(f"  {totals.get(kind, 0)} {kind} rows written")
    _SHARED.clear()
    return (f"{totals.get('company', 0)} companies, {totals.get('contact', 0)} people, "
            f"{totals['phone']} phones, {totals['note']} notes")


@dataclass(frozen=True)
class Chunk:
    """A slice of one kind of customer, generated on its own (possibly in another process)."""

    kind: str  # "company" or "contact"
    seed: int
    first_id: int
    first_record_id: int
    offset: int
    count: int
    total: int

    def fraction(self, n: int) -> float:
        return (self.offset + n) / max(1, self.total)


CHUNK = 5000
# Owners and companies for the chunk workers (forked processes inherit it; nothing is sent).
_SHARED: dict = {}


def _make_chunk(chunk: Chunk) -> tuple[list[dict], Drafts]:
    """The rows of one chunk and the rows of their phones, tags, notes and audit."""
    ctx = LoadContext(conn=None, scale=SCALES["tiny"], fake=Fake(chunk.seed),
                      owners=_SHARED["owners"])
    drafts = Drafts()
    if chunk.kind == "company":
        rows = list(_company_rows(ctx, chunk, drafts))
    else:
        rows = list(_contact_rows(ctx, chunk, _SHARED["companies"], drafts))
    return rows, drafts


def _in_parallel(function: Callable, chunks: list[Chunk]) -> Iterator:
    """map() over the chunks in order: in worker processes when there is enough work."""
    import multiprocessing
    import os

    workers = min(os.cpu_count() or 1, len(chunks))
    if workers < 2 or multiprocessing.get_start_method(allow_none=True) not in (None, "fork"):
        yield from map(function, chunks)
        return
    # fork: the workers inherit _SHARED and the imported app code; they never use the
    # parent's database connection.
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        yield from pool.imap(function, chunks)
