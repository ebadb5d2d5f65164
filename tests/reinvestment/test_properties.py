"""Properties of the calculation and the county allocation (hypothesis, modest example counts)."""

from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from money import split_largest_remainder
from reinvestment.calculation import FinancialInputs, compute_obligation
from tests.reinvestment.test_calculation import CA

CENT = D("0.01")
# Amounts in cents up to $20B.
cents = st.integers(min_value=0, max_value=2_000_000_000_000).map(lambda c: D(c) * CENT)
signed_cents = st.integers(min_value=-500_000_000_000, max_value=2_000_000_000_000).map(lambda c: D(c) * CENT)


def total(revenue: D, net_income: D, quality_missed: bool = False) -> D:
    return compute_obligation(
        CA, FinancialInputs(revenue=revenue, net_income=net_income, quality_missed=quality_missed)
    ).total


@settings(max_examples=150, deadline=None)
@given(revenue=cents, a=signed_cents, b=signed_cents, missed=st.booleans())
def test_obligation_never_decreases_when_net_income_grows(revenue, a, b, missed):
    low, high = sorted([min(a, revenue), min(b, revenue)])
    assert total(revenue, low, missed) <= total(revenue, high, missed)


@settings(max_examples=150, deadline=None)
@given(revenue=st.integers(min_value=1, max_value=2_000_000_000_000).map(lambda c: D(c) * CENT))
def test_no_jump_at_the_bracket_boundary_beyond_a_cent(revenue):
    boundary = D("0.075") * revenue  # not rounded
    below = boundary.quantize(CENT, rounding="ROUND_FLOOR")
    above = below + CENT
    # Moving net income by one cent across the boundary moves the total by at most a cent.
    step = total(revenue, above) - total(revenue, below)
    assert D("0.00") <= step <= CENT


@settings(max_examples=100, deadline=None)
@given(revenue=cents, net_income=st.integers(min_value=-10**12, max_value=0).map(lambda c: D(c) * CENT),
       missed=st.booleans())
def test_zero_for_a_non_positive_basis(revenue, net_income, missed):
    assert total(revenue, net_income, missed) == D("0.00")


@settings(max_examples=150, deadline=None)
@given(revenue=cents, net_income=signed_cents)
def test_a_missed_quality_standard_never_lowers_it(revenue, net_income):
    net_income = min(net_income, revenue)
    assert total(revenue, net_income, quality_missed=True) >= total(revenue, net_income, quality_missed=False)


@settings(max_examples=150, deadline=None)
@given(revenue=cents, net_income=signed_cents, missed=st.booleans())
def test_printed_lines_add_up_to_the_total(revenue, net_income, missed):
    net_income = min(net_income, revenue)
    result = compute_obligation(CA, FinancialInputs(revenue=revenue, net_income=net_income, quality_missed=missed))
    assert sum(line.amount for line in result.lines) == result.total
    assert all(line.amount == line.amount.quantize(CENT) for line in result.lines)


@settings(max_examples=200, deadline=None)
@given(
    amount=st.integers(min_value=0, max_value=10**13).map(lambda c: D(c) * CENT),
    member_months=st.dictionaries(
        st.sampled_from(["06025", "06065", "06073", "06037", "06001", "06019"]),
        st.integers(min_value=0, max_value=50_000_000), min_size=1,
    ).filter(lambda d: sum(d.values()) > 0),
)
def test_county_allocations_sum_exactly_to_the_total(amount, member_months):
    parts = split_largest_remainder(amount, member_months)
    assert sum(parts.values()) == amount
    assert all(p >= 0 and p == p.quantize(CENT) for p in parts.values())
    assert all(parts[k] == 0 for k, w in member_months.items() if w == 0)
