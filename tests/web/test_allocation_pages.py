"""Plan finance pages of allocation: the obligations dashboard's required / allocated / remaining
and unallocated money, an obligation's allocations with their sources in words, and moving an
amount to another obligation with a reason (bad input refused beside the field, nothing written)."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from organizations.actors import SETUP
from organizations.models import Role
from reinvestment import services
from reinvestment.models import FulfilmentAllocation, Obligation
from tests.organizations.factories import member
from tests.reinvestment.factories import PlanFactory, member_months
from tests.reinvestment.test_allocations import (  # noqa: F401  (fixtures)
    _frozen_obligation,
    obligations,
    pay,
    plan,
    qtf,
    state,
    year,
)
from tests.reinvestment.test_allocations_defects import _fund_payment

pytestmark = pytest.mark.django_db


@pytest.fixture
def finance(plan):  # noqa: F811
    return member(Role.PLAN_FINANCE, plan)


@pytest.fixture
def moved_from(plan, obligations):  # noqa: F811
    """A payment of 700.00: 500.00 counts toward CA-DHCS 2024 (its allocation), 200.00 is unallocated."""
    credit = pay(plan, "700.00", "src", income_year=2024)
    return FulfilmentAllocation.objects.get(credit=credit)


def _url(plan, obligation):  # noqa: F811
    return reverse("reinvestment:allocations", args=[plan.code, obligation.pk])


def test_dashboard_shows_required_allocated_remaining_and_unallocated_money(client, plan, finance, moved_from):  # noqa: F811
    client.force_login(finance)
    html = client.get(reverse("reinvestment:dashboard", args=[plan.code])).content.decode()
    assert "Allocated" in html and "Unallocated money" in html
    assert "Paid but not counted toward any obligation: $200.00." in html
    assert _url(plan, moved_from.obligation) in html  # each obligation opens its allocations


def test_allocations_page_names_the_source_in_words_never_by_key(client, plan, finance, obligations):  # noqa: F811
    fund, payment = _fund_payment(plan)
    client.force_login(finance)
    html = client.get(_url(plan, obligations[0])).content.decode()
    assert f"Contribution payment of Feb. 10, 2027 to {fund.name}" in html
    assert "contributionpayment" not in html and f":{payment.pk}" not in html


def test_moving_an_amount_with_a_reason(client, plan, finance, obligations, moved_from):  # noqa: F811
    client.force_login(finance)
    response = client.post(_url(plan, obligations[0]), {
        "allocation": moved_from.pk, "obligation": obligations[1].pk, "amount": "200.00",
        "reason": "The 2025 program was funded by this payment."})
    assert response.status_code == 302
    moved = FulfilmentAllocation.objects.get(credit=moved_from.credit, obligation=obligations[1])
    assert moved.amount.amount == D("200.00") and moved.reason.startswith("The 2025 program")
    moved_from.refresh_from_db()
    assert moved_from.amount.amount == D("300.00")


def _other_plans_obligation():
    other = PlanFactory()
    member_months(other, 2025, {"Imperial": 1}, months=1)
    return services.obligation_compute(actor=SETUP, financial_year=year(other, 2025, "20000.00"),
                                       policy_code="CA-DHCS")


def _superseded(plan):  # noqa: F811
    frozen = _frozen_obligation(plan)
    services.financial_year_amend(actor=SETUP, financial_year=frozen.financial_year, reason="Restated",
                                  net_income=D("4000.00"))
    frozen.refresh_from_db()
    assert frozen.status == "superseded"
    return frozen


def bad_case(case, plan, obligations, qtf):  # noqa: F811
    """(target obligation, amount, reason, the field whose error says why; None: 404)."""
    target, amount, reason = obligations[1], "200.00", "a reason"
    if case == "above_what_is_left":
        return target, "500.01", reason, "amount"
    if case == "other_plan":
        return _other_plans_obligation(), amount, reason, None
    if case == "frozen":
        return _frozen_obligation(plan), amount, reason, "obligation"
    if case == "superseded":
        return _superseded(plan), amount, reason, "obligation"
    if case == "premium_from_community":
        return qtf, amount, reason, "obligation"
    return target, amount, "   ", "reason"


CASES = ["above_what_is_left", "other_plan", "frozen", "superseded", "premium_from_community", "empty_reason"]


@pytest.mark.parametrize("case", CASES)
def test_bad_moves_are_refused_beside_the_field_and_write_nothing(client, plan, finance, obligations, qtf,  # noqa: F811
                                                                  moved_from, case):
    target, amount, reason, field = bad_case(case, plan, obligations, qtf)
    client.force_login(finance)
    before = state()
    response = client.post(_url(plan, obligations[0]), {
        "allocation": moved_from.pk, "obligation": target.pk, "amount": amount, "reason": reason})
    assert state() == before
    if field is None:
        assert response.status_code == 404
        return
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == [field], errors
    assert f'id="id_{field}"' in response.content.decode()


def test_compliance_staff_see_the_allocations_but_may_not_move(client, plan, obligations, moved_from):  # noqa: F811
    client.force_login(member(Role.PLAN_COMPLIANCE, plan))
    page = client.get(_url(plan, obligations[0]))
    assert page.status_code == 200 and "Move the amount" not in page.content.decode()
    before = state()
    response = client.post(_url(plan, obligations[0]), {
        "allocation": moved_from.pk, "obligation": obligations[1].pk, "amount": "1.00", "reason": "x"})
    assert response.status_code == 404 and state() == before


def test_another_plans_allocations_page_is_404(client, plan, finance):  # noqa: F811
    other = _other_plans_obligation()
    client.force_login(finance)
    assert client.get(_url(plan, other)).status_code == 404
    assert client.get(reverse("reinvestment:allocations", args=[other.plan.code, other.pk])).status_code == 404
    assert Obligation.objects.filter(pk=other.pk).exists()
