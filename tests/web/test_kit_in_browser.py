"""The shared kit in a real browser: htmx table sorting and paging, CSV download, field errors,
and a double-submitted form that creates one record."""

import csv
import io
import re

import pytest

from organizations.models import Organization
from tests.organizations.factories import OrganizationFactory
from tests.web.axe import assert_accessible
from tests.web.conftest import sign_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.urls("tests.web.kit")]


@pytest.fixture
def orgs(demo_site):
    for i in range(6):
        OrganizationFactory(code=f"kit-{i}", legal_name=f"Kit Org {i}")


def test_sorting_swaps_the_table_in_place_and_updates_the_address(page, orgs):
    sign_in(page, "admin")
    page.goto("/_kit/orgs/")
    page.evaluate("() => { window.notReloaded = true; }")
    table = page.locator("#results")
    name_header = table.get_by_role("columnheader", name=re.compile("Name"))
    assert name_header.get_attribute("aria-sort") == "none"
    name_header.get_by_role("link").click()
    page.wait_for_url(re.compile(r"sort=legal_name"))
    page.wait_for_function("() => document.querySelector('#results th[aria-sort=ascending]') !== null")
    assert page.evaluate("() => window.notReloaded") is True  # htmx swapped the region only
    first_rows = table.locator("tbody tr td:nth-child(2)").all_inner_texts()
    assert first_rows == sorted(first_rows)
    table.get_by_role("link", name="Next").click()
    page.wait_for_url(re.compile(r"page=2"))
    page.wait_for_function("() => document.querySelector('#results .pagination').innerText.includes('2 of')")
    assert page.evaluate("() => window.notReloaded") is True
    assert_accessible(page)


def test_filter_and_csv_download_give_the_same_rows(page, orgs):
    sign_in(page, "admin")
    page.goto("/_kit/orgs/")
    page.get_by_label("Name contains").fill("Kit Org")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url(re.compile(r"name=Kit(\+|%20)Org"))
    page.wait_for_function("() => document.querySelector('#results-caption').innerText.startsWith('6 ')")
    with page.expect_download() as info:
        page.get_by_role("link", name="Download CSV").click()
    path = info.value.path()
    rows = list(csv.reader(io.StringIO(open(path, encoding="utf-8").read())))
    assert rows[0] == ["Code", "Name", "Kind"]
    assert [r[0] for r in rows[1:]] == [f"kit-{i}" for i in range(6)]


def test_bad_input_shows_errors_beside_the_fields_and_creates_nothing(page, demo_site):
    sign_in(page, "admin")
    page.goto("/_kit/new/")
    before = Organization.objects.count()
    page.get_by_label("Code").fill("Not A Code!")
    page.get_by_label("Legal name").fill("Bad Input Org")
    page.get_by_label("Opening budget").fill("12.345")
    page.get_by_role("button", name="Create").click()
    page.wait_for_load_state("domcontentloaded")
    budget = page.get_by_label("Opening budget")
    assert budget.get_attribute("aria-invalid") == "true"
    error_id = budget.get_attribute("aria-describedby").split()[-1]
    assert "at most two decimal places" in page.locator(f"#{error_id}").inner_text()
    assert page.get_by_role("alert").is_visible()
    assert Organization.objects.count() == before
    assert_accessible(page)


def test_a_double_click_and_a_resend_create_one_record(page, demo_site):
    sign_in(page, "admin")
    page.goto("/_kit/new/")
    page.get_by_label("Code").fill("once-only")
    page.get_by_label("Legal name").fill("Once Only Org")
    page.get_by_label("Opening budget").fill("1,500.00")
    token = page.locator("input[name=form_token]").input_value()
    csrf = page.locator("#main input[name=csrfmiddlewaretoken]").input_value()
    page.get_by_role("button", name="Create").dblclick()
    page.wait_for_url(re.compile(r"/_kit/orgs/"))
    assert "Created with a budget of $1,500.00." in page.get_by_role("status").inner_text()
    # The same form sent again (back button and resend): redirected to the first result.
    form = {"csrfmiddlewaretoken": csrf, "form_token": token, "code": "once-only",
            "legal_name": "Once Only Org", "budget": "1,500.00"}
    again = page.request.post("/_kit/new/", form=form, headers={"Referer": page.url},
                              max_redirects=0)
    assert again.status == 302 and "Once+Only+Org" in again.headers["location"].replace("%20", "+")
    assert Organization.objects.filter(code="once-only").count() == 1


def test_progress_bar_polls_with_htmx_until_the_result_is_ready(page, demo_site):
    sign_in(page, "admin")
    page.goto("/_kit/progress/")
    assert page.locator("progress").get_attribute("value") == "0"
    page.get_by_role("link", name="Open the result").wait_for()
    assert page.locator("progress").get_attribute("value") == "100"
    assert "Done." in page.get_by_role("status").inner_text()
    assert page.locator(".progress[hx-trigger]").count() == 0  # polling stopped
    assert_accessible(page)
