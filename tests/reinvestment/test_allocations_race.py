"""Two people allocating the last dollars of one payment at once: the credit row lock lets exactly one through."""

import datetime as dt
import threading
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from organizations.actors import SETUP
from reinvestment import services
from reinvestment.models import FulfilmentAllocation
from tests.organizations.factories import member
from tests.reinvestment.factories import PlanFactory, county, financial_year, member_months
from tests.reinvestment.test_allocations_defects import _line


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_allocations_of_the_last_dollars_allocate_them_once():
    plan = PlanFactory()
    member_months(plan, 2024, {"Imperial": 100}, months=1)
    obligations = [
        services.obligation_compute(
            actor=SETUP, policy_code="CA-DHCS",
            financial_year=financial_year(plan, y, revenue="1000000.00", net_income="10000.00",
                                          **_line("medi-cal")))
        for y in (2024, 2025, 2026)
    ]  # 500.00 each
    credit = services.obligation_credit_record(
        actor=SETUP, plan=plan, county_amounts={county("Imperial"): D("700.00")}, credited_on=dt.date(2027, 2, 1),
        source="fund_contribution", reference="race", income_year=2024)[0]  # 500.00 to 2024, 200.00 left
    people = [member("plan_finance", plan), member("plan_finance", plan)]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def allocate(actor, obligation):
        try:
            barrier.wait(timeout=10)
            services.allocation_create(actor=actor, credit=credit, obligation=obligation, amount="200.00",
                                       reason="The last of the payment")
            outcomes.append("allocated")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=allocate, args=(person, o)) for person, o in zip(people, obligations[1:], strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)

    assert sorted(outcomes) == ["allocated", "refused"]
    rows = FulfilmentAllocation.objects.filter(credit=credit)
    assert sum(a.amount.amount for a in rows) == D("700.00")
    assert rows.count() == 2
