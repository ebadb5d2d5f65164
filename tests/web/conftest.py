"""Browser harness: Debian's Chromium driven by Playwright against pytest-django's live server.

* ``chromium_path``: /usr/bin/chromium; installed with apt-get when missing and running as
  root. With no browser the browser tests fail with the reason (a pass count must not hide
  skipped browser tests); ``ALLOW_SKIP_BROWSER=1`` turns that failure into a skip, for a
  machine that cannot install Chromium. Playwright never downloads a browser: it launches
  this executable.
* ``browser``: one headless Chromium for the whole session (fast); each test gets a fresh
  context (cookies, storage) and page from ``page``.
* A failing test leaves a screenshot in ``var/screenshots/<test name>.png``.
* ``demo_site``: the demo organizations and users loaded into the live server's database.
* ``sign_in(page, username)``: signs a demo user in through the form.
* A test on the live server ends only when the server has no request in flight: a request
  still reading its tables while pytest-django empties the database (TRUNCATE) deadlocks
  with it.

The live server runs in a thread of the test process while Playwright's sync API keeps an
event loop in this thread, so Django's async-safety check is relaxed for these tests only.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
SCREENSHOTS = ROOT / "var" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
DEMO_PASSWORD = "demo-pass-2026"


def _ensure_chromium() -> str | None:
    """The path of Debian's Chromium, installing the package when root; None with no browser."""
    if CHROMIUM.exists():
        return str(CHROMIUM)
    if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        env = os.environ | {"DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=False, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=False, env=env)
    return str(CHROMIUM) if CHROMIUM.exists() else None


def _no_browser(reason: str) -> NoReturn:
    """Fail the browser test with ``reason``; skip it instead only when ALLOW_SKIP_BROWSER=1."""
    if os.environ.get("ALLOW_SKIP_BROWSER") == "1":
        pytest.skip(f"{reason} (skipped: ALLOW_SKIP_BROWSER=1)")
    pytest.fail(f"{reason}. Browser tests do not skip; set ALLOW_SKIP_BROWSER=1 to skip them "
                "on a machine without a browser.", pytrace=False)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = _ensure_chromium()
    if path is None:
        _no_browser("Debian's chromium is not installed (/usr/bin/chromium) and cannot be "
                    "installed without root: apt-get install -y chromium")
    return path


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[object]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - dev extra missing
        _no_browser("playwright is not installed: pip install -e '.[dev]'")
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as pw:
            instance = pw.chromium.launch(executable_path=chromium_path, headless=True,
                                          args=CHROMIUM_ARGS)
            try:
                yield instance
            finally:
                instance.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


class _InFlight:
    """Requests the live server has started and not yet finished, counted by Django's signals."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.count = 0

    def started(self, **_: object) -> None:
        with self.lock:
            self.count += 1

    def finished(self, **_: object) -> None:
        with self.lock:
            self.count -= 1

    def wait_until_quiet(self, timeout: float = 15.0, settle: float = 0.1) -> None:
        """Return once no request has been in flight for ``settle`` seconds (or at ``timeout``)."""
        deadline = time.monotonic() + timeout
        quiet_since: float | None = None
        while time.monotonic() < deadline:
            with self.lock:
                busy = self.count > 0
            now = time.monotonic()
            if busy:
                quiet_since = None
            elif quiet_since is None:
                quiet_since = now
            elif now - quiet_since >= settle:
                return
            time.sleep(0.02)


@pytest.fixture(autouse=True)
def _live_server_quiet_at_teardown(request: pytest.FixtureRequest) -> Iterator[None]:
    """On a test that uses the live server, wait at teardown until no request is in flight."""
    if "live_server" not in request.fixturenames:
        yield
        return
    from django.core.signals import request_finished, request_started

    in_flight = _InFlight()
    request_started.connect(in_flight.started, dispatch_uid="live-server-in-flight-started")
    request_finished.connect(in_flight.finished, dispatch_uid="live-server-in-flight-finished")
    try:
        yield
    finally:
        in_flight.wait_until_quiet()
        request_started.disconnect(dispatch_uid="live-server-in-flight-started")
        request_finished.disconnect(dispatch_uid="live-server-in-flight-finished")


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):  # type: ignore[no-untyped-def]
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture
def page(request, browser, live_server):  # type: ignore[no-untyped-def]
    """A fresh browser context and page on the live server; screenshot saved on failure."""
    context = browser.new_context(base_url=live_server.url, locale="en-US",
                                  viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    pg = context.new_page()
    yield pg
    failed = any(getattr(request.node, f"rep_{when}", None) is not None
                 and getattr(request.node, f"rep_{when}").failed for when in ("setup", "call"))
    if failed:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        name = "".join(c if c.isalnum() or c in "-_." else "_" for c in request.node.name)
        try:
            pg.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
        except Exception as exc:  # noqa: BLE001 - a screenshot must not hide the real failure
            print(f"screenshot failed: {exc}")
    context.close()


@pytest.fixture
def demo_site(transactional_db):  # type: ignore[no-untyped-def]  # noqa: ARG001
    from organizations import demo

    return demo.load()


def sign_in(page, username: str, password: str = DEMO_PASSWORD) -> None:  # type: ignore[no-untyped-def]
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("domcontentloaded")


@pytest.fixture
def w():  # type: ignore[no-untyped-def]
    """A grants world for the page tests: two CBOs, a chair and three board members."""
    from tests.grants import factories as gf

    return gf.world(cbos=2, board=3)


@pytest.fixture
def opp(w):  # type: ignore[no-untyped-def]
    """An open call of ``w``'s fund."""
    from tests.grants import factories as gf

    return gf.opportunity(w)
