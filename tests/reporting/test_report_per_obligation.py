"""One Community Reinvestment Report per obligation (command line, page, API), the policy and
line of business in its header, and its MLR section."""

import json
from decimal import Decimal as D

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from audit.models import AuditEvent
from organizations.actors import SETUP
from organizations.models import Role
from reinvestment import services
from reinvestment.models import Obligation
from reporting.models import ReportRun
from tests.api.factories import token_client
from tests.organizations.factories import OrganizationFactory, member
from tests.reinvestment.factories import PlanFactory, financial_year, member_months
from tests.reporting import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def two():
    """A CA plan whose income year 2024 has a CA-DHCS (Medi-Cal) and a CC-QTF (Covered California) obligation."""
    plan = PlanFactory(code="plan-two", jurisdiction="CA", legal_name="Plan Two")
    member_months(plan, 2024, {"Imperial": 100, "Riverside": 300})
    medi_cal = financial_year(plan, 2024)
    covered = financial_year(plan, 2024, line_of_business="covered-california", revenue="50000000.00",
                             net_income="1000000.00", gross_premium=D("40000000.00"),
                             quality_standards_met=False, quality_measures_missed=["col"])
    services.obligations_compute_applicable(actor=SETUP, financial_year=medi_cal)
    services.obligations_compute_applicable(actor=SETUP, financial_year=covered)
    return plan


def _generate(tmp_path, plan, *extra):
    out = tmp_path / "report.pdf"
    call_command("generate_report", "community-reinvestment", "--plan", plan.code, "--year", "2024", *extra,
                 "--output", str(out))
    return json.loads((tmp_path / "report.json").read_text()), pdf_text.squash(pdf_text.text(out.read_bytes()))


def written():
    return ReportRun.objects.count(), AuditEvent.objects.count()


def test_asking_for_cc_qtf_gives_cc_qtf_figures_not_the_first_obligation(two, tmp_path):
    cc = Obligation.objects.get(plan=two, policy_code="CC-QTF")
    dhcs = Obligation.objects.get(plan=two, policy_code="CA-DHCS")
    assert cc.total.amount == D("200000.00") != dhcs.total.amount

    data, text = _generate(tmp_path, two, "--policy", "CC-QTF")
    assert D(data["total_obligation"]) == D("200000.00")
    assert data["policy_code"] == "CC-QTF" and data["line_of_business"] == "Covered California"
    assert data["obligation"].endswith(f":{cc.pk}")
    assert pdf_text.squash("CC-QTF, Covered California") in text  # cover
    assert pdf_text.squash("Income year 2024 · CC-QTF · Covered California") in text  # running header

    data, _ = _generate(tmp_path, two, "--policy", "CA-DHCS", "--line-of-business", "medi-cal")
    assert D(data["total_obligation"]) == dhcs.total.amount and data["policy_code"] == "CA-DHCS"


@pytest.mark.parametrize(("extra", "message"), [
    ((), r"plan-two has 2 obligations for income year 2024.*CA-DHCS \(Medi-Cal, medi-cal\); "
         r"CC-QTF \(Covered California, covered-california\)"),
    (("--policy", "AZ-REV"), r"no live AZ-REV obligation.*Choose one of: CA-DHCS"),
    (("--policy", "CC-QTF", "--line-of-business", "medi-cal"), r"no live CC-QTF \(line of business medi-cal\)"),
])
def test_omitting_or_misnaming_the_obligation_is_refused_with_the_choices(two, tmp_path, extra, message):
    with pytest.raises(CommandError, match=message):
        _generate(tmp_path, two, *extra)
    assert list(tmp_path.iterdir()) == []


def test_one_obligation_may_be_left_out_and_gives_the_same_report_as_naming_it(media, django_capture_on_commit_callbacks):
    from tests.reporting.factories import plan_year

    plan = plan_year(code="plan-one", counties=2, credits=1)
    finance = member(Role.PLAN_FINANCE, plan)
    from reporting.services import report_request

    first = report_request(actor=finance, kind="community-reinvestment", params={"plan": plan.code, "year": 2024},
                           enqueue=False)
    named = report_request(actor=finance, kind="community-reinvestment",
                           params={"plan": plan.code, "year": "2024", "policy": "CA-DHCS"}, enqueue=False)
    assert first.params == named.params == {"plan": "plan-one", "year": 2024, "policy": "CA-DHCS",
                                            "line_of_business": "medi-cal"}
    assert first.params_key == named.params_key


def test_the_api_refuses_a_request_without_the_obligation_and_writes_nothing(two):
    client = token_client(member(Role.PLAN_FINANCE, two))
    before = written()
    response = client.post("/api/report-runs/", {"kind": "community-reinvestment",
                                                 "params": {"plan": two.code, "year": "2024"}}, format="json")
    assert response.status_code == 400, response.content
    assert "CC-QTF (Covered California" in json.dumps(response.json()["error"]["fields"]["policy"])
    assert written() == before
    response = client.post("/api/report-runs/", {"kind": "community-reinvestment", "params": {
        "plan": two.code, "year": "2024", "policy": "CC-QTF"}}, format="json")
    assert response.status_code == 202, response.content
    assert ReportRun.objects.get().params["policy"] == "CC-QTF"


