"""Time each role's main page against the sign-in form, in one process, on the demo data.

    .venv/bin/python scripts/bench_pages.py [--requests 20] [--scale 0.1]

Builds a scratch PostgreSQL database (``test_<name of DATABASE_URL's database>``, default
``reinv_pages_bench``), loads the demo data and, with Django's test client (no network, no
server), requests each role's main page ``--requests`` times as that role's demo user (after
two warm-up requests) and the sign-in form as an anonymous visitor, the two in turn (page,
sign-in form, page, ...) so both are timed in the same conditions. It prints the median and 95th percentile milliseconds of each
page, the sign-in form's median taken with it, and the ratio of the two medians: the
sign-in form does almost nothing, so the ratio is the page's own work in units of the
framework's fixed cost, and stays comparable on a loaded machine. Sessions are read through
the cache, as production reads them.

Then it adds the benchmark world of ``tests/reporting/benchdata.py`` at ``--scale`` (0.1: 200
grants, 2,000 contributions, 10,000 ledger legs, about 10x the demo's records), makes the demo
users members of its plan, wellness fund organization and grantee with their demo roles, and
measures again: the plan's pages are then those of the benchmark world's plan (its 2,000
payments all counted toward its obligation), the other pages list the rows of both worlds. The
"x demo" column is the page's time over its own time on the demo data (goal: at most 1.5); the
"x sign-in" column's goal is at most 4. The database is dropped at the end.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/reinv_pages_bench")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

#: (role, demo user, main page)
PAGES = [
    ("plan finance", "finance", "/obligations/demo-plan/"),
    ("plan compliance", "compliance", "/reports/plan/demo-plan/"),
    ("fund administrator", "fundadmin", "/funds/"),
    ("board chair", "chair", "/grants/meetings/"),
    ("CBO staff", "cbo", "/grants/"),
    ("regulator", "regulator", "/reports/filed/"),
    ("site administrator", "admin", "/admin/"),
]
SIGN_IN = "/accounts/login/"
#: The demo plan's code in PAGES; the second run asks for the benchmark world's plan instead.
DEMO_PLAN = "demo-plan"


def timings(client: Client, path: str, n: int, anonymous: Client) -> tuple[list[float], list[float], int, int]:
    """Milliseconds of ``n`` GETs of ``path`` and of the sign-in form, taken in turn (after two
    warm-ups of each), so both are measured in the same conditions; the status and SQL queries."""
    for _ in range(2):
        client.get(path)
        anonymous.get(SIGN_IN)
    times, sign_in = [], []
    for _ in range(n):
        t0 = time.perf_counter()
        client.get(path)
        t1 = time.perf_counter()
        anonymous.get(SIGN_IN)
        t2 = time.perf_counter()
        times.append((t1 - t0) * 1000)
        sign_in.append((t2 - t1) * 1000)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    return times, sign_in, response.status_code, len(queries.captured_queries)


def p95(times: list[float]) -> float:
    return sorted(times)[max(0, round(len(times) * 0.95) - 1)]


def measure(label: str, n: int, plan: str = DEMO_PLAN, before: dict[str, float] | None = None) -> dict[str, float]:
    """Print each page's figures (``plan``'s pages for the plan roles); the medians by role."""
    from organizations.models import User

    anonymous = Client()
    print(f"\n{label} (load average {', '.join(f'{x:.2f}' for x in os.getloadavg())})")
    growth = f" {'x demo':>7}" if before else ""
    print(f"{'role':20} {'page':28} {'status':>6} {'SQL':>4} {'median ms':>10} {'p95 ms':>8} {'sign-in ms':>10} "
          f"{'x sign-in':>10}{growth}")
    medians: dict[str, float] = {}
    for role, username, path in PAGES:
        client = Client()
        client.force_login(User.objects.get(username=username))
        path = path.replace(f"/{DEMO_PLAN}/", f"/{plan}/")
        times, sign_in, status, queries = timings(client, path, n, anonymous)
        median = medians[role] = statistics.median(times)
        base = statistics.median(sign_in)
        print(f"{role:20} {path:28} {status:6d} {queries:4d} {median:10.1f} {p95(times):8.1f} {base:10.1f} "
              f"{median / base:10.2f}" + (f" {median / before[role]:7.2f}" if before else ""), flush=True)
    return medians


def join_bench_world(world: object) -> None:
    """Give the demo users the same roles in the benchmark world's organizations."""
    from organizations.models import Membership, User

    gw = world.world  # type: ignore[attr-defined]
    targets = {"demo-plan": gw.plan, "demo-ach-1": gw.world.ach, "demo-cbo-promotores": gw.award.grantee}
    for m in Membership.objects.filter(organization__code__in=list(targets), is_active=True).select_related(
            "organization"):
        Membership.objects.get_or_create(user_id=m.user_id, organization=targets[m.organization.code], role=m.role,
                                         defaults={"is_active": True})
    User.objects.filter(username="admin").update(is_superuser=True, is_staff=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--scale", type=float, default=0.1, help="benchmark world added for the second run")
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
    # Sessions as production keeps them (config/settings/production.py): read through the cache.
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="bench-pages-media-")
    from tests.helpers import load_demo
    from tests.reporting.benchdata import generate

    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        t0 = time.perf_counter()
        load_demo()
        print(f"demo data loaded in {time.perf_counter() - t0:.1f} s", flush=True)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        demo = measure("demo data", args.requests)
        t0 = time.perf_counter()
        world = generate(scale=args.scale, code="pages-bench")
        join_bench_world(world)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"\nadded {world.grants} grants, {world.contributions} contributions, {world.legs} ledger legs "
              f"in {time.perf_counter() - t0:.1f} s", flush=True)
        measure(f"demo data + benchmark world at scale {args.scale:g}", args.requests,
                plan=world.world.plan.code, before=demo)
    finally:
        connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
