"""Member months per line of business: each line's counts are kept apart and weigh only its own
obligations; bad lines are refused and write nothing."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEvent
from organizations.actors import SETUP
from reinvestment import selectors, services
from reinvestment.models import MemberMonth
from tests.reinvestment.factories import PlanFactory, final_year, financial_year, line

pytestmark = pytest.mark.django_db


def _rows(plan, counts, line_code=""):
    return [{"plan": plan.code, "county": name, "month": "2024-03", "member_months": str(n),
             **({"line_of_business": line_code} if line_code else {})} for name, n in counts.items()]


@pytest.fixture
def plan():
    return PlanFactory(code="plan-mm", jurisdiction="CA")


def test_each_line_keeps_its_own_counts(plan):
    services.member_months_import(actor=SETUP, plan=plan, year=2024, rows=_rows(plan, {"Imperial": 100}))
    services.member_months_import(actor=SETUP, plan=plan, year=2024,
                                  rows=_rows(plan, {"Imperial": 7, "Riverside": 9}, "covered-california"))
    # a new Medi-Cal count replaces the Medi-Cal row only
    report = services.member_months_import(actor=SETUP, plan=plan, year=2024, rows=_rows(plan, {"Imperial": 120}))
    assert report.written == 1 and report.lines() == ["line 2: OK Imperial 2024-03: 120"]
    by_line = {(m.line_of_business.code, m.county.name): m.member_months
               for m in MemberMonth.objects.filter(plan=plan).select_related("line_of_business", "county")}
    assert by_line == {("medi-cal", "Imperial"): 120, ("covered-california", "Imperial"): 7,
                       ("covered-california", "Riverside"): 9}
    imperial = MemberMonth.objects.filter(plan=plan, line_of_business=line("medi-cal")).get().county_id
    assert selectors.member_months_by_county(plan=plan, year=2024, line_of_business=line("medi-cal")) == {
        imperial: 120}
    assert sum(selectors.member_months_by_county(plan=plan, year=2024).values()) == 136  # every line


def test_a_row_written_without_a_line_is_the_plans_medicaid_line(plan):
    from tests.reinvestment.factories import member_months

    member_months(plan, 2024, {"Imperial": 5}, months=1)
    assert MemberMonth.objects.get(plan=plan).line_of_business.code == "medi-cal"


@pytest.mark.parametrize(("code", "message"), [
    ("no-such-line", "line of business 'no-such-line' is not one plan-mm keeps figures for"),
])
def test_an_unknown_line_is_refused_and_nothing_is_written(plan, code, message):
    before = MemberMonth.objects.count(), AuditEvent.objects.count()
    with pytest.raises(services.MemberMonthImportError) as refused:
        services.member_months_import(actor=SETUP, plan=plan, year=2024,
                                      rows=_rows(plan, {"Imperial": 1, "Riverside": 2}, code))
    assert refused.value.report.lines()[0] == f"line 2: ERROR {message}"
    assert (MemberMonth.objects.count(), AuditEvent.objects.count()) == before
    with pytest.raises(ValidationError, match="No line of business “nope”"):
        services.member_months_import(actor=SETUP, plan=plan, year=2024, rows=_rows(plan, {"Imperial": 1}),
                                      line_of_business="nope")
    assert (MemberMonth.objects.count(), AuditEvent.objects.count()) == before


def test_a_locked_line_refuses_its_own_counts_but_not_another_lines(plan, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    final_year(plan, 2024)  # Medi-Cal locked
    qtf = financial_year(plan, 2024, line_of_business="covered-california", revenue="50000000.00",
                         net_income="1000000.00", gross_premium=D("40000000.00"), quality_standards_met=False,
                         quality_measures_missed=["col"])
    obligation = services.obligation_compute(actor=SETUP, financial_year=qtf, policy_code="CC-QTF")
    assert not obligation.allocations.exists()  # no Covered California members yet
    before = MemberMonth.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ValidationError, match=r"Income year 2024 \(Medi-Cal\) is locked"):
        services.member_months_import(actor=SETUP, plan=plan, year=2024, rows=_rows(plan, {"Imperial": 1}))
    assert (MemberMonth.objects.count(), AuditEvent.objects.count()) == before
    services.member_months_import(actor=SETUP, plan=plan, year=2024,
                                  rows=_rows(plan, {"Riverside": 40}, "covered-california"))
    obligation.refresh_from_db()  # recomputed on the line's own members
    assert [(a.county.name, a.amount.amount) for a in obligation.allocations.select_related("county")] == [
        ("Riverside", obligation.total.amount)]
