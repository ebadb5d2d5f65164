"""Every role's main pages in a real browser, at desktop and phone sizes, in English and Spanish.

On the full demo data, each demo role signs in and opens its home page and every page of its
menu, at 1366x900 and 390x844, in both languages. On each: axe-core finds no serious or
critical violation, the page does not scroll sideways on the phone, and a full-page
screenshot is saved under ``var/screenshots/pages/`` (kept by CI as an artifact). Failures
are collected over every page and reported together.
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest

from tests.helpers import load_demo
from tests.web.axe import run_axe
from tests.web.conftest import DEMO_PASSWORD, SCREENSHOTS

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

ROLES = ["finance", "compliance", "fundadmin", "chair", "board1", "cbo", "regulator", "admin"]
#: Pages whose content is the same whoever opens them once the organization is the same: checked
#: for the first role that reaches them (the home page and the inbox are checked for every role).
PER_PERSON = {"/", "/inbox/"}
SIZES = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
BLOCKING = {"serious", "critical"}
OUT = SCREENSHOTS / "pages"


@pytest.fixture
def full_demo(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    load_demo()


def _menu_paths(page) -> list[str]:  # type: ignore[no-untyped-def]
    """Same-site paths of the header's main navigation (read from the DOM: on a phone the menu is
    collapsed), the home page first, each once."""
    hrefs = page.eval_on_selector_all(
        "header nav a[href], .usa-nav a[href]", "links => links.map(a => a.getAttribute('href'))")
    paths = ["/"]
    for href in hrefs:
        path = urlparse(href).path if href else ""
        if (path.startswith("/") and not path.startswith(("/admin/", "/accounts/", "/i18n/", "/static/"))
                and path not in paths):
            paths.append(path)
    return paths


def _slug(path: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"


def _sign_in(page, username: str, language: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state("domcontentloaded")
    # the browser asks for the language (Accept-Language), as a Spanish-speaking person's would
    assert page.locator("html").get_attribute("lang") == language


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_main_page_passes_axe_and_fits_at_both_sizes(browser, live_server, full_demo, language):
    OUT.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    visited = 0
    seen: dict[str, set[str]] = {size: set() for size in SIZES}
    for username in ROLES:
        for size, viewport in SIZES.items():
            context = browser.new_context(base_url=live_server.url, viewport=viewport,
                                          locale="es-ES" if language == "es" else "en-US")
            context.set_default_timeout(20_000)
            page = context.new_page()
            try:
                _sign_in(page, username, language)
                for path in _menu_paths(page):
                    if path in seen[size] and path not in PER_PERSON:
                        continue
                    seen[size].add(path)
                    response = page.goto(path)
                    visited += 1
                    where = f"{language} {size} {username} {path}"
                    if response is None or response.status >= 400:
                        problems.append(f"{where}: HTTP {response.status if response else 'no response'}")
                        continue
                    if page.locator("html").get_attribute("lang") != language:
                        problems.append(f"{where}: page language is not {language}")
                    for violation in run_axe(page):
                        if violation.get("impact") in BLOCKING:
                            targets = ", ".join(" ".join(n["target"]) for n in violation["nodes"][:3])
                            problems.append(f"{where}: {violation['impact']} {violation['id']} at {targets}")
                    if size == "phone":
                        width = page.evaluate("() => document.documentElement.scrollWidth")
                        if width > viewport["width"]:
                            problems.append(f"{where}: scrolls sideways ({width}px wide)")
                    page.screenshot(path=str(OUT / f"{language}-{size}-{username}-{_slug(path)}.png"),
                                    full_page=True)
            finally:
                context.close()
    # every role reached its home page and at least one more page at each size
    assert visited >= len(ROLES) * len(SIZES) * 2 and all(len(paths) >= 20 for paths in seen.values())
    assert not problems, "\n".join(problems)
