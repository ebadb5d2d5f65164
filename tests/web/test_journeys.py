"""Journeys in a real browser (Debian's Chromium, headless) against the live server.

Each demo role signs in and lands on its dashboard; a wrong password gets the generic
message; the language switch turns the page Spanish; a CBO user guessing the audit trail's
address gets the friendly 404; axe finds no serious violations on the main pages.
"""

import re
from urllib.parse import urlparse

import pytest

from tests.web.axe import assert_accessible
from tests.web.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

#: demo username -> (organization shown on the dashboard, role label shown there)
ROLE_JOURNEYS = {
    "finance": ("Golden Valley Health Plan", "Plan finance"),
    "compliance": ("Golden Valley Health Plan", "Plan compliance officer"),
    "fundadmin": ("Imperial Valley Accountable Community for Health", "Fund administrator"),
    "chair": ("Imperial Valley Accountable Community for Health", "Board chair"),
    "board1": ("Imperial Valley Accountable Community for Health", "Board member"),
    "cbo": ("Asociación de Promotores — Niños Sanos", "CBO staff"),
    "regulator": ("California Department of Health Care Services (demo)", "Regulator"),
}


@pytest.mark.parametrize("username", sorted(ROLE_JOURNEYS))
def test_each_role_signs_in_and_sees_its_dashboard(page, demo_site, username):
    organization, role = ROLE_JOURNEYS[username]
    sign_in(page, username)
    assert urlparse(page.url).path == "/"
    section = page.get_by_role("region", name=organization)
    assert section.is_visible()
    assert role in section.inner_text()
    assert page.get_by_role("button", name=re.compile("Sign out")).is_visible()
    assert_accessible(page)


def test_site_administrator_sees_audit_trail_and_administration(page, demo_site):
    sign_in(page, "admin")
    nav = page.get_by_role("navigation", name="Main")
    assert nav.get_by_role("link", name="Audit trail").is_visible()
    assert nav.get_by_role("link", name="Administration").is_visible()
    nav.get_by_role("link", name="Audit trail").click()
    assert page.get_by_role("heading", level=1, name="Audit trail").is_visible()
    assert_accessible(page)


def test_wrong_password_shows_the_generic_error_and_stays_signed_out(page, demo_site):
    sign_in(page, "cbo", password="not-the-password")
    alert = page.get_by_role("alert")
    assert "Please enter a correct username and password" in alert.inner_text()
    assert "/accounts/login/" in page.url
    assert page.get_by_role("button", name=re.compile("Sign out")).count() == 0
    assert page.get_by_label("Username").get_attribute("value") == "cbo"
    assert_accessible(page)
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_role("heading", level=1, name="Reset your password").wait_for()
    assert_accessible(page)


def test_language_switch_turns_the_page_spanish(page, demo_site):
    sign_in(page, "cbo")
    page.get_by_role("button", name="Español").click()
    page.wait_for_load_state("domcontentloaded")
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.get_by_role("heading", level=1).inner_text().startswith("Hola, María López")
    assert page.get_by_role("link", name="Inicio").is_visible()
    assert page.get_by_role("button", name=re.compile("Cerrar sesión")).is_visible()


def test_cbo_user_guessing_the_audit_trail_gets_the_friendly_404(page, demo_site):
    sign_in(page, "cbo")
    response = page.goto("/audit/")
    assert response is not None and response.status == 404
    assert page.get_by_role("heading", level=1, name="We couldn't find that page").is_visible()
    assert page.get_by_role("link", name="Go to your home page").is_visible()
    assert "Audit trail" not in page.get_by_role("navigation", name="Main").inner_text()
    assert_accessible(page)


def test_skip_link_is_the_first_stop_and_moves_focus_to_main(page, demo_site):
    sign_in(page, "fundadmin")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    assert skip.evaluate("el => el === document.activeElement")
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"


def test_sign_in_page_passes_axe(page, demo_site):
    page.goto("/accounts/login/")
    assert_accessible(page)


def test_home_fits_a_phone_screen(page, demo_site):
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in(page, "chair")
    scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll_width <= 360
    assert_accessible(page)

