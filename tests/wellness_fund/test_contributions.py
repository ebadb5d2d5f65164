import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from moneyed import Money

from audit.models import AuditEvent
from organizations import access
from organizations.access import AccessDenied
from organizations.actors import SETUP
from reinvestment.models import ObligationCredit
from tests.organizations.factories import member
from tests.wellness_fund import factories as f
from wellness_fund import services
from wellness_fund.models import (
    ContributionAgreement,
    ContributionPayment,
    ContributionStatement,
    LedgerLeg,
    LedgerTransaction,
)
from wellness_fund.selectors import contributions_by_source, fund_balances, statements_due

pytestmark = pytest.mark.django_db
D = Decimal
JAN = dt.date(2026, 1, 1)


def _counts():
    return (ContributionPayment.objects.count(), LedgerTransaction.objects.count(), LedgerLeg.objects.count(),
            ObligationCredit.objects.count(), AuditEvent.objects.count())


def _statements():
    return ContributionStatement.objects.count(), AuditEvent.objects.count()


def test_imperial_style_quarterly_statement_matches_a_hand_calculation():
    # given a fund serving Imperial, and a plan also enrolled in Riverside (not served)
    plan = f.plan()
    fund = f.fund(counties=("Imperial",))
    for month, count in ((1, 10_001), (2, 10_050), (3, 9_987), (4, 50_000)):
        f.member_months(plan, "Imperial", dt.date(2026, month, 1), count)
        f.member_months(plan, "Riverside", dt.date(2026, month, 1), 5_000)
    agr = f.agreement(fund, plan, frequency="quarterly", pmpm_rate="1.2500", revenue_share_percent="3.0000")

    # when the first quarter's statement is issued with the plan's shareable revenue
    st = services.statement_issue(actor=SETUP, agreement=agr, period_start=JAN, shareable_revenue=D("1234567.89"))

    # then: member months 10,001 + 10,050 + 9,987 = 30,038 (Imperial, Jan-Mar only)
    assert st.member_months == 30_038
    assert st.period_end == dt.date(2026, 3, 31)
    # 30,038 x $1.25 = $37,547.50
    assert st.pmpm_amount == Money("37547.50", "USD")
    # 3% x $1,234,567.89 = $37,037.0367 -> $37,037.04 (half up)
    assert st.revenue_share_amount == Money("37037.04", "USD")
    # $37,547.50 + $37,037.04 = $74,584.54
    assert st.expected_amount == Money("74584.54", "USD")
    assert st.due_on == dt.date(2026, 4, 30)
    assert {line.county.name: line.member_months for line in st.lines.all()} == {"Imperial": 30_038}


def test_only_the_plans_medicaid_member_months_raise_the_contribution():
    # given Imperial members on Medi-Cal and on a Covered California product of the same plan
    from reinvestment.models import LineOfBusiness, MemberMonth

    plan = f.plan()
    fund = f.fund(counties=("Imperial",))
    f.member_months(plan, "Imperial", JAN, 10_000)
    MemberMonth.objects.create(plan=plan, county=f.county("Imperial"), month=JAN, member_months=4_000,
                               line_of_business=LineOfBusiness.objects.get(code="covered-california"))
    agr = f.agreement(fund, plan, pmpm_rate="1.0000")
    # when January's statement is issued
    st = services.statement_issue(actor=SETUP, agreement=agr, period_start=JAN)
    # then only the Medi-Cal member months count
    assert st.member_months == 10_000
    assert st.pmpm_amount == Money("10000.00", "USD")


def test_misaligned_or_repeated_period_is_refused():
    plan = f.plan()
    fund = f.fund()
    agr = f.agreement(fund, plan, frequency="quarterly")
    before = _statements()
    with pytest.raises(ValidationError, match="start every 3"):
        services.statement_issue(actor=SETUP, agreement=agr, period_start=dt.date(2026, 2, 1))
    assert _statements() == before
    services.statement_issue(actor=SETUP, agreement=agr, period_start=JAN)
    before = _statements()
    with pytest.raises(ValidationError, match="already issued"):
        services.statement_issue(actor=SETUP, agreement=agr, period_start=JAN)
    assert _statements() == before


def test_fixed_schedule_statement():
    plan = f.plan()
    fund = f.fund()
    agr = f.agreement(fund, plan, basis="fixed", fixed_amount="2500.00", pmpm_rate="0")
    st = services.statement_issue(actor=SETUP, agreement=agr, period_start=dt.date(2026, 2, 1))
    assert st.expected_amount == Money("2500.00", "USD")
    assert st.period_end == dt.date(2026, 2, 28)


def _two_county_setup():
    plan = f.plan()
    fund = f.fund(counties=("Riverside", "San Diego"))
    f.member_months(plan, "Riverside", JAN, 3)
    f.member_months(plan, "San Diego", JAN, 1)
    agr = f.agreement(fund, plan, pmpm_rate="25.0000")
    st = services.statement_issue(actor=SETUP, agreement=agr, period_start=JAN)  # 4 x $25 = $100.00
    return plan, fund, agr, st


