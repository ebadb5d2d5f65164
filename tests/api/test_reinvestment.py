"""Reinvestment endpoints: financial years, member months, policies, obligations, direct investments.

Each: success, validation error (nothing written), another organization's object (404),
and idempotent retry for POSTs.
"""

import pytest

from audit.models import AuditEvent
from organizations.actors import SETUP
from organizations.models import County
from reinvestment.models import (
    DirectInvestment,
    MemberMonth,
    Obligation,
    PlanFinancialYear,
)
from tests.api.factories import money, token_client
from tests.organizations.factories import member
from tests.reinvestment.factories import CBOFactory, PlanFactory, financial_year, member_months

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan():
    return PlanFactory(code="api-plan")


def _year_payload(plan, **extra):
    return {"plan": plan.pk, "income_year": 2024, "total_revenue": money("2000000000.00"),
            "net_income": money("200000000.00"), **extra}


# --- financial years ---------------------------------------------------------------------


def test_create_financial_year(plan, finance):
    response = finance.post("/api/financial-years/", _year_payload(plan, quality_standards_met=False,
                                                                   quality_measures_missed=["W30"]),
                            format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft"
    assert body["total_revenue"] == money("2000000000.00")
    year = PlanFinancialYear.objects.get(pk=body["id"])
    assert year.plan == plan and year.quality_measures_missed == ["W30"]
    assert AuditEvent.objects.filter(action="reinvestment.financial_year.create").count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"net_income": {"amount": 200000000.0, "currency": "USD"}}, "net_income"),
        ({"total_revenue": money("-1.00")}, "total_revenue"),
        ({"net_income": money("3000000000.00")}, "net_income"),
        ({"income_year": "twenty"}, "income_year"),
        ({"surplus": money("1.00")}, "surplus"),
        ({"mlr_numerator": money("5.00")}, "mlr_denominator"),
    ],
)
def test_create_financial_year_refuses_bad_input(plan, finance, change, field):
    response = finance.post("/api/financial-years/", _year_payload(plan) | change, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]
    assert PlanFinancialYear.objects.count() == 0


def test_create_for_another_plan_is_refused_and_writes_nothing(plan, other_plan, finance):
    response = finance.post("/api/financial-years/", _year_payload(other_plan), format="json")
    assert response.status_code == 400
    assert "plan" in response.json()["error"]["fields"]
    assert PlanFinancialYear.objects.count() == 0


