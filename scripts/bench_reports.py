"""Benchmark the report documents against a floor that is not our code: plain ReportLab.

    .venv/bin/python scripts/bench_reports.py [--scale 1.0] [--ratio-scale 10] [--floor PATH] [--repeat 3]

Builds a fresh test database (``test_<name of DATABASE_URL's database>``, default
``reinv_reports_bench``), generates data at ``--scale`` (1 = 58 counties, 2,000 grants,
20,000 contributions, 100,000 ledger legs; see tests/reporting/benchdata.py), runs
``ANALYZE`` (as autovacuum would on a live database) and, for each document, times the
selector, the data twin and the PDF (the product end to end: selector + twin + PDF), counts
the SQL queries and the PDF's pages, and lays out the same number of table rows and
columns the PDF prints with plain ReportLab (``--floor``, default
``/work/shared/bench/reportlab_floor.py``, run as a subprocess with the PDF's body font).
It prints the ratio product / floor (goal: at or under 2 for the Community Reinvestment
Report at scale 1). Then it generates a second plan with ``--ratio-scale`` times the grants
and prints the time ratio of its Community Reinvestment Report to the first (goal: at or
under the grants multiplier) and its floor ratio. The database is dropped at the end.

Wall-clock figures depend on the machine's load (print ``uptime`` with them); the ratios are
measured in the same run, so they move less. Each document and each floor runs ``--repeat``
times and the fastest run of each is printed (the run least slowed by other work on the machine).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
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
from reportlab.platypus import Flowable, Table  # noqa: E402

from reporting.kinds import KINDS, DocumentKind  # noqa: E402

NOW = dt.datetime(2026, 5, 1, 12, 0, tzinfo=dt.UTC)
FLOOR = Path("/work/shared/bench/reportlab_floor.py")


def table_shapes(dk: DocumentKind, data: Any, twin_files: tuple[Any, ...]) -> dict[str, tuple[int, int]]:
    """The body rows (header rows left out) and columns of every table the PDF prints, by table."""
    extra = {"twin": twin_files} if dk.prints_twin else {}
    shapes: dict[str, list[int]] = defaultdict(lambda: [0, 0])

    def walk(flowables: list[Flowable]) -> None:
        for fl in flowables:
            if isinstance(fl, Table):
                name = getattr(fl, "table_name", f"blocks{fl._ncols}")
                shapes[name][0] += len(fl._cellvalues) - fl.repeatRows
                shapes[name][1] = max(shapes[name][1], fl._ncols)
            walk(getattr(fl, "_content", None) or [])

    walk(dk.renderer.story(data, "BENCH-1", 1, **extra))
    return {name: (rows, cols) for name, (rows, cols) in shapes.items() if rows}


#: Runs the floor script as its own ``__main__`` and prints, to the microsecond, the interval its
#: ``main`` times itself (its two ``time.perf_counter`` calls: after the font is registered, and at
#: the end); the floor prints that interval to the hundredth, which is 0.00 s for a one-page letter.
FLOOR_CLOCK = """
import runpy, sys, time
floor, marks, clock = sys.argv[1], [], time.perf_counter
def perf_counter():
    now = clock()
    caller = sys._getframe(1).f_code
    if caller.co_name == "main" and caller.co_filename == floor:
        marks.append(now)
    return now
