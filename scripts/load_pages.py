"""Load each role's main page through gunicorn with concurrent clients, sign-in form as reference.

    .venv/bin/python scripts/load_pages.py [--seconds 30] [--clients 32] [--port 8765]

Builds a scratch PostgreSQL database (``test_<name of DATABASE_URL's database>``, default
``reinv_load_bench``) with the demo data, starts gunicorn on 127.0.0.1 only (3 workers) against
it, signs each role's demo user in (a session made in the same database) and, page by page,
keeps ``--clients`` concurrent clients (threads with httpx) requesting the page for
``--seconds`` seconds. It prints requests per second and the 50th, 95th and 99th percentile
latency of each page, and the ratio of its throughput to the sign-in form's. Never points at
anything but 127.0.0.1; stops gunicorn and drops the database at the end.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/reinv_load_bench")

import django  # noqa: E402

django.setup()

import httpx  # noqa: E402
from bench_pages import PAGES, SIGN_IN  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

HOST = "127.0.0.1"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))] if ordered else float("nan")


def load(base: str, path: str, cookies: dict[str, str], seconds: float, clients: int) -> tuple[int, int, list[float]]:
    """(responses, errors, latencies in ms) of ``clients`` threads requesting ``path`` for ``seconds``."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def client() -> None:
        nonlocal errors
        mine: list[float] = []
        bad = 0
        with httpx.Client(base_url=base, cookies=cookies, timeout=30.0) as http:
            while time.perf_counter() < stop:
                t0 = time.perf_counter()
                try:
                    ok = http.get(path).status_code == 200
                except httpx.HTTPError:
                    ok = False
                mine.append((time.perf_counter() - t0) * 1000)
                bad += not ok
        with lock:
            latencies.extend(mine)
            errors += bad

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return len(latencies), errors, latencies


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line a request otherwise
    from organizations.models import User
    from tests.helpers import load_demo

    media = tempfile.mkdtemp(prefix="load-pages-media-")
    settings.MEDIA_ROOT = media
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    name = connection.settings_dict["NAME"]
    server = None
    try:
        load_demo()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        cookies = {}
        for _, username, _ in PAGES:
            c = Client()
            c.force_login(User.objects.get(username=username))
            cookies[username] = {k: v.value for k, v in c.cookies.items()}
        url = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + f"/{name}"
        env = {**os.environ, "DATABASE_URL": url, "MEDIA_ROOT": media, "DJANGO_ALLOWED_HOSTS": HOST}
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"{HOST}:{args.port}", "--workers", "3",
             "--log-level", "warning"], cwd=ROOT, env=env, start_new_session=True)
        base = f"http://{HOST}:{args.port}"
        for _ in range(100):
            try:
                if httpx.get(base + SIGN_IN, timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            raise SystemExit("gunicorn did not answer on " + base)
        print(f"{args.clients} clients, {args.seconds:g} s a page, gunicorn 3 workers on {base} "
              f"(load average {', '.join(f'{x:.2f}' for x in os.getloadavg())})")
        print(f"{'role':20} {'page':28} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'errors':>6} "
              f"{'sign-in/page':>12}")
        reference = None
        for role, username, path in [("anonymous", "", SIGN_IN), *PAGES]:
            n, errors, latencies = load(base, path, cookies.get(username, {}), args.seconds, args.clients)
            rate = n / args.seconds
            reference = reference or rate
            print(f"{role:20} {path:28} {rate:7.1f} {percentile(latencies, 0.5):7.0f} "
                  f"{percentile(latencies, 0.95):7.0f} {percentile(latencies, 0.99):7.0f} {errors:6d} "
                  f"{reference / rate if rate else float('inf'):12.2f}", flush=True)
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        connection.creation.destroy_test_db(name, verbosity=0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
