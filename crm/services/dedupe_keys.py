"""The stored duplicate keys of companies and people, and re-keying them all after the
normaliser changed (migration 0005d, `flask rekey`).

Rows are read and written in keyset batches of plain tuples (no ORM objects, no history),
so re-keying a large table runs at thousands of rows per second and never holds one long
transaction.
"""

from __future__ import annotations

from sqlalchemy import bindparam, column, select, table, update

from crm.services.company_names import company_keys
from crm.services.normalize import normalize_email

BATCH = 2000
COMPANY_KEYS = ("name_key", "loose_key", "sound_key", "loose_sound_key")
# The columns re-keying reads and writes, declared here rather than reflected or taken from
# the models: the migration runs it against the schema of its own revision.
_TABLES = {
    name: table(name, *(column(c) for c in ("id", "name", "email", "email_norm", *keys)))
    for name, keys in (("company", COMPANY_KEYS), ("contact", ()))
}


def company_key_values(name: str) -> dict[str, str]:
    """The key columns of a company called `name`."""
    keys = company_keys(name or "")
    return {"name_key": keys.key, "loose_key": keys.loose, "sound_key": keys.sound,
            "loose_sound_key": keys.loose_sound}


def rekey_all(conn, batch: int = BATCH) -> int:
    """Recompute the keys of every company and person over `conn`; returns the row count."""
    return sum(rekey_table(conn, name, batch) for name in _TABLES)


def rekey_table(conn, name: str, batch: int = BATCH) -> int:
    """Recompute the keys of every row of table `name` (company or contact) over `conn`;
    returns the number of rows. Each batch is one UPDATE ... WHERE id = :id executemany."""
    rows_of = _TABLES[name]
    is_company = name == "company"
    columns = (rows_of.c.id, rows_of.c.name, rows_of.c.email)
    targets = COMPANY_KEYS + ("email_norm",) if is_company else ("email_norm",)
    stmt = (update(rows_of).where(rows_of.c.id == bindparam("row_id"))
            .values({c: bindparam(f"new_{c}") for c in targets}))
    last, total = 0, 0
    while True:
        rows = conn.execute(select(*columns).where(rows_of.c.id > last)
                            .order_by(rows_of.c.id).limit(batch)).all()
        if not rows:
            return total
        params = []
        for row_id, name, email in rows:
            values = company_key_values(name) if is_company else {}
            values["email_norm"] = normalize_email(email or "") or None
            params.append({"row_id": row_id, **{f"new_{k}": v for k, v in values.items()}})
        conn.execute(stmt, params)
        last, total = rows[-1][0], total + len(rows)
