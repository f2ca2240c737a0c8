"""``make bench``: build the dataset in a fresh PostgreSQL database and run B1–B6.

    .venv/bin/python -m bench.run                      # full scale, fresh database baton_bench
    .venv/bin/python -m bench.run --scale small        # a quick pass (minutes), same scenarios
    .venv/bin/python -m bench.run --reuse --only B2,B5 # keep the database, run some scenarios
    .venv/bin/python -m bench.run --update-docs        # also rewrite the table in docs/benchmarks.md

Results go to ``var/bench/results-<scale>.json`` and a Markdown table on stdout. The database
must be named ``baton_bench*``; it is dropped and created again unless ``--reuse`` is given.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = {
    "B1": "bench.scenarios.b1_customer_list",
    "B2": "bench.scenarios.b2_transfer",
    "B3": "bench.scenarios.b3_risk_scan",
    "B4": "bench.scenarios.b4_concentration",
    "B5": "bench.scenarios.b5_audit",
    "B6": "bench.scenarios.b6_http",
}
# "demo" seeds the demo company instead (seconds, not minutes): for writing scenarios.
SCALES: dict[str, dict[str, int]] = {
    "demo": {},
    "full": {
        "employees": 10_000,
        "customers": 1_000_000,
        "interactions": 10_000_000,
        "orders": 2_000_000,
        "audit_events": 1_000_000,
        "leaver_customers": 10_000,
    },
    "small": {
        "employees": 500,
        "customers": 20_000,
        "interactions": 200_000,
        "orders": 40_000,
        "audit_events": 20_000,
        "leaver_customers": 1_000,
    },
}
# The dataset's "now": every scenario runs as of this moment, so runs are comparable.
DATASET_NOW = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)
DOC = ROOT / "docs" / "benchmarks.md"
BEGIN, END = "<!-- bench:results:begin -->", "<!-- bench:results:end -->"


def _say(message: str) -> None:
    print(message, flush=True)  # noqa: T201 - the benchmark reports on stdout


def _admin_sql(statement: str) -> None:
    import psycopg

    with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=postgres", autocommit=True) as conn:
        conn.execute(statement)  # type: ignore[arg-type]


def _prepare_database(name: str, scale: dict[str, int], reuse: bool) -> None:
    from django.core.management import call_command

    if not reuse:
        _say(f"-- fresh database {name}")
        _admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        _admin_sql(f'CREATE DATABASE "{name}"')
    call_command("migrate", verbosity=0)
    from baton.customers.models import Customer

    if Customer.objects.exists():
        _say("-- reusing the dataset already in the database")
        return
    started = time.perf_counter()
    if not scale:
        call_command("seed_demo", verbosity=0)
        _say(f"-- demo company seeded in {time.perf_counter() - started:.0f} s")
        return
    call_command(
        "generate_dataset",
        employees=scale["employees"],
        customers=scale["customers"],
        interactions=scale["interactions"],
        orders=scale["orders"],
        audit_events=scale["audit_events"],
        leaver_customers=scale["leaver_customers"],
        now=DATASET_NOW.isoformat(),
    )
    _say(f"-- dataset generated in {time.perf_counter() - started:.0f} s")
    # COPY leaves the visibility map empty; without a VACUUM index-only scans still visit the table.
    import psycopg

    with psycopg.connect(f"host=127.0.0.1 port=5432 user=postgres dbname={name}", autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")
    _say(f"-- vacuumed; ready after {time.perf_counter() - started:.0f} s")


def machine() -> dict[str, Any]:
    """What the numbers were measured on."""
    from django.db import connection

    cpu = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem_kb = 0
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        mem_kb = int(meminfo.read_text().split()[1])
    with connection.cursor() as cur:
        cur.execute("SHOW server_version")
        pg = cur.fetchone()[0]
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607 - git from PATH
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(mem_kb / 1024 / 1024, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "postgresql": pg,
        "commit": commit,
    }


def figure(value: float, unit: str) -> str:
    """4 significant digits, thousands separated: 4.356 s, 21.02 ms, 2,143 events/s, 108,900 events/s."""
    if abs(value) >= 1000:
        return f"{float(f'{value:.4g}'):,.0f} {unit}"
    return f"{value:.4g} {unit}"


def markdown(results: list[dict[str, Any]]) -> str:
    rows = [
        "| scenario | case | Baton | SQL baseline | ratio | target | met |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results:
        base = "—" if r["baseline"] is None else figure(r["baseline"], r["unit"])
        ratio = "—" if r["ratio"] is None else f"{r['ratio']:.2f}×"
        rows.append(
            f"| {r['scenario']} | {r['case']} | {figure(r['ours'], r['unit'])} | {base} | {ratio} "
            f"| {r['target']} | {'yes' if r['met'] else '**no**'} |"
        )
    return "\n".join(rows)


def _update_docs(report: dict[str, Any]) -> None:
    m = report["machine"]
    block = (
        f"{BEGIN}\nMeasured {report['finished_at']} at scale `{report['scale_name']}` "
        f"({', '.join(f'{k} {v:,}' for k, v in report['scale'].items())}) on {m['cpu']}, "
        f"{m['cores']} cores, {m['memory_gib']} GiB, PostgreSQL {m['postgresql']}, Python {m['python']}, "
        f"commit {m['commit']}.\n\n{markdown(report['results'])}\n{END}"
    )
    text = DOC.read_text(encoding="utf-8")
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        text = head + block + rest.split(END, 1)[1]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    DOC.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Baton benchmark suite (B1–B6) on PostgreSQL.")
    parser.add_argument("--scale", choices=sorted(SCALES), default="full")
    parser.add_argument("--db", default="baton_bench")
    parser.add_argument("--reuse", action="store_true", help="keep the database and its dataset")
    parser.add_argument("--only", default="", help="comma-separated scenarios, e.g. B1,B5")
    parser.add_argument("--update-docs", action="store_true")
    args = parser.parse_args(argv)
    if not args.db.startswith("baton_bench"):
        parser.error("the benchmark database must be named baton_bench*: it is dropped and rebuilt")
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{args.db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "baton.settings")
    os.environ.setdefault("BATON_VAR_DIR", str(ROOT / "var" / "bench"))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from bench.common import BenchContext
    from bench.facts import discover

    scale = SCALES[args.scale]
    _prepare_database(args.db, scale, args.reuse)
    from baton.core import clock

    now = DATASET_NOW if scale else clock.now()
    ctx = BenchContext(scale=scale, now=now, quick=args.scale != "full")
    ctx.facts = discover(ctx)
    wanted = [s.strip().upper() for s in args.only.split(",") if s.strip()] or list(SCENARIOS)
    results: list[dict[str, Any]] = []
    for code in wanted:
        _say(f"-- {code}")
        module = importlib.import_module(SCENARIOS[code])
        for result in module.run(ctx):
            results.append(result.as_dict())
            _say(
                f"   {result.case}: {result.ours:.4g} {result.unit}, "
                f"baseline {result.baseline}, met {result.met}"
            )
    report = {
        "scale_name": args.scale,
        "scale": scale,
        "finished_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "results": results,
    }
    out = ROOT / "var" / "bench" / f"results-{args.scale}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    _say("\n" + markdown(results))
    _say(f"\nresults: {out.relative_to(ROOT)}")
    if args.update_docs:
        _update_docs(report)
    return 0 if all(r["met"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
