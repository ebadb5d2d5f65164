"""Browser journeys of plan finance, plan compliance and the regulator (Debian's Chromium,
headless, against the live server with the demo data):

* plan finance records a financial year and sees its obligation;
* the compliance officer requests the report, sees the progress bar finish, attests and files it;
* the regulator downloads the filed report and verifies the PDF by uploading it.

axe finds no serious or critical violation on the main pages on the way.
"""

import re

import pytest

from organizations.actors import SETUP, WORKER
from organizations.models import User
from reinvestment.models import MemberMonth, Obligation, PlanFinancialYear
from reporting import services as reporting_services
from reporting.models import ReportArtifact, ReportFiling
from tests.web.axe import assert_accessible
from tests.web.conftest import sign_in

# serialized_rollback keeps the seeded counties and policies after each flush
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _reference_data() -> None:
    """Re-seed the reference rows the migrations seed (counties, policies, disclosure rule) when a
    transactional test's flush removed them; each seed is idempotent."""
    import importlib

    from django.apps import apps

    from organizations.models import County

    if County.objects.exists():
        return
    for module, function in [("organizations.migrations.0002_seed_counties", "seed"),
                             ("reinvestment.migrations.0004_seed_policies", "seed"),
                             ("reinvestment.migrations.0006_lines_of_business_applicability", "seed_lines"),
                             ("reinvestment.migrations.0007_policy_applicability_sources", "forward"),
                             ("reporting.migrations.0002_guards_and_disclosure_rule", "seed_disclosure_rule")]:
        getattr(importlib.import_module(module), function)(apps, None)


@pytest.fixture
def reference_data(transactional_db):  # noqa: ARG001
    _reference_data()


@pytest.fixture
def plan_demo(reference_data, demo_site):  # noqa: ARG001
    from reinvestment import demo

    return demo.load()


def test_plan_finance_records_a_year_and_sees_the_obligation(page, plan_demo):
    sign_in(page, "finance")
    page.get_by_role("link", name="Financial years").first.click()
    assert page.get_by_role("heading", level=1, name="Financial years").is_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Enter a financial year").first.click()
    page.get_by_label("Income year").fill("2026")
    page.get_by_label("Total revenue").fill("1,000,000,000.00")
    page.get_by_label("Net income").fill("12.345")
    page.get_by_label("Compute the obligation under").select_option("CA-DHCS")
    page.get_by_role("button", name="Record the year").click()
    # Bad input: the error sits beside the field and nothing was written.
    assert "at most two decimal places" in page.locator("#id_net_income_error").inner_text()
    assert not PlanFinancialYear.objects.filter(income_year=2026).exists()
    assert_accessible(page)

    page.get_by_label("Net income").fill("60,000,000.00")
    page.get_by_role("button", name="Record the year").click()
    page.wait_for_url(re.compile(r"/obligations/demo-plan/years/\d+/$"))
    obligation = Obligation.objects.get(plan__code="demo-plan", income_year=2026)
    amount = f"${obligation.total.amount:,.2f}"
    assert page.get_by_role("heading", level=1, name="Income year 2026").is_visible()
    assert amount in page.locator("main").inner_text()
    assert_accessible(page)

    page.get_by_role("link", name="See the obligation by county").click()
    page.wait_for_url("**/obligations/demo-plan/?year=2026#counties")
    page.get_by_role("heading", level=2, name="Income year 2026 by county").wait_for(state="visible")
    assert page.get_by_role("heading", level=2, name="Income year 2026 by county").is_visible()
    assert amount in page.locator("#results").inner_text()
    page.goto("/obligations/demo-plan/?year=2024")
    assert page.locator("#county-chart svg[role=img]").is_visible()
    assert_accessible(page)


def test_compliance_officer_requests_attests_and_files(page, plan_demo):
    sign_in(page, "compliance")
    page.get_by_role("link", name="Compliance reports").first.click()
    assert_accessible(page)
    page.get_by_label("Income year").fill("2024")  # the locked year, with its audited statement
    page.get_by_role("button", name="Generate").click()
    page.wait_for_url(re.compile(r"/reports/runs/\d+/$"))
    progress = page.locator(".progress")
    progress.get_by_text("Done.").wait_for()
    assert page.locator("progress").get_attribute("value") == "100"
    assert_accessible(page)

    progress.get_by_role("link", name="Open the result").click()
    page.wait_for_url(re.compile(r"/reports/artifacts/\d+/$"))
    with page.expect_download() as preview:
        page.get_by_role("link", name="Download the draft PDF").click()
    assert preview.value.suggested_filename.endswith(".pdf")
    assert_accessible(page)
    page.get_by_label("Your full name").fill("Carlos Ramírez")
    page.get_by_label("Your job title").fill("Chief Compliance Officer")
    page.get_by_role("button", name="Attest this version").click()
    page.get_by_text("Attested. The final report is ready to file.").wait_for()
    page.get_by_role("button", name="File with the regulator").click()
    page.get_by_text("Filed with the regulator.").wait_for()
    final = ReportArtifact.objects.get(organization__code="demo-plan", is_final=True,
                                       params__year=2024)
    assert ReportFiling.objects.filter(artifact=final).exists()
    assert final.sha256 in page.locator("main").inner_text()