time.perf_counter = perf_counter
sys.argv = sys.argv[1:]
runpy.run_path(floor, run_name="__main__")
print(f"floor's own interval: {marks[-1] - marks[0]:.6f} s")
"""


def run_floor(floor: Path, shapes: dict[str, tuple[int, int]]) -> float:
    """Seconds plain ReportLab takes to lay out ``shapes`` (the floor's own timing, without
    interpreter start-up and font loading), with the body font of our PDFs."""
    import fontpkg_noto_sans

    font = fontpkg_noto_sans.ROOT / "files" / "NotoSans[wdth,wght].ttf"  # the body font of our PDFs
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run(
            [sys.executable, "-c", FLOOR_CLOCK, str(floor.resolve()), str(Path(tmp) / "floor.pdf"),
             "--font", str(font), "--rows", *(f"{name}={rows}x{cols}" for name, (rows, cols) in shapes.items())],
            capture_output=True, text=True, check=True).stdout
    printed = re.search(r"pages, ([\d.]+) s$", out, re.MULTILINE)
    interval = re.search(r"own interval: ([\d.]+) s$", out, re.MULTILINE)
    if printed is None or interval is None or abs(float(interval.group(1)) - float(printed.group(1))) > 0.006:
        raise SystemExit(f"unexpected floor output: {out!r}")
    return float(interval.group(1))


def measure_once(dk: DocumentKind, params: dict[str, Any]) -> dict[str, Any]:
    with CaptureQueriesContext(connection) as queries:
        t0 = time.perf_counter()
        data = dk.collect(params)
        t_select = time.perf_counter() - t0
    t0 = time.perf_counter()
    pdf, twin = dk.render(data, report_id="BENCH-1", version=1, generated_at=NOW, draft=True)
    t_render = time.perf_counter() - t0
    t0 = time.perf_counter()
    dk.build_twin(data)  # the twin alone, to split the render time into twin and PDF
    t_twin = time.perf_counter() - t0
    return {"data": data, "pdf_bytes": pdf, "twin": twin, "select": t_select, "render": t_render,
            "twin_s": t_twin, "total": t_select + t_render, "queries": len(queries.captured_queries)}


def measure(kind: str, params: dict[str, Any], floor: Path, repeat: int = 1) -> dict[str, Any]:
    """The product end to end and the floor, each the fastest of ``repeat`` runs (on a shared
    machine the fastest run is the one least slowed by other work)."""
    dk = KINDS[kind]
    best = min((measure_once(dk, params) for _ in range(repeat)), key=lambda r: r["total"])
    data, pdf = best["data"], best["pdf_bytes"]
    shapes = table_shapes(dk, data, best["twin"].files)
    t_floor = min(run_floor(floor, shapes) for _ in range(repeat))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # bytes (Linux reports KiB)
    total = best["total"]
    return {"kind": kind, "select": best["select"], "pdf": max(best["render"] - best["twin_s"], 0.0),
            "twin": best["twin_s"], "total": total, "floor": t_floor, "ratio": total / t_floor,
            "rss_mb": rss / 2**20, "queries": best["queries"], "pages": pdf.count(b"/Type /Page\n"),
            "bytes": len(pdf), "rows": sum(r for r, _ in shapes.values()), "shapes": shapes}


def timed(label: str, fn: Any) -> Any:
    t0 = time.perf_counter()
    result = fn()
    print(f"  {label}: {time.perf_counter() - t0:.1f} s", flush=True)
    return result


def load() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--ratio-scale", type=float, default=10.0, help="grants multiplier of the second run")
    parser.add_argument("--floor", type=Path, default=FLOOR, help="the plain-ReportLab floor script")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of each document and of its floor; the fastest of each is printed")
    args = parser.parse_args()
    if not args.floor.exists():
        raise SystemExit(f"--floor: {args.floor} does not exist")

    from tests.reporting.benchdata import generate

    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        print(f"Generating data at scale {args.scale}...", flush=True)
        base = timed("generated", lambda: generate(scale=args.scale, code="bench"))
        print(f"  {base.counties} counties, {base.grants} grants, {base.contributions} contributions, "
              f"{base.legs} ledger legs", flush=True)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        fund = base.world.world.fund
        documents = [
            ("community-reinvestment", {"plan": base.world.plan.code, "year": 2024}),
            ("fund-statement", {"fund": fund.code, "year": 2025}),
            ("award-letter", {"award": base.world.award.pk}),
            ("minutes", {"meeting": base.world.meeting.pk}),
        ]
        measure("minutes", {"meeting": base.world.meeting.pk}, args.floor)  # warm up: fonts, imports, caches
        print(f"\nload average (1, 5, 15 min) before measuring: {load()}\n")
        print(f"{'document':24} {'select s':>9} {'PDF s':>6} {'twin s':>7} {'total s':>8} {'floor s':>8} "
              f"{'total/floor':>11} {'rows':>6} {'pages':>6} {'SQL':>4} {'RSS MB':>7}")
        results = {}
        for kind, params in documents:
            r = measure(kind, params, args.floor, args.repeat)
            results[kind] = r
            print(f"{kind:24} {r['select']:9.2f} {r['pdf']:6.2f} {r['twin']:7.2f} {r['total']:8.2f} "
                  f"{r['floor']:8.2f} {r['ratio']:11.2f} {r['rows']:6d} {r['pages']:6d} {r['queries']:4d} "
                  f"{r['rss_mb']:7.0f}", flush=True)
        r1 = results["community-reinvestment"]
        print("  community-reinvestment tables (rows x columns): "
              + ", ".join(f"{name} {rows}x{cols}" for name, (rows, cols) in r1["shapes"].items()))
        print(f"\nGenerating a plan with {args.ratio_scale:g}x the grants...", flush=True)
        big = timed("generated", lambda: generate(scale=args.scale, grants_scale=args.scale * args.ratio_scale,
                                                  code="bench-x"))
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        r10 = measure("community-reinvestment", {"plan": big.world.plan.code, "year": 2024}, args.floor, args.repeat)
        print(f"community-reinvestment with {big.grants} grants: total {r10['total']:.2f} s (selector "
              f"{r10['select']:.2f}, PDF {r10['pdf']:.2f}, twin {r10['twin']:.2f}), floor {r10['floor']:.2f} s, "
              f"{r10['pages']} pages, {r10['queries']} SQL queries (vs {r1['queries']} with {base.grants} grants)")
        print(f"\nload average (1, 5, 15 min) after measuring: {load()}")
        print(f"time ratio {args.ratio_scale:g}x grants / 1x: {r10['total'] / r1['total']:.2f} "
              f"(goal: at or under {args.ratio_scale:g})")
        print(f"community-reinvestment selector at scale {args.scale}: {r1['select']:.2f} s (goal: at or under 1)")
        print(f"community-reinvestment total / floor at scale {args.scale}: {r1['ratio']:.2f} (goal: at or under 2); "
              f"with {args.ratio_scale:g}x the grants: {r10['ratio']:.2f}")
    finally:
        connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