def test_another_plans_obligation_choices_are_not_told_to_a_stranger(two):
    stranger = token_client(member(Role.PLAN_FINANCE, OrganizationFactory(code="plan-else", kind="plan")))
    response = stranger.post("/api/report-runs/", {"kind": "community-reinvestment",
                                                   "params": {"plan": two.code, "year": "2024"}}, format="json")
    assert response.status_code == 404 and "CC-QTF" not in response.content.decode()


def test_the_page_offers_the_obligations_and_refuses_leaving_one_out(client, two):
    client.force_login(member(Role.PLAN_COMPLIANCE, two))
    page = client.get(reverse("reporting:compliance", args=[two.code])).content.decode()
    assert 'value="CA-DHCS|medi-cal"' in page and 'value="CC-QTF|covered-california"' in page
    before = written()
    response = client.post(reverse("reporting:report_new", args=[two.code]), {"year": "2024"})
    assert response.status_code == 400
    assert "has 2 obligations for income year 2024" in response.content.decode()
    assert written() == before
    response = client.post(reverse("reporting:report_new", args=[two.code]),
                           {"year": "2024", "policy": "CC-QTF|covered-california"})
    assert response.status_code == 302
    assert ReportRun.objects.get().params == {"plan": "plan-two", "year": 2024, "policy": "CC-QTF",
                                              "line_of_business": "covered-california"}


# --- MLR section ----------------------------------------------------------------------------


@pytest.fixture
def mlr_plan():
    plan = PlanFactory(code="plan-mlr", jurisdiction="CA", legal_name="Plan MLR")
    member_months(plan, 2024, {"Imperial": 100})
    member_months(plan, 2025, {"Imperial": 100})
    return plan


def test_mlr_section_shows_the_computation_remittance_and_the_state_agency_receiving_it(mlr_plan, tmp_path):
    year = financial_year(mlr_plan, 2024, mlr_numerator=D("800000000.00"), mlr_denominator=D("1000000000.00"))
    obligation = services.obligation_compute(actor=SETUP, financial_year=year, policy_code="CA-DHCS")
    agency = OrganizationFactory(code="ca-dhcs-agency", kind="regulator", jurisdiction="CA",
                                 legal_name="California Department of Health Care Services")
    services.obligation_mlr_recipient_set(actor=SETUP, obligation=obligation, recipient=agency)

    data, text = _generate(tmp_path, mlr_plan)
    mlr = data["mlr"]
    assert (D(mlr["numerator"]), D(mlr["denominator"]), D(mlr["ratio"]), D(mlr["minimum"])) == (
        D("800000000.00"), D("1000000000.00"), D("0.8"), D("0.85"))
    assert D(mlr["shortfall"]) == D(mlr["remittance"]) == D("50000000.00")
    for words in ("MLR numerator $800,000,000.00", "MLR denominator $1,000,000,000.00", "MLR 80.00%",
                  "Minimum 85.00%", "Shortfall $50,000,000.00", "MLR remittance $50,000,000.00",
                  "Remitted to California Department of Health Care Services (state agency)"):
        assert pdf_text.squash(words) in text


def test_mlr_remitted_to_a_wellness_fund_names_the_fund(mlr_plan, tmp_path):
    from tests.wellness_fund.factories import fund as make_fund

    fund = make_fund(code="mlr-fund")
    year = financial_year(mlr_plan, 2024, mlr_numerator=D("800000000.00"), mlr_denominator=D("1000000000.00"))
    obligation = services.obligation_compute(actor=SETUP, financial_year=year, policy_code="CA-DHCS")
    services.obligation_mlr_recipient_set(actor=SETUP, obligation=obligation, fund_code=fund.code, recipient=fund.ach)
    data, text = _generate(tmp_path, mlr_plan)
    assert data["mlr"]["recipient"] == fund.name and fund.name != fund.code
    assert pdf_text.squash(f"Remitted to {fund.name} (wellness fund)") in text


def test_mlr_not_entered_says_so(mlr_plan, tmp_path):
    services.obligation_compute(actor=SETUP, financial_year=financial_year(mlr_plan, 2024), policy_code="CA-DHCS")
    data, text = _generate(tmp_path, mlr_plan)
    assert data["mlr"]["entered"] is False
    assert pdf_text.squash("MLR not entered") in text
    assert pdf_text.squash("Shortfall") not in text


def test_a_recipient_that_is_neither_agency_nor_fund_is_refused_and_writes_nothing(mlr_plan):
    year = financial_year(mlr_plan, 2024, mlr_numerator=D("800000000.00"), mlr_denominator=D("1000000000.00"))
    obligation = services.obligation_compute(actor=SETUP, financial_year=year, policy_code="CA-DHCS")
    cbo = OrganizationFactory(code="some-cbo", kind="cbo")
    other_state = OrganizationFactory(code="az-agency", kind="regulator", jurisdiction="AZ")
    before = AuditEvent.objects.count()
    from django.core.exceptions import ValidationError

    for recipient in (cbo, other_state):
        with pytest.raises(ValidationError):
            services.obligation_mlr_recipient_set(actor=SETUP, obligation=obligation, recipient=recipient)
    obligation.refresh_from_db()
    assert obligation.mlr_remittance_recipient is None and AuditEvent.objects.count() == before
