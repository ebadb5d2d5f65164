"""Benchmark the report documents: wall time, peak memory and SQL queries for each.

    .venv/bin/python scripts/bench_reports.py [--scale 1.0] [--ratio-scale 10]

Builds a fresh test database (``test_<name of DATABASE_URL's database>``, default
``reinv_reports_bench``), generates data at ``--scale`` (1 = 58 counties, 2,000 grants,
20,000 contributions, 100,000 ledger legs; see tests/reporting/benchdata.py), and for each
document prints: selector time, "ReportLab alone" (laying out the same PDF from the
in-memory data), the whole generation (selector + PDF + data twin), their ratio, the
process's peak resident memory so far (RSS; with ``--trace-memory`` also the peak of Python
allocations during one generation, measured in a separate pass) and the SQL query count. Then it
generates a second plan with ``--ratio-scale`` times the grants and prints the time ratio of
its Community Reinvestment Report to the first (linear growth keeps it at or under the
scale). The database is dropped at the end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/reinv_reports_bench")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from reporting.kinds import KINDS, render_pdf, render_twin  # noqa: E402

NOW = dt.datetime(2026, 5, 1, 12, 0, tzinfo=dt.UTC)
TRACE_MEMORY = False  # --trace-memory: also measure Python allocations (a separate, slower pass)


def _render(kind: str, data: Any) -> bytes:
    return render_pdf(kind, data, report_id="BENCH-1", version=1, generated_at=NOW, draft=True)


def measure(kind: str, params: dict[str, Any]) -> dict[str, Any]:
    dk = KINDS[kind]
    with CaptureQueriesContext(connection) as queries:
        t0 = time.perf_counter()
        data = dk.collect(params)
        t_select = time.perf_counter() - t0
    t0 = time.perf_counter()
    pdf = _render(kind, data)
    t_render = time.perf_counter() - t0
    t0 = time.perf_counter()
    render_twin(kind, data)
    t_twin = time.perf_counter() - t0
    peak = 0
    if TRACE_MEMORY:
        tracemalloc.start()
        _full(kind, params)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # bytes (Linux reports KiB)
    total = t_select + t_render + t_twin
    return {"kind": kind, "select": t_select, "render": t_render, "twin": t_twin, "total": total,
            "ratio": total / t_render, "peak_mb": peak / 2**20, "rss_mb": rss / 2**20, "queries": len(queries.captured_queries),
            "pages": pdf.count(b"/Type /Page\n") or pdf.count(b"/Type /Page"), "bytes": len(pdf)}


def _full(kind: str, params: dict[str, Any]) -> None:
    data = KINDS[kind].collect(params)
    _render(kind, data)
    render_twin(kind, data)


def timed(label: str, fn: Callable[[], Any]) -> Any:
    t0 = time.perf_counter()
    result = fn()
    print(f"  {label}: {time.perf_counter() - t0:.1f} s", flush=True)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--ratio-scale", type=float, default=10.0, help="grants multiplier of the second run")
    parser.add_argument("--trace-memory", action="store_true",
                        help="measure peak Python allocations per document with tracemalloc (slow)")
    args = parser.parse_args()
    global TRACE_MEMORY
    TRACE_MEMORY = args.trace_memory

    from tests.reporting.benchdata import generate

    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        print(f"Generating data at scale {args.scale}...", flush=True)
        base = timed("generated", lambda: generate(scale=args.scale, code="bench"))
        print(f"  {base.counties} counties, {base.grants} grants, {base.contributions} contributions, "
              f"{base.legs} ledger legs", flush=True)
        fund = base.world.world.fund
        documents = [
            ("community-reinvestment", {"plan": base.world.plan.code, "year": 2024}),
            ("fund-statement", {"fund": fund.code, "year": 2025}),
            ("award-letter", {"award": base.world.award.pk}),
            ("minutes", {"meeting": base.world.meeting.pk}),
        ]
        measure("minutes", {"meeting": base.world.meeting.pk})  # warm up: fonts, imports, caches
        print()
        print(f"{'document':24} {'select s':>9} {'ReportLab s':>12} {'twin s':>7} {'total s':>8} "
              f"{'total/RL':>9} {'RSS MB':>7} {'alloc MB':>9} {'SQL':>5} {'bytes':>10}")
        results = {}
        for kind, params in documents:
            r = measure(kind, params)
            results[kind] = r
            print(f"{kind:24} {r['select']:9.2f} {r['render']:12.2f} {r['twin']:7.2f} {r['total']:8.2f} "
                  f"{r['ratio']:9.2f} {r['rss_mb']:7.0f} {r['peak_mb']:9.1f} {r['queries']:5d} {r['bytes']:10d}",
                  flush=True)
        print()
        print(f"Generating a plan with {args.ratio_scale:g}x the grants...", flush=True)
        big = timed("generated", lambda: generate(scale=args.scale, grants_scale=args.scale * args.ratio_scale,
                                                  code="bench-x"))
        r10 = measure("community-reinvestment", {"plan": big.world.plan.code, "year": 2024})
        r1 = results["community-reinvestment"]
        print(f"community-reinvestment with {big.grants} grants: total {r10['total']:.2f} s "
              f"(ReportLab alone {r10['render']:.2f} s), {r10['queries']} SQL queries "
              f"(vs {r1['queries']} with {base.grants} grants)")
        print(f"time ratio {args.ratio_scale:g}x grants / 1x: {r10['total'] / r1['total']:.2f} "
              f"(must stay at or under {args.ratio_scale:g})")
        print(f"community-reinvestment total / ReportLab alone at scale {args.scale}: {r1['ratio']:.2f} "
              "(target: at or under 1.5)")
    finally:
        connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
