"""Programs a plan operates itself (a vaccination van, a promotores program) recorded as direct
investments: the payee is the plan, the database refuses any other combination, they count toward
the obligation but never as payments to an SDOH/equity partner."""

import datetime
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse

from audit.models import AuditEvent
from organizations.actors import SETUP
from reinvestment import earmarks, selectors, services
from reinvestment.models import DirectInvestment, ObligationCredit
from tests.api.factories import token_client
from tests.organizations.factories import member
from tests.reinvestment.factories import (
    CBOFactory,
    PlanFactory,
    county,
    financial_year,
    member_months,
)

pytestmark = pytest.mark.django_db


def _record(plan, **changes):
    kwargs = {"actor": SETUP, "plan": plan, "purpose": "Mobile vaccination van", "county": county("Imperial"),
              "domain": "health_care", "paid_on": datetime.date(2025, 3, 1), "amount": D("30000.00"),
              "cha_chip_aligned": False, "cac_consulted": True, "income_year": 2024, **changes}
    return services.direct_investment_record(**kwargs)


def _counts():
    return DirectInvestment.objects.count(), ObligationCredit.objects.count(), AuditEvent.objects.count()


def test_a_program_the_plan_operates_is_recorded_with_the_plan_as_payee_and_credited():
    plan = PlanFactory()
    van = _record(plan, operated_by_plan=True)
    assert van.operated_by_plan and van.payee == plan
    credit = ObligationCredit.objects.get(plan=plan, source="direct_investment")
    assert credit.payee == plan and credit.amount.amount == D("30000.00")
    # naming the plan itself as payee is the same thing
    again = _record(plan, operated_by_plan=True, payee=plan, purpose="Promotores program")
    assert again.payee == plan and again.operated_by_plan


def test_bad_combinations_are_refused_and_write_nothing():
    plan, other = PlanFactory(), PlanFactory()
    cbo = CBOFactory()
    before = _counts()
    for changes in ({"operated_by_plan": True, "payee": cbo},  # operated by the plan, paid to someone else
                    {"operated_by_plan": False},  # neither a payee nor operated by the plan
                    {"payee": plan},  # the plan paying itself without saying it operates the program
                    {"payee": other}):  # another plan is not a community organization
        with pytest.raises(ValidationError):
            _record(plan, **changes)
    assert _counts() == before


def test_the_database_refuses_a_payee_that_contradicts_operated_by_plan():
    plan = PlanFactory()
    cbo_investment = _record(plan, payee=CBOFactory())
    van = _record(plan, operated_by_plan=True, purpose="Van")
    with pytest.raises(IntegrityError), transaction.atomic():
        DirectInvestment.objects.filter(pk=cbo_investment.pk).update(operated_by_plan=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        DirectInvestment.objects.filter(pk=van.pk).update(operated_by_plan=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        DirectInvestment.objects.filter(pk=cbo_investment.pk).update(payee=plan)


def _or_obligation():
    plan = PlanFactory(jurisdiction="OR")
    member_months(plan, 2024, {"Imperial": 10})
    # OR-SHARE: $170,000, of which 10% ($17,000) to SDOH/equity partners
    year = financial_year(plan, 2024, revenue="10000000.00", net_income="1000000.00")
    return services.obligation_compute(actor=SETUP, financial_year=year, policy_code="OR-SHARE")


def _partners(obligation):
    summary = selectors.obligation_summary(obligation, datetime.date(2025, 12, 31))
    [row] = [e for e in summary["earmarks"] if e["code"] == "equity-partners"]
    return summary["fulfilled"], row["fulfilled"], row["met"]


def test_a_plan_operated_program_counts_toward_the_obligation_but_not_as_an_equity_partner_payment():
    obligation = _or_obligation()
    _record(obligation.plan, operated_by_plan=True, domain="housing", amount=D("30000.00"))
    assert _partners(obligation) == (D("30000.00"), D("0.00"), False)
    _record(obligation.plan, payee=CBOFactory(), domain="housing", amount=D("17000.00"), purpose="Rent help")
    assert _partners(obligation) == (D("47000.00"), D("17000.00"), True)


def test_registered_evidence_of_partnership_never_makes_the_plan_its_own_equity_partner():
    obligation = _or_obligation()
    _record(obligation.plan, operated_by_plan=True, domain="housing", amount=D("30000.00"))

    def everything() -> Q:
        return Q(pk__isnull=False)

    earmarks.register_equity_partner(everything)
    try:
        assert _partners(obligation) == (D("30000.00"), D("0.00"), False)
    finally:
        earmarks._PARTNER.remove(everything)


def test_the_form_records_a_plan_operated_program_and_refuses_a_payee_with_it(client):
    plan = PlanFactory(jurisdiction="CA")
    finance = member("plan_finance", plan, "op-finance")
    cbo = CBOFactory(legal_name="Promotoras Unidas")
    client.force_login(finance)
    url = reverse("reinvestment:investment_new", args=[plan.code])

    def post(**changes):
        token = client.get(url).context["form"].initial["form_token"]
        data = {"form_token": token, "purpose": "Mobile vaccination van", "county": str(county("Imperial").pk),
                "domain": "health_care", "paid_on": "2025-03-01", "amount": "$30,000.00", "income_year": "2024",
                **changes}
        return client.post(url, data)

    before = _counts()
    for changes in ({"operated_by_plan": "on", "payee": str(cbo.pk)}, {}):
        response = post(**changes)
        assert response.status_code == 200 and response.context["form"].errors["payee"]
    assert _counts() == before
    assert post(operated_by_plan="on").status_code == 302
    van = DirectInvestment.objects.get(plan=plan)
    assert van.operated_by_plan and van.payee == plan
    listing = client.get(reverse("reinvestment:investment_list", args=[plan.code])).content.decode()
    assert "Operated by the plan" in listing and "$30,000.00" in listing


def test_the_api_records_a_plan_operated_program():
    plan = PlanFactory(code="op-api-plan", jurisdiction="CA")
    api = token_client(member("plan_finance", plan, "op-api-finance"))
    body = {"plan": plan.pk, "operated_by_plan": True, "purpose": "Promotores program", "county": "06025",
            "domain": "health_care", "paid_on": "2026-03-01", "amount": {"amount": "12000.00", "currency": "USD"},
            "cha_chip_aligned": False, "cac_consulted": True, "income_year": 2024}
    response = api.post("/api/direct-investments/", body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["operated_by_plan"] is True and response.json()["payee"] == plan.code
    before = _counts()
    refused = api.post("/api/direct-investments/", {**body, "operated_by_plan": False}, format="json")
    assert refused.status_code == 400 and "payee" in refused.json()["error"]["fields"]
    assert _counts() == before