def test_compliance_officer_may_read_but_not_record(plan):
    client = token_client(member("plan_compliance", plan))
    year = financial_year(plan)
    assert client.get(f"/api/financial-years/{year.pk}/").status_code == 200
    events = AuditEvent.objects.count()
    response = client.post("/api/financial-years/", _year_payload(plan, income_year=2025), format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert PlanFinancialYear.objects.count() == 1 and AuditEvent.objects.count() == events


def test_another_plans_year_is_404(plan, other_plan, finance):
    theirs = financial_year(other_plan)
    assert finance.get(f"/api/financial-years/{theirs.pk}/").status_code == 404
    events = AuditEvent.objects.count()
    response = finance.post(f"/api/financial-years/{theirs.pk}/submit/")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    theirs.refresh_from_db()
    assert theirs.status == "draft" and AuditEvent.objects.count() == events
    assert finance.get("/api/financial-years/").json()["count"] == 0


def test_submit_lock_and_state_errors(plan, finance):
    year = financial_year(plan)
    events = AuditEvent.objects.count()
    early = finance.post(f"/api/financial-years/{year.pk}/lock/")
    assert early.status_code == 409 and early.json()["error"]["code"] == "invalid_state"
    year.refresh_from_db()
    assert year.status == "draft" and AuditEvent.objects.count() == events
    assert finance.post(f"/api/financial-years/{year.pk}/submit/").json()["status"] == "submitted"
    events = AuditEvent.objects.count()
    again = finance.post(f"/api/financial-years/{year.pk}/submit/")
    assert again.status_code == 409 and again.json()["error"]["code"] == "invalid_state"
    year.refresh_from_db()
    assert year.status == "submitted" and AuditEvent.objects.count() == events
    assert finance.post(f"/api/financial-years/{year.pk}/lock/").json()["status"] == "locked"


def test_amend_a_locked_year(plan, finance):
    year = financial_year(plan)
    finance.post(f"/api/financial-years/{year.pk}/submit/")
    finance.post(f"/api/financial-years/{year.pk}/lock/")
    events = AuditEvent.objects.count()
    missing = finance.post(f"/api/financial-years/{year.pk}/amend/", {"net_income": money("1.00")},
                           format="json")
    assert missing.status_code == 400 and "reason" in missing.json()["error"]["fields"]
    assert missing.json()["error"]["code"] == "validation_error"
    assert PlanFinancialYear.objects.count() == 1 and AuditEvent.objects.count() == events
    response = finance.post(f"/api/financial-years/{year.pk}/amend/",
                            {"reason": "audit adjustment", "net_income": money("150000000.00")}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["supersedes"] == year.pk
    assert response.json()["net_income"] == money("150000000.00")


def test_idempotent_financial_year_create(plan, finance):
    payload = _year_payload(plan)
    first = finance.post("/api/financial-years/", payload, format="json", HTTP_IDEMPOTENCY_KEY="fy-2024")
    again = finance.post("/api/financial-years/", payload, format="json", HTTP_IDEMPOTENCY_KEY="fy-2024")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert PlanFinancialYear.objects.count() == 1


# --- obligations -------------------------------------------------------------------------


def test_compute_obligation_and_read_its_explanation(plan, finance):
    year = financial_year(plan)
    member_months(plan, 2024, {"Imperial": 3000, "Riverside": 1000})
    response = finance.post(f"/api/financial-years/{year.pk}/compute-obligation/", {"policy": "CA-DHCS"},
                            format="json")
    assert response.status_code == 200, response.content
    obligation = Obligation.objects.get(pk=response.json()["id"])
    detail = finance.get(f"/api/obligations/{obligation.pk}/?as_of=2027-01-01").json()
    assert detail["total"] == {"amount": f"{obligation.total.amount:.2f}", "currency": "USD"}
    assert detail["lines"] and all(isinstance(line["amount"]["amount"], str) for line in detail["lines"])
    allocated = sum(__import__("decimal").Decimal(c["allocated"]["amount"]) for c in detail["counties"])
    assert allocated == obligation.total.amount
    assert {c["county"] for c in detail["counties"]} == {"Imperial", "Riverside"}
    assert finance.get("/api/obligations/?income_year=2024").json()["count"] == 1


def test_compute_obligation_with_unknown_policy_writes_nothing(plan, finance):
    year = financial_year(plan)
    response = finance.post(f"/api/financial-years/{year.pk}/compute-obligation/", {"policy": "XX-NONE"},
                            format="json")
    assert response.status_code == 400 and "policy" in response.json()["error"]["fields"]
    assert response.json()["error"]["code"] == "validation_error"
    assert Obligation.objects.count() == 0
    assert not AuditEvent.objects.filter(action__startswith="reinvestment.obligation").exists()


def test_year_lists_its_applicable_policies_and_an_inapplicable_one_is_refused(plan, finance):
    created = finance.post("/api/financial-years/", _year_payload(plan, line_of_business="covered-california",
                                                                  gross_premium=money("1000000.00")),
                           format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["line_of_business"] == "covered-california" and body["applicable_policies"] == ["CC-QTF"]
    events = AuditEvent.objects.count()
    refused = finance.post(f"/api/financial-years/{body['id']}/compute-obligation/", {"policy": "AZ"},
                           format="json")
    assert refused.status_code == 400 and "policy" in refused.json()["error"]["fields"]
    assert Obligation.objects.count() == 0 and AuditEvent.objects.count() == events


def test_another_plans_obligation_is_404(plan, other_plan, finance):
    year = financial_year(other_plan)
    member_months(other_plan, 2024, {"Imperial": 10})
    from reinvestment import services

    obligation = services.obligation_compute(actor=SETUP, financial_year=year, policy_code="CA-DHCS")
    assert finance.get(f"/api/obligations/{obligation.pk}/").status_code == 404
    assert finance.get("/api/obligations/").json()["count"] == 0
    assert finance.get(f"/api/obligations/{obligation.pk}/?as_of=soon").status_code == 404


def test_bad_as_of_is_400(plan, finance):
    year = financial_year(plan)
    member_months(plan, 2024, {"Imperial": 10})
    ob = finance.post(f"/api/financial-years/{year.pk}/compute-obligation/", {"policy": "CA-DHCS"},
                      format="json").json()
    response = finance.get(f"/api/obligations/{ob['id']}/?as_of=soon")
    assert response.status_code == 400 and "as_of" in response.json()["error"]["fields"]


# --- member months -----------------------------------------------------------------------


def _rows():
    return [{"county": "06025", "month": "2024-01", "member_months": 1200},
            {"county": "Riverside", "month": "2024-02", "member_months": 800}]


def test_import_member_months(plan, finance):
    response = finance.post("/api/member-months/import/", {"plan": plan.pk, "year": 2024, "rows": _rows()},
                            format="json")
    assert response.status_code == 200, response.content
    assert response.json()["written"] == 2
    assert MemberMonth.objects.filter(plan=plan).count() == 2
    listed = finance.get("/api/member-months/?county=06025").json()["results"]
    assert [(r["month"], r["member_months"]) for r in listed] == [("2024-01-01", 1200)]


def test_import_with_a_bad_row_writes_nothing(plan, finance):
    rows = _rows() + [{"county": "Atlantis", "month": "2024-03", "member_months": 5}]
    response = finance.post("/api/member-months/import/", {"plan": plan.pk, "year": 2024, "rows": rows},
                            format="json")
    assert response.status_code == 400
    assert "rows.2" in response.json()["error"]["fields"]
    assert MemberMonth.objects.count() == 0
    wrong_type = finance.post("/api/member-months/import/",
                              {"plan": plan.pk, "year": 2024, "rows": [{"county": "06025", "month": "2024-01",
                                                                        "member_months": "many"}]},
                              format="json")
    assert wrong_type.status_code == 400 and "rows.0.member_months" in wrong_type.json()["error"]["fields"]
    assert MemberMonth.objects.count() == 0


def test_import_names_the_line_of_business_of_each_row(plan, finance):
    rows = [{"county": "06025", "month": "2024-01", "member_months": 1200},
            {"county": "06025", "month": "2024-01", "member_months": 300, "line_of_business": "covered-california"}]
    response = finance.post("/api/member-months/import/", {"plan": plan.pk, "year": 2024, "rows": rows},
                            format="json")
    assert response.status_code == 200, response.content
    listed = finance.get("/api/member-months/?county=06025").json()["results"]
    assert sorted((r["line_of_business"], r["member_months"]) for r in listed) == [
        ("covered-california", 300), ("medi-cal", 1200)]
    # a line of business that does not exist is refused, nothing written
    before = MemberMonth.objects.count()
    bad = finance.post("/api/member-months/import/", {"plan": plan.pk, "year": 2024, "rows": [
        {"county": "06025", "month": "2024-02", "member_months": 5, "line_of_business": "no-such-line"}]},
        format="json")
    assert bad.status_code == 400 and "rows.0" in bad.json()["error"]["fields"]
    assert MemberMonth.objects.count() == before


def test_import_for_another_plan_is_refused(plan, other_plan, finance):
    response = finance.post("/api/member-months/import/",
                            {"plan": other_plan.pk, "year": 2024, "rows": _rows()}, format="json")
    assert response.status_code == 400 and "plan" in response.json()["error"]["fields"]
    assert MemberMonth.objects.count() == 0


def test_import_is_idempotent(plan, finance):
    payload = {"plan": plan.pk, "year": 2024, "rows": _rows()}
    first = finance.post("/api/member-months/import/", payload, format="json", HTTP_IDEMPOTENCY_KEY="mm")
    events = AuditEvent.objects.count()
    again = finance.post("/api/member-months/import/", payload, format="json", HTTP_IDEMPOTENCY_KEY="mm")
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert AuditEvent.objects.count() == events


# --- policies ----------------------------------------------------------------------------


def test_policies_are_readable_reference_data(finance):
    body = finance.get("/api/policies/?code=CA-DHCS").json()
    assert body["count"] >= 1
    policy = body["results"][0]
    assert policy["code"] == "CA-DHCS" and policy["brackets"]
    assert finance.get(f"/api/policies/{policy['id']}/").json()["version"] == policy["version"]
    assert finance.get("/api/policies/?ordering=rate").status_code == 400
    assert finance.post("/api/policies/", {}, format="json").status_code == 405


# --- direct investments ------------------------------------------------------------------


def _investment(plan, payee, **extra):
    return {"plan": plan.pk, "payee": payee.code, "purpose": "Promotores asthma sessions",
            "county": "06025", "domain": "health_care", "paid_on": "2026-03-01",
            "amount": money("25000.00"), "cha_chip_aligned": True, "cac_consulted": True,
            "income_year": 2024, **extra}


def test_record_direct_investment(plan, finance):
    cbo = CBOFactory(code="api-cbo")
    response = finance.post("/api/direct-investments/", _investment(plan, cbo), format="json")
    assert response.status_code == 201, response.content
    assert response.json()["amount"] == money("25000.00")
    investment = DirectInvestment.objects.get()
    assert investment.payee == cbo and investment.county == County.objects.get(fips="06025")
    assert finance.get("/api/direct-investments/?domain=health_care").json()["count"] == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount": {"amount": 25000, "currency": "USD"}}, "amount"),
        ({"amount": money("0.00")}, "amount"),
        ({"domain": "vibes"}, "domain"),
        ({"county": "99999"}, "county"),
        ({"paid_on": "yesterday"}, "paid_on"),
        ({"purpose": ""}, "purpose"),
        ({"bonus": True}, "bonus"),
    ],
)
def test_direct_investment_bad_input_writes_nothing(plan, finance, change, field):
    cbo = CBOFactory(code="api-cbo")
    response = finance.post("/api/direct-investments/", _investment(plan, cbo) | change, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]
    assert response.json()["error"]["code"] == "validation_error"
    assert DirectInvestment.objects.count() == 0
    assert not AuditEvent.objects.filter(action__startswith="reinvestment.direct_investment").exists()


def test_direct_investment_to_a_plan_is_refused(plan, other_plan, finance):
    response = finance.post("/api/direct-investments/", _investment(plan, other_plan), format="json")
    assert response.status_code == 400 and "payee" in response.json()["error"]["fields"]
    assert DirectInvestment.objects.count() == 0


def test_another_plans_investment_is_404(plan, other_plan, finance):
    from reinvestment import services

    cbo = CBOFactory(code="api-cbo")
    financial_year(other_plan)
    theirs = services.direct_investment_record(
        actor=SETUP, plan=other_plan, payee=cbo, purpose="x", county=County.objects.get(fips="06025"),
        domain="food", paid_on=__import__("datetime").date(2026, 1, 5), amount="10.00",
        cha_chip_aligned=False, cac_consulted=False, income_year=2024)
    assert finance.get(f"/api/direct-investments/{theirs.pk}/").status_code == 404
    response = finance.post("/api/direct-investments/", _investment(other_plan, cbo), format="json")
    assert response.status_code == 400 and "plan" in response.json()["error"]["fields"]
    assert DirectInvestment.objects.count() == 1


def test_direct_investment_idempotent_retry(plan, finance):
    cbo = CBOFactory(code="api-cbo")
    payload = _investment(plan, cbo)
    first = finance.post("/api/direct-investments/", payload, format="json", HTTP_IDEMPOTENCY_KEY="di-1")
    again = finance.post("/api/direct-investments/", payload, format="json", HTTP_IDEMPOTENCY_KEY="di-1")
    assert first.status_code == again.status_code == 201 and again.json() == first.json()
    assert DirectInvestment.objects.count() == 1
    events = AuditEvent.objects.count()
    changed = finance.post("/api/direct-investments/", payload | {"amount": money("1.00")}, format="json",
                           HTTP_IDEMPOTENCY_KEY="di-1")
    assert changed.status_code == 422
    assert changed.json()["error"]["code"] == "idempotency_key_reused"
    assert DirectInvestment.objects.count() == 1 and AuditEvent.objects.count() == events
