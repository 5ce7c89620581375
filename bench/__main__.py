"""`python -m bench` (`make bench`): measure every main page, print a table, check the budgets.

    python -m bench                          # small scale, SQLite, in process + HTTP
    python -m bench --scale medium           # the budget run (absolute budgets enforced)
    python -m bench --database-url postgresql://postgres@127.0.0.1:5432/qiao_bench
    python -m bench --no-http --only companies_list,search_name

Exit status: 0 when every enforced budget holds, 1 otherwise (2 for a usage error).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from datetime import UTC, datetime
from urllib.parse import quote

from bench import harness, http_load, pages, report
from bench.inprocess import Runner, measure_bare_flask

# GET pages also measured over HTTP (each at every worker and client count).
HTTP_PAGES = ("home", "companies_list", "companies_filtered", "search_name", "search_phone",
              "search_pinyin", "company_page", "contacts_list")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    from crm.bench_data import SCALES

    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--scale", choices=list(SCALES), default="small")
    parser.add_argument("--database-url", default="",
                        help="default: a SQLite file under bench/.data/ (one per scale); a "
                             "PostgreSQL database must have 'bench' in its name")
    parser.add_argument("--regenerate", action="store_true", help="rebuild the data first")
    parser.add_argument("--http", action=argparse.BooleanOptionalAction, default=True,
                        help="also measure over HTTP against gunicorn (default: yes)")
    parser.add_argument("--workers", default="2,4", help="gunicorn worker counts")
    parser.add_argument("--clients", default="1,8,32", help="concurrent HTTP clients")
    parser.add_argument("--http-seconds", type=float, default=2.0, help="per HTTP run")
    parser.add_argument("--iterations", type=int, default=100, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--only", default="", help="comma-separated page names")
    parser.add_argument("--json", default="", help="write the results here as well "
                                                   "(default: bench/results/<time>.json)")
    return parser.parse_args(argv)


def _ints(text: str) -> list[int]:
    return [int(x) for x in text.split(",") if x.strip()]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    budgets = report.Budgets.load()
    url = args.database_url or harness.default_database_url(args.scale)
    if url.startswith(("postgresql", "postgres://")):
        harness.ensure_postgres_database(url)
    app = harness.make_app(url)
    kind = app.config["SQLALCHEMY_DATABASE_URI"].split(":")[0].split("+")[0]
    print(f"Qiao CRM benchmark: scale {args.scale}, {kind}", flush=True)
    print("  " + harness.ensure_data(app, url, args.scale, regenerate=args.regenerate),
          flush=True)
    facts = pages.gather(app)
    wanted = {n.strip() for n in args.only.split(",") if n.strip()}
    selected = [p for p in pages.PAGES if not wanted or p.name in wanted]
    runner = Runner(app, facts, args.iterations, args.warmup)
    rows = []
    for page in selected:
        exists = pages.route_exists(app, page, facts)
        for role in page.roles:
            if not exists:
                rows.append({"page": page.name, "role": role, "status": "skipped: no route"})
                continue
            try:
                result = runner.measure(page, role).as_dict()
            except Exception as exc:  # noqa: BLE001 - report the page, measure the others
                result = {"page": page.name, "role": role,
                          "status": f"error: {type(exc).__name__}: {str(exc)[:120]}"}
            rows.append(result)
            print(f"  {page.name:<20} {role:<8} p95 {result.get('p95_ms') or 0:6.1f} ms  "
                  f"{result['status']}", flush=True)
    bare = measure_bare_flask(max(args.iterations, 200), args.warmup)
    verdict = report.Verdict()
    report.judge_inprocess(rows, budgets, args.scale, verdict)
    http_rows, rss = [], {}
    if args.http:
        http_rows, rss = _http(args, app, facts, runner, selected)
        report.judge_memory(rss, budgets, args.scale, verdict)
    _print(args, kind, rows, bare, http_rows, rss, budgets, verdict)
    _save(args, kind, rows, bare, http_rows, rss, verdict)
    return 1 if verdict.failures else 0


def _http(args, app, facts, runner: Runner, selected) -> tuple[list[dict], dict[str, float]]:
    targets = []
    for page in selected:
        if page.name not in HTTP_PAGES or not pages.route_exists(app, page, facts):
            continue
        role = page.roles[0]
        paths = [quote(page.url(facts, role, i), safe="/?=&") for i in range(40)]
        cookie = "crm_session=" + harness.signed_cookie(app, runner.sessions[role])
        targets.append((page.name, paths, cookie))
    if not targets:
        return [], {}
    env = harness.environment(app.config["CRM"]["DATABASE_URL"])
    harness.RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    log = harness.RESULTS_DIR / "gunicorn.log"
    return http_load.run(env, targets, _ints(args.workers), _ints(args.clients),
                         args.http_seconds, log)


def _print(args, kind, rows, bare, http_rows, rss, budgets, verdict) -> None:
    enforced = args.scale in budgets.enforce_at
    print()
    print(f"In process (WSGI test client), scale {args.scale}, {kind}; bare Flask route "
          f"p50 {bare:.3f} ms. Budgets {'enforced' if enforced else 'shown only'} at this "
          f"scale.")
    print(report.inprocess_table(rows, budgets))
    if http_rows:
        print()
        print("Over HTTP (gunicorn sync workers, loopback, signed-in rep):")
        print(report.http_table(http_rows))
        peaks = ", ".join(f"{w} workers: {mb:.0f} MB" for w, mb in rss.items())
        print(f"Peak RSS per worker (VmHWM): {peaks} (budget {budgets.worker_rss_mb:g} MB)")
    print()
    for line in verdict.warnings:
        print(f"over budget (not enforced at {args.scale}): {line}")
    for line in verdict.failures:
        print(f"FAIL: {line}")
    print("Budgets: " + ("all enforced budgets hold" if not verdict.failures
                         else f"{len(verdict.failures)} failure(s)"))


def _save(args, kind, rows, bare, http_rows, rss, verdict) -> None:
    harness.RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = args.json or str(harness.RESULTS_DIR / f"{stamp}-{args.scale}-{kind}.json")
    data = {"at": stamp, "scale": args.scale, "database": kind, "python": sys.version.split()[0],
            "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
            "bare_flask_p50_ms": bare, "inprocess": rows, "http": http_rows,
            "worker_peak_rss_mb": rss, "failures": verdict.failures,
            "warnings": verdict.warnings, "unix_time": time.time()}
    with open(path, "w", encoding="utf-8") as out:
        json.dump(data, out, ensure_ascii=False, indent=1, default=str)
    print(f"Results written to {path}")


if __name__ == "__main__":
    sys.exit(main())
