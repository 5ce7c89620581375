"""The stored duplicate keys of companies and people, and re-keying them all after the
normaliser changed (migration 0005d, `flask rekey`).

Rows are read and written in keyset batches of plain tuples (no ORM objects, no history),
so re-keying a large table runs at thousands of rows per second and never holds one long
transaction.
"""

from __future__ import annotations

from sqlalchemy import bindparam, select, update

from crm.services.normalize import company_keys, normalize_email

BATCH = 2000
COMPANY_KEYS = ("name_key", "loose_key", "sound_key", "loose_sound_key")


def company_key_values(name: str) -> dict[str, str]:
    """The key columns of a company called `name`."""
    keys = company_keys(name or "")
    return {"name_key": keys.key, "loose_key": keys.loose, "sound_key": keys.sound,
            "loose_sound_key": keys.loose_sound}


def rekey_table(conn, table, batch: int = BATCH) -> int:
    """Recompute the keys of every row of `table` (company or contact) over `conn`; returns
    the number of rows. Each batch is one UPDATE ... WHERE id = :id executemany."""
    is_company = "name_key" in table.c
    columns = (table.c.id, table.c.name, table.c.email)
    targets = COMPANY_KEYS + ("email_norm",) if is_company else ("email_norm",)
    stmt = (update(table).where(table.c.id == bindparam("row_id"))
            .values({c: bindparam(f"new_{c}") for c in targets}))
    last, total = 0, 0
    while True:
        rows = conn.execute(select(*columns).where(table.c.id > last)
                            .order_by(table.c.id).limit(batch)).all()
        if not rows:
            return total
        params = []
        for row_id, name, email in rows:
            values = company_key_values(name) if is_company else {}
            values["email_norm"] = normalize_email(email or "") or None
            params.append({"row_id": row_id, **{f"new_{k}": v for k, v in values.items()}})
        conn.execute(stmt, params)
        last, total = rows[-1][0], total + len(rows)
