"""The allocations API: an obligation's allocations with their sources in words, and moving an
amount to another obligation with a reason (``run_action``); bad input refused, nothing written."""

from decimal import Decimal as D

import pytest

from organizations.models import Role
from reinvestment.models import FulfilmentAllocation
from tests.api.factories import token_client
from tests.organizations.factories import member
from tests.reinvestment.test_allocations import obligations, plan, qtf, state  # noqa: F401  (fixtures)
from tests.reinvestment.test_allocations_defects import _fund_payment
from tests.web.test_allocation_pages import CASES, _other_plans_obligation, bad_case, moved_from  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(plan):  # noqa: F811
    return token_client(member(Role.PLAN_FINANCE, plan))


def _move(api, allocation, target, amount="200.00", reason="Funded the 2025 program."):  # noqa: F811
    return api.post(f"/api/allocations/{allocation.pk}/move/", {
        "obligation": target.pk, "amount": {"amount": amount, "currency": "USD"}, "reason": reason}, format="json")


def test_an_obligations_allocations_name_their_source_in_words(api, plan, obligations):  # noqa: F811
    fund, payment = _fund_payment(plan)
    body = api.get(f"/api/obligations/{obligations[0].pk}/allocations/").json()
    assert body["obligation"] == obligations[0].pk
    assert body["allocated"] == {"amount": "300.00", "currency": "USD"}
    assert D(body["required"]["amount"]) - D("300.00") == D(body["remaining"]["amount"])
    row = body["allocations"][0]
    assert row["source"] == f"Contribution payment of Feb. 10, 2027 to {fund.name}" and row["automatic"] is True


def test_another_plans_obligation_allocations_are_404(api):
    other = _other_plans_obligation()
    assert api.get(f"/api/obligations/{other.pk}/allocations/").status_code == 404


def test_moving_an_amount(api, obligations, moved_from):  # noqa: F811
    response = _move(api, moved_from, obligations[1])
    assert response.status_code == 200, response.content
    assert response.json()["obligation"] == obligations[1].pk and response.json()["reason"].startswith("Funded")
    assert FulfilmentAllocation.objects.get(pk=moved_from.pk).amount.amount == D("300.00")


@pytest.mark.parametrize("case", CASES)
def test_bad_moves_are_refused_and_write_nothing(api, plan, obligations, qtf, moved_from, case):  # noqa: F811
    target, amount, reason, field = bad_case(case, plan, obligations, qtf)
    before = state()
    response = _move(api, moved_from, target, amount, reason)
    assert state() == before
    if field is None:
        assert response.status_code == 404
        return
    assert response.status_code in (400, 409), response.content
    assert field in response.json()["error"]["fields"], response.json()


def test_another_plans_allocation_is_404_and_compliance_may_not_move(plan, obligations, moved_from):  # noqa: F811
    other = _other_plans_obligation()
    stranger = token_client(member(Role.PLAN_FINANCE, other.plan))
    compliance = token_client(member(Role.PLAN_COMPLIANCE, plan))
    before = state()
    assert _move(stranger, moved_from, other).status_code == 404
    assert _move(compliance, moved_from, obligations[1]).status_code == 403
    assert state() == before
