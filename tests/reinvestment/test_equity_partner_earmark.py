"""Oregon SHARE's share to SDOH/equity partners: an earmark held as data (version, source, unverified)."""

import datetime
from decimal import Decimal as D

import pytest

from organizations.actors import SETUP
from organizations.models import OrganizationKind
from reinvestment import selectors, services
from reinvestment.models import PolicyEarmark, PolicyTermSource
from reinvestment.services.policies import policy_version_copy
from tests.organizations.factories import OrganizationFactory, UserFactory
from tests.reinvestment.factories import (
    CBOFactory,
    PlanFactory,
    county,
    financial_year,
    member_months,
)

pytestmark = pytest.mark.django_db


def test_or_share_in_effect_holds_the_equity_partner_earmark_unverified_with_its_source():
    policy = selectors.policy_for(code="OR-SHARE", year=2024)
    earmark = policy.earmarks.get(requires_equity_partner=True)
    assert (earmark.code, earmark.label, earmark.minimum_share, earmark.domains) == (
        "equity-partners", "Share to SDOH/equity partners", D("0.1000"), [])
    assert not earmark.requires_cha_chip_alignment
    term = PolicyTermSource.objects.get(policy=policy, term="earmarks")
    assert term.unverified and "A portion of funds must go to SDOH/Equity Partners" in term.source
    assert "Appendix D" in term.source
    # the previous version is kept as it was, for the obligations computed with it
    previous = selectors.policy_for(code="OR-SHARE", version=policy.version - 1)
    assert not previous.earmarks.filter(requires_equity_partner=True).exists()
    assert set(previous.earmarks.values_list("code", flat=True)) < set(policy.earmarks.values_list("code", flat=True))
    assert previous.applicability.count() == policy.applicability.count() > 0
    # the snapshot carries the flag
    snapshot = selectors.policy_snapshot(policy)
    flags = {e["code"]: e["requires_equity_partner"] for e in snapshot["earmarks"]}
    assert flags == {"housing": False, "chp-aligned": False, "equity-partners": True}


def _obligation():
    plan = PlanFactory(jurisdiction="OR")
    member_months(plan, 2024, {"Imperial": 10})
    # OR-SHARE: 20% x ($1,000,000 - 1.5% x $10,000,000) = $170,000; 10% to equity partners = $17,000
    year = financial_year(plan, 2024, revenue="10000000.00", net_income="1000000.00")
    return services.obligation_compute(actor=SETUP, financial_year=year, policy_code="OR-SHARE")


def _pay(obligation, payee, amount):
    services.direct_investment_record(
        actor=SETUP, plan=obligation.plan, payee=payee, purpose="Rental assistance", county=county("Imperial"),
        domain="housing", paid_on=datetime.date(2025, 3, 1), amount=D(amount), cha_chip_aligned=False,
        cac_consulted=True, income_year=2024)


def _partners(obligation):
    summary = selectors.obligation_summary(obligation, datetime.date(2025, 12, 31))
    [row] = [e for e in summary["earmarks"] if e["code"] == "equity-partners"]
    return row["required"], row["fulfilled"], row["met"]


def test_the_equity_partner_earmark_is_unmet_by_payments_to_others_and_met_by_payments_to_cbos():
    obligation = _obligation()
    assert obligation.policy_snapshot["earmarks"][1]["requires_equity_partner"] is True
    _pay(obligation, OrganizationFactory(kind=OrganizationKind.ACH), "30000.00")  # not an equity partner
    assert _partners(obligation) == (D("17000.00"), D("0.00"), False)
    _pay(obligation, CBOFactory(), "16999.99")
    assert _partners(obligation) == (D("17000.00"), D("16999.99"), False)
    _pay(obligation, CBOFactory(), "0.01")
    assert _partners(obligation) == (D("17000.00"), D("17000.00"), True)


def test_a_draft_copy_keeps_the_equity_partner_flag():
    admin = UserFactory(is_superuser=True, is_staff=True)
    policy = selectors.policy_for(code="OR-SHARE", year=2024)
    copy = policy_version_copy(actor=admin, policy=policy)
    assert copy.is_draft and copy.version == policy.version + 1
    assert PolicyEarmark.objects.get(policy=copy, code="equity-partners").requires_equity_partner
    assert not PolicyEarmark.objects.get(policy=copy, code="housing").requires_equity_partner
