"""Budgets (bench/budgets.toml), the printed tables and the verdict of a run."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

BUDGETS_FILE = Path(__file__).resolve().parent / "budgets.toml"


@dataclass
class Budgets:
    pages: dict[str, float]
    ratio_max: float
    ratio_exempt: frozenset[str]
    worker_rss_mb: float
    enforce_at: frozenset[str]

    @classmethod
    def load(cls, path: Path = BUDGETS_FILE) -> Budgets:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        return cls(pages={k: float(v) for k, v in raw.get("pages", {}).items()},
                   ratio_max=float(raw["ratio"]["max"]),
                   ratio_exempt=frozenset(raw["ratio"].get("exempt", ())),
                   worker_rss_mb=float(raw["memory"]["worker_rss_mb"]),
                   enforce_at=frozenset(raw.get("enforce_at", ("medium", "large"))))


@dataclass
class Verdict:
    failures: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def judge(self, enforced: bool, message: str) -> str:
        (self.failures if enforced else self.warnings).append(message)
        return "FAIL" if enforced else "over"


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _queries(row: dict) -> str:
    if row.get("queries") is None:
        return "—"
    if row["queries_min"] != row["queries_max"]:
        return f"{row['queries_min']}–{row['queries_max']}"
    return str(row["queries"])


def judge_inprocess(rows: list[dict], budgets: Budgets, scale: str, verdict: Verdict) -> None:
    """Set row['verdict'] for every in-process row and collect failures."""
    enforced = scale in budgets.enforce_at
    for row in rows:
        if row["status"].startswith("skipped"):
            row["verdict"] = "skip"
            continue
        if row["status"] != "ok":
            verdict.failures.append(f"{row['page']} ({row['role']}): {row['status']}")
            row["verdict"] = "ERROR"
            continue
        marks = []
        budget = budgets.pages.get(row["page"])
        if budget is not None and row["p95_ms"] > budget:
            marks.append(verdict.judge(enforced, f"{row['page']} ({row['role']}): p95 "
                                                 f"{row['p95_ms']:.1f} ms > {budget:g} ms"))
        if row["page"] not in budgets.ratio_exempt and row["ratio"] is not None \
                and row["ratio"] > budgets.ratio_max:
            marks.append(verdict.judge(enforced, f"{row['page']} ({row['role']}): "
                                                 f"{row['ratio']:.1f}× its floor > "
                                                 f"{budgets.ratio_max:g}×"))
        row["verdict"] = "FAIL" if "FAIL" in marks else ("over" if marks else "OK")


def judge_memory(rss: dict[str, float], budgets: Budgets, scale: str, verdict: Verdict) -> None:
    enforced = scale in budgets.enforce_at
    for workers, peak in rss.items():
        if peak > budgets.worker_rss_mb:
            verdict.judge(enforced, f"peak RSS of a worker ({workers} workers) {peak:.0f} MB "
                                    f"> {budgets.worker_rss_mb:g} MB")


def inprocess_table(rows: list[dict], budgets: Budgets) -> str:
    head = ("page", "role", "n", "p50 ms", "p95 ms", "queries", "floor ms", "ratio",
            "budget ms", "verdict")
    lines = [head]
    for row in rows:
        budget = budgets.pages.get(row["page"])
        ratio = "—" if row.get("ratio") is None else f"{row['ratio']:.1f}×"
        lines.append((row["page"], row["role"], str(row.get("n") or "—"), _ms(row.get("p50_ms")),
                      _ms(row.get("p95_ms")), _queries(row), _ms(row.get("floor_p50_ms")),
                      ratio, "—" if budget is None else f"{budget:g}",
                      row.get("verdict", row["status"])))
    return _format(lines)


def http_table(rows: list[dict]) -> str:
    head = ("page", "workers", "clients", "requests", "req/s", "p50 ms", "p95 ms", "errors")
    lines = [head] + [(r["page"], str(r["workers"]), str(r["clients"]), str(r["requests"]),
                       f"{r['rps']:.0f}", _ms(r["p50_ms"]), _ms(r["p95_ms"]), str(r["errors"]))
                      for r in rows]
    return _format(lines)


def _format(lines: list[tuple[str, ...]]) -> str:
    widths = [max(_width(line[i]) for line in lines) for i in range(len(lines[0]))]
    out = []
    for n, line in enumerate(lines):
        cells = [cell + " " * (w - _width(cell)) for cell, w in zip(line, widths, strict=True)]
        out.append("| " + " | ".join(cells) + " |")
        if n == 0:
            out.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(out)


def _width(text: str) -> int:
    """Display width (CJK characters take two columns)."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
