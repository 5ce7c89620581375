"""Custom fields for the benchmark: 20 company fields an admin might define (3 of them
filterable, so indexed), with values in the first 10 for every company."""

from __future__ import annotations

import random

from crm.bench_data.loading import LoadContext, table
from crm.database import utcnow

# key, kind, English, Chinese, choices (English labels), filterable
FIELDS = (
    ("account_level", "choice", "Account level", "客户级别", ("A", "B", "C", "D"), True),
    ("credit_limit", "money", "Credit limit", "信用额度", (), True),
    ("contract_end", "date", "Contract end", "合同到期", (), True),
    ("erp_code", "text", "ERP code", "ERP 编码", (), False),
    ("wechat_group", "checkbox", "WeChat group", "已建微信群", (), False),
    ("employees", "integer", "Employees", "员工数", (), False),
    ("channels", "multi_choice", "Channels", "渠道", ("Online", "Offline", "Distributor"),
     False),
    ("key_phone", "phone", "Key person's phone", "关键人电话", (), False),
    ("portal", "url", "Customer portal", "客户门户", (), False),
    ("internal_notes", "long_text", "Internal notes", "内部备注", (), False),
    ("budget_year", "integer", "Budget year", "预算年度", (), False),
    ("renewal_month", "choice", "Renewal month", "续约月份",
     tuple(f"M{m:02d}" for m in range(1, 13)), False),
    ("region_code", "text", "Region code", "区域编码", (), False),
    ("payment_terms", "choice", "Payment terms", "付款条件", ("Prepaid", "Net 30", "Net 60"),
     False),
    ("vip_since", "date", "VIP since", "VIP 起始", (), False),
    ("discount_rate", "decimal", "Discount rate", "折扣率", (), False),
    ("ops_email", "email", "Operations email", "运营邮箱", (), False),
    ("visit_count", "integer", "Visits", "拜访次数", (), False),
    ("has_contract", "checkbox", "Framework contract", "框架合同", (), False),
    ("competitor", "text", "Main competitor", "主要竞争对手", (), False),
)
FILLED = 10


def values(rng: random.Random) -> dict:
    """The stored (JSON) values of the first ten fields for one company."""
    return {
        "account_level": rng.choice(("c1", "c2", "c2", "c3", "c3", "c3", "c4")),
        "credit_limit": f"{rng.randrange(1, 500) * 1000}.00",
        "contract_end": f"{rng.choice((2025, 2026, 2027, 2028))}-{rng.randrange(1, 13):02d}-15",
        "erp_code": f"ERP-{rng.randrange(10**6):06d}",
        "wechat_group": rng.random() < 0.4,
        "employees": rng.randrange(1, 5000),
        "channels": sorted(rng.sample(("c1", "c2", "c3"), rng.randrange(1, 3))),
        "key_phone": "+86139" + f"{rng.randrange(10**8):08d}",
        "portal": f"https://portal{rng.randrange(10**5)}.example.cn",
        "internal_notes": rng.choice(("年度框架客户，注意回款周期。", "Prefers invoices in USD.",
                                      "每季度拜访一次。")),
    }


def load_custom_fields(ctx: LoadContext) -> str:
    """The field definitions (the companies got their values when they were generated)."""
    from crm.records import custom
    from crm.records.customers import COMPANY

    definitions = table("field_definition")
    if definitions is None:
        return ""
    now = utcnow()
    rows = [{"record_type": "company", "key": key, "kind": kind, "label_en": en,
             "label_zh": zh, "required": False, "filterable": filterable,
             "list_column": False, "position": n, "archived_at": None, "created_by": None,
             "created_at": now, "updated_at": now, "version": 1,
             "choices": [{"value": f"c{i}", "en": c, "zh": c, "retired": False}
                         for i, c in enumerate(choices, start=1)] or None}
            for n, (key, kind, en, zh, choices, filterable) in enumerate(FIELDS, start=1)]
    ctx.conn.execute(definitions.delete().where(definitions.c.record_type == "company"))
    ctx.conn.execute(definitions.insert(), rows)
    for row in rows:
        custom.sync_index(COMPANY, _Definition(row), bind=ctx.conn)
    return f"{len(rows)} custom company fields ({FILLED} filled, 3 indexed)"


class _Definition:
    """The attributes sync_index reads, from a row written in bulk."""

    def __init__(self, row: dict):
        self.key, self.kind, self.filterable = row["key"], row["kind"], row["filterable"]
        self.archived_at = None
