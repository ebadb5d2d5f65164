"""Credits of many payments at once: the rules of single credits, all or nothing."""

import datetime
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from audit.models import AuditEvent
from organizations.actors import SETUP
from reinvestment import services
from reinvestment.models import ObligationCredit
from reinvestment.services.credits import (
    CreditBatchError,
    CreditRequest,
    obligation_credits_record_bulk,
)
from tests.reinvestment.factories import PlanFactory, county, financial_year, member_months

pytestmark = pytest.mark.django_db
IN_BOTH = datetime.date(2028, 6, 1)  # inside the CA-DHCS windows of 2024 (2027..2029) and 2025 (2028..2030)


def state():
    return ObligationCredit.objects.count(), AuditEvent.objects.count()


@pytest.fixture
def plan():
    p = PlanFactory()
    member_months(p, 2024, {"Imperial": 100, "Riverside": 300})
    y24 = financial_year(p, 2024, revenue="1000000.00", net_income="10000.00")  # obligation 500.00
    y25 = financial_year(p, 2025, revenue="1000000.00", net_income="20000.00")
    for y in (y24, y25):
        services.obligation_compute(actor=SETUP, financial_year=y, policy_code="CA-DHCS")
    return p


def requests():
    return [
        CreditRequest(county_amounts={county("Imperial"): D("300.00"), county("Riverside"): D("100.00")},
                      credited_on=IN_BOTH, source="fund_contribution", reference="ref:1"),
        CreditRequest(county_amounts={county("Imperial"): D("100.00")}, credited_on=IN_BOTH,
                      source="fund_contribution", reference="ref:2"),  # 2024 is now met
        CreditRequest(county_amounts={county("Riverside"): D("100.00")}, credited_on=IN_BOTH,
                      source="direct_investment", reference="ref:3", domain="food"),
        CreditRequest(county_amounts={county("Imperial"): D("1.00")}, credited_on=datetime.date(2026, 1, 1),
                      source="fund_contribution", reference="ref:4"),  # outside every window: newest year
        CreditRequest(county_amounts={county("Imperial"): D("2.00")}, credited_on=IN_BOTH,
                      source="fund_contribution", reference="ref:5", income_year=2024),  # explicit year wins
    ]


def written():
    return sorted(
        (c.source, c.reference, c.county.name, c.amount.amount, c.income_year, c.credited_on, c.domain)
        for c in ObligationCredit.objects.select_related("county")
    ), sorted(AuditEvent.objects.filter(action="reinvestment.credit.record").values_list("organization_id", "object_repr"))


class _Undo(Exception):
    pass


def test_bulk_writes_what_single_calls_write_including_the_income_year_rule(plan):
    with pytest.raises(_Undo), transaction.atomic():
        for r in requests():
            services.obligation_credit_record(
                actor=SETUP, plan=plan, county_amounts=r.county_amounts, credited_on=r.credited_on, source=r.source,
                reference=r.reference, domain=r.domain, income_year=r.income_year)
        singles = written()
        raise _Undo

    result = obligation_credits_record_bulk(actor=SETUP, plan=plan, requests=requests())

    assert written() == singles
    assert [[c.income_year for c in credits] for credits in result] == [[2024, 2024], [2024], [2025], [2025], [2024]]
    assert [c.county.name for c in result[0]] == ["Imperial", "Riverside"]


def test_recorded_references_are_returned_not_written_again(plan):
    first = obligation_credits_record_bulk(actor=SETUP, plan=plan, requests=requests()[:2])
    before = state()
    again = obligation_credits_record_bulk(actor=SETUP, plan=plan, requests=requests()[:2] + requests()[:1])
    assert [[c.pk for c in r] for r in again] == [[c.pk for c in r] for r in first] + [[c.pk for c in first[0]]]
    assert state() == before


def test_bad_requests_are_each_named_and_nothing_is_written(plan):
    bad = requests()
    bad[1] = CreditRequest(county_amounts={county("Imperial"): D("-1.00")}, credited_on=IN_BOTH,
                           source="fund_contribution", reference="ref:bad-amount")
    bad[3] = CreditRequest(county_amounts={county("Imperial"): D("1.00")}, credited_on=IN_BOTH,
                           source="gift", reference="ref:bad-source")
    before = state()
    with pytest.raises(CreditBatchError) as err:
        obligation_credits_record_bulk(actor=SETUP, plan=plan, requests=bad)
    assert list(err.value.errors) == [1, 3]
    assert "county_amounts" in err.value.errors[1].message_dict
    assert "source" in err.value.errors[3].message_dict
    assert state() == before


def test_a_reference_of_another_plan_refuses_the_whole_call(plan):
    obligation_credits_record_bulk(actor=SETUP, plan=plan, requests=requests()[:1])
    other = PlanFactory()
    financial_year(other, 2024)
    before = state()
    with pytest.raises(ValidationError, match="another plan"):
        obligation_credits_record_bulk(actor=SETUP, plan=other, requests=requests()[3:4] + requests()[:1])
    assert state() == before


def _many(n, tag):
    return [CreditRequest(county_amounts={county("Imperial"): D("1.00"), county("Riverside"): D("2.00")},
                          credited_on=IN_BOTH, source="fund_contribution", reference=f"{tag}:{i}")
            for i in range(n)]


def test_bulk_query_count_does_not_grow(plan, django_assert_num_queries):
    obligation_credits_record_bulk(actor=SETUP, plan=plan, requests=_many(1, "warm"))
    small, large = _many(2, "small"), _many(40, "large")
    # plan currency, savepoint, plan lock, existing credits, the plan's obligations with what
    # they still need and their allocation rules, credits INSERT, allocations INSERT, release
    # (the audit rows go in by COPY)
    with django_assert_num_queries(8) as few:
        obligation_credits_record_bulk(actor=SETUP, plan=plan, requests=small)
    with django_assert_num_queries(len(few.captured_queries)):
        obligation_credits_record_bulk(actor=SETUP, plan=plan, requests=large)
    assert ObligationCredit.objects.filter(reference__startswith="large:").count() == 80
    assert AuditEvent.objects.filter(action="reinvestment.credit.record").count() == 86