def test_regulator_downloads_and_verifies_the_pdf(page, plan_demo, tmp_path):
    from reporting import demo as reporting_demo

    draft = ReportArtifact.objects.get(pk=reporting_demo.load()["artifact"])
    officer = User.objects.get(username="compliance")
    final = reporting_services.report_attest(actor=officer, artifact=draft, typed_name=officer.get_full_name(),
                                             typed_title=officer.title).final
    reporting_services.report_file(actor=officer, artifact=final)

    sign_in(page, "regulator")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Filed reports").click()
    assert_accessible(page)
    page.locator("#results").get_by_role("link", name=final.report_id).click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the PDF").click()
    saved = tmp_path / "downloaded.pdf"
    download.value.save_as(saved)

    page.goto("/reports/verify/")
    page.get_by_label("PDF to verify").set_input_files(str(saved))
    page.get_by_role("button", name="Verify", exact=True).click()
    result = page.locator(".verify-result")
    result.get_by_role("heading", name="Match found").wait_for()
    assert f"This file is {final.report_id}, version {final.version}" in result.inner_text()
    assert_accessible(page)

    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(saved.read_bytes() + b"\n%changed")
    page.get_by_label("PDF to verify").set_input_files(str(tampered))
    page.get_by_role("button", name="Verify", exact=True).click()
    page.locator(".verify-result").get_by_role("heading", name="No match").wait_for()


@pytest.mark.parametrize(("username", "path"), [
    ("finance", "/obligations/demo-plan/investments/"),
    ("finance", "/obligations/demo-plan/investments/new/"),
    ("finance", "/obligations/demo-plan/member-months/"),
    ("finance", "/funds/plan/demo-plan/statements/"),
    ("finance", "/funds/plan/demo-plan/payments/new/"),
    ("compliance", "/reports/plan/demo-plan/history/"),
])
def test_other_plan_pages_pass_axe(page, plan_demo, username, path):
    sign_in(page, username)
    page.goto(path)
    assert page.locator("h1").is_visible()
    assert_accessible(page)


def test_member_month_import_shows_the_bad_rows_in_the_browser(page, plan_demo, tmp_path):
    csv_file = tmp_path / "mm.csv"
    csv_file.write_text("plan,county,month,member_months\ndemo-plan,Imperial,2026-01,100\n"
                        "demo-plan,Atlantis,2026-02,5\n")
    sign_in(page, "finance")
    page.goto("/obligations/demo-plan/member-months/")
    page.get_by_label("Income year").fill("2026")
    page.get_by_label("CSV file").set_input_files(str(csv_file))
    page.get_by_role("button", name="Import", exact=True).click()
    assert "nothing was imported" in page.locator("#id_file_error").inner_text()
    assert "unknown county 'Atlantis'" in page.locator("main table").inner_text()
    assert not MemberMonth.objects.filter(month__year=2026).exists()
    assert_accessible(page)


def test_progress_bar_polls_until_the_worker_finishes(page, plan_demo):
    run = reporting_services.report_request(actor=SETUP, kind="community-reinvestment",
                                            params={"plan": "demo-plan", "year": 2025}, enqueue=False)
    sign_in(page, "compliance")
    page.goto(f"/reports/runs/{run.pk}/")
    status = page.locator(".progress__status")
    assert "0% complete" in status.inner_text()
    assert page.locator(".progress").get_attribute("hx-get") == f"/reports/runs/{run.pk}/status/"

    reporting_services.report_generate(actor=WORKER, run_id=run.pk)  # what the worker does

    status.get_by_text("Done.").wait_for()  # htmx asked again and swapped the finished bar in
    assert page.locator("progress").get_attribute("value") == "100"
    assert page.locator(".progress").get_attribute("hx-get") is None  # polling stopped
    assert_accessible(page)