def test_payment_posts_to_the_ledger_and_credits_the_obligation_by_county():
    plan, fund, agr, st = _two_county_setup()
    finance = member("plan_finance", plan)

    payment = services.contribution_payment_record(
        actor=finance, agreement=agr, amount=D("100.01"), received_on=dt.date(2026, 2, 10),
        bank_reference="WIRE-1", income_year=2025,
    )

    assert payment.statement == st
    balances = {row["restriction"]: row for row in fund_balances(fund=fund)}
    assert balances["general"]["cash"] == D("100.01")
    assert balances["general"]["available"] == D("100.01")
    credits = {c.county.name: c.amount for c in ObligationCredit.objects.filter(plan=plan)}
    # 100.01 x 3/4 = 75.0075, x 1/4 = 25.0025: floors 75.00 + 25.00, the spare cent to the larger remainder
    assert credits == {"Riverside": Money("75.01", "USD"), "San Diego": Money("25.00", "USD")}
    row = statements_due(fund=fund, today=dt.date(2026, 6, 1))[0]
    assert (row["expected"], row["paid"], row["variance"], row["overdue"]) == (D("100.00"), D("100.01"), D("0.01"), False)
    assert contributions_by_source(fund=fund, start=JAN, end=dt.date(2026, 12, 31))[0]["amount"] == D("100.01")


def test_same_bank_reference_twice_returns_the_first_and_posts_nothing():
    plan, fund, agr, st = _two_county_setup()
    first = services.contribution_payment_record(
        actor=SETUP, agreement=agr, amount=D("40.00"), received_on=dt.date(2026, 2, 10), bank_reference="WIRE-7",
        income_year=2025)
    before = _counts()
    again = services.contribution_payment_record(
        actor=SETUP, agreement=agr, amount=D("40.00"), received_on=dt.date(2026, 2, 11), bank_reference=" WIRE-7 ",
        income_year=2025)
    assert again.pk == first.pk
    assert _counts() == before


def test_underpaid_statement_past_due_is_overdue_with_negative_variance():
    plan, fund, agr, st = _two_county_setup()
    services.contribution_payment_record(actor=SETUP, agreement=agr, amount=D("60.00"), received_on=dt.date(2026, 2, 10),
                                         bank_reference="W-1", income_year=2025)
    rows = statements_due(fund=fund, today=dt.date(2026, 3, 3), only_open=True)
    assert [(r["variance"], r["overdue"]) for r in rows] == [(D("-40.00"), True)]  # due 2026-03-02
    assert statements_due(fund=fund, today=dt.date(2026, 3, 2))[0]["overdue"] is False


@pytest.mark.parametrize("amount", [D("0"), D("-1.00"), Money("10.00", "EUR"), D("0.001")])
def test_bad_payment_amount_writes_nothing(amount):
    plan, fund, agr, st = _two_county_setup()
    before = _counts()
    with pytest.raises(ValidationError) as err:
        services.contribution_payment_record(actor=SETUP, agreement=agr, amount=amount, received_on=dt.date(2026, 2, 10),
                                             bank_reference="W-bad", income_year=2025)
    assert "amount" in err.value.message_dict
    assert _counts() == before


def test_payment_on_a_closed_agreement_writes_nothing():
    plan, fund, agr, st = _two_county_setup()
    services.agreement_close(actor=SETUP, agreement=agr, ends_on=dt.date(2026, 1, 31))
    before = _counts()
    with pytest.raises(ValidationError, match="closed"):
        services.contribution_payment_record(actor=SETUP, agreement=agr, amount=D("5.00"),
                                             received_on=dt.date(2026, 2, 10), bank_reference="W-2", income_year=2025)
    assert _counts() == before


def test_payment_dated_in_a_closed_period_writes_nothing():
    plan, fund, agr, st = _two_county_setup()
    services.fiscal_period_close(actor=SETUP, fund=fund, start=JAN, end=dt.date(2026, 1, 31))
    before = _counts()
    with pytest.raises(ValidationError, match="closed fiscal period"):
        services.contribution_payment_record(actor=SETUP, agreement=agr, amount=D("5.00"),
                                             received_on=dt.date(2026, 1, 30), bank_reference="W-3", income_year=2025)
    assert _counts() == before


def test_another_plans_finance_staff_may_not_record_nor_see_the_agreement():
    plan, fund, agr, st = _two_county_setup()
    stranger = member("plan_finance", f.plan())
    before = _counts()
    with pytest.raises(AccessDenied):
        services.contribution_payment_record(actor=stranger, agreement=agr, amount=D("5.00"),
                                             received_on=dt.date(2026, 2, 10), bank_reference="W-4", income_year=2025)
    assert _counts() == before
    with pytest.raises(Http404):
        access.get_object_or_404(stranger, "view", ContributionAgreement.objects.all(), pk=agr.pk)
    assert statements_due(user=stranger) == []
    own = member("plan_finance", plan)
    assert access.get_object_or_404(own, "view", ContributionAgreement.objects.all(), pk=agr.pk) == agr
    assert [r["statement_id"] for r in statements_due(user=own)] == [st.pk]


def test_fund_admin_and_board_see_the_fund_other_ach_does_not():
    from wellness_fund.models import WellnessFund

    fund = f.fund()
    assert access.can(member("board_member", fund.ach), "view", fund)
    assert access.can(member("fund_admin", fund.ach), "view", fund)
    assert not access.can(member("fund_admin", f.ach()), "view", fund)
    with pytest.raises(Http404):
        access.get_object_or_404(member("board_member", f.ach()), "view", WellnessFund.objects.all(), pk=fund.pk)


def test_statements_due_query_count_is_fixed(django_assert_num_queries):
    plan = f.plan()
    fund = f.fund()
    agr = f.agreement(fund, plan)
    services.statement_issue(actor=SETUP, agreement=agr, period_start=JAN)
    user = member("plan_finance", plan)
    access.forget(user)
    with django_assert_num_queries(2):  # memberships (cached after), statements with paid sums
        statements_due(user=user)
    for month in range(2, 7):
        services.statement_issue(actor=SETUP, agreement=agr, period_start=dt.date(2026, month, 1))
    access.forget(user)
    with django_assert_num_queries(2):
        assert len(statements_due(user=user)) == 6
